"""Writing plans and tasks: every function here is an action (authorised, atomic, audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from dieuhanh.access.policy import is_system
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import actor_label, diff, record, snapshot
from dieuhanh import evidence as evidence_store
from dieuhanh.concurrency import check_version, insert_unique, lock_version
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.periods import parse_period
from dieuhanh.core.tasks.appendix_sheet import FUNDING_SOURCES
from dieuhanh.core.tasks.rollup import Child, RollupRule, rollup
from dieuhanh.core.tasks.status import State
from dieuhanh.core.common.text import normalise_name
from dieuhanh.core.tasks.colours import WarningRule
from dieuhanh.errors import Conflict, Invalid, detail
from dieuhanh.notifications.services import notify, notify_users
from dieuhanh.plans import facts
from dieuhanh.plans.models import (
    Contribution,
    DeadlineChange,
    Evidence,
    ExplanationRequest,
    ExtensionStatus,
    Plan,
    ProgressReport,
    ReportStatus,
    Tag,
    Task,
    TaskGroup,
    TaskStateChange,
)

PLAN_FIELDS = ("number", "title", "issuer", "issued_on", "period_start", "period_end", "reporting_frequency", "rollup_rule", "warning_rule", "source")
PLAN_EDITABLE = ("title", "issued_on", "period_start", "period_end", "reporting_frequency", "rollup_rule", "warning_rule", "source")
TASK_FIELDS = ("code", "stt", "title", "description", "lead_unit", "product", "assigned_on", "start_date", "deadline", "deadline_text",
               "phase", "key", "budget_planned", "budget_allocated", "budget_disbursed", "funding_source", "weight", "state", "progress", "parent", "group")
TASK_EDITABLE = ("title", "description", "lead_unit", "product", "start_date", "phase", "key", "budget_planned", "budget_allocated",
                 "budget_disbursed", "funding_source", "weight", "stt", "deadline_text")
REPORT_FIELDS = ("period", "percent", "completed", "completed_on", "done", "difficulties", "proposals", "status", "review_comment")


def _problem(field: str, code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": message}


def _rule_problem(exc: Exception) -> dict:
    """A warning rule the core refused (its code), or one that is not even numbers (``invalid``)."""
    if isinstance(exc, CoreError):
        return detail("warning_rule", exc.code, **exc.params)
    return detail("warning_rule", "invalid")


def _today(actor, on: dt.date | None) -> dt.date:
    """The effective date of a decision: today, or an earlier day when the platform back-fills history."""
    if on is None:
        return timezone.localdate()
    if not is_system(actor) and on != timezone.localdate():
        raise Invalid("only the platform may record a decision on another day", code="backdating_not_allowed")
    return on


def _user(actor):
    """The account behind an actor, or None for the platform itself (its label is in the audit log)."""
    return None if is_system(actor) else actor


def _task_snapshot(task: Task) -> dict:
    data = snapshot(task, TASK_FIELDS)
    if task.pk:
        data["coordinating_units"] = sorted(task.coordinating_units.values_list("code", flat=True))
        data["tags"] = sorted(task.tags.values_list("name", flat=True))
    return data


def task_notice(task: Task, anchor: str = "", **params) -> dict:
    """What a notification about ``task`` carries: the path to the task page (at ``anchor``) and the sentence's
    parameters (code, a short title, the lead unit, and ``params``)."""
    title = task.title if len(task.title) <= 80 else task.title[:79] + "…"
    url = reverse("task_detail", args=[task.pk]) + (f"#{anchor}" if anchor else "")
    return {"url": url, "params": {"task": task.code, "title": title, "unit": task.lead_unit.name, **params}}


def _day(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


# ---------------------------------------------------------------- plans and groups

@action
def plan_create(*, actor, issuer, number: str, title: str, issued_on: dt.date, period_start: dt.date, period_end: dt.date,
                reporting_frequency: str = "monthly", rollup_rule: str = "weighted", warning_rule: dict | None = None,
                source: str = "") -> Plan:
    number, title = normalise_name(number), normalise_name(title)
    problems = []
    if not number:
        problems.append(_problem("number", "required", "a plan needs its document number"))
    if not title:
        problems.append(_problem("title", "required", "a plan needs a title"))
    if period_end < period_start:
        problems.append(_problem("period_end", "before_start", "the period ends before it starts"))
    try:
        rule = WarningRule.from_dict(warning_rule)
    except (TypeError, ValueError) as exc:
        problems.append(_rule_problem(exc))
        rule = WarningRule()
    if rollup_rule not in {r.value for r in RollupRule}:
        problems.append(_problem("rollup_rule", "unknown", "weighted or mean"))
    if problems:
        raise Invalid("invalid plan", details=problems)
    if Plan.objects.filter(number__iexact=number).exists():
        raise Conflict(f"plan {number} exists", code="plan_exists")
    plan = Plan.objects.create(issuer=issuer, number=number, title=title, issued_on=issued_on, period_start=period_start,
                               period_end=period_end, reporting_frequency=reporting_frequency, rollup_rule=rollup_rule,
                               warning_rule=rule.to_dict(), source=source)
    record(actor=actor, action="plan_create", obj=plan, unit=issuer, changes=diff({}, snapshot(plan, PLAN_FIELDS)))
    return plan


@action
def plan_update(*, actor, plan: Plan, expected_version: int, **changes) -> Plan:
    unknown = set(changes) - set(PLAN_EDITABLE)
    if unknown:
        raise Invalid("unknown fields", details=[_problem(f, "not_editable", "not an editable field") for f in sorted(unknown)])
    current = lock_version(plan, expected_version)
    before = snapshot(current, PLAN_FIELDS)
    if "warning_rule" in changes:
        try:
            changes["warning_rule"] = WarningRule.from_dict(changes["warning_rule"]).to_dict()
        except (TypeError, ValueError) as exc:
            raise Invalid("invalid warning rule", details=[_rule_problem(exc)]) from None
    for field, value in changes.items():
        setattr(current, field, value)
    if current.period_end < current.period_start:
        raise Invalid("invalid plan", details=[_problem("period_end", "before_start", "the period ends before it starts")])
    changed = diff(before, snapshot(current, PLAN_FIELDS))
    if not changed:
        nothing_changed()
        return current
    current.version += 1
    current.save()
    record(actor=actor, action="plan_update", obj=current, unit=current.issuer, changes=changed)
    if "rollup_rule" in changed:
        for parent in Task.objects.filter(plan=current, children__isnull=False).distinct():
            rollup_upwards(parent)
    return current


@action
def group_create(*, actor, plan: Plan, number: int, title: str) -> TaskGroup:
    title = normalise_name(title)
    if not title:
        raise Invalid("a group needs a title", details=[_problem("title", "required", "title")])
    if TaskGroup.objects.filter(plan=plan, number=number).exists():
        raise Conflict(f"group {number} exists in {plan.number}", code="group_exists")
    group = insert_unique(TaskGroup(plan=plan, number=number, title=title))
    record(actor=actor, action="group_create", obj=group, unit=plan.issuer, object_type="task_group",
           changes={"plan": [None, plan.number], "number": [None, number], "title": [None, title]})
    return group


# ---------------------------------------------------------------- tasks

def _validate_task(*, title: str, lead_unit, start_date, deadline, weight, budget_planned, budget_disbursed,
                   budget_allocated=None, funding_source: str = "") -> None:
    problems = []
    if not title:
        problems.append(_problem("title", "required", "a task needs its content"))
    if lead_unit is None:
        problems.append(_problem("lead_unit", "required", "a task needs a lead unit (chủ trì)"))
    if start_date and deadline and deadline < start_date:
        problems.append(_problem("deadline", "before_start", "the deadline is before the start"))
    if weight is not None and Decimal(weight) < 0:
        problems.append(_problem("weight", "negative", "weights cannot be negative"))
    amounts = (("budget_planned", budget_planned), ("budget_allocated", budget_allocated), ("budget_disbursed", budget_disbursed))
    for name, value in amounts:
        if value is not None and Decimal(value) < 0:
            problems.append(_problem(name, "negative", "amounts cannot be negative"))
    # Money is spent only once it is allocated: more disbursed than allocated is a typing error.
    if budget_allocated is not None and budget_disbursed is not None and Decimal(budget_disbursed) > Decimal(budget_allocated) >= 0:
        problems.append(detail("budget_disbursed", "disbursed_over_allocated"))
    if funding_source and funding_source not in FUNDING_SOURCES:
        problems.append(detail("funding_source", "unknown_funding_source"))
    if problems:
        raise Invalid("invalid task", details=problems)


def _group_and_parent(plan: Plan, group_number: int, parent_code: str | None) -> tuple[TaskGroup, Task | None]:
    group = TaskGroup.objects.filter(plan=plan, number=group_number).first()
    if group is None:
        raise Invalid("unknown group", code="unknown_group", params={"number": group_number},
                      details=[detail("group", "unknown_group", number=group_number)])
    parent = None
    if parent_code:
        parent = Task.objects.filter(plan=plan, code=parent_code).first()
        if parent is None:
            raise Invalid("unknown parent", code="unknown_parent", params={"task": parent_code},
                          details=[detail("parent_code", "unknown_parent", task=parent_code)])
    return group, parent


@action
def task_create(*, actor, plan: Plan, code: str, title: str, lead_unit, group: TaskGroup | None = None,
                group_number: int | None = None, parent: Task | None = None, parent_code: str | None = None,
                coordinating_units=(), product: str = "", description: str = "", assigned_on: dt.date | None = None,
                start_date: dt.date | None = None, deadline: dt.date | None = None, deadline_text: str = "", phase: str = "",
                key: bool = False, budget_planned: Decimal | None = None, budget_disbursed: Decimal | None = None,
                budget_allocated: Decimal | None = None, funding_source: str = "", weight: Decimal | None = None, tags=(), stt: str = "", position: int | None = None, source: str = "") -> Task:
    """Create a task in ``group`` under ``parent``, or in the group numbered ``group_number`` under the task coded
    ``parent_code`` (as the API names them: an unknown one is refused naming the field)."""
    if group is None:
        group, parent = _group_and_parent(plan, group_number, parent_code)
    code, title = normalise_name(code), normalise_name(title)
    _validate_task(title=title, lead_unit=lead_unit, start_date=start_date, deadline=deadline, weight=weight,
                   budget_planned=budget_planned, budget_disbursed=budget_disbursed, budget_allocated=budget_allocated,
                   funding_source=funding_source)
    if not code:
        raise Invalid("a task needs a code", details=[_problem("code", "required", "code")])
    if group.plan_id != plan.pk or (parent is not None and parent.plan_id != plan.pk):
        raise Invalid("group and parent must belong to the plan", code="wrong_plan")
    if Task.objects.filter(plan=plan, code=code).exists():
        raise Conflict(f"task {code} exists in {plan.number}", code="task_exists")
    if position is None:
        position = Task.objects.filter(plan=plan, group=group, parent=parent).count()
    task = insert_unique(Task(
        plan=plan, group=group, parent=parent, code=code, stt=stt, position=position, title=title, description=description,
        lead_unit=lead_unit, product=normalise_name(product), assigned_on=assigned_on or plan.issued_on, start_date=start_date,
        original_deadline=deadline, deadline=deadline, deadline_text=normalise_name(deadline_text), phase=phase, key=key,
        budget_planned=budget_planned, budget_allocated=budget_allocated, budget_disbursed=budget_disbursed,
        funding_source=funding_source, weight=weight, source=source,
    ))
    task.coordinating_units.set([u for u in coordinating_units if u.pk != lead_unit.pk])
    task.tags.set([Tag.objects.get_or_create(name=normalise_name(t))[0] for t in tags if normalise_name(t)])
    record(actor=actor, action="task_create", obj=task, unit=lead_unit, object_type="task", changes=diff({}, _task_snapshot(task)))
    facts.refresh([task.pk])
    if parent is not None:
        rollup_upwards(parent)
    return task


@action
def task_update(*, actor, task: Task, expected_version: int, coordinating_units=None, tags=None, **changes) -> Task:
    """Edit a task. The deadline is not editable here: it moves only through an approved extension."""
    unknown = set(changes) - set(TASK_EDITABLE)
    if unknown:
        raise Invalid("not editable", details=[_problem(f, "not_editable", "use an extension request for the deadline" if f == "deadline" else "not editable") for f in sorted(unknown)])
    current = lock_version(task, expected_version)
    before = _task_snapshot(current)
    for field, value in changes.items():
        setattr(current, field, normalise_name(value) if field in ("title", "product", "stt", "deadline_text") else value)
    _validate_task(title=current.title, lead_unit=current.lead_unit, start_date=current.start_date, deadline=current.deadline,
                   weight=current.weight, budget_planned=current.budget_planned, budget_disbursed=current.budget_disbursed,
                   budget_allocated=current.budget_allocated, funding_source=current.funding_source)
    current.save()
    if coordinating_units is not None:
        current.coordinating_units.set([u for u in coordinating_units if u.pk != current.lead_unit_id])
    if tags is not None:
        current.tags.set([Tag.objects.get_or_create(name=normalise_name(t))[0] for t in tags if normalise_name(t)])
    changed = diff(before, _task_snapshot(current))
    if not changed:
        nothing_changed()
        return current
    current.version += 1
    current.save(update_fields=["version"])
    record(actor=actor, action="task_update", obj=current, unit=current.lead_unit, object_type="task", changes=changed)
    facts.refresh([current.pk])
    if "weight" in changed and current.parent_id:
        rollup_upwards(current.parent)
    return current


def _set_state(actor, task: Task, state: State, effective_on: dt.date, recorded_on: dt.date, note: str = "") -> None:
    TaskStateChange.objects.create(task=task, state=state.value, effective_on=effective_on, recorded_on=recorded_on, note=note,
                                   actor_label=actor_label(actor))
    before = {"state": task.state, "completed_on": task.completed_on}
    task.state = state.value
    task.completed_on = effective_on if state is State.COMPLETED else None
    if state is State.COMPLETED:
        task.progress = Decimal(100)
    task.version += 1
    task.save()
    record(actor=actor, action="task_set_state", obj=task, unit=task.lead_unit, object_type="task",
           changes=diff({k: snapshot_value(v) for k, v in before.items()}, {"state": task.state, "completed_on": snapshot_value(task.completed_on)}),
           note=note)
    facts.refresh([task.pk])


def snapshot_value(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@action
def task_set_state(*, actor, task: Task, state: str, note: str = "", effective_on: dt.date | None = None,
                   expected_version: int | None) -> Task:
    """Pause, cancel or reopen a task (completion comes from an approved report)."""
    try:
        new = State(state)
    except ValueError:
        raise Invalid(f"unknown state {state!r}", code="unknown_state") from None
    if new is State.COMPLETED:
        raise Invalid("a task is completed by approving its report", code="complete_by_report")
    current = lock_version(task, expected_version)
    if current.state == new.value:
        raise Conflict(f"task {current.code} is already {new.value}", code="same_state")
    if new is not State.OPEN and not note.strip():
        raise Invalid("say why", details=[_problem("note", "required", "a reason is required to pause or cancel")])
    day = _today(actor, effective_on)
    _set_state(actor, current, new, day, day, note.strip())
    if current.parent_id:
        rollup_upwards(current.parent)
    return current


def rollup_upwards(task: Task) -> None:
    """Recompute the progress of ``task`` from its children, and of every ancestor above it.

    Rolled-up progress is derived data: the audited facts are the children's approved reports, so this
    runs inside the action that changed a child and writes no audit event of its own."""
    while task is not None:
        task = Task.objects.select_related("plan").get(pk=task.pk)
        children = list(task.children.all())
        value = rollup([Child(float(c.progress), None if c.weight is None else float(c.weight), c.state == State.CANCELLED.value) for c in children],
                       RollupRule(task.plan.rollup_rule))
        if value is not None and Decimal(str(value)) != task.progress and task.state != State.COMPLETED.value:
            Task.objects.filter(pk=task.pk).update(progress=Decimal(str(value)))
        task = task.parent


# ---------------------------------------------------------------- progress reports

@action
def report_save(*, actor, task: Task, period: str, percent: Decimal, done: str = "", difficulties: str = "", proposals: str = "",
                completed: bool = False, completed_on: dt.date | None = None, submit: bool = False,
                expected_version: int | None = None, evidence: tuple[str, bytes] | None = None) -> ProgressReport:
    """Create or edit the lead unit's report for ``period``; with ``submit`` it goes to the approver; with
    ``evidence`` (file name, content) the file is attached in the same transaction (both or neither are saved).

    The first save of (task, period) needs no version; editing an existing report needs the version read
    (``version_required``, ``stale_version``). An approved report is locked. Of two concurrent first saves one
    succeeds and the other is refused with ``already_exists``."""
    try:
        p = parse_period(period)
    except ValueError:
        raise Invalid("bad period", code="invalid_period", params={"value": period},
                      details=[detail("period", "invalid_period", value=period)]) from None
    plan = task.plan
    if p.end < plan.period_start or p.start > plan.period_end:
        params = {"value": p.key, "start": plan.period_start.strftime("%d/%m/%Y"), "end": plan.period_end.strftime("%d/%m/%Y")}
        raise Invalid("period outside the plan", code="period_outside_plan", params=params,
                      details=[detail("period", "period_outside_plan", **params)])
    problems = []
    percent = Decimal(str(percent))
    if not Decimal(0) <= percent <= Decimal(100):
        problems.append(_problem("percent", "out_of_range", "progress is between 0 and 100"))
    if completed and percent != 100:
        problems.append(_problem("percent", "completed_needs_100", "a completed task is at 100 %"))
    if completed and completed_on is None:
        problems.append(_problem("completed_on", "required", "when was it completed?"))
    if completed_on and completed_on > timezone.localdate():
        problems.append(_problem("completed_on", "future", "the completion date is in the future"))
    if completed_on and completed_on < task.assigned_on:
        problems.append(_problem("completed_on", "before_assignment", "the completion date is before the task was assigned"))
    if task.state in (State.CANCELLED.value, State.COMPLETED.value):
        problems.append(_problem("task", "closed", f"the task is {task.state}"))
    if problems:
        raise Invalid("invalid report", details=problems)
    report = ProgressReport.objects.select_for_update().filter(task=task, period=p.key).first()
    values = {"percent": percent, "done": done.strip(), "difficulties": difficulties.strip(), "proposals": proposals.strip(),
              "completed": completed, "completed_on": completed_on if completed else None}
    if report is None:
        if expected_version not in (None, 0):
            raise Conflict("the report was deleted or never existed", code="stale_version")
        report = ProgressReport(task=task, period=p.key, period_end=p.end, created_by=_user(actor), **values)
        before = {}
    else:
        if report.status == ReportStatus.APPROVED:  # locked whatever version was read
            raise Conflict("an approved report is locked", code="report_locked")
        check_version(report, expected_version)
        before = snapshot(report, REPORT_FIELDS)
        for k, v in values.items():
            setattr(report, k, v)
        report.version += 1
    if submit:
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
    elif report.status == ReportStatus.RETURNED and before:
        report.status = ReportStatus.DRAFT
    if before:
        report.save()
    else:
        insert_unique(report)
    record(actor=actor, action="report_submit" if submit else "report_save", obj=report, unit=task.lead_unit,
           object_type="progress_report", changes=diff(before, snapshot(report, REPORT_FIELDS)))
    if evidence is not None:
        evidence_add(actor=actor, report=report, filename=evidence[0], content=evidence[1])
    return report


@action
def evidence_add(*, actor, report: ProgressReport, filename: str, content: bytes) -> Evidence:
    if report.status == ReportStatus.APPROVED:
        raise Conflict("an approved report is locked", code="report_locked")
    stored = evidence_store.store(filename, content)
    ev = Evidence.objects.create(report=report, filename=stored.filename, kind=stored.kind, content_type=stored.content_type,
                                 size=stored.size, sha256=stored.sha256, uploaded_by=_user(actor))
    record(actor=actor, action="evidence_add", obj=ev, unit=report.task.lead_unit, object_type="evidence",
           changes={"filename": [None, stored.filename], "sha256": [None, stored.sha256], "size": [None, stored.size]},
           note=f"{report.task.code} {report.period}")
    return ev


@action
def report_approve(*, actor, report: ProgressReport, expected_version: int | None, comment: str = "",
                   approved_on: dt.date | None = None) -> ProgressReport:
    """Approve a submitted report: it is locked, the task's progress becomes the reported percent and, if it
    reports completion, the task is completed on the reported date."""
    current = lock_version(report, expected_version)
    if current.status != ReportStatus.SUBMITTED:
        raise Conflict(f"only a submitted report can be approved (this one is {current.status})", code="not_submitted")
    day = _today(actor, approved_on)
    before = snapshot(current, REPORT_FIELDS)
    current.status = ReportStatus.APPROVED
    current.reviewed_by = _user(actor)
    current.reviewed_at = timezone.now() if approved_on is None else timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0)))
    current.review_comment = comment.strip()
    current.version += 1
    current.save()
    record(actor=actor, action="report_approve", obj=current, unit=current.task.lead_unit, object_type="progress_report",
           changes=diff(before, snapshot(current, REPORT_FIELDS)))
    notify("report_approved", unit=current.task.lead_unit, permission="report_submit", about=("progress_report", current.pk),
           exclude=actor, **task_notice(current.task, "reports", period=current.period))
    task = Task.objects.select_for_update().get(pk=current.task_id)
    latest = ProgressReport.objects.filter(task=task, status=ReportStatus.APPROVED).order_by("-period_end").first()
    if latest.pk == current.pk:
        task.progress = current.percent
        task.version += 1
        task.save(update_fields=["progress", "version", "updated_at"])
        if current.completed and task.state != State.COMPLETED.value:
            _set_state(actor, task, State.COMPLETED, current.completed_on, day, f"report {current.period} approved")
    facts.refresh([task.pk])
    if task.parent_id:
        rollup_upwards(task.parent)
    return current


@action
def report_return(*, actor, report: ProgressReport, comment: str, expected_version: int | None) -> ProgressReport:
    if not comment.strip():
        raise Invalid("say what to revise", details=[_problem("comment", "required", "a comment is required to return a report")])
    current = lock_version(report, expected_version)
    if current.status != ReportStatus.SUBMITTED:
        raise Conflict(f"only a submitted report can be returned (this one is {current.status})", code="not_submitted")
    before = snapshot(current, REPORT_FIELDS)
    current.status = ReportStatus.RETURNED
    current.reviewed_by = _user(actor)
    current.reviewed_at = timezone.now()
    current.review_comment = comment.strip()
    current.version += 1
    current.save()
    record(actor=actor, action="report_return", obj=current, unit=current.task.lead_unit, object_type="progress_report",
           changes=diff(before, snapshot(current, REPORT_FIELDS)))
    notify("report_returned", unit=current.task.lead_unit, permission="report_submit", about=("progress_report", current.pk),
           exclude=actor, **task_notice(current.task, "reports", period=current.period, comment=current.review_comment))
    return current


@action
def contribution_save(*, actor, task: Task, unit, period: str, text: str, expected_version: int | None = None) -> Contribution:
    """Write a coordinating unit's contribution for ``period``: the first needs no version, a change needs the
    version read."""
    try:
        p = parse_period(period)
    except ValueError as exc:
        raise Invalid(str(exc), details=[_problem("period", "bad_format", str(exc))]) from None
    if not text.strip():
        raise Invalid("empty contribution", details=[_problem("text", "required", "describe the contribution")])
    existing = Contribution.objects.select_for_update().filter(task=task, unit=unit, period=p.key).first()
    if existing is None:
        contribution = insert_unique(Contribution(task=task, unit=unit, period=p.key, text=text.strip(), submitted_by=_user(actor)))
        before = {}
    else:
        check_version(existing, expected_version)
        before = {"text": existing.text}
        existing.text = text.strip()
        existing.submitted_by = _user(actor)
        existing.version += 1
        existing.save()
        contribution = existing
    record(actor=actor, action="contribution_save", obj=contribution, unit=unit, object_type="contribution",
           changes=diff(before, {"text": contribution.text}), note=f"{task.code} {p.key}")
    return contribution


# ---------------------------------------------------------------- extensions and explanations

@action
def extension_request(*, actor, task: Task, new_deadline: dt.date, reason: str) -> DeadlineChange:
    problems = []
    if not reason.strip():
        problems.append(_problem("reason", "required", "an extension needs a reason"))
    if task.deadline and new_deadline <= task.deadline:
        problems.append(_problem("new_deadline", "not_later", "the new deadline must be later than the one in force"))
    if task.state in (State.CANCELLED.value, State.COMPLETED.value):
        problems.append(_problem("task", "closed", f"the task is {task.state}"))
    if problems:
        raise Invalid("invalid extension request", details=problems)
    if task.deadline_changes.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict("an extension request is already pending", code="extension_pending")
    change = DeadlineChange.objects.create(task=task, old_deadline=task.deadline, new_deadline=new_deadline, reason=reason.strip(),
                                           requested_by=_user(actor))
    record(actor=actor, action="extension_request", obj=change, unit=task.lead_unit, object_type="deadline_change",
           changes={"deadline": [snapshot_value(task.deadline), new_deadline.isoformat()], "reason": [None, change.reason]}, note=task.code)
    return change


@action
def extension_decide(*, actor, change: DeadlineChange, approve: bool, note: str = "", decided_on: dt.date | None = None) -> DeadlineChange:
    """The assigning level approves or rejects; an approved deadline is in force from the day of the decision."""
    current = DeadlineChange.objects.select_for_update().select_related("task").get(pk=change.pk)
    if current.status != ExtensionStatus.PENDING:
        raise Conflict("this request was already decided", code="already_decided")
    if not approve and not note.strip():
        raise Invalid("say why", details=[_problem("note", "required", "a reason is required to reject")])
    day = _today(actor, decided_on)
    current.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    current.decided_by = _user(actor)
    current.decided_at = timezone.now()
    current.decision_note = note.strip()
    current.effective_on = day if approve else None
    current.save()
    task = Task.objects.select_for_update().get(pk=current.task_id)
    changes = {"status": ["pending", current.status]}
    if approve:
        changes["deadline"] = [snapshot_value(task.deadline), current.new_deadline.isoformat()]
        task.deadline = current.new_deadline
        task.version += 1
        task.save(update_fields=["deadline", "version", "updated_at"])
        facts.refresh([task.pk])
    record(actor=actor, action="extension_decide", obj=current, unit=task.lead_unit, object_type="deadline_change", changes=changes,
           note=f"{task.code}: {current.decision_note}")
    notify("extension_decided", unit=task.lead_unit, permission="extension_request", about=("deadline_change", current.pk),
           exclude=actor, **task_notice(task, "deadline", outcome="approved" if approve else "rejected",
                                        deadline=_day(current.new_deadline), note=current.decision_note))
    return current


@action
def explanation_request(*, actor, task: Task, message: str, due_on: dt.date | None = None) -> ExplanationRequest:
    if not message.strip():
        raise Invalid("empty request", details=[_problem("message", "required", "what should the unit explain?")])
    request = ExplanationRequest.objects.create(task=task, message=message.strip(), due_on=due_on, requested_by=_user(actor))
    record(actor=actor, action="explanation_request", obj=request, unit=task.lead_unit, object_type="explanation",
           changes={"message": [None, request.message]}, note=task.code)
    notice = task_notice(task, f"explanation-{request.pk}", due=_day(due_on))
    if due_on:
        notice["params"]["outcome"] = "due"
    notify("explanation_requested", unit=task.lead_unit, permission="explanation_answer", about=("explanation", request.pk),
           exclude=actor, **notice)
    return request


@action
def explanation_answer(*, actor, explanation: ExplanationRequest, response: str) -> ExplanationRequest:
    current = ExplanationRequest.objects.select_for_update().get(pk=explanation.pk)
    if not current.is_open:
        raise Conflict("this request was already answered", code="already_answered")
    if not response.strip():
        raise Invalid("empty answer", details=[_problem("response", "required", "write the explanation")])
    current.response = response.strip()
    current.responded_by = _user(actor)
    current.responded_at = timezone.now()
    current.save()
    record(actor=actor, action="explanation_answer", obj=current, unit=current.task.lead_unit, object_type="explanation",
           changes={"response": [None, current.response]}, note=current.task.code)
    about, notice = ("explanation", current.pk), task_notice(current.task, f"explanation-{current.pk}")
    if current.requested_by is not None:
        notify_users("explanation_answered", users=[current.requested_by], unit=current.task.lead_unit, about=about, exclude=actor, **notice)
    else:  # asked by the platform: tell whoever may ask
        notify("explanation_answered", unit=current.task.lead_unit, permission="explanation_request", about=about, exclude=actor, **notice)
    return current
