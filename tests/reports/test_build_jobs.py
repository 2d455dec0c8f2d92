"""Building a report as a background job (the page's form, ``POST /api/official-report-jobs``): progress, the result
naming the stored report; when LibreOffice exits with an error or hangs, the job fails with that message, keeps
nothing (not even the DOCX it built) and can be retried. LibreOffice is replaced by small fake binaries through
``DIEUHANH_SOFFICE`` (and ``DIEUHANH_SOFFICE_TIMEOUT``)."""

import io

import pytest

from dieuhanh.core.reports import decree30
from dieuhanh.jobs.models import Job
from dieuhanh.jobs.runner import run_queued
from dieuhanh.jobs.services import job_retry
from dieuhanh.reports.models import GeneratedReport, ReportPdf

pytestmark = pytest.mark.django_db

WORKS = """#!/bin/sh
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--outdir" ]; then out="$2"; shift; fi
  shift
done
mkdir -p "$out" && printf '%%PDF-1.4 fake pdf\\n' > "$out/report.pdf"
"""


def _binary(tmp_path, name: str, script: str) -> str:
    path = tmp_path / name
    path.write_text(script)
    path.chmod(0o755)
    return str(path)


def _queue(api, pdf: bool):
    response = api.post("/api/official-report-jobs", {"template": "brief", "plan": "4354/KH-UBND", "as_of": "2026-11-30",
                                                       "issued_on": "2026-12-05", "pdf": pdf}, content_type="application/json")
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["id"])


def test_a_build_job_stores_the_report_and_its_result_links_it(plan, api_client):
    api = api_client("thuky", "79", "steering")
    job = _queue(api, pdf=False)
    assert not GeneratedReport.objects.exists()  # nothing before the worker runs it
    run_queued()
    job.refresh_from_db()
    report = GeneratedReport.objects.get()
    assert (job.status, job.done, job.total, job.result["report"]) == ("succeeded", 100, 100, report.pk)
    assert job.result["url"].endswith(f"#report-{report.pk}")
    assert decree30.check(io.BytesIO(bytes(report.content))) == []
    assert api.get(f"/api/jobs/{job.pk}").json()["status"] == "succeeded"


@pytest.mark.parametrize(("script", "code"), [("#!/bin/sh\necho 'General Error' >&2\nexit 1\n", "libreoffice_failed"),
                                              ("#!/bin/sh\nexec /bin/sleep 30\n", "libreoffice_timeout")])
def test_libreoffice_failing_or_hanging_fails_the_job_keeps_nothing_and_a_retry_succeeds(plan, api_client, tmp_path, monkeypatch,
                                                                                          script, code):
    monkeypatch.setenv("DIEUHANH_SOFFICE", _binary(tmp_path, "broken-soffice", script))
    monkeypatch.setenv("DIEUHANH_SOFFICE_TIMEOUT", "1")
    api = api_client("thuky", "79", "steering")
    job = _queue(api, pdf=True)
    run_queued()
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", code)
    assert "LibreOffice" in api.get(f"/api/jobs/{job.pk}").json()["error_message"]
    assert not GeneratedReport.objects.exists() and not ReportPdf.objects.exists()  # the DOCX built first was rolled back

    monkeypatch.setenv("DIEUHANH_SOFFICE", _binary(tmp_path, "soffice", WORKS))
    job = job_retry(actor=job.owner, job=job, expected_version=job.version)
    run_queued()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 2)
    report = GeneratedReport.objects.get()
    assert bytes(ReportPdf.objects.get(report=report).content).startswith(b"%PDF-1.4 fake pdf")
    pdf = api.get(f"/api/official-reports/{report.pk}/file?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-1.4 fake pdf")  # the kept PDF, not converted again


def test_a_reporter_cannot_queue_a_build(plan, api_client):
    reporter = api_client("nhaplieu", "79", "reporter")
    response = reporter.post("/api/official-report-jobs", {"template": "brief", "plan": "4354/KH-UBND", "as_of": "2026-11-30"},
                             content_type="application/json")
    assert response.status_code == 403 and not Job.objects.exists()
