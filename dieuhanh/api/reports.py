"""Official reports (Decree 30): generate one (the ``report_build`` action, the same as the page and
``dieuhanh reports build``), list and read the stored ones, download the DOCX or its PDF."""
from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Router, Schema, Status

from dieuhanh.api.fields import Day
from dieuhanh.api.schemas import ERRORS
from dieuhanh.plans import selectors as plan_selectors
from dieuhanh.reports import pdf, selectors, services


router = Router(tags=["official reports"])


class ReportIn(Schema):
    template: str = "city-periodic"
    plan: str  # the plan's number, e.g. 4354/KH-UBND
    unit: str | None = None  # the issuing unit's code (default: the plan's issuer)
    as_of: Day
    number: int = 1
    issued_on: Day | None = None
    signer_name: str = ""


class ReportOut(Schema):
    id: int
    template: str
    plan: str
    unit: str
    as_of: dt.date
    inputs: dict
    sha256: str
    size: int
    created_at: dt.datetime
    download: str


def _out(r) -> dict:
    return {"id": r.pk, "template": r.template, "plan": r.plan.number, "unit": r.unit.code, "as_of": r.as_of, "inputs": r.inputs,
            "sha256": r.sha256, "size": len(r.content), "created_at": r.created_at, "download": f"/api/official-reports/{r.pk}/file"}


@router.post("/official-reports", response={201: ReportOut, **ERRORS}, summary="Generate and store a report")
def create_report(request, body: ReportIn):
    plan = plan_selectors.plan_get(request.auth, body.plan)
    report = services.report_build(actor=request.auth, template=body.template, plan=plan,
                                   unit=selectors.unit_by_code(body.unit) if body.unit else plan.issuer, as_of=body.as_of,
                                   number=body.number, issued_on=body.issued_on, signer_name=body.signer_name)
    return Status(201, _out(report))


@router.get("/official-reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="One stored report")
def get_report(request, report_id: int):
    return _out(selectors.report_get(request.auth, report_id))


@router.get("/official-reports/{report_id}/file", response={200: None, **ERRORS}, summary="Download the DOCX (format=pdf: its PDF)")
def report_file(request, report_id: int, format: str = "docx"):
    report = selectors.report_get(request.auth, report_id)
    content, name, kind = bytes(report.content), report.filename, selectors.DOCX
    if format == "pdf":
        content, name, kind = pdf.to_pdf(content), report.filename.removesuffix(".docx") + ".pdf", "application/pdf"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
