"""Reading plans and tasks: visibility, filters, status and colour as of a date, official statistics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from dieuhanh.core.tasks.status import Official, State, Status, StatusAsOf, TaskFacts, status_as_of
from dieuhanh.core.tasks.colours import Colour, colour
from dieuhanh.errors import NotFound
from dieuhanh.plans.auth import can_see_task, require_plan_visible, visible_tasks_q
from dieuhanh.plans.models import (
    DeadlineChange,
    Evidence,
    ExtensionStatus,
    Plan,
    ProgressReport,
    ReportStatus,
    Task,
    TaskGroup,
    TaskStateChange,
)


def plans_visible(actor) -> QuerySet[Plan]:
    tasks = Task.objects.filter(visible_tasks_q(actor)).values("plan_id")
    from dieuhanh.access.policy import reach_filter

    return Plan.objects.filter(Q(pk__in=tasks) | Q(reach_filter(actor, "task_view", "issuer__"))).select_related("issuer").distinct()


def plan_get(actor, number_or_id) -> Plan:
    key = str(number_or_id)
    plans = Plan.objects.select_related("issuer")
    plan = plans.filter(pk=int(key)).first() if key.isdigit() else plans.filter(number=key).first()
    if plan is None:
        raise NotFound("plan not found")
    require_plan_visible(actor, plan)
    return plan


def task_get(actor, task_id: int) -> Task:
    task = Task.objects.select_related("plan", "plan__issuer", "group", "lead_unit", "parent").filter(pk=task_id).first()
    if task is None or not can_see_task(actor, task):
        raise NotFound("task not found")
    return task


def report_get(actor, report_id: int) -> ProgressReport:
    report = ProgressReport.objects.select_related("task", "task__plan", "task__plan__issuer", "task__lead_unit").filter(pk=report_id).first()
    if report is None or not can_see_task(actor, report.task):
        raise NotFound("report not found")
    return report


def evidence_get(actor, evidence_id: int) -> Evidence:
    """An evidence file's record; ``NotFound`` alike for a missing file and one whose task the actor may not see."""
    evidence = Evidence.objects.select_related("report__task__plan", "report__task__lead_unit").filter(pk=evidence_id).first()
    if evidence is None or not can_see_task(actor, evidence.report.task):
        raise NotFound("evidence not found")
    return evidence


def evidence_path(evidence: Evidence) -> Path:
    """Where the content of an evidence file is stored (one file per SHA-256)."""
    from dieuhanh import evidence as store

    return store.path_of(evidence.sha256)


def group_by_number(plan: Plan, number: int) -> TaskGroup | None:
    return TaskGroup.objects.filter(plan=plan, number=number).first()


def task_by_code(plan: Plan, code: str) -> Task | None:
    return plan.tasks.filter(code=code).first()


def plan_groups(actor, plan_id) -> list[TaskGroup]:
    return list(plan_get(actor, plan_id).groups.all())


def task_reports(actor, task_id: int) -> list[ProgressReport]:
    return list(task_get(actor, task_id).reports.prefetch_related("evidence"))


def report_version(task: Task, period: str) -> int | None:
    """The version of the task's report for ``period`` (``None`` when there is none yet)."""
    return task.reports.filter(period=period).values_list("version", flat=True).first()


def extension_get(actor, change_id: int) -> DeadlineChange:
    change = DeadlineChange.objects.select_related("task").filter(pk=change_id).first()
    if change is None or not can_see_task(actor, change.task):
        raise NotFound("extension request not found")
    return change


def explanation_get(actor, explanation_id: int):
    from dieuhanh.plans.models import ExplanationRequest

    explanation = ExplanationRequest.objects.select_related("task").filter(pk=explanation_id).first()
    if explanation is None or not can_see_task(actor, explanation.task):
        raise NotFound("explanation request not found")
    return explanation


@dataclass
class TaskFilter:
    plan: Plan | None = None
    group: int | None = None
    unit: str | None = None  # lead unit code (and units below it)
    involving: str | None = None  # lead or coordinating unit code
    official: str | None = None  # completed_on_time, completed_late, within_deadline, overdue
    colour: str | None = None
    key: bool | None = None
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    q: str = ""
    tag: str | None = None
    top_level: bool = False  # only tasks without a parent (what official statistics count)


def tasks_visible(actor) -> QuerySet[Task]:
    return Task.objects.filter(visible_tasks_q(actor)).distinct()


def task_queryset(actor, f: TaskFilter) -> QuerySet[Task]:
    qs = tasks_visible(actor).select_related("plan", "group", "lead_unit", "parent")
    if f.plan is not None:
        qs = qs.filter(plan=f.plan)
    if f.group is not None:
        qs = qs.filter(group__number=f.group)
    if f.unit:
        qs = qs.filter(Q(lead_unit__code=f.unit) | Q(lead_unit__path__contains=f"/{f.unit}/"))
    if f.involving:
        qs = qs.filter(Q(lead_unit__code=f.involving) | Q(coordinating_units__code=f.involving))
    if f.key is not None:
        qs = qs.filter(key=f.key)
    if f.top_level:
        qs = qs.filter(parent__isnull=True)
    if f.deadline_from:
        qs = qs.filter(deadline__gte=f.deadline_from)
    if f.deadline_to:
        qs = qs.filter(deadline__lte=f.deadline_to)
    if f.tag:
        qs = qs.filter(tags__name=f.tag)
    for term in f.q.split():
        qs = qs.filter(Q(title__icontains=term) | Q(code__icontains=term) | Q(product__icontains=term))
    return qs.distinct()


def task_list(actor, f: TaskFilter, day: dt.date | None = None) -> list[TaskView]:
    """The tasks the actor sees that pass the filter, with their status and colour on ``day``; the official
    status and the colour are filtered here, as they are known only as of a date. Pages and API use this."""
    views = task_views(task_queryset(actor, f).prefetch_related("coordinating_units"), day)
    return [v for v in views if (not f.official or v.official.value == f.official) and (not f.colour or v.colour.value == f.colour)]


# ---------------------------------------------------------------- status as of a date

@dataclass(frozen=True)
class TaskView:
    """A task with its status and warning colour on a date."""

    task: Task
    as_of: StatusAsOf
    colour: Colour

    @property
    def official(self) -> Official:
        return self.as_of.official


def facts_for(tasks: Iterable[Task], day: dt.date) -> dict[int, TaskFacts]:
    """Everything known about these tasks on ``day`` (facts recorded later are ignored), in three queries."""
    tasks = list(tasks)
    ids = [t.pk for t in tasks]
    states: dict[int, list] = defaultdict(list)
    for task_id, state, effective in TaskStateChange.objects.filter(task_id__in=ids, recorded_on__lte=day).values_list("task_id", "state", "effective_on"):
        states[task_id].append((effective, State(state)))
    deadlines: dict[int, list] = defaultdict(list)
    for task_id, effective, new in DeadlineChange.objects.filter(task_id__in=ids, status=ExtensionStatus.APPROVED, effective_on__lte=day).values_list("task_id", "effective_on", "new_deadline"):
        deadlines[task_id].append((effective, new))
    progress: dict[int, list] = defaultdict(list)
    day_end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    tz = timezone.get_current_timezone()
    for task_id, percent, reviewed in ProgressReport.objects.filter(task_id__in=ids, status=ReportStatus.APPROVED, reviewed_at__lt=day_end).values_list("task_id", "percent", "reviewed_at"):
        progress[task_id].append((reviewed.astimezone(tz).date(), float(percent)))
    return {
        t.pk: TaskFacts(assigned_on=t.assigned_on, deadline=t.original_deadline, deadline_changes=deadlines[t.pk],
                        state_changes=states[t.pk], progress=progress[t.pk])
        for t in tasks
    }


def task_views(tasks: Iterable[Task], day: dt.date | None = None) -> list[TaskView]:
    day = day or timezone.localdate()
    tasks = list(tasks)
    facts = facts_for(tasks, day)
    plans_rules = {}
    views = []
    for t in tasks:
        rule = plans_rules.setdefault(t.plan_id, t.plan.rule)
        s = status_as_of(facts[t.pk], day)
        has_report = bool(facts[t.pk].progress)
        c = colour(day=day, start=t.start_date or t.assigned_on, deadline=s.deadline, progress=s.progress if has_report else None,
                   completed=s.official in (Official.COMPLETED_ON_TIME, Official.COMPLETED_LATE),
                   cancelled=s.status is Status.CANCELLED, rule=rule)
        views.append(TaskView(t, s, c))
    return views


# ---------------------------------------------------------------- official statistics

OFFICIAL_COLUMNS = [Official.COMPLETED_ON_TIME, Official.COMPLETED_LATE, Official.WITHIN_DEADLINE, Official.OVERDUE]


@dataclass
class StatRow:
    key: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in OFFICIAL_COLUMNS})
    task_ids: dict[str, list[int]] = field(default_factory=lambda: {o.value: [] for o in OFFICIAL_COLUMNS})

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def completed(self) -> int:
        return self.counts["completed_on_time"] + self.counts["completed_late"]

    @property
    def completed_share(self) -> float | None:
        return 100 * self.completed / self.total if self.total else None

    def add(self, view: TaskView) -> None:
        if view.official is Official.EXCLUDED:
            return
        self.counts[view.official.value] += 1
        self.task_ids[view.official.value].append(view.task.pk)


def statistics(views: list[TaskView], by: str) -> tuple[StatRow, list[StatRow]]:
    """The official split in total and by ``group``, ``unit`` (lead unit) or ``key`` (trọng điểm or not).
    Only top-level tasks are counted, as official reports count assigned tasks, not their sub-steps."""
    total = StatRow("all", "")
    rows: dict[str, StatRow] = {}
    for v in views:
        if v.task.parent_id is not None or v.official is Official.EXCLUDED:
            continue
        total.add(v)
        if by == "group":
            key, label = str(v.task.group.number), f"{v.task.group.number}. {v.task.group.title}"
        elif by == "unit":
            key, label = v.task.lead_unit.code, v.task.lead_unit.name
        elif by == "key":
            key, label = ("key", "trọng điểm") if v.task.key else ("other", "khác")
        else:
            raise ValueError(f"unknown breakdown {by!r}")
        rows.setdefault(key, StatRow(key, label)).add(v)
    order = sorted(rows.values(), key=lambda r: (int(r.key) if r.key.isdigit() else 0, r.label))
    return total, order


@dataclass
class Changes:
    """What changed between two report dates (OpenProject's "baseline")."""

    since: dt.date
    until: dt.date
    new: list[Task] = field(default_factory=list)
    completed: list[Task] = field(default_factory=list)
    newly_overdue: list[Task] = field(default_factory=list)
    deadline_moved: list[DeadlineChange] = field(default_factory=list)


def changes_between(tasks: list[Task], since: dt.date, until: dt.date) -> Changes:
    before = {v.task.pk: v for v in task_views(tasks, since)}
    after = task_views(tasks, until)
    result = Changes(since, until)
    done = (Official.COMPLETED_ON_TIME, Official.COMPLETED_LATE)
    for v in after:
        b = before[v.task.pk]
        if b.official is Official.EXCLUDED and b.as_of.status is Status.NOT_ASSIGNED and v.as_of.status is not Status.NOT_ASSIGNED:
            result.new.append(v.task)
        if v.official in done and b.official not in done:
            result.completed.append(v.task)
        if v.official is Official.OVERDUE and b.official is not Official.OVERDUE:
            result.newly_overdue.append(v.task)
    result.deadline_moved = list(
        DeadlineChange.objects.filter(task__in=tasks, status=ExtensionStatus.APPROVED, effective_on__gt=since, effective_on__lte=until)
        .select_related("task")
    )
    return result


# ---------------------------------------------------------------- a unit's inbox

@dataclass
class Inbox:
    to_report: list[Task]
    returned: list[ProgressReport]
    to_approve: list[ProgressReport]
    overdue: list[TaskView]
    explanations: list
    extensions_to_decide: list[DeadlineChange]


def inbox(actor, *, day: dt.date | None = None) -> Inbox:
    """What waits for this person: tasks of their units without a report for the current period, reports
    returned to them, reports to approve, overdue tasks, open explanation requests, extensions to decide."""
    from dieuhanh.access.policy import can
    from dieuhanh.core.common.periods import period_containing
    from dieuhanh.plans.models import ExplanationRequest

    day = day or timezone.localdate()
    led = tasks_visible(actor).filter(state__in=[State.OPEN.value, State.PAUSED.value]).select_related("plan", "lead_unit", "group")
    mine = [t for t in led if can(actor, "report_submit", t.lead_unit)]
    approvable = [t for t in led if can(actor, "report_approve", t.lead_unit)]
    reported = {
        (r.task_id, r.period)
        for r in ProgressReport.objects.filter(task__in=mine).exclude(status=ReportStatus.RETURNED).only("task_id", "period")
    }
    parents = set(Task.objects.filter(parent__in=mine).values_list("parent_id", flat=True))
    # Leaf tasks report; a parent's progress rolls up from its children.
    to_report = [
        t for t in mine
        if t.pk not in parents and (t.start_date or t.assigned_on) <= day
        and (t.pk, period_containing(day, t.plan.reporting_frequency).key) not in reported
    ]
    returned = list(ProgressReport.objects.filter(task__in=mine, status=ReportStatus.RETURNED).select_related("task"))
    to_approve = list(ProgressReport.objects.filter(task__in=approvable, status=ReportStatus.SUBMITTED).select_related("task"))
    overdue = [v for v in task_views(mine or approvable, day) if v.official is Official.OVERDUE]
    explanations = list(ExplanationRequest.objects.filter(task__in=mine, responded_at__isnull=True).select_related("task"))
    issuers = [t for t in tasks_visible(actor).select_related("plan__issuer") if can(actor, "extension_decide", t.plan.issuer)]
    extensions = list(DeadlineChange.objects.filter(task__in=issuers, status=ExtensionStatus.PENDING).select_related("task"))
    return Inbox(to_report, returned, to_approve, overdue, explanations, extensions)


# ---------------------------------------------------------------- one task's page

@dataclass
class TaskPage:
    """Everything the task page shows, read in one place."""

    task: Task
    view: TaskView
    reports: list[ProgressReport]
    current_report: ProgressReport | None
    children: list[TaskView]
    coordinating: list
    deadline_changes: list[DeadlineChange]
    state_changes: list[TaskStateChange]
    explanations: list
    contributions: list
    history: list | None


def task_page(actor, task_id: int, *, day: dt.date | None = None) -> TaskPage:
    """The task (``NotFound`` when out of reach), its reports, sub-tasks, coordinating units, deadline and state
    changes, explanations, contributions, the report of the current period and, for those who may see it, the
    audit history."""
    from dieuhanh.access.policy import can
    from dieuhanh.audit.selectors import history_for
    from dieuhanh.core.common.periods import period_containing

    day = day or timezone.localdate()
    task = task_get(actor, task_id)
    current = period_containing(day, task.plan.reporting_frequency)
    children = task.children.filter(visible_tasks_q(actor)).distinct().select_related("lead_unit", "plan", "group")
    history = None
    if can(actor, "unit_history_view", task.lead_unit):
        history = list(history_for(actor=actor, object_type="task", object_id=str(task.pk), unit=task.lead_unit))
    return TaskPage(
        task=task,
        view=task_views([task], day)[0],
        reports=list(task.reports.prefetch_related("evidence").select_related("created_by", "reviewed_by")),
        current_report=task.reports.filter(period=current.key).first(),
        children=task_views(children, day),
        coordinating=list(task.coordinating_units.all()),
        deadline_changes=list(task.deadline_changes.select_related("requested_by", "decided_by")),
        state_changes=list(task.state_changes.all()),
        explanations=list(task.explanations.select_related("requested_by", "responded_by")),
        contributions=list(task.contributions.select_related("unit", "submitted_by")),
        history=history,
    )


def coordinating_units(task: Task) -> list:
    return list(task.coordinating_units.all())


def units_by_code(codes) -> dict:
    from dieuhanh.units.models import Unit

    return {u.code: u for u in Unit.objects.filter(code__in=set(codes))}
