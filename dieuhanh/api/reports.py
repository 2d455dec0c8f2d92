"""Official reports (Decree 30): generate one (the ``report_build`` action, the same as the page and
``dieuhanh reports build``), list and read the stored ones, download the DOCX or its PDF."""
from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from dieuhanh.api.fields import Day, column
from dieuhanh.api.jobs import JobOut, job_out
from dieuhanh.api.schemas import ERRORS
from dieuhanh.plans import selectors as plan_selectors
from dieuhanh.reports import pdf, selectors, services
from dieuhanh.reports.jobs import build_enqueue
from dieuhanh.reports.models import ReportRound, ReportTemplate


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
        content, name, kind = pdf.report_pdf(report), report.filename.removesuffix(".docx") + ".pdf", "application/pdf"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class BuildJobIn(ReportIn):
    pdf: bool = False  # also make and keep the PDF (LibreOffice); a failure fails the job and keeps nothing


@router.post("/official-report-jobs", response={202: JobOut, **ERRORS},
             summary="Build a report in the background (202, the job: /api/jobs/{id}; its result names the stored report)")
def create_report_job(request, body: BuildJobIn):
    plan = plan_selectors.plan_get(request.auth, body.plan)
    if body.template not in selectors.TEMPLATES:
        selectors.template_bytes(body.template)  # NotFound report_template_unknown
    job = build_enqueue(actor=request.auth, template=body.template, plan=plan,
                        unit=selectors.unit_by_code(body.unit) if body.unit else plan.issuer, as_of=body.as_of,
                        number=body.number, issued_on=body.issued_on, signer_name=body.signer_name, pdf=body.pdf)
    return Status(202, job_out(job))


# ---------------------------------------------------------------- templates uploaded by officials

class TemplateOut(Schema):
    id: int
    key: str
    version: int
    sha256: str
    symbol: str
    filename: str
    uploaded_at: dt.datetime


@router.post("/report-templates", response={201: TemplateOut, **ERRORS},
             summary="Upload an edited DOCX template (?key=…&symbol=…; refused with the unknown field or the broken tag named)")
def upload_template(request, key: column(ReportTemplate, "key"), file: File[UploadedFile], symbol: column(ReportTemplate, "symbol") = ""):
    t = services.report_template_upload(actor=request.auth, key=key, filename=file.name or "", content=file.read(), symbol=symbol)
    return Status(201, {"id": t.pk, "key": t.key, "version": t.version, "sha256": t.sha256, "symbol": t.symbol, "filename": t.filename,
                        "uploaded_at": t.uploaded_at})


# ---------------------------------------------------------------- report rounds (chế độ báo cáo)

class RoundIn(Schema):
    plan: str  # number or id
    unit: str | None = None  # the unit opening it (default: the plan's issuer)
    template: str = "city-periodic"
    period: column(ReportRound, "period")  # 2026-11, 2026-Q4, 2026-H1, 2026 (Decree 09: 15th to 14th)
    deadline: Day
    title: column(ReportRound, "title") = ""
    units: list[str] = Field(..., max_length=500)  # unit codes that must report


class Counts(Schema):
    total: int
    submitted: int
    approved: int
    returned: int
    draft: int


class RoundUnitOut(Schema):
    id: int
    unit: str
    unit_name: str
    status: str
    version: int


class RoundOut(Schema):
    id: int
    plan: str
    unit: str
    template: str
    title: str
    period: str
    period_start: dt.date
    period_end: dt.date
    provisional: bool
    deadline: dt.date
    status: str
    version: int
    counts: Counts
    units: list[RoundUnitOut]
    narrative: dict
    report: int | None


class UnitReportOut(Schema):
    id: int
    round: int
    round_title: str
    unit: str
    status: str
    version: int
    figures: dict
    sections: dict
    return_reason: str
    attachments: list[dict]


class VersionIn(Schema):
    version: int


class SectionsIn(VersionIn):
    sections: dict


class ReturnIn(VersionIn):
    reason: str = Field(..., max_length=2000)


class NarrativeIn(VersionIn):
    narrative: dict


class IssueIn(VersionIn):
    number: int = Field(1, ge=1, le=9999)
    signer_name: str = Field("", max_length=120)


def _round_out(rnd) -> dict:
    from django.utils import timezone

    return {"id": rnd.pk, "plan": rnd.plan.number, "unit": rnd.unit.code, "template": rnd.template, "title": rnd.title,
            "period": rnd.period, "period_start": rnd.period_start, "period_end": rnd.period_end,
            "provisional": rnd.period_end > timezone.localdate(), "deadline": rnd.deadline, "status": rnd.status,
            "version": rnd.version, "counts": selectors.round_counts(rnd),
            "units": [{"id": rr.pk, "unit": rr.unit.code, "unit_name": rr.unit.name, "status": rr.status, "version": rr.version}
                      for rr in selectors.round_unit_reports(rnd)],
            "narrative": rnd.narrative, "report": rnd.report_id}


def _unit_report_out(rr) -> dict:
    return {"id": rr.pk, "round": rr.round_id, "round_title": rr.round.title, "unit": rr.unit.code, "status": rr.status,
            "version": rr.version, "figures": rr.figures, "sections": rr.sections, "return_reason": rr.return_reason,
            "attachments": [{"id": a.pk, "filename": a.filename, "size": a.size, "sha256": a.sha256} for a in rr.attachments.all()]}


@router.get("/report-rounds", response={200: list[RoundOut], **ERRORS}, summary="The report rounds of the units I reach")
def list_rounds(request):
    return [_round_out(r) for r in selectors.rounds_managed(request.auth)]


@router.post("/report-rounds", response={201: RoundOut, **ERRORS}, summary="Open a report round")
def open_round(request, body: RoundIn):
    plan = plan_selectors.plan_get(request.auth, body.plan)
    rnd = services.round_open(actor=request.auth, unit=selectors.unit_by_code(body.unit) if body.unit else plan.issuer, plan=plan,
                              template=body.template, period=body.period, deadline=body.deadline, title=body.title,
                              units=[selectors.unit_by_code(code) for code in body.units])
    return Status(201, _round_out(rnd))


@router.get("/report-rounds/{round_id}", response={200: RoundOut, **ERRORS}, summary="One round: who has and has not submitted")
def get_round(request, round_id: int):
    return _round_out(selectors.round_get(request.auth, round_id))


@router.post("/report-rounds/{round_id}/remind", response={200: dict, **ERRORS}, summary="Remind the units that have not submitted")
def remind_round(request, round_id: int):
    return {"told": services.round_remind(actor=request.auth, report_round=selectors.round_get(request.auth, round_id))}


@router.post("/report-rounds/{round_id}/consolidate", response={200: RoundOut, **ERRORS},
             summary="Consolidate the approved unit reports into the city report's narrative")
def consolidate_round(request, round_id: int, body: VersionIn):
    rnd = services.round_consolidate(actor=request.auth, report_round=selectors.round_get(request.auth, round_id),
                                     expected_version=body.version)
    return _round_out(rnd)


@router.put("/report-rounds/{round_id}/narrative", response={200: RoundOut, **ERRORS}, summary="Edit the consolidated narrative")
def edit_round_narrative(request, round_id: int, body: NarrativeIn):
    rnd = services.round_narrative_save(actor=request.auth, report_round=selectors.round_get(request.auth, round_id),
                                        expected_version=body.version, narrative=body.narrative)
    return _round_out(rnd)


@router.post("/report-rounds/{round_id}/issue", response={200: RoundOut, **ERRORS},
             summary="Issue the city report (stored immutable; download it at /api/official-reports/{report}/file)")
def issue_round(request, round_id: int, body: IssueIn):
    rnd = services.round_issue(actor=request.auth, report_round=selectors.round_get(request.auth, round_id),
                               expected_version=body.version, number=body.number, signer_name=body.signer_name)
    return _round_out(rnd)


@router.get("/round-reports/{report_id}", response={200: UnitReportOut, **ERRORS}, summary="One unit's report in a round")
def get_unit_report(request, report_id: int):
    return _unit_report_out(selectors.round_report_get(request.auth, report_id))


@router.get("/round-reports/{report_id}/file", response={200: None, **ERRORS},
            summary="The unit's report as the DOCX its leader signs (a draft until approved)")
def unit_report_file(request, report_id: int):
    content, name = selectors.round_report_docx(request.auth, selectors.round_report_get(request.auth, report_id))
    response = HttpResponse(content, content_type=selectors.DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.put("/round-reports/{report_id}", response={200: UnitReportOut, **ERRORS}, summary="Save the unit's narrative sections")
def save_unit_report(request, report_id: int, body: SectionsIn):
    rr = services.round_report_save(actor=request.auth, round_report=selectors.round_report_get(request.auth, report_id),
                                    expected_version=body.version, sections=body.sections)
    return _unit_report_out(rr)


@router.post("/round-reports/{report_id}/attachments", response={201: UnitReportOut, **ERRORS}, summary="Attach a file")
def attach_unit_report(request, report_id: int, file: File[UploadedFile]):
    rr = selectors.round_report_get(request.auth, report_id)
    services.round_report_attach(actor=request.auth, round_report=rr, filename=file.name or "", content=file.read())
    return Status(201, _unit_report_out(rr))


@router.post("/round-reports/{report_id}/submit", response={200: UnitReportOut, **ERRORS}, summary="Submit to the unit's leader")
def submit_unit_report(request, report_id: int, body: VersionIn):
    rr = services.round_report_submit(actor=request.auth, round_report=selectors.round_report_get(request.auth, report_id),
                                      expected_version=body.version)
    return _unit_report_out(rr)


@router.post("/round-reports/{report_id}/approve", response={200: UnitReportOut, **ERRORS}, summary="The leader approves")
def approve_unit_report(request, report_id: int, body: VersionIn):
    rr = services.round_report_approve(actor=request.auth, round_report=selectors.round_report_get(request.auth, report_id),
                                       expected_version=body.version)
    return _unit_report_out(rr)


@router.post("/round-reports/{report_id}/return", response={200: UnitReportOut, **ERRORS}, summary="The leader returns it, saying why")
def return_unit_report(request, report_id: int, body: ReturnIn):
    rr = services.round_report_return(actor=request.auth, round_report=selectors.round_report_get(request.auth, report_id),
                                      expected_version=body.version, reason=body.reason)
    return _unit_report_out(rr)
