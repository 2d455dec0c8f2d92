"""Plans and tasks over HTTP: the API (scoping, conflicts, evidence) and the pages (scoping, as-of, drill-down)."""

import datetime as dt
import json

import pytest

from dieuhanh.plans.models import Evidence, ProgressReport, Task


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def tid(code):
    return Task.objects.get(code=code).pk


def test_a_ward_reporter_sees_only_the_tasks_of_its_ward(plan, api_client):
    client = api_client("canbo.benthanh", "26743", "reporter")
    body = client.get("/api/tasks").json()
    assert [t["code"] for t in body["items"]] == ["4.2"]
    assert client.get(f"/api/tasks/{tid('4.1')}").status_code == 404
    assert post(client, f"/api/tasks/{tid('4.1')}/reports", {"period": "2026-01", "percent": 10}).status_code == 404


def test_report_flow_over_the_api_with_evidence_and_conflict(plan, api_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reporter = api_client("canbo.benthanh", "26743", "reporter")
    approver = api_client("lanhdao.benthanh", "26743", "approver")
    created = post(reporter, f"/api/tasks/{tid('4.2')}/reports", {"period": "2026-10", "percent": 55, "done": "Mở 12 lớp"})
    assert created.status_code == 201
    report = created.json()
    upload = reporter.post(f"/api/reports/{report['id']}/evidence", {"file": _file("danh-sach.pdf", b"%PDF-1.7 ok")})
    assert upload.status_code == 201 and upload.json()["kind"] == "pdf"
    disguised = reporter.post(f"/api/reports/{report['id']}/evidence", {"file": _file("virus.pdf", b"MZ\x90")})
    assert disguised.status_code == 422 and disguised.json()["error"]["code"] == "file_disguised"
    stale = post(reporter, f"/api/tasks/{tid('4.2')}/reports", {"period": "2026-10", "percent": 60, "version": report["version"] - 1 or 99})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    submitted = post(reporter, f"/api/tasks/{tid('4.2')}/reports", {"period": "2026-10", "percent": 60, "submit": True, "version": report["version"]})
    assert submitted.status_code == 201 and submitted.json()["status"] == "submitted"
    version = submitted.json()["version"]
    assert post(reporter, f"/api/reports/{report['id']}/approve", {"version": version}).status_code == 403
    approved = post(approver, f"/api/reports/{report['id']}/approve", {"comment": "Đạt", "version": version})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert reporter.get(f"/api/tasks/{tid('4.2')}").json()["progress"] == "60.00"
    evidence = Evidence.objects.get()
    assert reporter.get(f"/api/evidence/{evidence.pk}").status_code == 200
    outsider = api_client("canbo.saigon", "26740", "reporter")
    assert outsider.get(f"/api/evidence/{evidence.pk}").status_code == 404


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_statistics_endpoint_gives_the_official_split_with_task_ids(plan, api_client):
    client = api_client("bcd", "79", "steering")
    body = client.get(f"/api/plans/{plan.pk}/statistics", {"as_of": "2026-06-30", "by": "group", "ids": "true"}).json()
    assert body["total"]["counts"] == {"completed_on_time": 0, "completed_late": 0, "within_deadline": 1, "overdue": 2}
    assert sorted(body["total"]["task_ids"]["overdue"]) == sorted([tid("1.1"), tid("4.1")])
    # Without ``ids`` the same counts and no ids (tens of thousands of them at city scale).
    plain = client.get(f"/api/plans/{plan.pk}/statistics", {"as_of": "2026-06-30", "by": "group"}).json()
    assert plain["total"]["counts"] == body["total"]["counts"] and plain["total"]["task_ids"] is None


def test_the_deadline_cannot_be_patched(plan, api_client):
    client = api_client("bcd", "79", "steering")
    t = Task.objects.get(code="1.1")
    response = client.patch(f"/api/tasks/{t.pk}", data=json.dumps({"version": t.version, "deadline": "2030-01-01"}), content_type="application/json")
    assert response.status_code == 400
    assert [(d["field"], d["code"]) for d in response.json()["error"]["details"]] == [("deadline", "extra_forbidden")]
    assert Task.objects.get(pk=t.pk).deadline == t.deadline


def test_pages_scope_tasks_and_answer_404_outside_reach(plan, web_client):
    ward = web_client("canbo.benthanh", "26743", "reporter")
    assert ward.get(f"/tasks/{tid('4.2')}/").status_code == 200
    assert ward.get(f"/tasks/{tid('4.1')}/").status_code == 404
    listing = ward.get("/tasks/").content.decode()
    assert "Phổ cập kỹ năng số" in listing and "Quỹ đầu tư mạo hiểm" not in listing
    assert ward.post(f"/tasks/{tid('4.1')}/report/", {"period": "2026-10", "percent": "10"}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_statistics_page_numbers_link_to_the_tasks_behind_them(plan, web_client):
    city = web_client("bcd", "79", "steering")
    html = city.get(f"/plans/{plan.pk}/statistics/", {"as_of": "30/06/2026", "since": "31/12/2025"}).content.decode()
    assert f"/tasks/?plan={plan.pk}&amp;official=overdue&amp;as_of=30/06/2026&amp;group=1" in html
    drill = city.get("/tasks/", {"plan": plan.pk, "official": "overdue", "as_of": "30/06/2026", "group": "1"}).content.decode()
    assert "Ban hành khung quản trị" in drill and "Quỹ đầu tư" not in drill
    assert "Ban hành khung quản trị" in html  # listed among the tasks newly overdue since 31/12/2025


def test_excel_downloads(plan, web_client):
    city = web_client("bcd", "79", "steering")
    export = city.get(f"/plans/{plan.pk}/export.xlsx")
    assert export.status_code == 200 and export.content.startswith(b"PK")
    assert "phu-luc-4354-KH-UBND.xlsx" in export["Content-Disposition"]


@pytest.mark.today(dt.date(2026, 11, 30))
def test_warning_thresholds_are_configured_per_plan_and_change_the_colours(plan, api_client):
    from dieuhanh.plans.services import report_approve, report_save
    from tests.conftest import SYSTEM

    r = report_save(actor=SYSTEM, task=Task.objects.get(code="4.2"), period="2026-10", percent=60, submit=True)
    report_approve(actor=SYSTEM, report=r, expected_version=r.version)
    city = api_client("bcd", "79", "steering")
    # 4.2 runs 01/07/2025 → 31/12/2026; approved today (30/11/2026), when over 90 % of the time has
    # passed: 60 % is more than 25 points behind.
    body = city.get(f"/api/tasks/{tid('4.2')}").json()
    assert body["colour"] == "red" and body["progress"] == "60.00"
    patched = city.patch(f"/api/plans/{plan.pk}", data=json.dumps({"version": plan.version, "warning_rule": {"green_gap": 35, "red_gap": 50}}),
                         content_type="application/json")
    assert patched.status_code == 200 and patched.json()["warning_rule"]["green_gap"] == 35
    assert city.get(f"/api/tasks/{tid('4.2')}").json()["colour"] == "green"
    bad = city.patch(f"/api/plans/{plan.pk}", data=json.dumps({"version": plan.version + 1, "warning_rule": {"green_gap": 60, "red_gap": 10}}),
                     content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "warning_rule"
    ward = api_client("lanhdao.benthanh", "26743", "approver")
    refused = ward.patch(f"/api/plans/{plan.pk}", data=json.dumps({"version": plan.version + 1, "rollup_rule": "mean"}), content_type="application/json")
    assert refused.status_code == 403


def test_two_people_editing_the_same_task_the_second_gets_409(plan, api_client):
    city = api_client("bcd", "79", "steering")
    t = Task.objects.get(code="4.1")
    first = city.patch(f"/api/tasks/{t.pk}", data=json.dumps({"version": t.version, "product": "Quỹ được thành lập"}), content_type="application/json")
    second = city.patch(f"/api/tasks/{t.pk}", data=json.dumps({"version": t.version, "product": "Khác"}), content_type="application/json")
    assert first.status_code == 200 and second.status_code == 409 and second.json()["error"]["code"] == "stale_version"
    assert Task.objects.get(pk=t.pk).product == "Quỹ được thành lập"


def test_a_ward_exports_only_the_tasks_it_may_see(plan, web_client):
    import io

    from dieuhanh.core.tasks.appendix_sheet import read_appendix

    ward = web_client("canbo.benthanh", "26743", "reporter")
    appendix = read_appendix(io.BytesIO(ward.get(f"/plans/{plan.pk}/export.xlsx").content))
    assert [t.code for g in appendix.groups for t in g.tasks] == ["4.2"]


def test_another_users_roles_outside_my_reach_are_not_shown(plan, api_client, make_user):
    from dieuhanh.accounts.models import User
    from dieuhanh.accounts.services import role_grant
    from tests.conftest import SYSTEM

    shared = make_user("chung", "26743", "viewer")
    role_grant(actor=SYSTEM, user=shared, unit=User.objects.get(pk=shared.pk).role_assignments.get().unit.parent, role="viewer")
    ward = api_client("lanhdao.benthanh", "26743", "approver")
    roles = ward.get("/api/users/chung").json()["roles"]
    assert [r["unit_code"] for r in roles] == ["26743"]


def test_plan_pages_built_on_a_made_up_reporting_history_say_so(plan, web_client):
    """The demo's reporting history is synthetic (its reports carry ``SYNTHETIC_HISTORY``): the plan's overview, its
    statistics page and the statistics workbook say so as of any day after such a report, and not before it."""
    import io

    from openpyxl import load_workbook

    from dieuhanh.plans.models import SYNTHETIC_HISTORY, ReportStatus

    client = web_client("xem.thongke", "79", "viewer")
    pages = [f"/plans/{plan.pk}/?as_of=30/11/2026", f"/plans/{plan.pk}/statistics/?as_of=30/11/2026"]
    for page in pages:
        assert 'id="synthetic-note"' not in client.get(page).content.decode(), page
    ProgressReport.objects.create(task=Task.objects.get(code="4.2"), period="2026-10", period_end=dt.date(2026, 10, 31), percent=40,
                                  status=ReportStatus.APPROVED, done="Kết quả kỳ 2026-10", review_comment=SYNTHETIC_HISTORY)
    for page in pages:
        body = client.get(page).content.decode()
        assert 'id="synthetic-note"' in body and SYNTHETIC_HISTORY in body, page
    before = client.get(f"/plans/{plan.pk}/statistics/?as_of=15/10/2026").content.decode()
    assert 'id="synthetic-note"' not in before  # as of a day before the made-up report
    workbook = client.get(f"/plans/{plan.pk}/statistics/?as_of=30/11/2026&format=xlsx")
    cells = [c for row in load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True) for c in row if c]
    assert SYNTHETIC_HISTORY in cells
