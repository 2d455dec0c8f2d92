"""Building a report: the one action ``report_build`` (the page, the API and ``dieuhanh reports build`` call it; a
background job wraps it, passing ``progress``)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dieuhanh import evidence as evidence_store
from dieuhanh.access.policy import is_system
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.concurrency import insert_unique, lock_version
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.files import RejectedFile, identify
from dieuhanh.core.common.text import collation_key
from dieuhanh.core.reports import render
from dieuhanh.core.reports.periods import reporting_period
from dieuhanh.errors import Conflict, Invalid, detail
from dieuhanh.messages import render as render_message
from dieuhanh.notifications.services import notify
from dieuhanh.reports import selectors
from dieuhanh.reports.models import (GeneratedReport, ReportRound, ReportTemplate, RoundAttachment, RoundReport, RoundStatus,
                                     UnitReportStatus)

Progress = Callable[[int, str], None]


def _silent(_percent: int, _step: str) -> None:
    return None


@action
def report_build(*, actor, template: str, plan, unit, as_of: dt.date, number: int = 1, issued_on: dt.date | None = None,
                 signer_name: str = "", signer_title: str = "CHỦ TỊCH", progress: Progress | None = None,
                 narrative: dict | None = None, symbol: str = "") -> GeneratedReport:
    """Generate ``template`` for ``plan`` as issued by ``unit``, every number as of ``as_of``; store it (immutable, with
    its SHA-256 and inputs) and return it. The same inputs give the same bytes: then the stored report is returned.
    ``progress(percent, step)`` is called between steps (a job reports it)."""
    progress = progress or _silent
    issued_on = issued_on or timezone.localdate()
    problems = []
    if template not in selectors.TEMPLATES:
        problems.append(detail("template", "report_template_unknown", template=template))
    if not 1 <= number <= 9999:
        problems.append(detail("number", "report_number_invalid"))
    if as_of < plan.period_start:
        problems.append(detail("as_of", "report_before_plan", start=f"{plan.period_start:%d/%m/%Y}"))
    if problems:
        raise Invalid("invalid report", details=problems)
    progress(5, "data")
    template_content, template_version, template_symbol = selectors.template_source(template)
    symbol = symbol or template_symbol or selectors.default_symbol(unit)
    context = selectors.report_context(actor, template=template, plan=plan, as_of=as_of, unit=unit, number=number,
                                       issued_on=issued_on, signer_name=signer_name, signer_title=signer_title,
                                       narrative=narrative, symbol=symbol)
    progress(60, "render")
    try:
        content = render.render(template_content, context, title=context["report"]["summary"], as_of=as_of)
    except CoreError as e:
        raise Invalid("the template cannot be rendered", code=e.code, params=e.params) from e
    digest = render.sha256(content)
    progress(90, "store")
    existing = selectors.same_report(template, plan, unit, as_of, digest)
    if existing is not None:  # the same bytes: the stored report (asked for again, which the audit trail keeps)
        record(actor=actor, action="report_build", obj=existing, unit=unit, object_type="report", changes={}, note="same inputs, same file")
        progress(100, "done")
        return existing
    inputs = {"template": template, "plan": plan.number, "unit": unit.code, "as_of": as_of.isoformat(), "number": number,
              "issued_on": issued_on.isoformat(), "signer_name": signer_name, "signer_title": signer_title,
              "template_version": template_version, "symbol": symbol, **({"narrative": narrative} if narrative else {})}
    report = GeneratedReport.objects.create(
        template=template, plan=plan, unit=unit, as_of=as_of, inputs=inputs, content=content, sha256=digest,
        filename=f"bao-cao-{number:02d}-{template}-{as_of:%Y%m%d}.docx", created_by=None if is_system(actor) else actor)
    record(actor=actor, action="report_build", obj=report, unit=unit, object_type="report",
           changes={"template": [None, template], "as_of": [None, as_of.isoformat()], "sha256": [None, digest]})
    progress(100, "done")
    return report


# ================================================================== report templates uploaded by officials

SYMBOL_RE = re.compile(r"^BC-[A-ZĐ0-9][A-ZĐ0-9.\-]{0,25}$")


@action
def report_template_upload(*, actor, key: str, filename: str, content: bytes, symbol: str = "") -> ReportTemplate:
    """A new version of the template ``key`` (a shipped template edited in Word): refused when it is no Word file,
    uses a name templates may not use or has broken Word tags (the name or the line is said). The newest version is
    the one builds and rounds use; ``symbol`` (ký hiệu, e.g. BC-SKHCN) is the document symbol of reports made with it."""
    if key not in selectors.TEMPLATES:
        raise Invalid("unknown template", details=[detail("key", "report_template_unknown", template=key)])
    symbol = symbol.strip().upper()
    if symbol and not SYMBOL_RE.match(symbol):
        raise Invalid("bad symbol", details=[detail("symbol", "report_symbol_invalid")])
    try:
        kind = identify(filename, content, max_bytes=settings.DIEUHANH_EVIDENCE_MAX_BYTES)
    except RejectedFile as e:
        raise Invalid(str(e), code=f"file_{e.code}", details=[{"field": "file", "code": e.code, "message": str(e)}]) from None
    if kind.extension != "docx":
        raise Invalid("not a docx", details=[detail("file", "template_not_docx")])
    try:
        render.check_fields(content, selectors.FIELDS)
    except CoreError as e:
        raise Invalid("the template is refused", code=e.code, params=e.params,
                      details=[{"field": "file", "code": e.code, "message": render_message(e.code, e.params), "params": e.params}]) from e
    except Exception as e:  # a .docx python-docx cannot open: its structure is broken
        raise Invalid("the template is refused", details=[detail("file", "template_syntax", line=0, detail=type(e).__name__)]) from e
    latest = ReportTemplate.objects.filter(key=key).order_by("-version").first()
    version = (latest.version if latest else 0) + 1
    uploaded = insert_unique(ReportTemplate(key=key, version=version, content=content, sha256=render.sha256(content),
                                            filename=filename[:200], symbol=symbol, uploaded_by=_person(actor)))
    record(actor=actor, action="report_template_upload", obj=uploaded, unit=None, object_type="report_template",
           changes={"version": [version - 1 or None, version], "sha256": [latest.sha256 if latest else None, uploaded.sha256],
                    "symbol": [latest.symbol if latest else None, symbol]}, note=key)
    return uploaded


# ================================================================== report rounds (chế độ báo cáo)

SECTION_MAX = 20000
EDITABLE = (UnitReportStatus.DRAFT, UnitReportStatus.RETURNED)


def _person(actor):
    return None if is_system(actor) else actor


def _round_params(rnd: ReportRound, unit) -> dict:
    return {"round": rnd.title, "unit": unit.name, "deadline": f"{rnd.deadline:%d/%m/%Y}"}


def _unit_report_url(rr: RoundReport) -> str:
    return reverse("round_report_detail", args=[rr.pk])


def _not_issued(rnd: ReportRound) -> None:
    if rnd.status == RoundStatus.ISSUED:
        raise Conflict("the round is issued", code="round_issued")


def _prefilled(figures: dict) -> dict:
    """A unit's draft: its figures as sentences (the narrative is the unit's to write)."""
    t = figures["totals"]
    results = (f"Tính đến ngày {figures['as_of']}, đơn vị chủ trì {t['total']} nhiệm vụ: hoàn thành đúng hạn {t['completed_on_time']}, "
               f"hoàn thành quá hạn {t['completed_late']}, đang thực hiện trong hạn {t['within_deadline']}, quá hạn chưa hoàn thành "
               f"{t['overdue']} (tỷ lệ hoàn thành {t['completed_share']}).") if t["total"] else ""
    return {"leadership": "", "results": results, "shortcomings": "", "next_tasks": "", "proposals": "",
            "groups": {g["key"]: "" for g in figures["groups"] if g["total"]}}


@action
def round_open(*, actor, unit, plan, template: str, period: str, deadline: dt.date, units: list, title: str = "") -> ReportRound:
    """Open a report round: ``units`` (under ``unit``, the secretariat's) each get a draft prefilled with their own
    figures as of the end of the Decree 09 ``period`` (the statistics the reports use), and are told. A period not yet
    over is allowed: the round's report is then provisional (tạm tính)."""
    problems = []
    if template not in selectors.TEMPLATES:
        problems.append(detail("template", "report_template_unknown", template=template))
    try:
        closing = reporting_period(period)
    except CoreError as e:
        closing = None
        problems.append(detail("period", e.code, **e.params))
    if closing is not None and deadline < closing.start:
        problems.append(detail("deadline", "round_deadline_before_period", start=f"{closing.start:%d/%m/%Y}"))
    chosen = {u.pk: u for u in units}
    if not chosen:
        problems.append(detail("units", "round_no_units"))
    problems += [detail("units", "round_unit_outside", unit=u.name) for u in chosen.values() if not u.path.startswith(unit.path)]
    title = " ".join(title.split())[:300] or (f"Báo cáo {closing.label_vi.lower()} về Kế hoạch {plan.number}" if closing else "")
    if problems:
        raise Invalid("invalid round", details=problems)
    rnd = ReportRound.objects.create(plan=plan, unit=unit, template=template, period=closing.key, period_start=closing.start,
                                     period_end=closing.end, deadline=deadline, title=title, created_by=_person(actor))
    record(actor=actor, action="round_open", obj=rnd, unit=unit, object_type="report_round",
           changes={"period": [None, closing.key], "deadline": [None, deadline.isoformat()], "template": [None, template],
                    "units": [None, sorted(u.code for u in chosen.values())]})
    for member in sorted(chosen.values(), key=lambda u: collation_key(u.name)):
        totals, groups = selectors.statistics_rows(actor, plan, closing.end, member)
        figures = {"as_of": f"{closing.end:%d/%m/%Y}", "totals": totals, "groups": groups}
        rr = RoundReport.objects.create(round=rnd, unit=member, figures=figures, sections=_prefilled(figures))
        notify("round_opened", unit=member, permission="round_report_write", about=rr, url=_unit_report_url(rr),
               params=_round_params(rnd, member), exclude=actor)
    return rnd


def _groups_of(texts: dict) -> dict:
    groups = texts.get("groups") or {}
    if not isinstance(groups, dict):
        raise Invalid("groups must map a task group to its text", details=[detail("groups", "invalid")])
    return groups


def _clean_sections(rr: RoundReport, sections: dict) -> dict:
    problems, clean = [], dict(rr.sections)
    for key in selectors.SECTIONS:
        if key in sections:
            text = str(sections[key] or "").strip()
            if len(text) > SECTION_MAX:
                problems.append(detail(key, "round_section_too_long", max_length=SECTION_MAX))
            clean[key] = text
    groups = dict(clean.get("groups") or {})
    for key, text in _groups_of(sections).items():
        if str(key) in groups:
            text = str(text or "").strip()
            if len(text) > SECTION_MAX:
                problems.append(detail(f"group_{key}", "round_section_too_long", max_length=SECTION_MAX))
            groups[str(key)] = text
    clean["groups"] = groups
    if problems:
        raise Invalid("invalid sections", details=problems)
    return clean


def _editable(rr: RoundReport) -> None:
    _not_issued(rr.round)
    if rr.status not in EDITABLE:
        raise Conflict(f"the report is {rr.status}", code="round_report_not_editable",
                       params={"status": str(UnitReportStatus(rr.status).label).lower()})


@action
def round_report_save(*, actor, round_report: RoundReport, expected_version: int | None, sections: dict) -> RoundReport:
    """Save a unit's narrative sections I–V (and the results per task group) while its report is a draft or returned."""
    current = lock_version(round_report, expected_version)
    _editable(current)
    before = current.sections
    current.sections = _clean_sections(current, sections)
    if current.sections == before:
        nothing_changed()
        return current
    current.version += 1
    current.save(update_fields=["sections", "version"])
    record(actor=actor, action="round_report_save", obj=current, unit=current.unit, object_type="round_report",
           changes={k: [before.get(k), current.sections.get(k)] for k in current.sections if before.get(k) != current.sections.get(k)})
    return current


@action
def round_report_attach(*, actor, round_report: RoundReport, filename: str, content: bytes) -> RoundAttachment:
    """Attach a file to a unit's report (checked like evidence: type proven by content, size, SHA-256)."""
    _editable(RoundReport.objects.select_related("round").get(pk=round_report.pk))
    stored = evidence_store.store(filename, content)
    attachment = RoundAttachment.objects.create(round_report=round_report, filename=stored.filename, kind=stored.kind,
                                                content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                                uploaded_by=_person(actor))
    record(actor=actor, action="round_report_attach", obj=attachment, unit=round_report.unit, object_type="round_attachment",
           changes={"filename": [None, stored.filename], "sha256": [None, stored.sha256], "size": [None, stored.size]})
    return attachment


def _move(actor, rr: RoundReport, action_name: str, status: str, **fields) -> RoundReport:
    before = rr.status
    rr.status = status
    for name, value in fields.items():
        setattr(rr, name, value)
    rr.version += 1
    rr.save()
    record(actor=actor, action=action_name, obj=rr, unit=rr.unit, object_type="round_report",
           changes={"status": [before, status], **({"return_reason": ["", rr.return_reason]} if status == UnitReportStatus.RETURNED else {})})
    return rr


@action
def round_report_submit(*, actor, round_report: RoundReport, expected_version: int | None) -> RoundReport:
    """Submit a unit's draft (or returned) report to its leader; a second submission is refused."""
    current = lock_version(round_report, expected_version)
    _editable(current)
    current = _move(actor, current, "round_report_submit", UnitReportStatus.SUBMITTED, submitted_by=_person(actor),
                    submitted_at=timezone.now())
    notify("round_submitted", unit=current.unit, permission="round_report_approve", about=current, url=_unit_report_url(current),
           params=_round_params(current.round, current.unit), exclude=actor)
    return current


def _submitted(rr: RoundReport) -> None:
    _not_issued(rr.round)
    if rr.status != UnitReportStatus.SUBMITTED:
        raise Conflict(f"the report is {rr.status}", code="not_submitted")


@action
def round_report_approve(*, actor, round_report: RoundReport, expected_version: int | None) -> RoundReport:
    """The unit's leader approves its submitted report: it goes to the secretariat, locked."""
    current = lock_version(round_report, expected_version)
    _submitted(current)
    current = _move(actor, current, "round_report_approve", UnitReportStatus.APPROVED, reviewed_by=_person(actor),
                    reviewed_at=timezone.now())
    notify("round_approved", unit=current.round.unit, permission="round_manage", about=current,
           url=reverse("round_detail", args=[current.round_id]), params=_round_params(current.round, current.unit), exclude=actor)
    return current


@action
def round_report_return(*, actor, round_report: RoundReport, expected_version: int | None, reason: str) -> RoundReport:
    """The unit's leader returns its submitted report for revision, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("a reason is required", details=[detail("reason", "reason_required")])
    current = lock_version(round_report, expected_version)
    _submitted(current)
    current = _move(actor, current, "round_report_return", UnitReportStatus.RETURNED, reviewed_by=_person(actor),
                    reviewed_at=timezone.now(), return_reason=reason[:2000])
    notify("round_returned", unit=current.unit, permission="round_report_write", about=current, url=_unit_report_url(current),
           params={**_round_params(current.round, current.unit), "reason": current.return_reason}, exclude=actor)
    return current


@action
def round_remind(*, actor, report_round: ReportRound) -> int:
    """Remind the units that have not yet submitted (notification and e-mail), at most once a day each; how many
    people were told."""
    _not_issued(report_round)
    told = 0
    for rr in report_round.unit_reports.filter(status__in=EDITABLE).select_related("unit"):
        told += len(notify("round_reminder", unit=rr.unit, permission="round_report_write", about=rr, url=_unit_report_url(rr),
                           params=_round_params(report_round, rr.unit), once=timezone.localdate().isoformat()))
    record(actor=actor, action="round_remind", obj=report_round, unit=report_round.unit, object_type="report_round", changes={},
           note=f"{told} people reminded")
    return told


def consolidated(rnd: ReportRound) -> dict:
    """The approved unit reports' narratives, section by section and task group by task group, each paragraph
    opened by the unit's name (units in Vietnamese alphabetical order)."""
    approved = sorted(rnd.unit_reports.filter(status=UnitReportStatus.APPROVED).select_related("unit"),
                      key=lambda rr: collation_key(rr.unit.name))
    out: dict = {key: "\n".join(f"{rr.unit.name}: {' '.join(selectors.paragraphs(rr.sections.get(key, '')))}"
                                for rr in approved if rr.sections.get(key, "").strip())
                 for key in selectors.SECTIONS}
    groups: dict[str, list[str]] = {}
    for rr in approved:
        for key, text in (rr.sections.get("groups") or {}).items():
            if text.strip():
                groups.setdefault(key, []).append(f"{rr.unit.name}: {' '.join(selectors.paragraphs(text))}")
    out["groups"] = {key: "\n".join(lines) for key, lines in groups.items()}
    return out


@action
def round_consolidate(*, actor, report_round: ReportRound, expected_version: int | None) -> ReportRound:
    """Gather the approved unit reports into the city report's narrative (replacing the one being edited)."""
    current = lock_version(report_round, expected_version)
    _not_issued(current)
    before = current.narrative
    current.narrative = consolidated(current)
    current.consolidated_at = timezone.now()
    current.version += 1
    current.save(update_fields=["narrative", "consolidated_at", "version"])
    record(actor=actor, action="round_consolidate", obj=current, unit=current.unit, object_type="report_round",
           changes={"narrative": [before or None, current.narrative]},
           note=f"{current.unit_reports.filter(status=UnitReportStatus.APPROVED).count()} approved reports")
    return current


@action
def round_narrative_save(*, actor, report_round: ReportRound, expected_version: int | None, narrative: dict) -> ReportRound:
    """The secretariat edits the consolidated narrative before issuing."""
    current = lock_version(report_round, expected_version)
    _not_issued(current)
    if current.consolidated_at is None:
        raise Conflict("not consolidated", code="round_not_consolidated")
    before = current.narrative
    clean = {key: str(narrative.get(key, before.get(key, "")) or "").strip() for key in selectors.SECTIONS}
    clean["groups"] = {**(before.get("groups") or {}), **{str(k): str(v or "").strip() for k, v in _groups_of(narrative).items()}}
    too_long = [detail(k, "round_section_too_long", max_length=SECTION_MAX) for k, v in clean.items() if isinstance(v, str) and len(v) > SECTION_MAX]
    if too_long:
        raise Invalid("invalid narrative", details=too_long)
    if clean == before:
        nothing_changed()
        return current
    current.narrative = clean
    current.version += 1
    current.save(update_fields=["narrative", "version"])
    record(actor=actor, action="round_narrative_save", obj=current, unit=current.unit, object_type="report_round",
           changes={"narrative": [before, clean]})
    return current


@action
def round_issue(*, actor, report_round: ReportRound, expected_version: int | None, number: int = 1, signer_name: str = "",
                progress: Progress | None = None) -> ReportRound:
    """Issue the city report of the round: built from the consolidated narrative and the engine's figures as of the
    period's end (provisional when the period is not over), stored immutable with its hash (``report_build``)."""
    current = lock_version(report_round, expected_version)
    _not_issued(current)
    if current.consolidated_at is None:
        raise Conflict("not consolidated", code="round_not_consolidated")
    report = report_build(actor=actor, template=current.template, plan=current.plan, unit=current.unit, as_of=current.period_end,
                          number=number, signer_name=signer_name, narrative=current.narrative, progress=progress)
    current.report, current.status = report, RoundStatus.ISSUED
    current.version += 1
    current.save(update_fields=["report", "status", "version"])
    record(actor=actor, action="round_issue", obj=current, unit=current.unit, object_type="report_round",
           changes={"status": [RoundStatus.OPEN, RoundStatus.ISSUED], "report": [None, report.pk]})
    return current
