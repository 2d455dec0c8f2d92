"""One way to do each thing, for plans and tasks: request limits from the columns (400 naming the field), versions
required for every update, race-safe first saves, one 'not found' for missing and out-of-reach, errors turned into
responses in one place, and import reports rendered from codes."""

import io
import json
import threading

import pytest
from django.db import connection

from dieuhanh.plans.models import Evidence, ProgressReport, Task, TaskGroup
from tests.conftest import SYSTEM


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def patch(client, path, body):
    return client.patch(path, data=json.dumps(body), content_type="application/json")


def tid(code):
    return Task.objects.get(code=code).pk


def fields_of(response):
    return [d["field"] for d in response.json()["error"]["details"]]


def new_task(**extra):
    return {"group": 4, "code": "4.9", "title": "Nhiệm vụ mới", "lead_unit": "79.SKHCN", **extra}


# ---------------------------------------------------------------- limits from the columns


@pytest.mark.parametrize(("body", "field"), [
    (new_task(weight=10000), "weight"),  # numeric(6, 2): at most 9999.99
    (new_task(weight="1.234"), "weight"),  # two decimal places
    (new_task(budget_planned=1e30), "budget_planned"),  # numeric(18, 0)
    (new_task(group=2**40), "group"),  # a small integer
    (new_task(deadline_text="x" * 121), "deadline_text"),  # varchar(120)
    (new_task(phase="x" * 11), "phase"),  # varchar(10)
    (new_task(tags=["ok", "t" * 81]), "tags"),  # each tag varchar(80)
    (new_task(code="c" * 61), "code"),  # varchar(60)
    (new_task(deadline=0), "deadline"),  # 0 is not a date
    (new_task(deadline="31/02/2026"), "deadline"),
])
def test_a_task_beyond_its_columns_is_a_400_naming_the_field(plan, api_client, body, field):
    city = api_client("bcd", "79", "steering")
    response = post(city, f"/api/plans/{plan.pk}/tasks", body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert any(f == field or f.startswith(f"{field}.") for f in fields_of(response)), fields_of(response)
    assert not Task.objects.filter(code=body["code"]).exists()


def test_a_task_within_its_columns_is_created_in_its_group_under_its_parent(plan, api_client):
    city = api_client("bcd", "79", "steering")
    response = post(city, f"/api/plans/{plan.pk}/tasks", new_task(code="4.1.3", parent_code="4.1", weight="9999.99",
                                                                  budget_planned="999999999999999999", deadline_text="x" * 120,
                                                                  tags=["t" * 80]))
    assert response.status_code == 201, response.content
    task = Task.objects.get(code="4.1.3")
    assert (task.group.number, task.parent.code, str(task.weight)) == (4, "4.1", "9999.99")


def test_an_unknown_group_or_parent_is_refused_naming_the_field(plan, api_client):
    city = api_client("bcd", "79", "steering")
    no_group = post(city, f"/api/plans/{plan.pk}/tasks", new_task(group=7))
    assert no_group.status_code == 422
    assert [(d["field"], d["code"]) for d in no_group.json()["error"]["details"]] == [("group", "unknown_group")]
    assert no_group.json()["error"]["details"][0]["message"] == "There is no task group 7 in this plan."
    no_parent = post(city, f"/api/plans/{plan.pk}/tasks", new_task(parent_code="9.9"))
    assert no_parent.status_code == 422
    assert [(d["field"], d["code"]) for d in no_parent.json()["error"]["details"]] == [("parent_code", "unknown_parent")]


def test_a_group_title_beyond_500_characters_is_a_400(plan, api_client):
    city = api_client("bcd", "79", "steering")
    response = post(city, f"/api/plans/{plan.pk}/groups", {"number": 5, "title": "t" * 501})
    assert response.status_code == 400 and fields_of(response) == ["title"]
    assert response.json()["error"]["details"][0]["code"] == "too_long"
    assert not TaskGroup.objects.filter(number=5).exists()


@pytest.mark.parametrize(("query", "field"), [
    ({"offset": "9223372036854775808"}, "offset"),
    ({"limit": "0"}, "limit"),
    ({"as_of": "0"}, "as_of"),
    ({"deadline_from": "2026-13-01"}, "deadline_from"),
    ({"group": str(2**40)}, "group"),
])
def test_task_list_query_parameters_beyond_their_range_are_a_400(plan, api_client, query, field):
    city = api_client("bcd", "79", "steering")
    response = city.get("/api/tasks", query)
    assert response.status_code == 400, response.content
    assert field in fields_of(response)


def test_report_fields_beyond_their_columns_are_a_400(plan, api_client):
    reporter = api_client("canbo.benthanh", "26743", "reporter")
    for body, field in [({"period": "2026-13", "percent": 10}, "period"), ({"period": "2026-10", "percent": 100.5}, "percent"),
                        ({"period": "2026-10", "percent": "12.345"}, "percent"),
                        ({"period": "2026-10", "percent": 10, "completed_on": 0}, "completed_on")]:
        response = post(reporter, f"/api/tasks/{tid('4.2')}/reports", body)
        assert response.status_code == 400, (body, response.content)
        assert field in fields_of(response)
    assert not ProgressReport.objects.exists()


# ---------------------------------------------------------------- versions


def test_changing_an_existing_report_needs_the_version_read(plan, api_client):
    reporter = api_client("canbo.benthanh", "26743", "reporter")
    first = post(reporter, f"/api/tasks/{tid('4.2')}/reports", {"period": "2026-10", "percent": 20})
    assert first.status_code == 201
    missing = post(reporter, f"/api/tasks/{tid('4.2')}/reports", {"period": "2026-10", "percent": 30})
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "version_required"
    stale = post(reporter, f"/api/tasks/{tid('4.2')}/reports", {"period": "2026-10", "percent": 30, "version": 7})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    assert ProgressReport.objects.get().percent == 20


def test_review_and_state_change_need_the_version(plan, api_client):
    reporter = api_client("canbo.benthanh", "26743", "reporter")
    approver = api_client("lanhdao.benthanh", "26743", "approver")
    report = post(reporter, f"/api/tasks/{tid('4.2')}/reports", {"period": "2026-10", "percent": 20, "submit": True}).json()
    no_version = post(approver, f"/api/reports/{report['id']}/approve", {})
    assert no_version.status_code == 400 and fields_of(no_version) == ["version"]
    stale = post(approver, f"/api/reports/{report['id']}/return", {"version": report["version"] + 1, "comment": "Bổ sung"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    assert ProgressReport.objects.get().status == "submitted"
    city = api_client("bcd", "79", "steering")
    task = Task.objects.get(code="4.1")
    no_state_version = post(city, f"/api/tasks/{task.pk}/state", {"state": "paused", "note": "Chờ vốn"})
    assert no_state_version.status_code == 400 and fields_of(no_state_version) == ["version"]
    stale_state = post(city, f"/api/tasks/{task.pk}/state", {"state": "paused", "note": "Chờ vốn", "version": task.version + 1})
    assert stale_state.status_code == 409
    assert Task.objects.get(pk=task.pk).state == "open"


def test_services_refuse_a_missing_version(plan):
    from dieuhanh.errors import Invalid
    from dieuhanh.plans.services import report_approve, report_save, task_set_state

    report = report_save(actor=SYSTEM, task=Task.objects.get(code="4.2"), period="2026-10", percent=20, submit=True)
    with pytest.raises(Invalid) as refused:
        report_approve(actor=SYSTEM, report=report, expected_version=None)
    assert refused.value.code == "version_required"
    with pytest.raises(Invalid) as refused:
        task_set_state(actor=SYSTEM, task=Task.objects.get(code="4.1"), state="paused", note="Chờ", expected_version=None)
    assert refused.value.code == "version_required"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_saves_of_a_report_give_one_201_and_one_409(plan, api_client, monkeypatch):
    from dieuhanh.concurrency import insert_unique
    from dieuhanh.plans import services

    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")
    clients = [api_client("canbo.benthanh", "26743", "reporter"), api_client("lanhdao.benthanh", "26743", "reporter")]
    task_id = tid("4.2")
    barrier = threading.Barrier(2, timeout=20)

    def insert_after_both_looked(obj):
        if isinstance(obj, ProgressReport):
            barrier.wait()  # both requests have found no report for the period; now both insert
        return insert_unique(obj)

    monkeypatch.setattr(services, "insert_unique", insert_after_both_looked)
    statuses, bodies = [], []

    def save(client, percent):
        try:
            response = post(client, f"/api/tasks/{task_id}/reports", {"period": "2026-10", "percent": percent})
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(c, p)) for c, p in zip(clients, (30, 40), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [201, 409], bodies
    assert [b["error"]["code"] for b in bodies if "error" in b] == ["already_exists"]
    saved = ProgressReport.objects.get(task_id=task_id, period="2026-10")
    assert saved.percent in (30, 40) and saved.version == 1


# ---------------------------------------------------------------- evidence: one 'not found'


def test_evidence_missing_or_out_of_reach_answers_the_same_not_found(plan, api_client, web_client, settings, tmp_path):
    from dieuhanh.plans.services import report_save

    settings.MEDIA_ROOT = tmp_path
    report_save(actor=SYSTEM, task=Task.objects.get(code="4.2"), period="2026-10", percent=20,
                evidence=("bien-ban.pdf", b"%PDF-1.7 bien ban"))
    evidence = Evidence.objects.get()
    outsider = api_client("canbo.saigon", "26740", "reporter")
    hidden, missing = outsider.get(f"/api/evidence/{evidence.pk}"), outsider.get(f"/api/evidence/{evidence.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    page = web_client("canbo.saigon2", "26740", "reporter")
    hidden_page, missing_page = page.get(f"/evidence/{evidence.pk}/"), page.get(f"/evidence/{evidence.pk + 1000}/")
    assert hidden_page.status_code == missing_page.status_code == 404
    assert all("Không tìm thấy trang" in r.content.decode() for r in (hidden_page, missing_page))
    owner = web_client("lanhdao.benthanh", "26743", "viewer")
    assert owner.get(f"/evidence/{evidence.pk}/").status_code == 200


# ---------------------------------------------------------------- pages


def test_a_report_with_its_evidence_is_saved_from_the_page_and_a_stale_one_returns_to_the_task(plan, web_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    ward = web_client("canbo.benthanh", "26743", "reporter")
    task_id = tid("4.2")
    saved = ward.post(f"/tasks/{task_id}/report/", {"period": "2026-11", "percent": "40", "done": "Mở lớp",
                                                    "evidence": SimpleUploadedFile("ds.pdf", b"%PDF-1.7 ds")})
    assert saved.status_code == 302 and saved["Location"] == f"/tasks/{task_id}/"
    report = ProgressReport.objects.get()
    assert [e.filename for e in report.evidence.all()] == ["ds.pdf"]
    stale = ward.post(f"/tasks/{task_id}/report/", {"period": "2026-11", "percent": "50", "version": str(report.version + 1)}, follow=True)
    assert stale.redirect_chain[-1][0] == f"/tasks/{task_id}/"
    assert "Bản ghi này đã được người khác cập nhật" in stale.content.decode()
    assert ProgressReport.objects.get().percent == 40


def test_a_refused_evidence_file_saves_nothing_of_the_report(plan, web_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    ward = web_client("canbo.benthanh", "26743", "reporter")
    task_id = tid("4.2")
    refused = ward.post(f"/tasks/{task_id}/report/", {"period": "2026-11", "percent": "40",
                                                      "evidence": SimpleUploadedFile("virus.pdf", b"MZ\x90")})
    assert refused.status_code == 302 and refused["Location"] == f"/tasks/{task_id}/"
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_a_malformed_date_on_a_page_is_the_400_page(plan, web_client):
    city = web_client("bcd", "79", "steering")
    response = city.get("/tasks/", {"as_of": "0"})
    assert response.status_code == 400
    assert city.get("/tasks/", {"as_of": "30/06/2026", "colour": "red"}).status_code == 200


def test_the_task_list_partial_answers_htmx(plan, web_client):
    city = web_client("bcd", "79", "steering")
    partial = city.get("/tasks/", {"q": "Quỹ"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-results").content.decode()
    assert "Quỹ đầu tư mạo hiểm" in partial and "<html" not in partial


def test_page_and_api_filter_tasks_alike(plan, api_client, web_client):
    api = api_client("bcd", "79", "steering")
    page = web_client("bcd2", "79", "steering")
    query = {"plan": plan.pk, "official": "overdue", "as_of": "30/06/2026"}
    codes = [t["code"] for t in api.get("/api/tasks", query).json()["items"]]
    assert codes == ["1.1", "4.1", "4.1.2"] or set(codes) >= {"1.1", "4.1"}
    html = page.get("/tasks/", query).content.decode()
    for task in Task.objects.all():
        assert (task.title in html) == (task.code in codes), task.code


# ---------------------------------------------------------------- import reports from codes


def test_import_problems_are_rendered_from_codes_in_the_active_language(plan):
    from django.utils import translation

    from dieuhanh.core.tasks.progress_sheet import ProgressSheetError, read_progress_sheet
    from dieuhanh.errors import Invalid
    from dieuhanh.plans.excel import progress_import
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã nhiệm vụ", "Nhiệm vụ", "Cơ quan chủ trì", "Kỳ báo cáo", "Tiến độ đã duyệt (%)", "Tiến độ (%)"])
    ws.append(["4.2", "", "", "2026-13", None, "nhiều"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ProgressSheetError) as raised:
        read_progress_sheet(io.BytesIO(buf.getvalue()))
    assert [(e.code, e.params) for e in raised.value.errors] == [("invalid_period", {"value": "2026-13"}),
                                                                  ("not_a_number", {"value": "nhiều"})]
    assert all(e.message == "" for e in raised.value.errors)  # the core carries no sentence
    for language, expected in (("vi", "“nhiều” không phải là số (ví dụ cách ghi đúng: 1.234,5; 12,5; 45%)."),
                               ("en", "“nhiều” is not a number (write for example 1.234,5; 12,5; 45%).")):
        with translation.override(language), pytest.raises(Invalid) as refused:
            progress_import(actor=SYSTEM, plan=plan, content=buf.getvalue())
        assert [d["message"] for d in refused.value.details][1] == expected


def test_a_contribution_is_changed_only_with_the_version_the_page_showed(plan, web_client):
    from dieuhanh.plans.models import Contribution

    department = web_client("canbo.skhcn", "79.SKHCN", "reporter")
    task_id = tid("4.2")
    period = department.get(f"/tasks/{task_id}/").context["contribution_form"].fields["period"].choices[0][0]
    first = department.post(f"/tasks/{task_id}/contribution/", {"unit": "79.SKHCN", "period": period, "text": "Cử giảng viên"})
    assert first.status_code == 302 and Contribution.objects.get().text == "Cử giảng viên"
    form = department.get(f"/tasks/{task_id}/").context["contribution_form"]
    assert form.initial == {"version": 1, "text": "Cử giảng viên"}
    without = department.post(f"/tasks/{task_id}/contribution/", {"unit": "79.SKHCN", "period": period, "text": "Khác"}, follow=True)
    assert without.redirect_chain[-1][0] == f"/tasks/{task_id}/" and Contribution.objects.get().text == "Cử giảng viên"
    changed = department.post(f"/tasks/{task_id}/contribution/", {"unit": "79.SKHCN", "period": period, "text": "Cử 3 giảng viên", "version": "1"})
    assert changed.status_code == 302 and Contribution.objects.get().text == "Cử 3 giảng viên"


def test_an_expired_import_upload_returns_to_the_import_page_with_the_message(plan, web_client):
    city = web_client("bcd", "79", "steering")
    response = city.post(f"/plans/{plan.pk}/import/", {"token": "abc123"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/plans/{plan.pk}/import/"
    assert "Tệp đã tải lên không còn hiệu lực" in response.content.decode()
    outsider = web_client("canbo.benthanh", "26743", "reporter")
    assert outsider.get(f"/plans/{plan.pk}/import/").status_code == 404


def test_plan_settings_need_the_version_and_fit_their_columns(plan, api_client):
    city = api_client("bcd", "79", "steering")
    no_version = patch(city, f"/api/plans/{plan.pk}", {"rollup_rule": "mean"})
    assert no_version.status_code == 400 and fields_of(no_version) == ["version"]
    too_long = patch(city, f"/api/plans/{plan.pk}", {"version": plan.version, "title": "t" * 501})
    assert too_long.status_code == 400 and fields_of(too_long) == ["title"]
    crossed = patch(city, f"/api/plans/{plan.pk}", {"version": plan.version, "warning_rule": {"green_gap": 60, "red_gap": 10}})
    assert crossed.status_code == 422
    assert [(d["field"], d["code"]) for d in crossed.json()["error"]["details"]] == [("warning_rule", "warning_gaps_order")]
    assert crossed.json()["error"]["details"][0]["message"] == ("The warning thresholds must satisfy 0 ≤ green gap (60) ≤ red gap (10)"
                                                               " ≤ 100.")
    created = post(city, "/api/plans", {"number": "n" * 61, "title": "Kế hoạch", "issuer_code": "79", "issued_on": "2026-01-01",
                                        "period_start": "0", "period_end": "2026-12-31"})
    assert created.status_code == 400 and set(fields_of(created)) == {"number", "period_start"}
    assert plan.__class__.objects.count() == 1


def test_the_openapi_document_describes_the_column_limits(hcmc):
    from django.test import Client

    schema = Client().get("/api/openapi.json").json()
    task_in = schema["components"]["schemas"]["TaskIn"]["properties"]
    assert task_in["deadline_text"]["maxLength"] == 120


PLAN_CODES = ["unknown_group", "unknown_parent", "upload_expired", "missing_group_title", "task_before_group", "orphan_subtask",
              "missing_title", "missing_lead", "unknown_deadline", "bad_budget", "bad_key", "bad_stt", "not_xlsx", "no_sheet",
              "no_header", "missing_column", "missing_code", "not_a_number", "bad_date", "missing_date", "completed_needs_100",
              "unit_unresolved", "deadline_changed", "unknown_task", "task_problem", "warning_gaps_order", "due_soon_negative",
              "negative_weight"]


@pytest.mark.parametrize("code", PLAN_CODES)
def test_every_plans_code_has_its_vietnamese_sentence(code):
    from django.utils import translation

    from dieuhanh.messages import MESSAGES, render

    params = {"row": 4, "number": 7, "group": "II", "stt": "1/2", "value": "x", "sheet": "Phụ lục", "columns": "STT",
              "column": "STT", "text": "Sở Y tế", "code": "4.2", "plan": "4354/KH-UBND", "problem": "p", "task": "9.9",
              "green_gap": 60, "red_gap": 10}
    assert code in MESSAGES
    with translation.override("vi"):
        vietnamese = render(code, params)
    with translation.override("en"):
        english = render(code, params)
    assert vietnamese != english and "%(" not in vietnamese
