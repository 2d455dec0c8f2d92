"""A person signs in, switches the language and finds a ward by typing its name without diacritics."""

import re

import pytest
from playwright.sync_api import expect


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_language_and_find_a_ward_without_diacritics(page, hcmc, make_user, sign_in):
    make_user("canbo.benthanh", "26743", "reporter", full_name="Đỗ Ngọc Báo")
    sign_in(page, "canbo.benthanh")
    expect(page.locator(".who")).to_have_text("Đỗ Ngọc Báo")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Units", exact=True)).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.get_by_role("navigation").get_by_role("link", name="Đơn vị", exact=True).click()
    page.get_by_label(re.compile("Tìm kiếm đơn vị")).press_sequentially("phuong ben thanh", delay=20)
    result = page.locator("#search-results").get_by_role("link", name="Phường Bến Thành")
    expect(result).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=phuong(\+|%20)ben(\+|%20)thanh"))  # HTMX pushed the search into the address
    result.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phường Bến Thành")
    expect(page.get_by_text("26743", exact=True)).to_be_visible()


def test_home_is_the_city_summary_and_the_city_page_draws_its_chart_with_the_locally_served_echarts(page, hcmc, make_user, sign_in):
    make_user("xem", "79", "viewer")
    sign_in(page, "xem")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan thành phố")
    page.screenshot(path="var/screenshot-home.png", full_page=True)
    page.goto("/units/79/")
    expect(page.locator("#composition-chart svg")).to_be_visible()
    expect(page.get_by_role("heading", name="Thành phố Hồ Chí Minh")).to_be_visible()


def test_the_unit_tree_expands_with_the_keyboard(page, hcmc, make_user, sign_in):
    make_user("xem", "79", "viewer")
    sign_in(page, "xem")
    page.goto("/units/")
    # The toggle works through HTMX: wait until the page and its scripts have loaded before pressing it
    page.wait_for_load_state("networkidle")
    # The tree starts at the person's city, its units listed; a department opens to show the bodies under it.
    department = page.locator("li[role=treeitem]:has(> a:text-is('Sở Khoa học và Công nghệ'))")
    toggle = department.locator("> button.toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    body = department.get_by_role("link", name="Trung tâm Chuyển đổi số Thành phố")
    expect(body).to_be_visible()
    expect(department).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Enter")  # fold again
    expect(body).to_be_hidden()
    expect(department).to_have_attribute("aria-expanded", "false")
