"""Large imports run as background jobs (issue 13 item 1, issue 14 item 2): the plan appendix, the progress sheet,
indicator values and index files. Above the settings' threshold the page answers with the job's page and the API
with 202 and the job; nothing is written until a worker runs it; it runs all or nothing with progress done/total;
a refused file's row-by-row report is the job's result; the kept upload goes when the job ends. Below the
threshold the import stays inline."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from dieuhanh.audit.models import AuditEvent
from dieuhanh.core.coin.examples import ASEM_IDATA, ASEM_IMETA
from dieuhanh.core.tasks.appendix_sheet import Appendix, AppendixGroup, AppendixTask, write_appendix
from dieuhanh.indicators.models import Value
from dieuhanh.indices.models import Framework
from dieuhanh.jobs.models import Job
from dieuhanh.jobs.runner import run_queued
from dieuhanh.jobs.uploads import is_large, upload_dir
from dieuhanh.plans.models import ProgressReport, Task

D = dt.date


@pytest.fixture
def low_threshold(settings):
    """Any file of three rows or more is "large" here (the default is 1000 rows or 512 KB)."""
    settings.DIEUHANH_IMPORT_JOB_MIN_ROWS = 3


def appendix(*tasks: tuple[str, str, str, dt.date]) -> bytes:
    """An appendix of group I with (code, title, lead unit, deadline) rows."""
    rows = tuple(AppendixTask(row=0, stt=code.split(".")[-1], depth=0, code=code, title=title, lead=lead, coordinators=(),
                              product="", deadline_text=day.strftime("%d/%m/%Y"), deadline=day, key=False, budget_million_vnd=None)
                 for code, title, lead, day in tasks)
    buf = io.BytesIO()
    write_appendix(Appendix(title="", groups=(AppendixGroup(0, "I", "Lãnh đạo, chỉ đạo", rows),)), buf)
    return buf.getvalue()


def kept_files() -> list[Path]:
    return sorted(upload_dir().glob("*")) if upload_dir().exists() else []


def upload(client, plan, content: bytes):
    """The appendix page's two steps: upload (preview), then confirm."""
    preview = client.post(f"/plans/{plan.pk}/import/", {"file": SimpleUploadedFile("phu-luc.xlsx", content)})
    assert preview.status_code == 200
    token = preview.context["token"]
    return client.post(f"/plans/{plan.pk}/import/", {"token": token})


def test_the_threshold_counts_bytes_or_declared_rows(settings):
    sheet = Workbook()
    for i in range(9):
        sheet.active.append([i, "x"])
    buf = io.BytesIO()
    sheet.save(buf)
    content = buf.getvalue()
    settings.DIEUHANH_IMPORT_JOB_MIN_ROWS, settings.DIEUHANH_IMPORT_JOB_MIN_BYTES = 10, 10**9
    assert not is_large(content)  # 9 rows
    settings.DIEUHANH_IMPORT_JOB_MIN_ROWS = 9
    assert is_large(content)
    assert is_large(b"a\nb\nc\nd\ne\nf\ng\nh\ni")  # a CSV of 9 lines
    settings.DIEUHANH_IMPORT_JOB_MIN_ROWS, settings.DIEUHANH_IMPORT_JOB_MIN_BYTES = 10**6, len(content)
    assert is_large(content) and not is_large(content[:-1])


def test_a_small_appendix_is_imported_at_once(plan, web_client):
    client = web_client("chidao", "79", "steering")
    response = upload(client, plan, appendix(("1.5", "Nhiệm vụ nhỏ", "Sở Tài chính", D(2026, 12, 31))))
    assert response.status_code == 302 and response.url == f"/plans/{plan.pk}/"
    assert Task.objects.filter(plan=plan, code="1.5").exists() and not Job.objects.exists()


def test_a_large_appendix_is_imported_by_a_job_all_at_once_with_its_progress(plan, web_client, low_threshold,
                                                                              django_capture_on_commit_callbacks):
    client = web_client("chidao", "79", "steering")
    tasks_before, events_before = Task.objects.count(), AuditEvent.objects.count()
    response = upload(client, plan, appendix(("1.5", "Số hoá hồ sơ", "Sở Tài chính", D(2026, 12, 31)),
                                             ("1.6", "Đào tạo cán bộ", "Sở Nội vụ", D(2027, 6, 30)),
                                             ("1.7", "Sàn giao dịch công nghệ", "Sở Khoa học và Công nghệ", D(2027, 12, 31))))
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/cong-viec/{job.pk}/"
    assert (job.kind, job.status, job.unit.code) == ("plans.import", "queued", "79")
    assert Task.objects.count() == tasks_before  # nothing is written before a worker runs it
    assert AuditEvent.objects.count() == events_before + 1  # the job's start
    assert len(kept_files()) == 1  # the uploaded bytes wait with the job
    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued() == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("succeeded", 3, 3)  # the sheet's three rows
    assert (job.result["created"], job.result["updated"], job.result["unchanged"]) == (3, 0, 0)
    assert sorted(Task.objects.filter(plan=plan, code__in=["1.5", "1.6", "1.7"]).values_list("code", flat=True)) == ["1.5", "1.6", "1.7"]
    assert kept_files() == []  # gone with the job's commit
    page = client.get(f"/cong-viec/{job.pk}/").content.decode()
    assert "3 / 3" in page and f'href="/plans/{plan.pk}/"' in page


def test_a_refused_large_appendix_writes_nothing_and_its_job_lists_the_rows(plan, web_client, low_threshold):
    client = web_client("chidao", "79", "steering")
    content = appendix(("1.1", "Ban hành khung quản trị", "Sở Khoa học và Công nghệ", D(2026, 6, 30)),  # a deadline moved
                       ("1.5", "Số hoá hồ sơ", "Sở Tài chính", D(2026, 12, 31)),
                       ("1.6", "Đào tạo cán bộ", "Sở Nội vụ", D(2027, 6, 30)))
    upload(client, plan, content)
    tasks_before, events_before = Task.objects.count(), AuditEvent.objects.count()
    assert run_queued() == 1
    job = Job.objects.get()
    assert (job.status, job.error_code) == ("failed", "import_errors")
    assert [(e["row"], e["code"]) for e in job.result["errors"]] == [(job.result["errors"][0]["row"], "deadline_changed")]
    assert (Task.objects.count(), AuditEvent.objects.count()) == (tasks_before, events_before)
    assert not Task.objects.filter(code="1.5").exists()
    assert kept_files() == []  # a refused file is not kept: a retry would be refused again
    page = client.get(f"/cong-viec/{job.pk}/").content.decode()
    assert "Phát hiện lỗi (chưa có dữ liệu nào được lưu)" in page
    assert "<code>deadline_changed</code>" in page and "Nhiệm vụ 1.1: thời hạn khác với thời hạn đang có hiệu lực" in page


def test_a_large_progress_sheet_is_a_job_that_saves_every_row(plan, make_user, low_threshold):
    from django.test import Client

    from dieuhanh.plans.excel import progress_sheet_xlsx

    stc = make_user("canbo.stc", "79.STC", "reporter")
    client = Client()
    client.force_login(stc)
    wb = load_workbook(io.BytesIO(progress_sheet_xlsx(stc, plan)))
    header = [c.value for c in wb.active[2]]
    for row in wb.active.iter_rows(min_row=3):
        row[header.index("Kỳ báo cáo")].value = "2025-09"
        row[header.index("Tiến độ (%)")].value = 40
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post(f"/plans/{plan.pk}/progress/", {"file": SimpleUploadedFile("tien-do.xlsx", buf.getvalue())})
    job = Job.objects.get(kind="plans.progress_import")
    assert response.url == f"/cong-viec/{job.pk}/" and not ProgressReport.objects.exists()
    run_queued()
    job.refresh_from_db()
    assert (job.status, job.result["saved"], job.total) == ("succeeded", 2, 2)  # 4.1.1 and 4.1.2, the STC's leaf tasks
    assert sorted(ProgressReport.objects.values_list("task__code", "percent")) == [("4.1.1", 40), ("4.1.2", 40)]


def test_a_large_values_sheet_from_the_api_answers_the_job(registry, api_client, web_client, low_threshold):
    client = web_client("canbo", "26743", "reporter")
    template = load_workbook(io.BytesIO(client.get("/units/26743/data/2025/template.xlsx").content))
    header = [c.value for c in template.active[2]]
    values = {"HS_TIEPNHAN": 1250, "HS_TRUCTUYEN": 900, "HS_DUNGHAN": 98.5}
    for row in template.active.iter_rows(min_row=3):
        row[header.index("Giá trị")].value = values[row[header.index("Mã chỉ tiêu")].value]
    buf = io.BytesIO()
    template.save(buf)
    api = api_client("canbo2", "26743", "reporter")
    response = api.post("/api/indicator-data/import?unit=26743&period=2025", {"file": SimpleUploadedFile("v.xlsx", buf.getvalue())})
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["kind"], body["status"], body["unit"]) == ("indicators.values_import", "queued", "26743")
    assert not Value.objects.exists()
    run_queued()
    job = api.get(f"/api/jobs/{body['id']}").json()
    assert (job["status"], job["result"]["saved"], job["done"], job["total"]) == ("succeeded", 3, 3, 3)
    assert {v.indicator.code: float(v.value) for v in Value.objects.select_related("indicator")} == values
    # the page sends the same large sheet to a job as well, and shows its page
    response = client.post("/units/26743/data/2025/upload/", {"file": SimpleUploadedFile("v.xlsx", buf.getvalue())})
    assert response.status_code == 302 and response.url.startswith("/cong-viec/")


def test_large_index_files_from_the_api_are_imported_by_a_job(api_client, low_threshold):
    client = api_client("qt", "79", "administrator")
    with open(ASEM_IMETA, "rb") as imeta, open(ASEM_IDATA, "rb") as idata:
        response = client.post("/api/indices?code=ASEM&name=ASEM&dataset=ASEM2018", {"imeta": imeta, "idata": idata})
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "indices.files_import" and not Framework.objects.exists()
    assert len(kept_files()) == 2
    run_queued()
    job = Job.objects.get()
    assert job.status == "succeeded", job.error_params
    assert Framework.objects.get(code="ASEM").datasets.get().units.count() == 51  # the ASEM example's 51 countries
    assert job.result["url"] == "/indices/ASEM/"
