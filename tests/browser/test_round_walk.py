"""A report round in the browser: the steering committee opens it for two wards; Bến Thành's reporter writes the
narrative and submits; its leader approves; the secretariat sees 1 submitted of 2, consolidates and issues the city
report, and downloads it: the DOCX holds the ward's narrative and its figures equal the statistics page as of the
period's end (14/11/2026, Decree 09)."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from dieuhanh.reports.models import RoundReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, sign_in, username):
    page = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    sign_in(page, username)
    return page


def test_steering_opens_a_round_a_ward_submits_its_leader_approves_the_secretariat_issues(page, browser, live_server, plan, make_user,
                                                                                         sign_in):
    make_user("bcd.thuky", "79", "steering")
    make_user("canbo.benthanh", "26743", "reporter")
    make_user("lanhdao.benthanh", "26743", "approver")

    # the secretariat opens the round for November (15/10 – 14/11/2026) from the main menu
    page.set_default_timeout(20_000)
    sign_in(page, "bcd.thuky")
    page.get_by_role("link", name="Đợt báo cáo định kỳ").first.click()
    page.locator("[name=period]").fill("2026-11")
    page.locator("[name=deadline]").fill("20/11/2026")
    page.get_by_label("Các đơn vị phải báo cáo").select_option(label=["Phường Bến Thành", "Phường Sài Gòn"])
    page.get_by_role("button", name="Mở đợt").click()
    expect(page.get_by_text("Đã mở đợt báo cáo: các đơn vị đã được thông báo.")).to_be_visible()
    expect(page.locator("#round-submitted")).to_have_text("0 trên 2")
    round_url = page.url

    # the ward's reporter finds its report, writes the narrative and submits it
    ward = _as(browser, live_server, sign_in, "canbo.benthanh")
    ward.get_by_role("link", name="Đợt báo cáo định kỳ").first.click()
    ward.get_by_role("link", name="Báo cáo tháng 11/2026 về Kế hoạch 4354/KH-UBND").click()
    expect(ward.get_by_role("heading", level=1)).to_contain_text("Phường Bến Thành")
    ward.get_by_label("I. Công tác lãnh đạo, chỉ đạo").fill("Đảng ủy phường ban hành kế hoạch chuyển đổi số năm 2026.")
    ward.get_by_label("Kết quả nhóm nhiệm vụ 4. Hạ tầng số, nền tảng và dịch vụ số").fill("Mở 12 lớp kỹ năng số cho 480 người dân.")
    ward.get_by_role("button", name="Gửi lãnh đạo duyệt").click()
    expect(ward.get_by_text("Đã gửi báo cáo để lãnh đạo đơn vị phê duyệt.")).to_be_visible()
    expect(ward.locator("#unit-report-status")).to_have_text("Đã gửi")

    # the ward's leader approves it
    leader = _as(browser, live_server, sign_in, "lanhdao.benthanh")
    leader.goto(ward.url)
    leader.get_by_role("button", name="Phê duyệt báo cáo").click()
    expect(leader.get_by_text("Đã phê duyệt báo cáo và gửi Ban Chỉ đạo.")).to_be_visible()
    assert RoundReport.objects.get(unit__code="26743").status == "approved"

    # the secretariat sees 1 submitted of 2, consolidates, issues and downloads the city report
    page.goto(round_url)
    expect(page.locator("#round-submitted")).to_have_text("1 trên 2")
    page.get_by_role("button", name="Tổng hợp các báo cáo đã duyệt").click()
    expect(page.get_by_label("I. Công tác lãnh đạo, chỉ đạo")).to_have_value(
        "Phường Bến Thành: Đảng ủy phường ban hành kế hoạch chuyển đổi số năm 2026.")
    page.get_by_role("button", name="Ban hành báo cáo").click()
    expect(page.get_by_text("Đã ban hành và lưu báo cáo của Thành phố.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="DOCX").click()
    doc = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    texts = [p.text for p in doc.paragraphs]
    assert "Phường Bến Thành: Đảng ủy phường ban hành kế hoạch chuyển đổi số năm 2026." in texts
    assert "Phường Bến Thành: Mở 12 lớp kỹ năng số cho 480 người dân." in texts

    # the statistics page as of the period's end says the same numbers as the report and its Phụ lục I
    page.goto(f"/plans/{plan.pk}/statistics/?as_of=14/11/2026")
    labels = [t.strip() for t in page.locator("table.stats thead th").all_inner_texts()][2:]
    cells = [int(t) for t in page.locator("table.stats tfoot td").all_inner_texts()]
    total, columns = cells[0], dict(zip(labels, cells[1:]))
    sentence = next(t for t in texts if t.startswith("Tính đến ngày 14/11/2026"))
    assert f"Thành phố có {total} nhiệm vụ được giao" in sentence
    appendix = doc.tables[2]  # after the header block and the signature block: Phụ lục I
    statuses = [row.cells[6].text for row in appendix.rows[1:]]
    assert len(statuses) == total and {label: statuses.count(label) for label in labels} == columns
