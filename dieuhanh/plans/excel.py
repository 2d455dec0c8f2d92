"""Excel round-trip of plans: the appendix (export, preview with unit matching, all-or-nothing import) and the
progress sheet (download, bulk update keyed by task code). The sheet formats live in the pure cores
``dieuhanh.core.tasks.appendix_sheet`` and ``dieuhanh.core.tasks.progress_sheet``; this module maps them to the database."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from dieuhanh.access.policy import can
from dieuhanh.actions import action
from dieuhanh.core.tasks.deadlines import format_deadline, parse_deadline
from dieuhanh.core.common.periods import period_containing
from dieuhanh.core.tasks.appendix_sheet import Appendix, AppendixError, AppendixGroup, AppendixTask, read_appendix, write_appendix
from dieuhanh.core.tasks.progress_sheet import ProgressSheetError, SheetRow, read_progress_sheet, write_progress_sheet
from dieuhanh.core.tasks.unit_match import Candidate, Match, UnitMatcher
from dieuhanh.errors import DomainError, Invalid
from dieuhanh.messages import render
from dieuhanh.plans.auth import can_see_task, visible_tasks_q
from dieuhanh.plans.models import Plan, Task, TaskGroup
from dieuhanh.plans.selectors import report_version
from dieuhanh.progress import in_steps
from dieuhanh.plans.services import group_create, report_save, task_create, task_update
from dieuhanh.units.models import Unit

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11, "XII": 12,
         "XIII": 13, "XIV": 14, "XV": 15, "XVI": 16, "XVII": 17, "XVIII": 18, "XIX": 19, "XX": 20}
TO_ROMAN = {v: k for k, v in ROMAN.items()}


def _row_error(row: int, column: str, code: str, /, **params) -> dict:
    """One line of an import's row-by-row report, its sentence rendered from the catalogue in the active language."""
    return {"field": f"row {row}" + (f", {column}" if column else ""), "code": code, "message": render(code, params),
            "params": params, "row": row}


def _sheet_errors(errors) -> list[dict]:
    """A core's ``RowError``s as the report's lines."""
    return [_row_error(e.row, e.column, e.code, **e.params) for e in errors]


# ---------------------------------------------------------------- export

def _tree(tasks: list[Task]) -> list[tuple[Task, int, str]]:
    """(task, depth, numbering) in appendix order; tasks without a written number get one from their place."""
    children: dict[int | None, list[Task]] = {}
    ids = {t.pk for t in tasks}
    for t in tasks:
        children.setdefault(t.parent_id if t.parent_id in ids else None, []).append(t)
    out: list[tuple[Task, int, str]] = []

    def walk(parent_id, depth, prefix):
        for i, t in enumerate(sorted(children.get(parent_id, []), key=lambda t: (t.position, t.pk)), start=1):
            stt = t.stt or (f"{prefix}.{i}" if prefix else str(i))
            out.append((t, depth, stt))
            walk(t.pk, depth + 1, stt)

    walk(None, 0, "")
    return out


def _million(vnd: Decimal | None) -> Decimal | None:
    return (vnd / Decimal(1_000_000)).normalize() if vnd is not None else None


def _vnd(million: Decimal | None) -> Decimal | None:
    return million * 1_000_000 if million is not None else None


def appendix_of(plan: Plan, actor=None) -> Appendix:
    """The plan as its appendix: groups by number, tasks in tree order, deadlines as written. With ``actor``,
    only the tasks that person may see (a ward's reporter exports its own tasks, not the whole plan)."""
    tasks = plan.tasks.all() if actor is None else plan.tasks.filter(visible_tasks_q(actor)).distinct()
    tasks = list(tasks.select_related("lead_unit").prefetch_related("coordinating_units"))
    groups = []
    for group in plan.groups.order_by("number"):
        rows = []
        for t, depth, stt in _tree([t for t in tasks if t.group_id == group.pk]):
            # The deadline as written when it still says the deadline in force; otherwise the date itself.
            written = t.deadline_text and parse_deadline(t.deadline_text).date == t.deadline
            text = t.deadline_text if written else (format_deadline(t.deadline) if t.deadline else "")
            rows.append(AppendixTask(
                row=0, stt=stt, depth=depth, code=t.code, title=t.title, lead=t.lead_unit.name,
                coordinators=tuple(u.name for u in sorted(t.coordinating_units.all(), key=lambda u: u.code)), product=t.product,
                deadline_text=text, deadline=t.deadline, key=t.key,
                budget_million_vnd=_million(t.budget_planned), allocated_million_vnd=_million(t.budget_allocated),
                funding_source=t.funding_source,
            ))
        groups.append(AppendixGroup(row=0, number=TO_ROMAN.get(group.number, str(group.number)), title=group.title, tasks=tuple(rows)))
    return Appendix(title=f"PHỤ LỤC\nDANH MỤC NHIỆM VỤ {plan.number}\n{plan.title}", groups=tuple(groups))


def appendix_xlsx(plan: Plan, actor=None) -> bytes:
    buf = io.BytesIO()
    write_appendix(appendix_of(plan, actor), buf)
    return buf.getvalue()


# ---------------------------------------------------------------- import: preview, then apply

def unit_matcher() -> UnitMatcher:
    return UnitMatcher(Candidate(u.code, u.name, u.short_name) for u in Unit.objects.filter(valid_to__isnull=True).only("code", "name", "short_name"))


@dataclass
class ImportPreview:
    appendix: Appendix | None
    errors: list[dict] = field(default_factory=list)
    matches: dict[str, Match] = field(default_factory=dict)  # unit text -> match

    @property
    def uncertain(self) -> dict[str, Match]:
        return {text: m for text, m in self.matches.items() if not m.certain}

    @property
    def task_count(self) -> int:
        return sum(len(g.tasks) for g in self.appendix.groups) if self.appendix else 0


def preview_appendix(content: bytes, matcher: UnitMatcher | None = None) -> ImportPreview:
    """Read the sheet and match every unit named in it. Nothing is written."""
    try:
        appendix = read_appendix(io.BytesIO(content))
    except AppendixError as exc:
        return ImportPreview(None, _sheet_errors(exc.errors))
    matcher = matcher or unit_matcher()
    texts = {t.lead for g in appendix.groups for t in g.tasks} | {c for g in appendix.groups for t in g.tasks for c in t.coordinators}
    return ImportPreview(appendix, [], {text: matcher.match(text) for text in sorted(texts)})


def _codes(appendix: Appendix) -> list[tuple[AppendixGroup, AppendixTask, str, str | None]]:
    """(group, task, code, parent code) for every row; codes from the sheet, or made from group and numbering."""
    out = []
    for g in appendix.groups:
        stack: list[str] = []
        counter: dict[str, int] = {}
        group_no = ROMAN.get(g.number.upper().rstrip("."), None) or (int(g.number) if g.number.isdigit() else 1)
        for t in g.tasks:
            stack = stack[: t.depth]
            parent = stack[-1] if stack else None
            stt = t.stt.strip().rstrip(".)")
            if not stt or stt in "-+•*–":
                counter[parent or ""] = counter.get(parent or "", 0) + 1
                stt = str(counter[parent or ""])
            if t.code:
                code = t.code
            elif parent and not stt.startswith(parent.split(".", 1)[-1] + "."):
                code = f"{parent}.{stt}"
            else:
                code = f"{group_no}.{stt}"
            out.append((g, t, code, parent))
            stack.append(code)
    return out


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0  # tasks the file changed
    unchanged: int = 0  # tasks the file lists exactly as they are

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@action
def plan_import(*, actor, plan: Plan, content: bytes, resolutions: dict[str, str] | None = None,
                progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Apply an appendix to ``plan``: groups and tasks are created, tasks whose code exists are updated.
    Every unit name must be matched with certainty or resolved by the reviewer (``resolutions``: text → unit
    code). Any problem in any row refuses the whole file, listing every row. ``progress(done, total)`` follows
    the rows written (a background job reports it)."""
    preview = preview_appendix(content)
    if preview.errors:
        raise Invalid("the appendix has errors", code="import_errors", details=preview.errors)
    if preview.task_count == 0:
        raise Invalid("the appendix lists no task", code="empty_sheet", details=[_row_error(0, "", "empty_sheet")])
    resolutions = resolutions or {}
    units = {u.code: u for u in Unit.objects.filter(code__in={*resolutions.values(), *(m.code for m in preview.matches.values() if m.code)})}
    resolved: dict[str, Unit] = {}
    errors = []
    for text, m in preview.matches.items():
        code = resolutions.get(text) or (m.code if m.certain else None)
        if code and code in units:
            resolved[text] = units[code]
    rows = _codes(preview.appendix)
    for _g, t, _code, _ in rows:
        for text in (t.lead, *t.coordinators):
            if text not in resolved:
                errors.append(_row_error(t.row, "", "unit_unresolved", text=text))
    existing = {t.code: t for t in plan.tasks.select_related("lead_unit")}
    for _g, t, code, _ in rows:
        current = existing.get(code)
        if current is not None and current.deadline != t.deadline:
            errors.append(_row_error(t.row, "", "deadline_changed", code=code))
    if errors:
        raise Invalid("the appendix has errors", code="import_errors", details=errors)
    # The export numbers tasks without a written number and writes a deadline whose text no longer says it as a
    # date: a sheet that still says exactly that changes neither (its own export re-imported changes nothing).
    exported = {t.code: t for g in appendix_of(plan).groups for t in g.tasks}
    groups = {g.number: g for g in plan.groups.all()}
    result = ImportResult()
    made: dict[str, Task] = dict(existing)
    positions: dict[tuple, int] = {}
    tick = in_steps(progress, len(rows))
    for done, (g, t, code, parent_code) in enumerate(rows, start=1):
        number = ROMAN.get(g.number.upper().rstrip("."), None) or (int(g.number) if g.number.isdigit() else 1)
        if number not in groups:
            groups[number] = group_create(actor=actor, plan=plan, number=number, title=g.title or f"Nhóm {number}")
        group: TaskGroup = groups[number]
        parent = made.get(parent_code) if parent_code else None
        position = positions.setdefault((group.pk, parent_code), 0)
        positions[(group.pk, parent_code)] += 1
        lead, coordinators = resolved[t.lead], [resolved[c] for c in t.coordinators]
        budget = _vnd(t.budget_million_vnd)
        # The money columns a sheet has; an older sheet without them leaves allocation and source as they are.
        money = {}
        if "allocated" in preview.appendix.columns:
            money["budget_allocated"] = _vnd(t.allocated_million_vnd)
        if "source" in preview.appendix.columns:
            money["funding_source"] = t.funding_source
        if code in existing:
            current, version, as_exported = existing[code], existing[code].version, exported.get(code)
            stt = current.stt if as_exported and t.stt == as_exported.stt else t.stt
            deadline_text = current.deadline_text if as_exported and t.deadline_text == as_exported.deadline_text else t.deadline_text
            made[code] = task_update(actor=actor, task=current, expected_version=version, title=t.title, lead_unit=lead,
                                     product=t.product, key=t.key, budget_planned=budget, stt=stt, deadline_text=deadline_text,
                                     coordinating_units=coordinators, **money)
            if made[code].version != version:
                result.updated += 1
            else:
                result.unchanged += 1
        else:
            made[code] = task_create(actor=actor, plan=plan, group=group, parent=parent, code=code, stt=t.stt, position=position,
                                     title=t.title, lead_unit=lead, coordinating_units=coordinators, product=t.product,
                                     deadline=t.deadline, deadline_text=t.deadline_text, key=t.key, budget_planned=budget,
                                     start_date=None, source="Excel import", **money)
            result.created += 1
        tick(done)
    return result


# ---------------------------------------------------------------- an upload waiting for confirmation

def _upload_path(actor, token: str):
    from pathlib import Path

    if not token.isalnum() or len(token) > 64:
        return None
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{actor.pk}-{token}.xlsx"


def upload_keep(actor, content: bytes) -> str:
    """Keep an uploaded appendix (under var/imports) until the reviewer confirms it; its token names it."""
    token = secrets.token_hex(16)
    _upload_path(actor, token).write_bytes(content)
    return token


def upload_read(actor, token: str) -> bytes:
    """The kept upload of ``actor`` named ``token``; ``upload_expired`` when it is gone (or was never theirs)."""
    path = _upload_path(actor, token)
    if path is None or not path.exists():
        raise Invalid("the uploaded file has expired", code="upload_expired")
    return path.read_bytes()


def upload_discard(actor, token: str) -> None:
    path = _upload_path(actor, token)
    if path is not None:
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- progress sheet

def progress_sheet_xlsx(actor, plan: Plan) -> bytes:
    """The actor's open leaf tasks of ``plan`` (those they may report on), ready to fill."""
    today = timezone.localdate()
    tasks = [t for t in plan.tasks.filter(state="open", children__isnull=True).select_related("lead_unit").order_by("code")
             if can(actor, "report_submit", t.lead_unit)]
    rows = [SheetRow(t.code, t.title, t.lead_unit.name, period_containing(today, plan.reporting_frequency).key, t.progress) for t in tasks]
    buf = io.BytesIO()
    write_progress_sheet(rows, buf, title=f"CẬP NHẬT TIẾN ĐỘ NHIỆM VỤ — {plan.number}")
    return buf.getvalue()


@action
def progress_import(*, actor, plan: Plan, content: bytes, progress: Callable[[int, int], None] | None = None) -> int:
    """Save (and where marked, submit) one report per row. All rows or none: any row error refuses the file.
    ``progress(done, total)`` follows the rows (a background job reports it)."""
    try:
        rows = read_progress_sheet(io.BytesIO(content))
    except ProgressSheetError as exc:
        raise Invalid("the progress sheet has errors", code="import_errors",
                      details=_sheet_errors(exc.errors)) from None
    if not rows:
        raise Invalid("the sheet holds no update", code="empty_sheet", details=[_row_error(0, "", "empty_sheet")])
    tasks = {t.code: t for t in plan.tasks.select_related("lead_unit", "plan", "plan__issuer").filter(code__in=[r.code for r in rows])}
    errors, saved = [], 0
    tick = in_steps(progress, len(rows))
    for done, r in enumerate(rows, start=1):
        tick(done - 1)
        task = tasks.get(r.code)
        if task is None or not can_see_task(actor, task):
            errors.append(_row_error(r.row, "Mã nhiệm vụ", "unknown_task", code=r.code, plan=plan.number))
            continue
        try:
            report_save(actor=actor, task=task, period=r.period, percent=r.percent, done=r.done, difficulties=r.difficulties,
                        proposals=r.proposals, completed=r.completed, completed_on=r.completed_on, submit=r.submit,
                        expected_version=report_version(task, r.period))
            saved += 1
        except DomainError as exc:
            problem = "; ".join(render(d["code"], d.get("params"), default=d.get("message", "")) for d in exc.details) or exc.message
            code = exc.details[0].get("code", exc.code) if exc.details else exc.code
            errors.append({**_row_error(r.row, "", "task_problem", code=r.code, problem=problem), "code": code})
    if errors:
        raise Invalid("the progress sheet has errors", code="import_errors", details=errors)
    return saved
