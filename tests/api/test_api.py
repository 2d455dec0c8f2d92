"""The REST API over HTTP: authentication, the error envelope, scoping and concurrency."""

import json

from django.test import Client

from dieuhanh.audit.models import AuditEvent
from dieuhanh.units.models import Unit
from tests.conftest import PASSWORD


def send(client, method, path, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return getattr(client, method)(path, data=data, content_type="application/json")


def error_of(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_without_credentials_every_endpoint_answers_401_in_the_envelope(hcmc):
    response = Client().get("/api/units")
    assert response.status_code == 401 and error_of(response)["code"] == "unauthenticated"


def test_a_password_buys_a_token_that_identifies_the_user(hcmc, make_user):
    make_user("canbo", "26743", "reporter")
    response = send(Client(), "post", "/api/auth/token", {"username": "canbo", "password": PASSWORD, "name": "laptop"})
    assert response.status_code == 201
    token = response.json()["token"]
    me = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/me").json()
    assert me["username"] == "canbo" and [(r["unit_code"], r["role"]) for r in me["roles"]] == [("26743", "reporter")]
    wrong = send(Client(), "post", "/api/auth/token", {"username": "canbo", "password": "sai"})
    assert wrong.status_code == 401 and error_of(wrong)["code"] == "bad_credentials"


def test_diacritic_free_search(api_client):
    client = api_client("xem", "79", "viewer")
    body = client.get("/api/units", {"q": "phuong ben thanh"}).json()
    assert body["count"] == 1 and body["items"][0]["code"] == "26743" and body["items"][0]["parent_code"] == "79"
    children = client.get("/api/units/79/children").json()
    assert sum(1 for u in children if u["kind"] == "commune") == 168


def test_unknown_unit_is_404_in_the_envelope(api_client):
    response = api_client("xem", "79", "viewer").get("/api/units/99999")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_malformed_json_is_400_and_a_wrong_shape_is_400_with_field_details(api_client):
    client = api_client("admin", "79", "administrator")
    broken = send(client, "post", "/api/units", raw='{"code": ')
    assert broken.status_code == 400 and error_of(broken)["code"] == "malformed_request"
    wrong = send(client, "post", "/api/units", {"parent_code": "79", "code": "79.X", "kind": "ministry"})
    assert wrong.status_code == 400 and error_of(wrong)["code"] == "invalid"
    details = error_of(wrong)["details"]
    assert {(d["field"], d["code"]) for d in details} == {("name", "missing"), ("kind", "enum")}
    assert not Unit.objects.filter(code="79.X").exists()


def test_a_ward_reporter_gets_403_on_their_ward_and_404_on_another(api_client):
    client = api_client("canbo", "26743", "reporter")
    own = send(client, "patch", "/api/units/26743", {"version": 1, "short_name": "x"})
    other = send(client, "patch", "/api/units/26740", {"version": 1, "short_name": "x"})
    assert own.status_code == 403 and error_of(own)["code"] == "forbidden"
    assert other.status_code == 404 and error_of(other)["code"] == "not_found"
    members = client.get("/api/units/26740/members")
    assert members.status_code == 404


def test_a_stale_version_is_409_and_the_first_edit_survives(api_client):
    client = api_client("admin", "79", "administrator")
    first = send(client, "patch", "/api/units/26743", {"version": 1, "short_name": "A"})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = send(client, "patch", "/api/units/26743", {"version": 1, "short_name": "B"})
    assert second.status_code == 409 and error_of(second)["code"] == "stale_version"
    assert Unit.objects.get(code="26743").short_name == "A"


def test_creating_users_and_granting_roles_through_the_api(api_client):
    admin = api_client("admin.benthanh", "26743", "administrator")
    created = send(admin, "post", "/api/users", {"username": "moi", "password": PASSWORD, "unit_code": "26743", "role": "reporter"})
    assert created.status_code == 201
    duplicate = send(admin, "post", "/api/users", {"username": "MOI", "password": PASSWORD, "unit_code": "26743", "role": "reporter"})
    assert duplicate.status_code == 409 and error_of(duplicate)["code"] == "user_exists"
    outside = send(admin, "post", "/api/roles", {"username": "moi", "unit_code": "26740", "role": "viewer"})
    assert outside.status_code == 404
    granted = send(admin, "post", "/api/roles", {"username": "moi", "unit_code": "26743", "role": "approver"})
    assert granted.status_code == 201
    revoked = admin.delete(f"/api/roles/{granted.json()['id']}")
    assert revoked.status_code == 200
    history = admin.get("/api/units/26743/history").json()
    assert [e["action"] for e in history[:4]] == ["role_revoke", "role_grant", "role_grant", "user_create"]


def test_session_writes_need_the_csrf_token(hcmc, make_user):
    make_user("admin", "79", "administrator")
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="admin", password=PASSWORD)
    assert client.get("/api/me").status_code == 200
    response = send(client, "patch", "/api/units/26743", {"version": 1, "short_name": "x"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="unit_update").exists()


def test_openapi_document_and_local_docs_page(hcmc):
    schema = Client().get("/api/openapi.json").json()
    assert {"/api/units", "/api/units/{code}", "/api/users", "/api/roles", "/api/me", "/api/auth/token"} <= set(schema["paths"])
    docs = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn." not in docs


def test_granting_to_an_unknown_account_names_the_field_and_outside_ones_reach_reveals_nothing(api_client, make_user):
    admin = api_client("admin.benthanh", "26743", "administrator")
    unknown = send(admin, "post", "/api/roles", {"username": "khongco", "unit_code": "26743", "role": "viewer"})
    assert unknown.status_code == 422 and error_of(unknown)["code"] == "user_not_found"
    assert [(d["field"], d["code"]) for d in error_of(unknown)["details"]] == [("username", "user_not_found")]
    make_user("someone", "26740", "viewer")
    existing_elsewhere = send(admin, "post", "/api/roles", {"username": "someone", "unit_code": "26740", "role": "viewer"})
    unknown_elsewhere = send(admin, "post", "/api/roles", {"username": "khongco", "unit_code": "26740", "role": "viewer"})
    assert existing_elsewhere.status_code == unknown_elsewhere.status_code == 404
    assert existing_elsewhere.json() == unknown_elsewhere.json()


def test_revoking_a_missing_or_out_of_reach_role_is_the_same_404(api_client, make_user):
    from dieuhanh.access.models import RoleAssignment

    make_user("someone", "26740", "viewer")
    foreign = RoleAssignment.objects.get(user__username="someone")
    admin = api_client("admin.benthanh", "26743", "administrator")
    out_of_reach, missing = admin.delete(f"/api/roles/{foreign.pk}"), admin.delete(f"/api/roles/{foreign.pk + 1000}")
    assert out_of_reach.status_code == missing.status_code == 404 and out_of_reach.json() == missing.json()
    assert RoleAssignment.objects.get(pk=foreign.pk).revoked_at is None
    revoked_twice = api_client("admin.saigon", "26740", "administrator")
    assert revoked_twice.delete(f"/api/roles/{foreign.pk}").status_code == 200
    again = revoked_twice.delete(f"/api/roles/{foreign.pk}")
    assert again.status_code == 409 and error_of(again)["code"] == "already_revoked"
