"""What a new user tripped over (issue 11, item 6), each checked on the page a person sees."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import BEN_THANH, CITY, DEPARTMENT


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
