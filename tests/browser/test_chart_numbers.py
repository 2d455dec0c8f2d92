"""Charts and scripts write numbers as the page's language does (dieuhanh/numbers.js), in a real Chromium."""

import pytest
from playwright.sync_api import expect


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = """() => {
  const n = window.dieuhanhNumbers;
  return [n.number("46.50"), n.number(1234.5), n.number(-0.001, 2), n.number(null), n.percent(46.5, 1), n.rate(0.8333, 2)];
}"""


def test_chart_numbers_follow_the_language_of_the_page(page, hcmc, make_user, sign_in):
    make_user("canbo.sothap", "26743", "reporter")
    sign_in(page, "canbo.sothap")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.wait_for_function("window.dieuhanhNumbers !== undefined")  # the page's scripts have run
    # decimals reach charts as text ("46.50"): shown "46,5", not "46.50"
    assert page.evaluate(SAMPLES) == ["46,5", "1.234,5", "0,00", "—", "46,5 %", "83,33 %"]

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state()  # the new page's lang shows before its scripts have run
    page.wait_for_function("window.dieuhanhNumbers !== undefined && window.dieuhanhNumbers.locale === 'en-GB'")  # the English page's scripts
    assert page.evaluate(SAMPLES) == ["46.5", "1,234.5", "0.00", "—", "46.5 %", "83.33 %"]


def test_what_a_screen_reader_hears_of_a_chart_is_in_vietnamese_with_vietnamese_numbers(page, registry, make_user, sign_in):
    # ECharts' own description is English with "36.36" ("This is a chart… the data for 2025 is 0, 36.36").
    from decimal import Decimal

    from dieuhanh.indicators.models import Indicator
    from dieuhanh.indicators.services import target_set, value_set
    from tests.conftest import SYSTEM

    rate = Indicator.objects.get(code="HS_DUNGHAN")
    value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_TIEPNHAN"), unit=registry["26743"], period="2025", value=Decimal(1000))
    value_set(actor=SYSTEM, indicator=rate, unit=registry["26743"], period="2025", value=Decimal("96.36"))
    target_set(actor=SYSTEM, indicator=rate, unit=registry["26743"], year=2025, value=Decimal("97.5"))
    make_user("canbo.biendo", "26743", "approver")
    sign_in(page, "canbo.biendo")
    page.goto("/indicators/HS_DUNGHAN/?unit=26743")
    chart = page.locator("#indicator-chart")
    expect(chart).to_have_attribute("aria-label", "Biểu đồ. Giá trị — 2025: 96,36. Mục tiêu — 2025: 97,5. Năm gốc — không có số liệu.")
