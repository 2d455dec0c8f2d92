"""The register's pages in Vietnamese: the consolidated register with its counts, a unit's own lists, raising from
a report's text, one item's steps; and the Excel export of the filtered register read back."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from dieuhanh.access.policy import SystemActor
from dieuhanh.difficulties import services
from dieuhanh.difficulties.models import Difficulty
from dieuhanh.plans.services import report_save
from tests.conftest import BEN_THANH, CITY, CON_DAO, D, DEPARTMENT, SAI_GON

SYSTEM = SystemActor("tests")


@pytest.fixture
def register(hcmc):
    """Four items as of 30/11/2026: Bến Thành's funding item raised 01/07 and assigned to Sở Tài chính by 31/10 (overdue,
    152 days old); its land item raised 15/10 (46 days); Sài Gòn's technology item raised 20/11 (10 days), answered by
    Sở KH&CN; and a synthetic demo item of Sài Gòn raised 25/11 whose text looks like a formula."""
    a = services.difficulty_raise(actor=SYSTEM, unit=hcmc[BEN_THANH], category="funding", content="Thiếu kinh phí máy chủ",
                                  addressed_to=hcmc["79.BCD57"], on=D(2026, 7, 1))
    services.difficulty_assign(actor=SYSTEM, difficulty=a, expected_version=1, handling_unit=hcmc["79.STC"], deadline=D(2026, 10, 31),
                               on=D(2026, 7, 10))
    services.difficulty_raise(actor=SYSTEM, unit=hcmc[BEN_THANH], category="land", content="Vướng mặt bằng trạm 5G",
                              addressed_to=hcmc["79.BCD57"], on=D(2026, 10, 15))
    c = services.difficulty_raise(actor=SYSTEM, unit=hcmc[SAI_GON], category="technology", content="Chưa kết nối dữ liệu dân cư",
                                  addressed_to=hcmc["79.BCD57"], on=D(2026, 11, 20))
    services.difficulty_assign(actor=SYSTEM, difficulty=c, expected_version=1, handling_unit=hcmc[DEPARTMENT], deadline=D(2026, 12, 20),
                               on=D(2026, 11, 21))
    services.difficulty_answer(actor=SYSTEM, difficulty=Difficulty.objects.get(pk=c.pk), expected_version=2, answer="Đã mở kết nối",
                               on=D(2026, 11, 25))
    services.difficulty_raise(actor=SYSTEM, unit=hcmc[SAI_GON], category="other", content="=HYPERLINK(\"http://x\")", proposal="+84 số máy",
                              addressed_to=hcmc["79.BCD57"], on=D(2026, 11, 25), synthetic=True)
    return hcmc


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode())))


def test_the_register_counts_by_category_status_and_age(register, web_client):
    client = web_client("bcd", CITY, "steering")
    r = client.get("/difficulties/")
    assert r.status_code == 200
    page = _text(r.content)
    assert "Sổ theo dõi khó khăn, vướng mắc, đề xuất" in page
    # the category × status table: Tài chính, kinh phí has 0 submitted, 1 assigned, 0 answered, 0 closed, 1 in all
    html = r.content.decode()
    row = re.search(r"<th scope=\"row\">Tài chính, kinh phí</th>(.*?)</tr>", html).group(1)
    assert re.findall(r">(\d+)<", row) == ["0", "1", "0", "0", "1"]
    ages = _text(re.search(r'<table class="stats" id="ages">(.*?)</table>', html, re.S).group(1).encode())
    assert "≤ 30 2" in ages and "31–90 1" in ages and "> 90 1" in ages
    assert "1 nội dung trong số này là dữ liệu giả lập" in page
    assert "trễ 30 ngày" in page  # Sở Tài chính's deadline 31/10 passed 30 days ago
    assert "01/07/2026" in page


def test_the_register_filters_by_unit_and_age(register, web_client):
    client = web_client("bcd", CITY, "steering")
    page = _text(client.get(f"/difficulties/?unit={BEN_THANH}&age=gt_90").content)
    assert "Thiếu kinh phí máy chủ" in page and "Vướng mặt bằng" not in page and "Chưa kết nối" not in page
    page = _text(client.get("/difficulties/?overdue=1").content)
    assert "Thiếu kinh phí máy chủ" in page and "Vướng mặt bằng" not in page


def test_the_export_holds_the_filtered_register_with_formula_like_text_inert(register, web_client):
    client = web_client("bcd", CITY, "steering")
    r = client.get(f"/difficulties/export.xlsx?unit={SAI_GON}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert rows[header][:6] == ["STT", "Số", "Ngày nêu", "Đơn vị nêu", "Lĩnh vực", "Khó khăn, vướng mắc"]
    body = [row for row in rows[header + 1:] if row[0] is not None]
    assert len(body) == 2  # Sài Gòn's two items, newest first
    synthetic, answered = body
    assert synthetic[5] == "'=HYPERLINK(\"http://x\")" and synthetic[6] == "'+84 số máy"
    assert ws.cell(row=header + 2, column=6).data_type == "s"
    assert synthetic[-1] == "có" and answered[-1] is None
    assert answered[2].date() == D(2026, 11, 20) and answered[10] == "Đã trả lời" and answered[15] == "Đã mở kết nối"
    assert answered[13] == 10  # age: 20/11 → 30/11
    notes = " ".join(str(row[0]) for row in rows[:header] if row[0])
    assert "Tính đến ngày 30/11/2026" in notes and "Phường Sài Gòn" in notes and "dữ liệu giả lập" in notes


def test_a_sibling_ward_sees_none_of_it_and_an_item_of_another_is_not_found(register, web_client):
    client = web_client("xem", CON_DAO, "approver")  # Đặc khu Côn Đảo: neither raised, addressed nor handling
    page = _text(client.get("/difficulties/").content)
    assert "Thiếu kinh phí" not in page and "Không có nội dung nào." in page
    assert client.get(f"/difficulties/{Difficulty.objects.first().pk}/").status_code == 404


def test_a_report_becomes_items_prefilled_line_by_line_and_raised_from_the_page(plan, web_client):
    client = web_client("phuong", BEN_THANH, "reporter")
    from dieuhanh.accounts.models import User

    task = plan.tasks.get(code="4.2")
    report = report_save(actor=User.objects.get(username="phuong"), task=task, period="2026-11", percent=40,
                         difficulties="- Thiếu kinh phí mua thiết bị\n- Người dân lớn tuổi ngại dùng ứng dụng",
                         proposals="- Bổ sung kinh phí\n- Tăng cường tổ công nghệ số cộng đồng")
    assert "Đưa vào sổ theo dõi khó khăn, vướng mắc" in _text(client.get(f"/tasks/{task.pk}/").content)
    form = client.get(f"/difficulties/from-report/{report.pk}/").content.decode()
    assert 'name="item-TOTAL_FORMS" value="2"' in form.replace("\n", "")
    assert re.search(r">\s*Thiếu kinh phí mua thiết bị</textarea>", form) and re.search(r">\s*Tăng cường tổ công nghệ số cộng đồng</textarea>", form)
    r = client.post(f"/difficulties/from-report/{report.pk}/", {
        "item-TOTAL_FORMS": "2", "item-INITIAL_FORMS": "2",
        "item-0-include": "on", "item-0-category": "funding", "item-0-content": "Thiếu kinh phí mua thiết bị",
        "item-0-proposal": "Bổ sung kinh phí", "item-0-addressed_to": "79.STC",
        "item-1-category": "technology", "item-1-content": "Người dân lớn tuổi", "item-1-addressed_to": "79.BCD57",
    })
    assert r.status_code == 302
    assert list(Difficulty.objects.values_list("content", "task__code", "unit__code", "addressed_to__code")) == [
        ("Thiếu kinh phí mua thiết bị", "4.2", BEN_THANH, "79.STC")]
    mine = _text(client.get("/difficulties/mine/").content)
    assert "Phường Bến Thành" in mine and "Thiếu kinh phí mua thiết bị" in mine


def test_the_item_page_offers_each_person_their_step(register, web_client):
    item = Difficulty.objects.get(content="Vướng mặt bằng trạm 5G")
    steering = web_client("bcd", CITY, "steering")
    page = _text(steering.get(f"/difficulties/{item.pk}/").content)
    assert "Giao đơn vị xử lý" in page and "Kiến nghị lên Trung ương" in page  # before an answer only escalation closes it
    ward = web_client("phuong", BEN_THANH, "reporter")
    page = _text(ward.get(f"/difficulties/{item.pk}/").content)
    assert "Vướng mặt bằng trạm 5G" in page and "Giao đơn vị xử lý" not in page and "Gửi trả lời" not in page
    r = steering.post(f"/difficulties/{item.pk}/assign/", {"version": "1", "handling_unit": "79.SNNMT", "deadline": "31/12/2026"})
    assert r.status_code == 302
    r = steering.post(f"/difficulties/{item.pk}/assign/", {"version": "1", "handling_unit": "79.SNNMT", "deadline": "31/12/2026"}, follow=True)
    assert "Bản ghi này đã được người khác cập nhật sau khi trang được mở" in _text(r.content)
    item.refresh_from_db()
    assert (item.status, item.handling_unit.code, item.deadline, item.version) == ("assigned", "79.SNNMT", D(2026, 12, 31), 2)
