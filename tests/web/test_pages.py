"""Server-rendered pages: Vietnamese by default, English on request, scoped content, safe edits."""

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import formats, translation

from dieuhanh.access.models import RoleAssignment
from dieuhanh.units.models import Unit


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_pages_need_a_login(hcmc):
    response = Client().get("/units/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_login_page_is_vietnamese_by_default_and_english_on_request(db):
    assert "Đăng nhập" in page(Client(), "/login/")
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    html = page(client, "/login/")
    assert "Sign in" in html and 'lang="en"' in html


def test_vietnamese_dates_and_numbers():
    with translation.override("vi"):
        assert formats.date_format(dt.date(2026, 6, 30), "SHORT_DATE_FORMAT") == "30/06/2026"
        assert formats.number_format(Decimal("1234.5"), 1, use_l10n=True, force_grouping=True) == "1.234,5"
    with translation.override("en"):
        assert formats.number_format(Decimal("1234.5"), 1, use_l10n=True, force_grouping=True) == "1,234.5"


def test_search_works_without_javascript_and_as_an_htmx_fragment(web_client):
    client = web_client("xem", "79", "viewer")
    html = page(client, "/units/", q="phuong ben thanh")
    assert "Phường Bến Thành" in html and "<html" in html
    fragment = client.get("/units/", {"q": "phuong ben thanh"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results").content.decode()
    assert "Phường Bến Thành" in fragment and "<html" not in fragment


def test_the_tree_loads_children_on_demand(web_client):
    client = web_client("xem", "79", "viewer")
    html = page(client, "/units/79/tree/")
    assert html.count('role="treeitem"') == Unit.objects.filter(parent__code="79").count()


def test_unit_page_shows_dates_in_dd_mm_yyyy_and_people_only_within_reach(web_client):
    own = web_client("canbo.benthanh", "26743", "reporter")
    html = page(own, "/units/26743/")
    assert "01/07/2025" in html and "canbo.benthanh" in html
    other = page(own, "/units/26740/")
    assert "Phường Sài Gòn" in other and "Cán bộ và vai trò" not in other


def test_my_roles_page_lists_the_users_roles(web_client):
    html = page(web_client("lanhdao", "79.SKHCN", "approver"), "/me/roles/")
    assert "Sở Khoa học và Công nghệ" in html and "Lãnh đạo đơn vị" in html


def test_a_stale_edit_in_the_form_is_refused_with_a_vietnamese_explanation(web_client):
    client = web_client("admin", "79", "administrator")
    form = {"version": 1, "name": "Phường Bến Thành", "short_name": "A", "division_type": "phường", "valid_from": "01/07/2025", "valid_to": ""}
    client.post("/units/26743/edit/", form)
    response = client.post("/units/26743/edit/", {**form, "short_name": "B"}, follow=True)
    assert "đã được người khác cập nhật" in response.content.decode()
    assert Unit.objects.get(code="26743").short_name == "A"


def test_granting_and_revoking_roles_from_the_unit_page(web_client, make_user):
    admin = web_client("admin", "26743", "administrator")
    make_user("someone", "26743", "viewer")  # in the administrator's reach (someone outside it answers like unknown)
    admin.post("/units/26743/roles/", {"username": "someone", "role": "reporter"})
    assignment = RoleAssignment.objects.get(user__username="someone", unit__code="26743", role="reporter")
    admin.post(f"/roles/{assignment.pk}/revoke/")
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is not None


def test_granting_outside_ones_reach_is_404_and_writes_nothing(web_client, make_user):
    admin = web_client("admin", "26743", "administrator")
    make_user("someone", "26743", "viewer")
    response = admin.post("/units/26740/roles/", {"username": "someone", "role": "reporter"})
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(unit__code="26740").exists()
    foreign = RoleAssignment.objects.filter(unit__code="26743").first()
    outsider = web_client("admin.saigon", "26740", "administrator")
    assert outsider.post(f"/roles/{foreign.pk}/revoke/").status_code == 404


def test_static_libraries_are_served_locally(web_client):
    client = web_client("xem", "79", "viewer")
    html = page(client, "/")
    assert "/static/vendor/htmx/htmx.min.js" in html and "/static/vendor/echarts/echarts.min.js" in html
    for path in ("/static/vendor/htmx/htmx.min.js", "/static/vendor/echarts/echarts.min.js"):
        response = client.get(path)
        assert response.status_code == 200
        b"".join(response.streaming_content if response.streaming else [response.content])
