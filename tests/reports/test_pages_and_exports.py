"""The reports page and API call the same action and download the stored file; the statistics page, the task list
and the KPI scorecard export to XLSX in the officials' layout (user text never a formula), the statistics also to the
report's DOCX appendix."""

import datetime as dt
import io

from docx import Document
from openpyxl import load_workbook

from dieuhanh.core.reports import decree30
from dieuhanh.jobs.models import Job
from dieuhanh.jobs.runner import run_queued
from dieuhanh.plans.models import Task
from dieuhanh.plans.services import task_create
from dieuhanh.reports.models import GeneratedReport
from tests.conftest import SYSTEM

D = dt.date


def _rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_the_page_builds_a_report_and_downloads_it(plan, web_client):
    client = web_client("thuky", "79", "steering")
    page = client.get(f"/official-reports/?plan={plan.pk}&as_of=2026-11-30")
    assert page.status_code == 200 and "Lập báo cáo" in page.content.decode()
    response = client.post("/official-reports/", {"template": "city-periodic", "plan": plan.pk, "unit": "79", "as_of": "30/11/2026",
                                         "number": "7", "issued_on": "05/12/2026", "signer_name": "Nguyễn Văn A"})
    assert response.status_code == 302 and response["Location"].startswith("/cong-viec/")  # a background job
    assert not GeneratedReport.objects.exists()
    assert run_queued() == 1
    report = GeneratedReport.objects.get()
    job = Job.objects.get()
    assert job.status == "succeeded" and job.result["report"] == report.pk and job.done == job.total
    assert report.inputs["number"] == 7 and report.as_of == D(2026, 11, 30)
    docx = client.get(f"/official-reports/{report.pk}/download/")
    assert docx["Content-Disposition"].endswith('.docx"')
    content = b"".join(docx.streaming_content) if docx.streaming else docx.content
    assert content == bytes(report.content) and decree30.check(io.BytesIO(content)) == []
    assert "Số: 07/BC-UBND" in [c.text for row in Document(io.BytesIO(content)).tables[0].rows for c in row.cells]


def test_a_reporter_cannot_build_and_a_stranger_cannot_download(plan, web_client, api_client):
    reporter = web_client("nhaplieu", "79.STC", "reporter")
    assert reporter.post("/official-reports/", {"template": "brief", "plan": plan.pk, "unit": "79", "as_of": "30/11/2026", "number": "1"}).status_code in (200, 302, 404)
    assert not GeneratedReport.objects.exists()
    api = api_client("api_thuky", "79", "steering")
    created = api.post("/api/official-reports", {"template": "brief", "plan": "4354/KH-UBND", "as_of": "2026-11-30", "number": 3,
                                                  "issued_on": "2026-12-05"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["unit"] == "79" and body["inputs"]["template"] == "brief" and len(body["sha256"]) == 64
    file = api.get(body["download"])
    assert file.status_code == 200 and decree30.check(io.BytesIO(file.content)) == []
    ward = api_client("phuong", "26743", "viewer")
    assert ward.get(f"/api/official-reports/{body['id']}").status_code == 404


def test_the_tables_export_to_xlsx_with_user_text_as_text(plan, hcmc, web_client):
    task_create(actor=SYSTEM, plan=plan, group=plan.groups.get(number=1), code="1.2", title="=HYPERLINK(\"http://x\")",
                lead_unit=hcmc["79.SNV"], start_date=D(2026, 1, 1), deadline=D(2027, 6, 30))
    client = web_client("thuky", "79", "steering")
    stats = _rows(client.get(f"/plans/{plan.pk}/statistics/?as_of=2026-11-30&format=xlsx").content)
    assert stats[0][0] == "Nhiệm vụ của Kế hoạch số 4354/KH-UBND tính đến ngày 30/11/2026"
    table = stats[stats.index(next(r for r in stats if r[0] == "Nhóm nhiệm vụ")):]
    # (group, total, on time, late, within deadline, overdue, completed %): hand computed as of 30/11/2026
    assert table[1][:6] == ("1. Lãnh đạo, chỉ đạo", 2, 0, 0, 1, 1)
    assert table[2][:6] == ("4. Hạ tầng số, nền tảng và dịch vụ số", 2, 0, 0, 1, 1)
    assert table[3][:6] == ("Tổng số", 4, 0, 0, 2, 2)
    tasks = _rows(client.get(f"/tasks/?plan={plan.pk}&as_of=2026-11-30&top=1&format=xlsx").content)
    titles = [r[2] for r in tasks if r and isinstance(r[0], int)]
    assert "'=HYPERLINK(\"http://x\")" in titles  # written as text, not as a formula
    assert len(titles) == Task.objects.filter(plan=plan, parent=None).count()
    card = _rows(client.get("/units/79/scorecard/?format=xlsx").content)
    assert card[0][0] == "Bảng điểm chỉ tiêu: Thành phố Hồ Chí Minh" and card[3][:3] == ("STT", "Mã", "Chỉ tiêu")
    appendix = Document(io.BytesIO(client.get(f"/official-reports/plans/{plan.pk}/statistics.docx?as_of=2026-11-30").content))
    texts = [p.text for p in appendix.paragraphs]
    assert texts[0] == "Phụ lục I" and texts[2].startswith("(Kèm theo Báo cáo số")
    rows = [[c.text for c in r.cells] for r in appendix.tables[0].rows]
    assert rows[-1][:6] == ["Tổng số", "4", "0", "0", "2", "2"]
