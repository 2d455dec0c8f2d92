"""The steering committee requests an explanation on a task; the ward's leader sees it under the bell, opens it
and answers; the steering member is told of the answer."""

import pytest
from playwright.sync_api import expect

from dieuhanh.plans.models import ExplanationRequest, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_ward_leader_sees_an_explanation_request_under_the_bell_and_answers_it(page, browser, live_server, plan, make_user, sign_in):
    make_user("bcd.thuongtruc", "79", "steering")
    make_user("lanhdao.benthanh", "26743", "approver", email="lanhdao@benthanh.example.gov.vn")
    task = Task.objects.get(code="4.2")  # led by Phường Bến Thành

    sign_in(page, "bcd.thuongtruc")
    page.goto(f"/tasks/{task.pk}/")
    page.get_by_text("Yêu cầu giải trình", exact=True).click()
    page.get_by_label("Nội dung đề nghị đơn vị giải trình").fill("Đề nghị giải trình nguyên nhân chậm tiến độ.")
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.locator(".messages")).to_be_visible()

    leader = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    sign_in(leader, "lanhdao.benthanh")
    bell = leader.get_by_role("link", name="Thông báo, 1 chưa đọc")
    expect(bell).to_be_visible()
    bell.click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Thông báo")
    leader.get_by_role("link", name="Phường Bến Thành được yêu cầu giải trình về nhiệm vụ 4.2 (Phổ cập kỹ năng số cho người dân phường).").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("Phổ cập kỹ năng số")
    request = ExplanationRequest.objects.get(task=task)
    assert leader.url.endswith(f"/tasks/{task.pk}/#explanation-{request.pk}")
    expect(leader.get_by_role("link", name="Thông báo, không có thông báo chưa đọc")).to_be_visible()
    answer = leader.locator(f"#explanation-{request.pk}")
    answer.get_by_label("Nội dung giải trình").fill("Chậm do chờ bàn giao máy tính cho điểm học.")
    answer.get_by_role("button", name="Gửi giải trình").click()
    expect(leader.get_by_text("Đã gửi giải trình.")).to_be_visible()
    request.refresh_from_db()
    assert request.response == "Chậm do chờ bàn giao máy tính cho điểm học."
    leader.context.close()

    page.reload()
    expect(page.get_by_role("link", name="Thông báo, 1 chưa đọc")).to_be_visible()
