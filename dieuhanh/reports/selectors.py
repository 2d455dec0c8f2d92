"""The data a report template may use (docs/REPORTS.md), read from the as-of engine for the report's date: the plan's
statistics and task status (``plans.selectors``), the indicators' official values and on-track colour as of the date
(``indicators.selectors``), the Decision 766 ranking of the last complete month (``dossiers.selectors``) and the
difficulties register (``difficulties.selectors``). Also the stored reports."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from dieuhanh.access.policy import can_see, is_system, require
from dieuhanh.core.common.numerals import format_number, format_percent
from dieuhanh.core.common.periods import parse_period
from dieuhanh.core.common.text import collation_key
from dieuhanh.core.reports.decree30 import date_line, number_line
from dieuhanh.errors import DomainError, NotFound
from dieuhanh.plans import selectors as plans
from dieuhanh.plans.models import Plan
from dieuhanh.plans.templatetags.plans_tags import LABELS
from dieuhanh.reports.models import GeneratedReport
from dieuhanh.units.models import Unit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_docx"
TEMPLATES = {
    "city-periodic": "Báo cáo định kỳ của Thành phố về Kế hoạch",
    "unit-periodic": "Báo cáo của đơn vị gửi Ban Chỉ đạo",
    "brief": "Báo cáo tóm tắt (một trang) phục vụ cuộc họp",
}
# The top-level names a template may use (docs/REPORTS.md).
FIELDS = {"report", "plan", "scope", "totals", "groups", "tasks", "kpis", "kpis_attention", "ranking", "ranking_label",
          "difficulties", "narrative", "sections", "signer", "recipients"}
# The narrative sections of a report (I–V): a unit writes them in a round, the secretariat edits the consolidated ones.
SECTIONS = ("leadership", "results", "shortcomings", "next_tasks", "proposals")
COLUMNS = ("completed_on_time", "completed_late", "within_deadline", "overdue")
ISSUERS = {"province": "ỦY BAN NHÂN DÂN"}


def template_bytes(key: str) -> bytes:
    return template_source(key)[0]


def template_source(key: str) -> tuple[bytes, int, str]:
    """The template a build uses: the newest uploaded version of ``key`` (bytes, version, its symbol), else the
    shipped file (version 0, no symbol)."""
    from dieuhanh.reports.models import ReportTemplate

    if key not in TEMPLATES:
        raise NotFound("unknown template", code="report_template_unknown", params={"template": key})
    uploaded = ReportTemplate.objects.filter(key=key).order_by("-version").first()
    if uploaded is not None:
        return bytes(uploaded.content), uploaded.version, uploaded.symbol
    return shipped_bytes(key), 0, ""


def shipped_bytes(key: str) -> bytes:
    """The shipped template ``key`` (``templates_docx/``), as ``make_templates`` wrote it."""
    if key not in TEMPLATES:
        raise NotFound("unknown template", code="report_template_unknown", params={"template": key})
    return (TEMPLATES_DIR / f"{key}.docx").read_bytes()


def template_versions() -> list:
    from dieuhanh.reports.models import ReportTemplate

    return list(ReportTemplate.objects.select_related("uploaded_by").defer("content"))


def default_symbol(unit: Unit) -> str:
    """The document symbol (ký hiệu) of a report by ``unit``: BC-UBND for a People's Committee (the city, a ward or
    commune), BC-<the body's code> for a department or body (79.SKHCN → BC-SKHCN)."""
    if unit.kind in ("province", "commune", "country"):
        return "BC-UBND"
    return "BC-" + unit.code.rsplit(".", 1)[-1].upper()


def _vi(key: str) -> str:
    with translation.override("vi"):
        return str(LABELS.get(key, key))


def _share(part: int, total: int) -> str:
    return format_percent(100 * part / total, 1) if total else "—"


def _count_row(label: str, counts: dict[str, int]) -> dict[str, Any]:
    total = sum(counts.values())
    completed = counts["completed_on_time"] + counts["completed_late"]
    return {"label": label, "total": total, "completed": completed, **{c: counts[c] for c in COLUMNS},
            "completed_share": _share(completed, total)}


def statistics_rows(actor, plan: Plan, as_of: dt.date, unit: Unit | None = None) -> tuple[dict, list[dict]]:
    """The statistics page's table as of the date (by task group), for the whole plan or the tasks a unit leads."""
    tasks = plans.task_queryset(actor, plans.TaskFilter(plan=plan, unit=unit.code if unit else None))
    total, rows = plans.statistics(tasks, "group", as_of)
    return _count_row("Tổng số", total.counts), [{**_count_row(r.label, r.counts), "key": str(r.key)} for r in rows]


def task_rows(actor, plan: Plan, as_of: dt.date, unit: Unit | None = None) -> list[dict]:
    """Phụ lục I: the plan's top-level tasks with their status as of the date (the statistics' population)."""
    f = plans.TaskFilter(plan=plan, unit=unit.code if unit else None, top_level=True)
    rows = []
    for view in plans.task_list(actor, f, as_of):
        if view.official.value == "excluded":
            continue
        t = view.task
        coordinating = sorted((u.name for u in t.coordinating_units.all()), key=collation_key)
        deadline = view.as_of.deadline
        rows.append({"stt": str(len(rows) + 1), "code": t.code, "title": t.title, "group": t.group.number,
                     "lead_unit": t.lead_unit.name, "coordinating": "; ".join(coordinating), "product": t.product,
                     "deadline": f"{deadline:%d/%m/%Y}" if deadline else (t.deadline_text or ""),
                     "status": _vi(view.official.value), "official": view.official.value,
                     "progress": format_number(view.as_of.progress, 0)})
    return rows


def kpi_rows(unit: Unit, as_of: dt.date) -> list[dict]:
    """Phụ lục II: each indicator of the unit's scorecard with its last official value in a period ended by the date,
    its target and the on-track colour computed from the official values known as of then."""
    from dieuhanh.indicators.selectors import Preloaded, on_track, series

    store = Preloaded(unit)
    rows = []
    for indicator in sorted((i for i in store.indicators if i.active), key=lambda i: i.code):
        if unit.pk != indicator.owner_id and not store.reporting_within(indicator, unit):
            continue
        cells = [(p, c) for p, c in series(indicator, unit, official_only=True, store=store) if parse_period(p).end <= as_of]
        last = next(((p, c) for p, c in reversed(cells) if c.value is not None), None)
        assessment, _base, goal = on_track(indicator, unit, official_only=True, store=store, cells=cells)
        unit_label = f" {indicator.measure}" if indicator.measure else ""
        rows.append({"stt": str(len(rows) + 1), "code": indicator.code, "name": indicator.name,
                     "period": parse_period(last[0]).label_vi if last else "",
                     "value": f"{format_number(last[1].value)}{unit_label}" if last else "chưa có số liệu chính thức",
                     "raw_value": last[1].value if last else None,
                     "target": f"{format_number(goal.value)} ({goal.year})" if goal else "—",
                     "colour": _vi(assessment.colour.value), "colour_key": assessment.colour.value})
    return rows


def ranking_rows(as_of: dt.date) -> tuple[str, list[dict]]:
    """Phụ lục III: the Decision 766 ranking of the communes for the last complete month before the date (empty
    when no dossier data is loaded)."""
    from dieuhanh.dossiers import selectors as dossiers

    month = (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    try:
        span = dossiers.span_of(month, as_of=as_of)
        ranked = dossiers.ranking(span)
    except DomainError:  # no dossier store or no such month: the appendix says so instead of failing the report
        return "(chưa có dữ liệu)", []
    rows = [{"rank": str(r["rank"]) if r.get("rank") else "—", "name": r["name"], "received": format_number(r["n_received"]),
             "total": format_number(r["total"], 2) if r.get("total") is not None else "—", "band": r.get("band_name") or "—"}
            for r in ranked.communes + ranked.departments]
    label = f"({span.label_vi})" + (f" — {ranked.synthetic}" if ranked.synthetic else "")
    return label, rows


def difficulty_rows(actor, as_of: dt.date, unit: Unit | None = None) -> list[dict]:
    """Phụ lục IV: the difficulties raised by the date and not closed by then, oldest first."""
    from dieuhanh.difficulties import selectors as difficulties

    qs = difficulties.visible(actor).filter(raised_on__lte=as_of).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    rows = []
    for item in qs.order_by("raised_on", "pk"):
        if item.closed_on and item.closed_on <= as_of:
            continue
        rows.append({"stt": str(len(rows) + 1), "unit": item.unit.name, "content": item.content, "proposal": item.proposal,
                     "status": item.get_status_display(), "synthetic": getattr(item, "synthetic", False)})
    return rows


def _narrative(totals: dict, groups: list[dict], kpis: list[dict], difficulties: list[dict]) -> dict[str, str]:
    behind = [g["label"] for g in groups if g["overdue"]]
    red = [k["name"] for k in kpis if k["colour_key"] == "red"]
    return {
        "leadership": "(Đơn vị soạn thảo bổ sung nội dung công tác lãnh đạo, chỉ đạo trong kỳ.)",
        "shortcomings": (f"Còn {totals['overdue']} nhiệm vụ quá hạn chưa hoàn thành"
                         + (f", tập trung ở các nhóm: {'; '.join(behind)}" if behind else "") + "."
                         + (f" Các chỉ tiêu có nguy cơ không đạt: {'; '.join(red)}." if red else "")),
        "next_tasks": f"Tập trung hoàn thành {totals['within_deadline'] + totals['overdue']} nhiệm vụ đang thực hiện, ưu tiên các nhiệm vụ quá hạn.",
        "proposals": (f"Có {len(difficulties)} khó khăn, vướng mắc và đề xuất chưa được giải quyết xong (Phụ lục khó khăn, vướng mắc)."
                      if difficulties else "Không có đề xuất, kiến nghị mới."),
    }


def paragraphs(text: str) -> list[str]:
    """A narrative text as the report's paragraphs (one per non-empty line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def report_context(actor, *, template: str, plan: Plan, as_of: dt.date, unit: Unit, number: int, issued_on: dt.date,
                   signer_name: str = "", signer_title: str = "CHỦ TỊCH", place: str = "Thành phố Hồ Chí Minh",
                   narrative: dict | None = None, symbol: str = "") -> dict[str, Any]:
    """Everything the template may use, as of ``as_of`` (docs/REPORTS.md). ``narrative`` (a round's sections:
    ``leadership``, ``results``, ``shortcomings``, ``next_tasks``, ``proposals`` and ``groups`` {group key: text})
    replaces the drafted text; ``symbol`` the document symbol (default: by the issuing unit)."""
    scoped = unit if template == "unit-periodic" else None
    totals, groups = statistics_rows(actor, plan, as_of, scoped)
    tasks = task_rows(actor, plan, as_of, scoped)
    kpis = kpi_rows(unit, as_of)
    ranking_label, ranking = ranking_rows(as_of) if template == "city-periodic" else ("", [])
    difficulties = difficulty_rows(actor, as_of, scoped)
    parent = ISSUERS.get(unit.kind, (unit.parent.name.upper() if unit.parent else ""))
    issuer = unit.name.upper().removeprefix("ỦY BAN NHÂN DÂN ").strip() if unit.kind == "province" else unit.name.upper()
    synthetic = (any(d["synthetic"] for d in difficulties) or bool(ranking_label and "tổng hợp" in ranking_label.lower())
                 or plans.synthetic_history(plan, as_of, scoped))
    drafted = {**_narrative(totals, groups, kpis, difficulties), "results": ""}
    written = narrative or {}
    texts = {key: written[key] if written.get(key) is not None else drafted[key] for key in SECTIONS}
    by_group = written.get("groups") or {}
    groups = [{**g, "narrative": paragraphs(by_group.get(g["key"], ""))} for g in groups]
    return {
        "report": {
            "issuer_parent": parent, "issuer": issuer, "issuer_name": unit.name, "number": f"{number:02d}",
            "number_line": number_line(number, symbol or default_symbol(unit)), "date_line": date_line(place, issued_on), "as_of": f"{as_of:%d/%m/%Y}",
            "issued_on": f"{issued_on:%d/%m/%Y}",
            "summary": (f"Kết quả thực hiện {plan.title}" if len(plan.title) < 160 else f"Kết quả thực hiện Kế hoạch số {plan.number}")
                       + f" (số liệu đến ngày {as_of:%d/%m/%Y})",
            "provisional_note": "(Số liệu tạm tính: kỳ báo cáo chưa kết thúc)" if as_of > issued_on else "",
            "synthetic_note": "Ghi chú: báo cáo có sử dụng dữ liệu tổng hợp (synthetic) của bản trình diễn." if synthetic else "",
            "archive": "VP",
        },
        "plan": {"number": plan.number, "title": plan.title},
        "scope": "Thành phố" if scoped is None else unit.name,
        "totals": totals, "groups": groups, "tasks": tasks, "kpis": kpis,
        "kpis_attention": [k for k in kpis if k["colour_key"] in ("red", "orange")][:8],
        "ranking": ranking, "ranking_label": ranking_label, "difficulties": difficulties,
        "narrative": texts, "sections": {key: paragraphs(text) for key, text in texts.items()},
        "signer": {"mode": f"TM. {parent}" if unit.kind == "province" else f"TM. {unit.name.upper()}",
                   "title": signer_title, "name": signer_name},
        "recipients": ["Ban Chỉ đạo Thành phố", "Thường trực Thành ủy", "Thường trực HĐND Thành phố"],
    }


# ---------------------------------------------------------------- stored reports

def reports_visible(actor) -> QuerySet[GeneratedReport]:
    qs = GeneratedReport.objects.select_related("plan", "unit", "created_by").defer("content")
    if is_system(actor):
        return qs
    return qs.filter(pk__in=[r.pk for r in qs if can_see(actor, r.unit)])


def report_get(actor, report_id: int) -> GeneratedReport:
    report = GeneratedReport.objects.select_related("plan", "unit").filter(pk=report_id).first()
    if report is None:
        raise NotFound("report not found")
    require(actor, "report_view", report.unit)
    return report


def same_report(template: str, plan: Plan, unit: Unit, as_of: dt.date, sha256: str) -> GeneratedReport | None:
    return GeneratedReport.objects.filter(template=template, plan=plan, unit=unit, as_of=as_of, sha256=sha256).first()


def unit_by_code(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound("unit not found")
    return unit


def units_for_build(actor, plans_) -> list[Unit]:
    """The units a person may issue a report as: the plans' issuers and the units they hold a role on, where they
    hold ``report_build``."""
    from dieuhanh.access.policy import can, held_roles

    paths = {path for path, _role in held_roles(actor)} if not is_system(actor) else set()
    candidates = {p.issuer for p in plans_} | set(Unit.objects.filter(path__in=paths))
    return sorted((u for u in candidates if can(actor, "report_build", u)), key=lambda u: collation_key(u.name))


def statistics_appendix(actor, plan: Plan, as_of: dt.date) -> bytes:
    """The statistics page as the report's appendix (DOCX, the same table as Phụ lục of the city report)."""
    from dieuhanh.core.reports.appendix import appendix_docx

    totals, groups = statistics_rows(actor, plan, as_of)
    headers = ["Nhóm nhiệm vụ", "Tổng số", "Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Đang thực hiện trong hạn",
               "Quá hạn chưa hoàn thành", "Tỷ lệ hoàn thành"]
    rows = [[g["label"], g["total"], *(g[c] for c in COLUMNS), g["completed_share"]] for g in [*groups, totals]]
    return appendix_docx(numeral="I", title=f"TÌNH HÌNH THỰC HIỆN NHIỆM VỤ KẾ HOẠCH SỐ {plan.number} ĐẾN NGÀY {as_of:%d/%m/%Y}",
                         attached_to="Báo cáo số …/BC-… ngày … của …", headers=headers, rows=rows, day=as_of,
                         notes=["Số liệu tính theo nhiệm vụ cấp cao nhất được giao; nhiệm vụ đã hủy hoặc giao sau ngày số liệu không tính."])


# ---------------------------------------------------------------- report rounds

def round_report_docx(actor, rr) -> tuple[bytes, str]:
    """A unit's report in a round as the document its leader signs (the ``unit-periodic`` template, Decree 30): the
    unit's own sections, its figures as of the period's end, the number and the day left blank for its clerk;
    marked as a draft until the leader approves it. Made on request, not stored (the round keeps the sections)."""
    from django.utils import timezone

    from dieuhanh.core.common.errors import CoreError
    from dieuhanh.core.reports import render

    rnd = rr.round
    content, _, symbol = template_source("unit-periodic")
    symbol = symbol or default_symbol(rr.unit)
    today = timezone.localdate()
    context = report_context(actor, template="unit-periodic", plan=rnd.plan, as_of=rnd.period_end, unit=rr.unit,
                             number=1, issued_on=today, narrative=rr.sections, symbol=symbol)
    report = context["report"]
    report["number"], report["number_line"] = "", f"Số:        /{symbol}"
    report["date_line"] = f"Thành phố Hồ Chí Minh, ngày    tháng    năm {today.year}"
    notes = [report["provisional_note"]] if report["provisional_note"] else []
    if rr.status != "approved":
        notes.insert(0, "DỰ THẢO — chưa được lãnh đạo đơn vị duyệt")
    report["provisional_note"] = " · ".join(notes)
    try:
        data = render.render(content, context, title=report["summary"], as_of=rnd.period_end)
    except CoreError as e:
        raise DomainError("the template cannot be rendered", code=e.code, params=e.params) from e
    return data, f"bao-cao-{rr.unit.code}-{rnd.period}.docx"


def rounds_managed(actor) -> list:
    """The rounds whose unit the person reaches (the secretariat's list), newest period first."""
    from dieuhanh.reports.models import ReportRound

    rounds = ReportRound.objects.select_related("plan", "unit", "report")
    return [r for r in rounds if can_see(actor, r.unit)]


def round_get(actor, round_id: int):
    from dieuhanh.reports.models import ReportRound

    rnd = ReportRound.objects.select_related("plan", "unit", "report").filter(pk=round_id).first()
    if rnd is None:
        raise NotFound("round not found")
    require(actor, "report_view", rnd.unit)
    return rnd


def round_report_get(actor, report_id: int):
    """One unit's report in a round: visible to the roles on that unit or above (the secretariat reaches it from the
    city); another unit's answers like a missing one."""
    from dieuhanh.reports.models import RoundReport

    rr = RoundReport.objects.select_related("round", "round__plan", "round__unit", "unit").filter(pk=report_id).first()
    if rr is None:
        raise NotFound("round report not found")
    require(actor, "report_view", rr.unit)
    return rr


def round_reports_of(actor, *, open_only: bool = True, unit: Unit | None = None) -> list:
    """The unit reports the person reaches (their own unit's and below), of open rounds by default, deadline first."""
    from dieuhanh.reports.models import RoundReport, RoundStatus

    qs = RoundReport.objects.select_related("round", "round__plan", "unit").order_by("round__deadline", "unit__code")
    if open_only:
        qs = qs.filter(round__status=RoundStatus.OPEN)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if is_system(actor):
        return list(qs)
    from dieuhanh.access.policy import held_roles

    paths = [path for path, _role in held_roles(actor)]
    return [rr for rr in qs if any(rr.unit.path.startswith(p) for p in paths)]


def round_counts(rnd) -> dict[str, int]:
    """How many units must report, and how many have submitted (submitted or approved), approved, returned."""
    from collections import Counter

    by_status = Counter(rnd.unit_reports.values_list("status", flat=True))
    return {"total": sum(by_status.values()), "submitted": by_status["submitted"] + by_status["approved"],
            "approved": by_status["approved"], "returned": by_status["returned"], "draft": by_status["draft"]}


def round_unit_reports(rnd) -> list:
    return sorted(rnd.unit_reports.select_related("unit").prefetch_related("attachments"), key=lambda rr: collation_key(rr.unit.name))


def round_attachment_get(actor, attachment_id: int):
    from dieuhanh.reports.models import RoundAttachment

    a = RoundAttachment.objects.select_related("round_report__unit").filter(pk=attachment_id).first()
    if a is None:
        raise NotFound("attachment not found")
    require(actor, "report_view", a.round_report.unit)
    return a


def reporting_units(actor, unit: Unit) -> list[Unit]:
    """The units a round opened by ``unit`` may ask: the units below it still valid, by name."""
    from django.utils import timezone

    from dieuhanh.units.selectors import valid_on

    units = Unit.objects.filter(valid_on(timezone.localdate()), path__startswith=unit.path).exclude(pk=unit.pk)
    return sorted(units, key=lambda u: collation_key(u.name))


def units_managing_rounds(actor) -> list[Unit]:
    """The units a person may open rounds for (``round_manage``)."""
    from dieuhanh.access.policy import can, held_roles

    if is_system(actor):
        return []
    units = Unit.objects.filter(path__in={path for path, _role in held_roles(actor)})
    return sorted((u for u in units if can(actor, "round_manage", u)), key=lambda u: collation_key(u.name))


def round_workbook(rnd) -> bytes:
    """The round's table of units (status, submitted, decided, files) as the officials' workbook."""
    from dieuhanh.core.common.workbook import table_workbook

    counts = round_counts(rnd)
    rows = [[i, rr.unit.name, str(rr.get_status_display()), rr.submitted_at.date() if rr.submitted_at else None,
             rr.reviewed_at.date() if rr.reviewed_at else None, rr.return_reason, len(rr.attachments.all())]
            for i, rr in enumerate(round_unit_reports(rnd), start=1)]
    return table_workbook(title=rnd.title, sheet_name="Đợt báo cáo",
                          notes=[f"Kỳ báo cáo từ {rnd.period_start:%d/%m/%Y} đến {rnd.period_end:%d/%m/%Y}; hạn gửi {rnd.deadline:%d/%m/%Y}",
                                 f"Đã gửi {counts['submitted']}/{counts['total']} đơn vị; đã phê duyệt {counts['approved']}"],
                          headers=["STT", "Đơn vị", "Tình trạng", "Ngày gửi", "Ngày phê duyệt / trả lại", "Lý do trả lại", "Số tệp"],
                          rows=rows, widths=[6, 40, 16, 14, 18, 40, 8])
