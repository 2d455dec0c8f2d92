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
    page.wait_for_function("window.dieuhanhNumbers !== undefined && window.dieuhanhNumbers.locale === 'en-GB'")  # the English page's scripts
    assert page.evaluate(SAMPLES) == ["46.5", "1,234.5", "0.00", "—", "46.5 %", "83.33 %"]
