"""Oracles (issue 14, defect 6): what lies out of one's reach answers exactly like what does not exist, whole
responses compared: an evidence file, a username on the role-grant page and API, a sub-task's parent."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from dieuhanh.access.models import RoleAssignment
from dieuhanh.plans.models import Evidence, Task
from dieuhanh.plans.services import report_save, task_create
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db


def whole(response, *replace: tuple[str, str]) -> tuple:
    """Status, content type and body of ``response`` (CSRF tokens masked; ``replace`` pairs applied to the body)."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    for old, new in replace:
        body = body.replace(old, new)
    return response.status_code, response["Content-Type"], body


def test_evidence_out_of_reach_answers_exactly_like_missing(plan, api_client, web_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report_save(actor=SYSTEM, task=Task.objects.get(code="4.2"), period="2026-10", percent=20, evidence=("bien-ban.pdf", b"%PDF-1.7 x"))
    pk = Evidence.objects.get().pk
    outsider = api_client("canbo.saigon", "26740", "reporter")
    hidden, missing = outsider.get(f"/api/evidence/{pk}"), outsider.get(f"/api/evidence/{pk + 1000}")
    assert whole(hidden)[0] == 404 and whole(hidden) == whole(missing)
    page = web_client("canbo.saigon2", "26740", "reporter")
    hidden = whole(page.get(f"/evidence/{pk}/"), (f"/evidence/{pk}/", "/evidence/N/"))
    missing = whole(page.get(f"/evidence/{pk + 1000}/"), (f"/evidence/{pk + 1000}/", "/evidence/N/"))
    assert hidden[0] == 404 and hidden == missing


def test_the_role_grant_page_and_api_tell_nothing_about_a_username_out_of_reach(web_client, api_client, make_user):
    make_user("someone.saigon", "26740", "viewer")  # exists, in another ward
    grants = RoleAssignment.objects.count()
    client = web_client("admin.benthanh", "26743", "administrator")
    answers = []
    for username in ("someone.saigon", "khongco"):
        response = client.post("/units/26743/roles/", {"username": username, "role": "reporter"}, follow=True)
        answers.append(whole(response, (username, "USERNAME")))
    assert answers[0] == answers[1]
    assert "Không tìm thấy người dùng" in answers[0][2] or "user" in answers[0][2]
    api = api_client("admin.benthanh.api", "26743", "administrator")
    answers = [whole(api.post("/api/roles", data=json.dumps({"username": u, "unit_code": "26743", "role": "reporter"}),
                              content_type="application/json"), (u, "USERNAME")) for u in ("someone.saigon", "khongco")]
    assert answers[0][0] in (400, 422) and answers[0] == answers[1]
    assert RoleAssignment.objects.count() == grants + 2  # the two administrators' own roles only


def test_a_role_can_still_be_granted_to_someone_in_reach(web_client, make_user):
    make_user("canbo.moi", "26743", "viewer")
    client = web_client("admin.benthanh", "26743", "administrator")
    client.post("/units/26743/roles/", {"username": "canbo.moi", "role": "reporter"})
    assert RoleAssignment.objects.filter(user__username="canbo.moi", role="reporter", unit__code="26743").exists()


def test_a_sub_task_under_a_parent_out_of_reach_names_no_parent(plan, hcmc, api_client, web_client):
    fund = Task.objects.get(code="4.1")  # led by the finance department, nothing to do with Bến Thành
    sub = task_create(actor=SYSTEM, plan=plan, group=fund.group, parent=fund, code="4.1.3", title="Khảo sát nhu cầu vốn tại phường",
                      lead_unit=hcmc["26743"], start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31))
    top = Task.objects.get(code="4.2")  # a top-level task of the same ward
    ward = api_client("canbo.benthanh", "26743", "reporter")
    assert ward.get(f"/api/tasks/{fund.pk}").status_code == 404
    assert ward.get(f"/api/tasks/{sub.pk}").json()["parent_code"] is None
    assert ward.get(f"/api/tasks/{top.pk}").json()["parent_code"] is None
    listed = {t["code"]: t["parent_code"] for t in ward.get("/api/tasks").json()["items"]}
    assert listed["4.1.3"] is None
    city = api_client("bcd", "79", "steering")
    assert city.get(f"/api/tasks/{sub.pk}").json()["parent_code"] == "4.1"
    page = web_client("canbo.benthanh2", "26743", "reporter").get(reverse("task_detail", args=[sub.pk])).content.decode()
    assert reverse("task_detail", args=[fund.pk]) not in page
    city_page = web_client("bcd2", "79", "steering").get(reverse("task_detail", args=[sub.pk])).content.decode()
    assert reverse("task_detail", args=[fund.pk]) in city_page
