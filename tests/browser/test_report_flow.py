"""A ward's reporter submits a progress report with evidence; the ward's leader approves it."""

import re

import pytest
from playwright.sync_api import expect

from dieuhanh.plans.models import Evidence, ProgressReport, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporter_submits_with_evidence_and_approver_approves(page, browser, live_server, plan, make_user, settings, tmp_path, sign_in):
    settings.MEDIA_ROOT = tmp_path
    make_user("canbo.benthanh", "26743", "reporter")
    make_user("lanhdao.benthanh", "26743", "approver")
    task = Task.objects.get(code="4.2")
    evidence = tmp_path / "danh-sach-lop-hoc.pdf"
    evidence.write_bytes(b"%PDF-1.7\n% danh sach lop hoc ky nang so\n")

    sign_in(page, "canbo.benthanh")
    page.get_by_role("link", name="Việc cần xử lý").click()
    page.get_by_role("link", name="4.2").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phổ cập kỹ năng số")
    page.get_by_label("Tiến độ (%)").fill("55")
    page.get_by_label("Kết quả thực hiện").fill("Đã mở 12 lớp kỹ năng số cho 480 người dân.")
    page.get_by_label("Khó khăn, vướng mắc").fill("Thiếu máy tính tại điểm học.")
    page.get_by_label(re.compile("Tệp minh chứng")).set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi phê duyệt").click()
    expect(page.get_by_text("Đã gửi báo cáo để phê duyệt.")).to_be_visible()
    expect(page.get_by_role("link", name="danh-sach-lop-hoc.pdf")).to_be_visible()
    report = ProgressReport.objects.get(task=task)
    assert (report.status, report.percent) == ("submitted", 55)
    assert Evidence.objects.get(report=report).sha256

    approver = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    sign_in(approver, "lanhdao.benthanh")
    approver.goto(f"/tasks/{task.pk}/")
    approver.get_by_label("Ý kiến").fill("Đạt yêu cầu.")
    approver.get_by_role("button", name="Phê duyệt", exact=True).click()
    expect(approver.get_by_text("Đã phê duyệt báo cáo.")).to_be_visible()
    expect(approver.locator("#reports .badge").first).to_have_text("Đã phê duyệt")
    with approver.expect_download() as download:
        approver.get_by_role("link", name="danh-sach-lop-hoc.pdf").click()
    assert download.value.suggested_filename == "danh-sach-lop-hoc.pdf"
    task.refresh_from_db()
    assert task.progress == 55
    assert ProgressReport.objects.get(pk=report.pk).status == "approved"
    approver.context.close()
