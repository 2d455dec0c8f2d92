"""A ward's reporter enters a value and submits; the ward's leader approves; the value shows on the indicator page."""

import pytest
from playwright.sync_api import expect


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_submit_approve_and_see_it_on_the_indicator_page(page, browser, live_server, registry, make_user, sign_in):
    make_user("canbo.benthanh", "26743", "reporter")
    make_user("lanhdao.benthanh", "26743", "approver")

    sign_in(page, "canbo.benthanh")
    page.goto("/units/26743/data/2025/")
    page.locator("#v-HS_TIEPNHAN").fill("12.345")
    page.locator("#v-HS_TRUCTUYEN").fill("8.000")
    page.locator("#v-HS_DUNGHAN").fill("98,7")
    page.locator("button[name=submit]").click()
    expect(page.locator("#approval-status")).to_have_text("Đã gửi, chờ phê duyệt")
    expect(page.locator("#v-HS_TIEPNHAN")).to_be_disabled()

    leader = browser.new_context(base_url=live_server.url).new_page()
    sign_in(leader, "lanhdao.benthanh")
    leader.goto("/units/26743/data/2025/")
    leader.locator("form[action$='/approve/'] button").click()
    expect(leader.locator("#approval-status")).to_have_text("Đã phê duyệt")

    leader.goto("/indicators/TYLE_TT/?unit=26743")
    row = leader.locator("table tbody tr").first
    expect(row).to_contain_text("Năm 2025")
    expect(row).to_contain_text("64,8")  # 8.000 ÷ 12.345 × 100, computed by the formula from approved values
    expect(row).to_contain_text("✓")
    leader.goto("/indicators/HS_TIEPNHAN/?unit=79")
    expect(leader.locator("table tbody tr").first).to_contain_text("12.345")  # the city's roll-up of its wards
    leader.context.close()
