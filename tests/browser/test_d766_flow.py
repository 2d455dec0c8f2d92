"""A signed-in official opens the Decision 766 ranking, switches to the departments, opens a ward's scorecard and
drills down by channel; the numbers are those computed by hand in ``tests/dossiers/test_pages_api.py``."""

import re

import pytest
from playwright.sync_api import expect


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ranking_then_a_wards_scorecard(page, store, make_user, sign_in):
    make_user("xem.d766", "79", "viewer")
    sign_in(page, "xem.d766")
    page.get_by_role("navigation").get_by_role("link", name="Chỉ số phục vụ (QĐ 766)").click()

    # The latest month with dossiers is shown first: March 2026.
    expect(page.locator("#d766-span")).to_have_text("Tháng 3/2026")
    expect(page.locator("#d766-city .on-time")).to_have_text("87,50 %")  # 7 of the city's 8 dossiers
    expect(page.locator("#d766-communes-total .on-time")).to_have_text("83,33 %")
    first = page.locator("#d766-communes tbody tr").first
    expect(first).to_contain_text("Phường Bến Thành")
    expect(first.locator(".total")).to_have_text("90,32")
    expect(first.locator(".band")).to_have_text("xuất sắc")
    expect(page.locator("#d766-communes tr[data-code='26740'] .band")).to_have_text("trung bình")

    page.get_by_role("tab", name=re.compile("Sở, ban, ngành")).click()
    expect(page.locator("#d766-departments")).to_be_visible()
    expect(page.locator("#d766-communes")).to_be_hidden()
    expect(page.locator("#d766-departments tr[data-code='79.SKHCN'] .total")).to_have_text("95,59")

    # Another period by HTMX: February holds one dossier of Bến Thành, on time.
    page.locator("#d766-period-select").select_option("2026-02")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#d766-span")).to_have_text("Tháng 2/2026")
    expect(page).to_have_url(re.compile(r"period=2026-02"))
    expect(page.locator("#d766-communes tr[data-code='26743'] .on-time")).to_have_text("100,00 %")
    # Units without data come after the ranked ones, pages later: the search box finds one (without diacritics).
    page.get_by_label("Tìm đơn vị (gõ có hoặc không dấu)").fill("sai gon")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#d766-communes tr[data-code='26740']")).to_contain_text("Không có dữ liệu")
    expect(page.locator("#d766-communes tbody tr")).to_have_count(1)

    page.get_by_label("Tìm đơn vị (gõ có hoặc không dấu)").fill("")
    page.locator("#d766-period-select").select_option("2026-03")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#d766-span")).to_have_text("Tháng 3/2026")
    page.locator("#d766-communes").get_by_role("link", name="Phường Bến Thành").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Phường Bến Thành")
    expect(page.locator("#d766-unit-total .total")).to_have_text("90,32")
    expect(page.locator("#d766-unit-on-time")).to_have_text("75,00 %")
    expect(page.locator("#d766-trend svg")).to_be_visible()  # ECharts, served locally
    lost = page.locator("#d766-lost tbody tr")
    expect(lost.first).to_contain_text("2.1")
    expect(lost.first.locator(".lost")).to_have_text("5,00")
    expect(lost.first.locator(".shortfall")).to_have_text("1")  # the one overdue dossier
    expect(lost.nth(1)).to_contain_text("5.4")

    expect(page.locator("#d766-drill-procedure tr[data-key='1.000001'] .overdue")).to_have_text("1")
    page.get_by_role("tab", name="Theo kênh").click()
    expect(page.locator("#d766-drill-channel tr[data-key='2']")).to_contain_text("Trực tuyến")
    page.screenshot(path="var/screenshot-d766.png", full_page=True)
