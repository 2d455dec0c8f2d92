"""The register over the API: raise, assign, answer, close, the list with its filters, the summary; bad input is
a 400 that changes nothing, a stale version a 409, an item out of reach a 404."""

from __future__ import annotations

import json

import pytest

from dieuhanh.accounts.models import User
from dieuhanh.difficulties.models import Difficulty
from dieuhanh.plans.services import report_save
from tests.conftest import BEN_THANH, CITY, DEPARTMENT, SAI_GON


@pytest.fixture
def clients(api_client):
    return {"ward": api_client("phuong", BEN_THANH, "reporter"), "steering": api_client("bcd", CITY, "steering"),
            "dept": api_client("so", DEPARTMENT, "reporter"), "other": api_client("saigon", SAI_GON, "approver")}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


RAISE = {"unit": BEN_THANH, "category": "funding", "content": "Thiếu kinh phí mua máy chủ", "proposal": "Bổ sung kinh phí 2027",
         "addressed_to": "79.BCD57"}


def test_the_walk_over_the_api(clients):
    r = post(clients["ward"], "/api/difficulties", RAISE)
    assert r.status_code == 201, r.content
    item = r.json()
    assert (item["status"], item["unit"], item["raised_on"], item["age_days"], item["version"]) == ("submitted", BEN_THANH, "2026-11-30", 0, 1)
    r = post(clients["steering"], f"/api/difficulties/{item['id']}/assign", {"version": 1, "handling_unit": DEPARTMENT, "deadline": "15/12/2026"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["handling_unit"], r.json()["deadline"]) == ("assigned", DEPARTMENT, "2026-12-15")
    r = post(clients["dept"], f"/api/difficulties/{item['id']}/answer", {"version": 2, "answer": "Đã đưa vào dự toán 2027"})
    assert (r.status_code, r.json()["status"]) == (200, "answered")
    r = post(clients["steering"], f"/api/difficulties/{item['id']}/close", {"version": 3, "outcome": "resolved"})
    assert (r.status_code, r.json()["status"], r.json()["outcome"], r.json()["version"]) == (200, "closed", "resolved", 4)
    assert clients["ward"].get(f"/api/difficulties/{item['id']}").json()["answer"] == "Đã đưa vào dự toán 2027"


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(clients):
    r = post(clients["ward"], "/api/difficulties", {**RAISE, "category": "weather"})
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "category"
    r = post(clients["ward"], "/api/difficulties", {**RAISE, "content": "x" * 100_001})
    assert r.status_code == 400 and r.json()["error"]["details"][0]["code"] == "too_long"
    assert not Difficulty.objects.exists()


def test_a_stale_version_is_a_409_and_an_item_out_of_reach_a_404(clients):
    item = post(clients["ward"], "/api/difficulties", RAISE).json()
    r = post(clients["steering"], f"/api/difficulties/{item['id']}/assign", {"version": 5, "handling_unit": DEPARTMENT, "deadline": "2026-12-15"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "stale_version")
    assert clients["other"].get(f"/api/difficulties/{item['id']}").status_code == 404
    assert clients["other"].get(f"/api/difficulties/{item['id'] + 1000}").status_code == 404
    # the department does not see an item before it is assigned to it; the raising ward may not assign it
    assert clients["dept"].get(f"/api/difficulties/{item['id']}").status_code == 404
    r = post(clients["ward"], f"/api/difficulties/{item['id']}/assign", {"version": 1, "handling_unit": DEPARTMENT, "deadline": "2026-12-15"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")


def test_items_from_a_report_and_the_summary(clients, plan, hcmc):
    task = plan.tasks.get(code="4.2")  # led by Phường Bến Thành
    report = report_save(actor=User.objects.get(username="phuong"), task=task,
                         period="2026-11", percent=40, difficulties="Thiếu thiết bị", proposals="Cấp thiết bị")
    r = post(clients["ward"], f"/api/reports/{report.pk}/difficulties",
             {"items": [{"category": "technology", "content": "Thiếu thiết bị", "proposal": "Cấp thiết bị", "addressed_to": "79.STC"},
                        {"category": "personnel", "content": "Thiếu cán bộ", "addressed_to": "79.SNV"}]})
    assert r.status_code == 201, r.content
    assert [(i["task_code"], i["report_id"], i["category"]) for i in r.json()] == [("4.2", report.pk, "technology"), ("4.2", report.pk, "personnel")]
    first = r.json()[0]["id"]
    post(clients["steering"], f"/api/difficulties/{first}/assign", {"version": 1, "handling_unit": "79.STC", "deadline": "2026-12-10"})
    s = clients["steering"].get("/api/difficulties/summary").json()
    assert (s["total"], s["open"], s["to_assign"], s["overdue"]) == (2, 2, 1, 0)
    assert s["by_status"] == {"submitted": 1, "assigned": 1, "answered": 0, "closed": 0}
    assert s["by_category"]["technology"] == 1 and s["by_category"]["personnel"] == 1 and s["by_category"]["funding"] == 0
    assert s["open_by_age"] == {"le_30": 2, "31_90": 0, "gt_90": 0}
    # on 11/12/2026 the assignment is one day past its deadline
    s = clients["steering"].get("/api/difficulties/summary?as_of=2026-12-11").json()
    assert s["overdue"] == 1 and s["overdue_by_handling_unit"] == [{"code": "79.STC", "name": "Sở Tài chính", "count": 1}]
    listed = clients["steering"].get("/api/difficulties?category=personnel").json()
    assert listed["count"] == 1 and listed["items"][0]["content"] == "Thiếu cán bộ"
    assert clients["other"].get("/api/difficulties").json()["count"] == 0
