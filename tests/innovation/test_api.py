"""The API of calls: officials create and move a call; proposers submit through their own endpoints; bad input is a
clear 4xx."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from dieuhanh.accounts.services import token_create
from dieuhanh.innovation.models import Call, Proposal
from tests.conftest import DEPARTMENT

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def proposer_api(proposer) -> Client:
    _, secret = token_create(actor=proposer.user, user=proposer.user, name="api")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_an_official_creates_and_publishes_a_call_by_the_api(hcmc, api_client):
    api = api_client("lanhdao.api", DEPARTMENT, "approver")
    body = {"owner": DEPARTMENT, "title": "Trợ lý ảo trả lời thủ tục", "need": "Giảm thời gian chờ", "closes_on": "31/12/2026",
            "criteria": [{"name": "Phù hợp", "weight": 70}, {"name": "Chi phí", "weight": 30}]}
    r = post(api, "/api/calls", body)
    assert r.status_code == 201, r.content
    call = r.json()
    assert [c["weight"] for c in call["criteria"]] == [70, 30] and call["stage"] == "draft"
    r = post(api, f"/api/calls/{call['id']}/move", {"version": call["version"], "to": "published"})
    assert r.status_code == 200 and r.json()["stage"] == "published"
    assert [c["id"] for c in Client().get("/api/public/calls").json()] == [call["id"]]


@pytest.mark.parametrize(("criteria", "status", "code"), [
    ([{"name": "A", "weight": 60}, {"name": "B", "weight": 30}], 422, "weights_not_100"),
    ([{"name": "A", "weight": 0}], 400, "out_of_range"),
    ([], 400, "too_short"),
])
def test_bad_criteria_are_refused(hcmc, api_client, criteria, status, code):
    api = api_client("lanhdao.api", DEPARTMENT, "approver")
    r = post(api, "/api/calls", {"owner": DEPARTMENT, "title": "X", "need": "Y", "criteria": criteria})
    assert r.status_code == status, r.content
    assert code in json.dumps(r.json())
    assert not Call.objects.exists()


def test_a_proposer_submits_edits_and_withdraws_by_the_api_and_is_refused_a_second_time(call, proposers):
    api = proposer_api(proposers["a"])
    body = {"title": "Cảm biến", "summary": "Tóm tắt", "description": "Mô tả", "rules_accepted": True}
    r = post(api, f"/api/de-xuat/calls/{call.pk}/proposals", body)
    assert r.status_code == 201, r.content
    p = r.json()
    again = post(api, f"/api/de-xuat/calls/{call.pk}/proposals", body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "proposal_already_submitted"
    too_long = post(api, f"/api/de-xuat/calls/{call.pk}/proposals", {**body, "title": "T" * 201})
    assert too_long.status_code == 400
    r = api.patch(f"/api/de-xuat/proposals/{p['id']}", data=json.dumps({"version": p["version"], "summary": "Tóm tắt mới"}),
                  content_type="application/json")
    assert r.status_code == 200 and r.json()["summary"] == "Tóm tắt mới"
    r = post(api, f"/api/de-xuat/proposals/{p['id']}/withdraw", {"version": r.json()["version"]})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert Proposal.objects.get().status == "withdrawn"


def test_an_official_cannot_use_the_proposers_endpoints(call, api_client):
    api = api_client("canbo.api", DEPARTMENT, "reporter")
    r = post(api, f"/api/de-xuat/calls/{call.pk}/proposals", {"title": "T", "summary": "S", "description": "D", "rules_accepted": True})
    assert r.status_code == 404 and not Proposal.objects.exists()
