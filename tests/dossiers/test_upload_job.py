"""The page where city administrators upload a Decision 766 file: checked at upload, imported by a background job
with its progress, all or nothing (a refused file keeps nothing and the job says why), 404 for anyone else."""

from __future__ import annotations

import io

import duckdb

from dieuhanh.jobs.models import Job
from dieuhanh.jobs.runner import run_queued

GOOD = ("dossier_id,procedure_code,agency_code,channel,received_at\n"
        "A1,1.001,26743,2,2026-01-05 08:00:00\nA2,1.001,26743,1,2026-01-06 08:00:00\n")
BAD = GOOD + "A3,1.001,99999,2,2026-01-07 08:00:00\n"


def upload(client, text: str, name: str = "ho_so.csv", table: str = "dossiers"):
    file = io.BytesIO(text.encode())
    file.name = name
    return client.post("/d766/nhap-tep/", {"table": table, "file": file})


def stored_ids(settings) -> list[str]:
    con = duckdb.connect(str(settings.DIEUHANH_DUCKDB_PATH), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("select dossier_id from dossiers").fetchall())
    finally:
        con.close()


def test_an_administrator_uploads_a_file_imported_by_a_job_all_or_nothing(web_client, settings):
    admin = web_client("qt.tp", "79", "administrator")
    assert 'href="/d766/nhap-tep/"' in admin.get("/d766/").content.decode()
    assert "Nhập tệp dữ liệu Quyết định 766" in admin.get("/d766/nhap-tep/").content.decode()
    response = upload(admin, BAD, "sai.csv")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cong-viec/{job.pk}/"
    assert run_queued() == 1
    page = admin.get(response["Location"]).content.decode()
    assert "«sai.csv» bị từ chối, không giữ lại dữ liệu nào (1 lỗi)" in page and "Chạy lại" in page
    assert stored_ids(settings) == []

    response = upload(admin, GOOD)
    assert run_queued() == 1
    job = Job.objects.get(pk=int(response["Location"].split("/")[-2]))
    assert (job.status, job.result["inserted"], job.done, job.attempts) == ("succeeded", 2, job.total, 1)
    assert "ho_so.csv: thêm 2 dòng, cập nhật 0 dòng" in admin.get(response["Location"]).content.decode()
    assert stored_ids(settings) == ["A1", "A2"]


def test_a_wrong_file_is_refused_at_upload_and_others_find_no_page(web_client):
    admin = web_client("qt.tp", "79", "administrator")
    refused = admin.post("/d766/nhap-tep/", {"table": "dossiers", "file": _named(b"x", "ho_so.pdf")}, follow=True)
    assert "«ho_so.pdf» không phải tệp CSV, Parquet hoặc XLSX." in refused.content.decode()
    assert not Job.objects.exists()
    steering = web_client("cd.tp", "79", "steering")
    assert steering.get("/d766/nhap-tep/").status_code == 404
    assert 'href="/d766/nhap-tep/"' not in steering.get("/d766/").content.decode()
    assert upload(steering, GOOD).status_code == 404
    assert web_client("qt.phuong", "26743", "administrator").get("/d766/nhap-tep/").status_code == 404
    assert not Job.objects.exists()


def _named(content: bytes, name: str):
    file = io.BytesIO(content)
    file.name = name
    return file
