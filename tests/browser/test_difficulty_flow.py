"""A ward raises a difficulty from its progress report; the steering committee assigns it to a department with a
deadline; the department answers; the steering committee closes it and the register counts it."""

import re

import pytest
from playwright.sync_api import expect

from dieuhanh.accounts.models import User
from dieuhanh.difficulties.models import Difficulty
from dieuhanh.plans.models import Task
from dieuhanh.plans.services import report_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, sign_in, username):
    page = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, username)
    return page


def test_a_ward_raises_the_steering_committee_assigns_a_department_answers(page, browser, live_server, plan, make_user, sign_in):
    make_user("canbo.benthanh", "26743", "reporter")
    make_user("bcd.thuongtruc", "79", "steering")
    make_user("canbo.skhcn", "79.SKHCN", "reporter")
    task = Task.objects.get(code="4.2")
    report_save(actor=User.objects.get(username="canbo.benthanh"), task=task, period="2026-11", percent=40, submit=True,
                difficulties="- Thiếu máy tính tại điểm học kỹ năng số", proposals="- Đề nghị Sở hỗ trợ 20 máy tính")

    # the ward's reporter turns the report's text into an item of the register
    sign_in(page, "canbo.benthanh")
    page.goto(f"/tasks/{task.pk}/")
    page.get_by_role("link", name="Đưa vào sổ theo dõi khó khăn, vướng mắc").click()
    expect(page.get_by_label("Khó khăn, vướng mắc")).to_have_value("Thiếu máy tính tại điểm học kỹ năng số")
    expect(page.get_by_label("Đề xuất, kiến nghị")).to_have_value("Đề nghị Sở hỗ trợ 20 máy tính")
    page.get_by_label("Lĩnh vực").select_option(label="Tài chính, kinh phí")
    page.get_by_role("button", name="Gửi các nội dung đã chọn").click()
    expect(page.get_by_text("Đã nêu 1 nội dung từ báo cáo.")).to_be_visible()
    item = Difficulty.objects.get()
    assert (item.unit.code, item.task_id, item.category, item.addressed_to.code) == ("26743", task.pk, "funding", "79.BCD57")

    # the steering committee assigns it to Sở KH&CN with a deadline
    steering = _as(browser, live_server, sign_in, "bcd.thuongtruc")
    steering.get_by_role("link", name="Khó khăn, vướng mắc").first.click()
    steering.get_by_role("link", name=f"#{item.pk}").click()
    expect(steering.get_by_role("heading", level=1)).to_contain_text("Đã gửi")
    steering.get_by_label("Đơn vị xử lý").select_option(label="Sở Khoa học và Công nghệ")
    steering.get_by_label("Hạn xử lý").fill("15/12/2026")
    steering.get_by_role("button", name="Giao xử lý").click()
    expect(steering.get_by_text("Đã giao cho đơn vị xử lý.")).to_be_visible()

    # the department finds it among what it must answer, and answers
    dept = _as(browser, live_server, sign_in, "canbo.skhcn")
    dept.goto("/difficulties/mine/")
    dept.get_by_role("link", name=f"#{item.pk}").first.click()
    dept.get_by_label("Trả lời").fill("Sở đã điều chuyển 20 máy tính từ Trung tâm Chuyển đổi số cho phường.")
    dept.get_by_role("button", name="Gửi trả lời").click()
    expect(dept.get_by_text("Đã gửi trả lời.")).to_be_visible()

    # the ward sees the answer in its own list; the steering committee closes the item as resolved
    page.goto("/difficulties/mine/")
    expect(page.get_by_text(re.compile("Sở đã điều chuyển 20 máy tính"))).to_be_visible()
    steering.goto(f"/difficulties/{item.pk}/")
    steering.get_by_label("Kết quả").select_option(label="Đã giải quyết")
    steering.get_by_role("button", name="Kết thúc nội dung").click()
    expect(steering.get_by_text("Đã kết thúc nội dung.")).to_be_visible()

    # the register counts it: one closed funding item, nothing open
    steering.goto("/difficulties/")
    row = steering.locator("#matrix tr", has=steering.get_by_role("rowheader", name="Tài chính, kinh phí"))
    expect(row.locator("td")).to_have_text(["0", "0", "0", "1", "1"])
    expect(steering.get_by_role("link", name=re.compile(r"^1 Đã kết thúc$"))).to_be_visible()
    item.refresh_from_db()
    assert (item.status, item.outcome, item.handling_unit.code, item.version) == ("closed", "resolved", "79.SKHCN", 4)
    for other in (steering, dept):
        other.context.close()
