"""Errors of pages become responses in one place (``web/middleware.py: DomainErrorMiddleware``, the 404/400/500
pages, ``middleware.py: InputSanityMiddleware``): what a person sees when something is missing, out of reach,
refused, unreadable or broken."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from dieuhanh.access.models import RoleAssignment
from dieuhanh.units.models import Unit
from tests.conftest import PASSWORD

NOT_FOUND_VI = "Trang bạn yêu cầu không tồn tại hoặc bạn không có quyền truy cập."
BAD_REQUEST_VI = "Yêu cầu không hợp lệ"
SERVER_ERROR_VI = "Đã xảy ra lỗi ngoài dự kiến. Lỗi đã được ghi lại; vui lòng thử lại sau."


def _without_tokens(html: str) -> str:
    """A page without its CSRF tokens (masked anew at every rendering)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---------------------------------------------------------------- missing and out of reach: the same Vietnamese 404

def test_a_missing_unit_page_is_the_vietnamese_404_page(web_client):
    response = web_client("xem", "79", "viewer").get("/units/KHONGCO/")
    assert response.status_code == 404
    assert NOT_FOUND_VI in response.content.decode() and 'lang="vi"' in response.content.decode()


def test_a_missing_and_an_out_of_reach_object_answer_the_same_404_page(web_client, make_user):
    make_user("someone", "26740", "viewer")
    foreign = RoleAssignment.objects.get(user__username="someone")
    client = web_client("admin.benthanh", "26743", "administrator")
    out_of_reach = client.post(f"/roles/{foreign.pk}/revoke/")
    missing = client.post(f"/roles/{foreign.pk + 1000}/revoke/")
    assert out_of_reach.status_code == missing.status_code == 404
    assert NOT_FOUND_VI in out_of_reach.content.decode()
    assert (_without_tokens(out_of_reach.content.decode()).replace(f"/roles/{foreign.pk}/", "/roles/N/")
            == _without_tokens(missing.content.decode()).replace(f"/roles/{foreign.pk + 1000}/", "/roles/N/"))
    assert RoleAssignment.objects.get(pk=foreign.pk).revoked_at is None


def test_granting_on_a_unit_out_of_reach_tells_nothing_about_the_username(web_client, make_user):
    make_user("someone", "26740", "viewer")
    client = web_client("admin.benthanh", "26743", "administrator")
    existing = client.post("/units/26740/roles/", {"username": "someone", "role": "reporter"})
    unknown = client.post("/units/26740/roles/", {"username": "khongco", "role": "reporter"})
    assert existing.status_code == unknown.status_code == 404
    assert _without_tokens(existing.content.decode()) == _without_tokens(unknown.content.decode())


# ---------------------------------------------------------------- Invalid / Conflict from a form: back to the page

def test_an_invalid_form_post_returns_to_its_page_with_the_vietnamese_message(web_client):
    client = web_client("admin.benthanh", "26743", "administrator")
    response = client.post("/units/26743/roles/", {"username": "khongco", "role": "reporter"})
    assert response.status_code == 302 and response["Location"] == "/units/26743/"
    assert _messages(client.get(response["Location"])) == ["Không có tài khoản này. (username: Không có tài khoản này.)"]


def test_a_conflict_from_a_form_post_returns_to_its_page_with_the_vietnamese_message(web_client):
    client = web_client("admin", "79", "administrator")
    form = {"version": 1, "name": "Phường Bến Thành", "short_name": "A", "division_type": "phường", "valid_from": "01/07/2025"}
    assert client.post("/units/26743/edit/", form).status_code == 302
    response = client.post("/units/26743/edit/", {**form, "short_name": "B"})
    assert response.status_code == 302 and response["Location"] == "/units/26743/"
    shown = " ".join(_messages(client.get(response["Location"])))
    assert "đã được người khác cập nhật" in shown
    assert Unit.objects.get(code="26743").short_name == "A"


# ---------------------------------------------------------------- an unexpected error: logged, static 500 page

def test_an_unexpected_page_error_is_logged_with_its_traceback_and_answers_the_500_page(web_client, monkeypatch, caplog, settings):
    settings.DEBUG = False
    from dieuhanh.units import selectors

    def broken(code):
        raise RuntimeError("the selector broke")

    monkeypatch.setattr(selectors, "unit_get", broken)
    web_client("xem", "79", "viewer")
    client = Client(raise_request_exception=False)
    assert client.login(username="xem", password=PASSWORD)
    logger = logging.getLogger("django.request")  # does not propagate to the root logger (settings.LOGGING)
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = client.get("/units/26743/")
    finally:
        logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    assert SERVER_ERROR_VI in response.content.decode()
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info is not None and errors[0].exc_info[0] is RuntimeError
    assert "the selector broke" in caplog.text and "Traceback" in caplog.text


# ---------------------------------------------------------------- unreadable input on a page: the 400 page

@pytest.mark.parametrize("how", ["query", "path", "form"])
def test_a_nul_byte_on_a_page_is_the_400_page(web_client, how):
    client = web_client("admin", "79", "administrator")
    if how == "query":
        response = client.get("/units/", {"q": "phuong\x00"})
    elif how == "path":
        response = client.get("/units/26743%00/")
    else:
        response = client.post("/units/26743/edit/", {"version": 1, "name": "Bến\x00Thành"})
    assert response.status_code == 400
    assert BAD_REQUEST_VI in response.content.decode()
    assert "\x00" not in Unit.objects.get(code="26743").name


def test_a_multipart_form_without_boundary_on_a_page_is_the_400_page(web_client):
    client = web_client("admin", "79", "administrator")
    response = client.generic("POST", "/units/26743/edit/", b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 400 and BAD_REQUEST_VI in response.content.decode()


def test_revoking_a_role_twice_returns_to_the_unit_page_with_the_message(web_client, make_user):
    make_user("someone", "26743", "viewer")
    assignment = RoleAssignment.objects.get(user__username="someone")
    client = web_client("admin.benthanh", "26743", "administrator")
    assert client.post(f"/roles/{assignment.pk}/revoke/").status_code == 302
    again = client.post(f"/roles/{assignment.pk}/revoke/")
    assert again.status_code == 302 and again["Location"] == "/units/26743/"
    assert _messages(client.get(again["Location"])) == ["Đã thu hồi vai trò.", "Vai trò này đã được thu hồi trước đó."]
