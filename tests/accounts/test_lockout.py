"""Brute force: failed sign-ins lock the account and the address, on the login form and on POST /api/auth/token;
an administrator lifts the lock; each lock and unlock is in the audit log."""

import json

from django.test import Client

from dieuhanh.audit.models import AuditEvent
from tests.conftest import PASSWORD


def _token(client, username, password):
    return client.post("/api/auth/token", data=json.dumps({"username": username, "password": password, "name": "x"}),
                       content_type="application/json")


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_fifty_wrong_passwords_on_the_api_then_the_right_one_is_refused_while_locked(hcmc, make_user, settings):
    settings.DIEUHANH_LOGIN_FAILURES_PER_ADDRESS = 1000  # this test is about the account's count
    make_user("canbo", "26743", "reporter")
    make_user("khac", "26743", "reporter")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    codes = [_token(attacker, "canbo", f"sai-{i}").status_code for i in range(50)]
    # 5 wrong passwords are checked (401), then the account is locked: 429 without checking
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    right = _token(attacker, "canbo", PASSWORD)
    assert right.status_code == 429 and right.json()["error"]["code"] == "locked_out"
    assert "15 more minutes" in right.json()["error"]["message"]
    # the account is locked from every address; another account from the same address is not
    assert _token(Client(REMOTE_ADDR="198.51.100.1"), "canbo", PASSWORD).status_code == 429
    assert _token(attacker, "khac", PASSWORD).status_code == 201
    # one audit event for the one lock
    locks = AuditEvent.objects.filter(action="login_lockout")
    assert [(e.object_type, e.object_id, e.changes["failures"][1]) for e in locks] == [("account", "canbo", 5)]


def test_the_login_form_locks_with_a_vietnamese_sentence_and_an_administrator_unlocks(hcmc, make_user, web_client, clock):
    make_user("canbo", "26743", "reporter")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(5):
        assert _login(attacker, "canbo", f"sai-{i}").status_code == 200  # the form again: wrong password
    locked = _login(attacker, "canbo", PASSWORD)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in text and "15 phút" in text
    assert "_auth_user_id" not in attacker.session
    # the ward's administrator sees the lock on the unit page and lifts it
    admin = web_client("quantri", "26743", "administrator")
    page = admin.get("/units/26743/").content.decode()
    assert "Bị khóa đăng nhập" in page and "Mở khóa đăng nhập cho canbo" in page
    admin.post("/units/26743/members/canbo/unlock/")
    assert "Bị khóa đăng nhập" not in admin.get("/units/26743/").content.decode()
    assert _login(attacker, "canbo", PASSWORD).status_code == 302  # signed in
    unlock = AuditEvent.objects.get(action="login_unlock")
    assert (unlock.actor_label, unlock.object_id, unlock.changes) == ("quantri", str(unlock.object_id), {"locked": [True, False]})


def test_the_lock_expires_after_fifteen_minutes(hcmc, make_user, clock):
    make_user("canbo", "26743", "reporter")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(5):
        _token(client, "canbo", f"sai-{i}")
    assert _token(client, "canbo", PASSWORD).status_code == 429
    clock.shift(14 * 60)
    assert _token(client, "canbo", PASSWORD).status_code == 429
    clock.shift(2 * 60)
    assert _token(client, "canbo", PASSWORD).status_code == 201


def test_one_address_trying_many_accounts_is_locked_other_addresses_are_not(hcmc, make_user):
    make_user("canbo", "26743", "reporter")
    spray = Client(REMOTE_ADDR="203.0.113.9")
    # 20 failures over 20 different (non-existent) accounts: no account reaches 5, the address reaches 20
    assert {_token(spray, f"nguoi{i}", "sai").status_code for i in range(20)} == {401}
    assert _token(spray, "canbo", PASSWORD).status_code == 429
    assert _token(Client(REMOTE_ADDR="198.51.100.1"), "canbo", PASSWORD).status_code == 201
    assert [(e.object_type, e.object_id) for e in AuditEvent.objects.filter(action="login_lockout")] == [("address", "203.0.113.9")]


def test_unlock_needs_an_administrator_of_the_persons_unit(hcmc, make_user, api_client):
    make_user("canbo", "26743", "reporter")
    other_ward_admin = api_client("admin2", "26740", "administrator")
    assert other_ward_admin.post("/api/users/canbo/unlock").status_code == 404  # out of reach: like a missing person
    colleague = api_client("dongnghiep", "26743", "reporter")
    assert colleague.post("/api/users/canbo/unlock").status_code == 404
    admin = api_client("admin1", "26743", "administrator")
    assert admin.post("/api/users/canbo/unlock").status_code == 200
