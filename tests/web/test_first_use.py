"""What a new user tripped over (issue 11, item 6), each checked on the page a person sees."""

from __future__ import annotations

import re

from decimal import Decimal

from django.test import Client

from dieuhanh.accounts.models import User
from dieuhanh.demo.history import SimHistory, SimReport, history_load
from dieuhanh.indicators.models import Indicator
from dieuhanh.indicators.services import value_set
from dieuhanh.plans.excel import appendix_xlsx, upload_keep
from dieuhanh.plans.services import report_approve, report_save
from tests.conftest import BEN_THANH, CITY, DEPARTMENT, SYSTEM, D


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def h1(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))
    return re.sub(r"\s+", " ", text).strip()


def names_in_order(html: str, *names: str) -> list[str]:
    return sorted(names, key=html.index)


# ------------------------------------------------------------------------------------- the due page of every role

def test_the_due_page_opens_on_a_departments_own_unit_in_vietnamese(web_client, registry):
    html = page(web_client("lanhdao.skhcn", DEPARTMENT, "approver"), "/indicators/due/")
    assert h1(html) == "Kỳ báo cáo Năm 2026 — Sở Khoa học và Công nghệ"
    assert title(html).startswith("Chỉ tiêu đến hạn và còn thiếu")
    assert "đơn vị đã nhập đủ các chỉ tiêu đến hạn" in html and "Còn thiếu" in html
    assert "Due and missing" not in html and "units have entered" not in html


def test_the_due_page_opens_on_a_wards_own_unit(web_client, registry):
    html = page(web_client("canbo.benthanh", BEN_THANH, "reporter"), "/indicators/due/")
    assert h1(html) == "Kỳ báo cáo Năm 2026 — Phường Bến Thành"
    # The ward reports the three dossier indicators of the registry, none entered yet.
    assert re.search(r"Phường Bến Thành</a></td><td class=\"num\">0 / 3<", html)


def test_the_due_page_of_the_steering_committee_covers_the_city(web_client, registry):
    html = page(web_client("bcd", CITY, "steering"), "/indicators/due/")
    assert h1(html) == "Kỳ báo cáo Năm 2026 — Thành phố Hồ Chí Minh"


# ------------------------------------------------------------------------------------- units in Vietnamese order

def test_units_below_the_city_are_in_vietnamese_alphabetical_order(web_client):
    html = page(web_client("xem", CITY, "viewer"), "/units/79/tree/")
    # Đ is the letter after D (not after Z); "Tân" comes before "Trung" (â is an a); "Hải" before "Hòa" (a < o).
    expected = ["Phường Dĩ An", "Phường Đông Hòa", "Phường Đức Nhuận", "Phường Gia Định", "Phường Tân Định", "Phường Tân Hải",
                "Phường Tân Hòa", "Phường Trung Mỹ Tây"]
    assert names_in_order(html, *expected) == expected


def test_the_unit_page_lists_its_units_in_vietnamese_order(web_client):
    html = page(web_client("xem", CITY, "viewer"), "/units/79/")
    expected = ["Phường Dĩ An", "Phường Đông Hòa", "Phường Gia Định", "Phường Tân Định", "Phường Trung Mỹ Tây"]
    assert names_in_order(html, *expected) == expected


def test_the_unit_tree_starts_at_the_persons_city(web_client):
    html = page(web_client("canbo.benthanh", BEN_THANH, "reporter"), "/units/")
    tree = html[html.index('role="tree"'):]
    first_item = re.search(r'<li role="treeitem"[^>]*>\s*<a href="/units/(\w+)/">', tree).group(1)
    assert first_item == CITY
    assert "Phường Bến Thành" in tree  # the city's units are listed at once, without a request of the script
    assert '<a href="/units/VN/">Việt Nam</a>' in html[:html.index('role="tree"')]  # the country: one link above


# ------------------------------------------------------------------------------------- names, not codes; identity

def test_page_titles_and_headings_name_things_rather_than_codes(web_client, plan, registry):
    client = web_client("bcd", CITY, "steering")
    html = page(client, f"/plans/{plan.pk}/")
    assert title(html) == "Kế hoạch thực hiện Nghị quyết 57 · Điều hành Nghị quyết 57"
    assert h1(html) == "Kế hoạch thực hiện Nghị quyết 57 (4354/KH-UBND)"
    task = plan.tasks.get(code="4.2")
    assert title(page(client, f"/tasks/{task.pk}/")) == "Phổ cập kỹ năng số cho người dân phường · Điều hành Nghị quyết 57"
    assert title(page(client, "/indicators/XH_KN/")) == "Xếp hạng hệ sinh thái khởi nghiệp · Điều hành Nghị quyết 57"


def test_the_login_page_carries_the_citys_name_and_programme_and_the_favicon(hcmc):
    html = page(Client(), "/login/")
    assert "Ủy ban nhân dân Thành phố Hồ Chí Minh" in html
    assert "Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số" in html
    assert "Nghị quyết số 57-NQ/TW" in html
    assert '<link rel="icon" href="/static/dieuhanh/favicon.svg" type="image/svg+xml">' in html


def test_every_page_links_the_favicon_which_is_served_as_a_static_file(web_client):
    client = web_client("xem", CITY, "viewer")
    assert '<link rel="icon" href="/static/dieuhanh/favicon.svg" type="image/svg+xml">' in page(client, "/units/")
    response = client.get("/static/dieuhanh/favicon.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
    # Browsers that ask for /favicon.ico anyway are sent to it.
    assert client.get("/favicon.ico")["Location"] == "/static/dieuhanh/favicon.svg"


# ------------------------------------------------------------------------------------- Vietnamese, not English or code

def test_a_tasks_history_names_actions_and_fields_in_vietnamese_with_vietnamese_values(web_client, plan):
    task = plan.tasks.get(code="1.1")
    html = page(web_client("bcd", CITY, "steering"), f"/tasks/{task.pk}/")
    history = html[html.index('Lịch sử'):]
    assert "tạo nhiệm vụ" in history and "task_create" not in history
    assert "<td>Thời hạn đang áp dụng</td><td>—</td><td>31/12/2025</td>" in history
    assert "<td>Kinh phí dự kiến (đồng)</td><td>—</td><td>1.500.000.000</td>" in history
    assert "<td>Nhiệm vụ trọng điểm</td><td>—</td><td>có</td>" in history
    assert not re.search(r"<td>[a-z_]+</td>", history)  # no field left under its code


def test_the_demos_synthetic_history_is_labelled_in_vietnamese_on_the_task_page(web_client, plan):
    task = plan.tasks.get(code="4.2")
    history_load(actor=SYSTEM, histories={task.pk: SimHistory(reports=[SimReport("2026-09", D(2026, 9, 30), 40.0, D(2026, 10, 5))])})
    html = page(web_client("bcd", CITY, "steering"), f"/tasks/{task.pk}/")
    assert "DỮ LIỆU GIẢ LẬP" in html and "synthetic" not in html.lower()


# ------------------------------------------------------------------------------------- a task completed late

def test_a_task_completed_late_shows_how_it_ended_not_a_green_warning(web_client, plan):
    task = plan.tasks.get(code="1.1")  # deadline 31/12/2025, completed on 20/01/2026
    report = report_save(actor=SYSTEM, task=task, period="2026-01", percent=Decimal(100), completed=True, completed_on=D(2026, 1, 20), submit=True)
    report_approve(actor=SYSTEM, report=report, expected_version=report.version)
    client = web_client("bcd", CITY, "steering")
    html = page(client, f"/tasks/{task.pk}/")
    status_line = html[html.index("<h1>"):html.index('class="progress"')]
    assert "Hoàn thành quá hạn" in status_line
    assert "Xanh" not in status_line and "dot green" not in status_line and 'class="dot late"' in status_line
    row = re.search(r"<tr>.*?>1\.1</a>.*?</tr>", page(client, "/tasks/", plan=plan.pk), re.S).group(0)
    assert 'class="dot late" title="Hoàn thành quá hạn"' in row and "Xanh" not in row


def test_the_progress_field_shows_and_takes_numbers_the_vietnamese_way(web_client, plan):
    task = plan.tasks.get(code="4.2")
    report_save(actor=SYSTEM, task=task, period="2026-11", percent=Decimal("46.00"))
    client = web_client("canbo.benthanh", BEN_THANH, "reporter")
    html = page(client, f"/tasks/{task.pk}/")
    field = re.search(r'<input[^>]*name="percent"[^>]*>', html).group(0)
    assert 'value="46"' in field and 'inputmode="decimal"' in field  # not "46.00"
    report = task.reports.get(period="2026-11")
    response = client.post(f"/tasks/{task.pk}/report/", {"period": "2026-11", "percent": "46,5", "version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.percent == Decimal("46.5")
    assert 'value="46,5"' in page(client, f"/tasks/{task.pk}/")


# ------------------------------------------------------------------------------------- indicators: where to look

def test_an_indicator_page_opens_on_the_unit_its_data_is_about(web_client, registry):
    value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="XH_KN"), unit=registry[CITY], period="2025", value=Decimal(110))
    client = web_client("bcd", CITY, "steering")
    # Owned by the department, reported by the city: the city's series and target, not the department's empty page.
    html = page(client, "/indicators/XH_KN/")
    assert "· Thành phố Hồ Chí Minh" in html and "Top 100 (2030)" in html
    assert re.search(r'<td>Năm 2025</td><td class="num">110</td>', html)
    # Reported by the city's communes: the city's roll-up.
    assert "· Thành phố Hồ Chí Minh" in page(client, "/indicators/HS_TIEPNHAN/")


def test_the_city_scorecard_is_linked_from_the_catalogue_the_unit_page_and_the_indicator_page(web_client, registry):
    client = web_client("bcd", CITY, "steering")
    link = '<a href="/units/79/scorecard/">Bảng điểm chỉ tiêu của Thành phố Hồ Chí Minh</a>'
    assert link in page(client, "/indicators/")
    assert link in page(client, "/units/79/")
    assert link in page(client, "/indicators/XH_KN/")
    assert '<a href="/units/26743/scorecard/">' in page(client, f"/units/{BEN_THANH}/")


# ------------------------------------------------------------------------------------- a re-import that changes nothing

def test_reimporting_the_plans_own_appendix_says_nothing_changed(web_client, plan):
    client = web_client("bcd", CITY, "steering")
    token = upload_keep(User.objects.get(username="bcd"), appendix_xlsx(plan))
    response = client.post(f"/plans/{plan.pk}/import/", {"token": token}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["Không có thay đổi: phụ lục ghi đúng 5 nhiệm vụ như kế hoạch hiện có."]


def test_the_404_page_is_vietnamese_down_to_its_title(web_client):
    response = web_client("xem", CITY, "viewer").get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert title(html) == "Không tìm thấy trang · Điều hành Nghị quyết 57"
    assert h1(html) == "Không tìm thấy trang" and "Về trang chủ" in html


def test_an_indicators_units_are_listed_in_vietnamese_order_not_by_code(web_client, registry):
    received = Indicator.objects.get(code="HS_TIEPNHAN")
    for code in (BEN_THANH, "26740"):  # Phường Bến Thành 26743, Phường Sài Gòn 26740
        value_set(actor=SYSTEM, indicator=received, unit=registry[code], period="2026", value=Decimal(500))
    html = page(web_client("bcd", CITY, "steering"), "/indicators/HS_TIEPNHAN/", unit=CITY)
    by_unit = html[html.index("Số liệu theo đơn vị"):]
    assert names_in_order(by_unit, "Phường Sài Gòn", "Phường Bến Thành") == ["Phường Bến Thành", "Phường Sài Gòn"]


def test_the_citys_history_names_the_fields_of_an_index_import(web_client, asem):
    html = page(web_client("bcd", CITY, "steering"), "/units/79/")
    history = html[html.index('class="history"'):]
    assert "nhập khung chỉ số" in history and "<td>Phần tử</td>" in history and "<td>elements</td>" not in history


def test_search_results_of_equal_rank_follow_the_alphabet_not_the_bytes(web_client):
    html = page(web_client("xem", CITY, "viewer"), "/units/", q="phuong tan h")
    # Same rank and length: "Hải" (a) before "Hòa" (o); by bytes ò (U+00F2) came before ả (U+1EA3).
    assert names_in_order(html, "Phường Tân Hòa", "Phường Tân Hải") == ["Phường Tân Hải", "Phường Tân Hòa"]
