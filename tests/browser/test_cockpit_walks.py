"""The steering committee's morning: open the cockpit, follow a red task, ask for an explanation; and a leader who
builds a dashboard with the keyboard alone and shares it with a ward, whose people then see it."""

import re

import pytest
from playwright.sync_api import expect

from tests.cockpit.conftest import small_plan  # noqa: F401  (the hand-counted plan)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_steering_user_follows_a_red_task_from_the_cockpit_and_requests_an_explanation(page, small_plan, sign_in):  # noqa: F811
    sign_in(page, "bcd")
    expect(page.get_by_role("heading", level=1)).to_have_text("Buồng điều hành của Ban Chỉ đạo")
    red = page.locator("#red_list")
    expect(red.get_by_role("heading", name="Nhiệm vụ có nguy cơ chậm")).to_be_visible()
    expect(red.locator("[data-count]")).to_have_text("3")
    expect(red.locator("tbody tr").first).to_contain_text("61")  # the latest first: task 4, 61 days late
    red.get_by_role("link", name="4", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhiệm vụ 4")
    page.get_by_text("Yêu cầu giải trình", exact=True).click()
    form = page.locator("form[action$='/explanation/']")
    form.get_by_label("Nội dung đề nghị đơn vị giải trình").fill("Đề nghị giải trình nguyên nhân chậm 61 ngày.")
    form.get_by_role("button", name="Gửi").click()
    expect(page.get_by_text("Đã gửi yêu cầu giải trình; đơn vị đã được thông báo.")).to_be_visible()
    expect(page.get_by_text("Đề nghị giải trình nguyên nhân chậm 61 ngày.")).to_be_visible()


def test_a_leader_builds_a_dashboard_with_the_keyboard_shares_it_with_a_ward_and_the_ward_sees_it(
        page, browser, live_server, hcmc, make_user, sign_in):
    make_user("lanhdao", "79", "steering", full_name="Lê Văn Lãnh Đạo")
    make_user("canbo.benthanh", "26743", "reporter")
    sign_in(page, "lanhdao")
    page.get_by_role("navigation").get_by_role("link", name="Bảng điều hành", exact=True).click()
    page.get_by_label("Tên bảng").focus()
    page.keyboard.type("Bảng theo dõi Bến Thành")
    page.get_by_role("button", name="Tạo").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng theo dõi Bến Thành")

    # Two widgets: the red list, then a small note.
    page.get_by_label("Khối thông tin", exact=True).select_option(label="Nhiệm vụ có nguy cơ chậm")
    page.get_by_role("button", name="Thêm", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("section.widget")).to_have_count(1)
    page.get_by_label("Khối thông tin", exact=True).select_option(label="Ghi chú")
    page.get_by_label("Kích thước", exact=True).select_option(label="Nhỏ")
    page.get_by_label("Nội dung (cho ghi chú)").focus()
    page.keyboard.type("Ưu tiên: hạ tầng số")
    page.get_by_role("button", name="Thêm", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("section.widget")).to_have_count(2)

    # After each change the keyboard focus is back on the widget's controls: Tab to "left", Enter; Tab to "large", Enter.
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Chuyển “Ghi chú” lên trên")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Chuyển “Ghi chú” sang trái")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("section.widget h2").first).to_have_text("Ghi chú")
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Chuyển “Ghi chú” lên trên")).to_be_focused()
    for _ in range(6):
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Kích thước của “Ghi chú”: Lớn")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("section.widget").first).to_have_class(re.compile("size-large"))
    expect(page.get_by_role("button", name="Kích thước của “Ghi chú”: Lớn")).to_have_attribute("aria-pressed", "true")
    page.wait_for_load_state("load")

    page.get_by_label("Chia sẻ (chỉ xem) với cán bộ của").select_option(value="26743")
    page.get_by_role("button", name="Chia sẻ", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Đã chia sẻ với Phường Bến Thành và các đơn vị trực thuộc (chỉ xem).")).to_be_visible()

    ward_context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    ward = ward_context.new_page()
    ward.set_default_timeout(15_000)
    try:
        sign_in(ward, "canbo.benthanh")
        ward.get_by_role("navigation").get_by_role("link", name="Bảng điều hành", exact=True).click()
        shared = ward.locator("#shared-dashboards")
        expect(shared).to_contain_text("Lê Văn Lãnh Đạo")
        shared.get_by_role("link", name="Bảng theo dõi Bến Thành").click()
        expect(ward.get_by_text("Do Lê Văn Lãnh Đạo chia sẻ (chỉ xem).")).to_be_visible()
        expect(ward.locator("section.widget h2")).to_have_text(["Ghi chú", "Nhiệm vụ có nguy cơ chậm"])
        expect(ward.get_by_text("Ưu tiên: hạ tầng số")).to_be_visible()
        expect(ward.locator(".widget-controls")).to_have_count(0)  # read only
    finally:
        ward_context.close()
