"""Publishing through the API: the same action as the page, with its errors in the one envelope."""

from __future__ import annotations

from dieuhanh.jobs.runner import run_queued
from dieuhanh.portal.models import Release


def test_steering_publishes_through_the_api_and_lists_releases(world, api_client):
    client = api_client("chidao.api", "79", "steering")
    queued = client.post("/api/portal/releases", {"as_of": "30/06/2026"}, content_type="application/json")
    assert queued.status_code == 202, queued.content
    assert (queued.json()["kind"], queued.json()["status"]) == ("portal.release", "queued")
    assert not Release.objects.exists()  # a worker publishes it
    assert run_queued() == 1
    job = client.get(f"/api/jobs/{queued.json()['id']}").json()
    listed = client.get("/api/portal/releases").json()
    body = listed[0]
    assert job["status"] == "succeeded" and job["result"]["release"] == body["id"] == Release.objects.get().pk
    assert body["as_of"] == "2026-06-30" and body["url"] == f"/cong-khai/ban-phat-hanh/{body['id']}/" == job["result"]["url"]
    assert body["sha256"] == Release.objects.get().sha256
    again = client.post("/api/portal/releases", {"as_of": "30/06/2026"}, content_type="application/json")
    assert again.status_code == 422 and again.json()["error"]["code"] == "release_note_required"
    listed = client.get("/api/portal/releases").json()
    assert [r["id"] for r in listed] == [body["id"]]


def test_a_bad_date_or_another_role_publishes_nothing(world, api_client):
    bad = api_client("chidao.api", "79", "steering").post("/api/portal/releases", {"as_of": "31/02/2026"}, content_type="application/json")
    assert bad.status_code == 400
    refused = api_client("duyet.api", "79", "approver").post("/api/portal/releases", {"as_of": "30/06/2026"}, content_type="application/json")
    assert refused.status_code == 403 and not Release.objects.exists()
