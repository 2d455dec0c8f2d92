"""API tokens: they expire, one per client name, at most a cap per person, revocable one by one or all at once
(over the API and on the person's page), all revoked by a new password; listed without their secret."""

import datetime as dt
import json

from django.test import Client

from dieuhanh.access.models import ApiToken
from dieuhanh.accounts.models import User
from dieuhanh.audit.models import AuditEvent
from tests.conftest import PASSWORD


def _token(username, name="laptop"):
    response = Client().post("/api/auth/token", data=json.dumps({"username": username, "password": PASSWORD, "name": name}),
                             content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _bearer(secret):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_token_expires_after_thirty_days(hcmc, make_user, clock):
    make_user("canbo", "26743", "reporter")
    issued = _token("canbo")
    assert issued["expires_at"].startswith("2026-12-30T")  # 30/11/2026 09:00 + 30 days
    clock.shift(dt.timedelta(days=29, hours=23))
    assert _bearer(issued["token"]).get("/api/me").status_code == 200
    clock.shift(dt.timedelta(hours=2))
    assert _bearer(issued["token"]).get("/api/me").status_code == 401


def test_signing_in_again_from_one_client_replaces_its_token_and_the_cap_holds(hcmc, make_user, settings):
    settings.DIEUHANH_API_TOKEN_CAP = 3
    make_user("canbo", "26743", "reporter")
    first = _token("canbo", "laptop")
    for _ in range(11):
        last = _token("canbo", "laptop")
    assert _bearer(first["token"]).get("/api/me").status_code == 401
    assert _bearer(last["token"]).get("/api/me").status_code == 200
    assert ApiToken.objects.filter(user__username="canbo", revoked_at__isnull=True).count() == 1
    _token("canbo", "excel")
    _token("canbo", "phone")
    over = Client().post("/api/auth/token", data=json.dumps({"username": "canbo", "password": PASSWORD, "name": "fourth"}),
                         content_type="application/json")
    assert over.status_code == 409 and over.json()["error"]["code"] == "token_cap"


def test_revoke_one_and_revoke_all_over_the_api(hcmc, make_user):
    make_user("canbo", "26743", "reporter")
    laptop, phone, excel = (_token("canbo", n) for n in ("laptop", "phone", "excel"))
    client = _bearer(laptop["token"])
    listed = client.get("/api/auth/tokens").json()
    assert sorted(t["name"] for t in listed) == ["excel", "laptop", "phone"]
    assert all("token" not in t and "digest" not in t for t in listed)
    phone_id = next(t["id"] for t in listed if t["name"] == "phone")
    assert client.delete(f"/api/auth/tokens/{phone_id}").status_code == 200
    assert _bearer(phone["token"]).get("/api/me").status_code == 401
    assert client.delete("/api/auth/tokens").json() == {"revoked": 2}
    assert _bearer(excel["token"]).get("/api/me").status_code == 401
    assert client.get("/api/me").status_code == 401
    assert AuditEvent.objects.filter(action="token_revoke").count() == 3


def test_someone_elses_token_answers_like_a_missing_one(hcmc, make_user):
    make_user("canbo", "26743", "reporter")
    make_user("khac", "26743", "reporter")
    mine = _token("canbo")
    theirs_id = ApiToken.objects.get(user__username="canbo").pk
    other = _bearer(_token("khac")["token"])
    assert other.delete(f"/api/auth/tokens/{theirs_id}").status_code == 404
    assert other.delete("/api/auth/tokens/999999").status_code == 404
    assert _bearer(mine["token"]).get("/api/me").status_code == 200


def test_a_new_password_revokes_every_token(hcmc, make_user):
    make_user("canbo", "26743", "reporter")
    issued = [_token("canbo", n)["token"] for n in ("laptop", "phone")]
    user = User.objects.get(username="canbo")
    user.set_password("mot-mat-khau-moi-2026")
    user.save()
    assert [_bearer(t).get("/api/me").status_code for t in issued] == [401, 401]


def test_the_persons_page_lists_tokens_without_secrets_and_revokes_them(hcmc, make_user, web_client):
    page_client = web_client("canbo", "26743", "reporter")
    issued = _token("canbo", "Excel add-in")
    page = page_client.get("/me/roles/").content.decode()
    assert "Excel add-in" in page and issued["token"][:10] in page and issued["token"] not in page
    assert "30/11/2026" in page and "30/12/2026" in page  # created, expires
    page_client.post("/me/tokens/revoke-all/")
    assert _bearer(issued["token"]).get("/api/me").status_code == 401
    assert "Bạn chưa có mã truy cập API" in page_client.get("/me/roles/").content.decode()


def test_an_administrator_revokes_a_members_tokens_from_the_unit_page(hcmc, make_user, web_client):
    make_user("canbo", "26743", "reporter")
    issued = _token("canbo")
    web_client("quantri2", "26740", "administrator").post("/units/26743/members/canbo/unlock/", {"revoke_tokens": "1"})
    assert _bearer(issued["token"]).get("/api/me").status_code == 200  # another ward's administrator: nothing
    web_client("quantri", "26743", "administrator").post("/units/26743/members/canbo/unlock/", {"revoke_tokens": "1"})
    assert _bearer(issued["token"]).get("/api/me").status_code == 401
