"""Reading plans and tasks: visibility, filters, status and colour as of a date, official statistics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import Collate
from django.utils import timezone

from dieuhanh.access.policy import is_system
from dieuhanh.core.tasks.status import Official, State, StatusAsOf, TaskFacts
from dieuhanh.core.tasks.colours import Colour
from dieuhanh.errors import NotFound
from dieuhanh.plans import facts
from dieuhanh.plans.auth import can_see_task, require_plan_visible, visible_tasks_q
from dieuhanh.plans.models import (
    SYNTHETIC_HISTORY,
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


def synthetic_history(plan: Plan, as_of: dt.date, unit=None) -> bool:
    """Whether the plan's figures as of ``as_of`` rest on a made-up reporting history (``models.SYNTHETIC_HISTORY``,
    the demo's and load tests'): any such report up to ``as_of`` of its tasks (led by ``unit`` or below when given).
    What shows those figures says they are synthetic."""
    reports = ProgressReport.objects.filter(task__plan=plan, review_comment=SYNTHETIC_HISTORY, period_end__lte=as_of)
    if unit is not None:
        reports = reports.filter(task__lead_unit__path__startswith=unit.path)
    return reports.exists()


def plans_visible(actor) -> QuerySet[Plan]:
    """Plans whose issuer the actor sees, and plans with a task the actor sees (looked for only in the others)."""
    from dieuhanh.access.policy import reach_filter

    tasks = Task.objects.filter(visible_tasks_q(actor), plan=OuterRef("pk"))
    return Plan.objects.filter(Q(reach_filter(actor, "task_view", "issuer__")) | Exists(tasks)).select_related("issuer")


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


def can_see_issuer(actor, plan: Plan) -> bool:
    from dieuhanh.access.policy import can_see

    return can_see(actor, plan.issuer)


def tasks_visible(actor) -> QuerySet[Task]:
    """The tasks the actor may see, each once (a semi-join: no ``DISTINCT`` over the rows a page reads)."""
    if is_system(actor):
        return Task.objects.all()
    return Task.objects.filter(pk__in=Task.objects.filter(visible_tasks_q(actor)).values("pk"))


def visible_parent_codes(actor, tasks: Iterable[Task]) -> dict[int, str | None]:
    """Each task's parent code, or None when the parent lies out of the actor's sight: a sub-task then reads like a
    top-level task, exactly as if its parent did not exist (one query for any number of tasks)."""
    tasks = list(tasks)
    parent_ids = {t.parent_id for t in tasks if t.parent_id}
    seen = dict(tasks_visible(actor).filter(pk__in=parent_ids).values_list("pk", "code")) if parent_ids else {}
    return {t.pk: seen.get(t.parent_id) for t in tasks}


def task_queryset(actor, f: TaskFilter) -> QuerySet[Task]:
    if f.plan is not None and can_see_issuer(actor, f.plan):  # who sees the issuer sees every task of the plan
        qs = Task.objects.filter(plan=f.plan).select_related("plan", "group", "lead_unit", "parent")
    else:
        qs = tasks_visible(actor).select_related("plan", "group", "lead_unit", "parent")
    if f.plan is not None:
        qs = qs.filter(plan=f.plan)
    if f.group is not None:
        qs = qs.filter(group__number=f.group)
    if f.unit:
        qs = qs.filter(Q(lead_unit__code=f.unit) | Q(lead_unit__path__contains=f"/{f.unit}/"))
    if f.involving:
        qs = qs.filter(Q(lead_unit__code=f.involving) | Q(pk__in=Task.objects.filter(coordinating_units__code=f.involving).values("pk")))
    if f.key is not None:
        qs = qs.filter(key=f.key)
    if f.top_level:
        qs = qs.filter(parent__isnull=True)
    if f.deadline_from:
        qs = qs.filter(deadline__gte=f.deadline_from)
    if f.deadline_to:
        qs = qs.filter(deadline__lte=f.deadline_to)
    if f.tag:
        qs = qs.filter(pk__in=Task.objects.filter(tags__name=f.tag).values("pk"))
    for term in f.q.split():
        qs = qs.filter(Q(title__icontains=term) | Q(code__icontains=term) | Q(product__icontains=term))
    return qs


def on_day(tasks: QuerySet[Task], day: dt.date, *, colour: bool = False) -> QuerySet[Task]:
    """``tasks`` with their official column (``official_on``) and, with ``colour``, their warning colour
    (``colour_on``) on ``day``, from the stored facts (``plans.facts``): filters and counts run in SQL."""
    qs = facts.on_day(tasks, day).annotate(official_on=facts.official_sql(day))
    if colour:
        qs = qs.annotate(colour_on=facts.colour_sql(day, facts.plan_rules()))
    return qs


class TaskViews(Sequence):
    """The tasks of a query with their status and colour on a day, read a page at a time: ``len`` counts in SQL, a
    slice reads only its rows (and computes their status with the core). Works with Django's ``Paginator``."""

    def __init__(self, tasks: QuerySet[Task] | Callable[[], QuerySet[Task]], day: dt.date, *, key: QuerySet[Task] | tuple | None = None,
                 extra: tuple = ()):
        """``tasks``: the query, or a function building it (only when a count or the ids of a page are not cached);
        ``key`` and ``extra``: what identifies it in the cache (default: the query itself)."""
        self._tasks, self.day = tasks, day
        self._key, self._extra = key, extra
        self._count: int | None = None
        self._stamp: tuple | None = None

    @property
    def tasks(self) -> QuerySet[Task]:
        if callable(self._tasks):
            self._tasks = self._tasks()
        return self._tasks

    def _cached(self, kind: str, extra: tuple, compute):
        self._stamp = self._stamp or facts.stamp()
        key = self._key if self._key is not None else self.tasks
        return facts.cached(kind, key, (self.day, *self._extra, *extra), compute, at=self._stamp)

    def count(self) -> int:
        if self._count is None:
            self._count = self._cached("count", (), lambda: self.tasks.order_by().count())
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _rows(self, start: int, stop: int) -> list[TaskView]:
        """The rows ``start``–``stop`` in the list's order: their ids first (kept until the facts change), then
        only those rows, fresh."""
        ids = self._cached("ids", (start, stop), lambda: list(self.tasks.values_list("pk", flat=True)[start:stop]))
        return views_of(ids, self.day)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count())
            return self._rows(start, stop)[::step]
        return self._rows(index, index + 1)[0]

    def __iter__(self):
        return iter(task_views(self.tasks.prefetch_related("coordinating_units"), self.day))


def task_list(actor, f: TaskFilter, day: dt.date | None = None) -> TaskViews:
    """The tasks the actor sees that pass the filter, with their status and colour on ``day``; the official
    status and the colour are filtered in SQL on the stored facts. Pages and API slice it (``TaskViews``)."""
    day = day or timezone.localdate()
    base = task_queryset(actor, f)

    def query() -> QuerySet[Task]:
        qs = on_day(base, day, colour=bool(f.colour))
        if f.official:
            qs = qs.filter(official_on=f.official)
        if f.colour:
            qs = qs.filter(colour_on=f.colour)
        return qs

    return TaskViews(query, day, key=("task_list", reach_key(actor), filter_key(f)))


def tasks_stamp() -> tuple:
    """What any page over tasks depends on (``plans.facts.stamp``: tasks, their facts, plans, units)."""
    return facts.stamp()


def writes_stamp(at: tuple | None = None) -> tuple:
    """``tasks_stamp`` and the newest audit event: every action (a report saved or returned, an explanation asked or
    answered, an extension requested) records one in its transaction, so a page of such things keyed on it is never
    stale. ``at``: the facts' stamp, when already read."""
    from dieuhanh.audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (*(at or facts.stamp()), last)


def reach_key(actor) -> tuple:
    """What a person's reach is built from: the roles held and where (everything for the platform itself)."""
    from dieuhanh.access.policy import held_roles

    return ("system",) if is_system(actor) else tuple(sorted((path, role.value) for path, role in held_roles(actor)))


def filter_key(f: TaskFilter) -> tuple:
    return tuple((name, value.pk if isinstance(value, Plan) else value) for name, value in vars(f).items())


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
    """Everything known about these tasks on ``day`` from their full recorded history (facts recorded later are
    ignored). The pages read the stored spans instead (``task_views``); this is the reference they are checked
    against."""
    return facts.history_facts([t.pk for t in tasks], day)


def task_views(tasks: Iterable[Task], day: dt.date | None = None) -> list[TaskView]:
    """These tasks' status and colour on ``day``: the core's rules over the stored span of each (two queries)."""
    day = day or timezone.localdate()
    tasks = list(tasks)
    spans = facts.spans_on([t.pk for t in tasks], day)
    unknown = [t.pk for t in tasks if t.pk not in spans]
    if unknown:  # not refreshed yet (e.g. data written around the actions): their spans now
        facts.refresh(unknown)
        spans.update(facts.spans_on(unknown, day))
    loaded = {t.plan_id: t.plan.rule for t in tasks if "plan" in t._state.fields_cache}
    unread = {t.plan_id for t in tasks} - set(loaded)
    rules = {**loaded, **(facts.plan_rules(unread) if unread else {})}
    views = []
    for t in tasks:
        assigned, start, span = spans[t.pk]
        s = facts.status_from_span(assigned, span, day)
        views.append(TaskView(t, s, facts.colour_from_span(s, start, span, day, rules[t.plan_id])))
    return views


def colour_counts(tasks: QuerySet[Task], day: dt.date) -> dict[str, int]:
    """How many top-level tasks are of each colour on ``day`` (one query)."""
    def count():
        rows = on_day(tasks.filter(parent__isnull=True), day, colour=True).order_by().values("colour_on").annotate(n=Count("pk"))
        return {r["colour_on"]: r["n"] for r in rows}

    return facts.cached("colours", tasks, (day,), count)


# ---------------------------------------------------------------- what a cockpit shows, in SQL

def scope_counts(tasks: QuerySet[Task], day: dt.date) -> list[tuple]:
    """The tasks of ``tasks`` counted on ``day`` by (plan id, top level, key, official column, colour), one query:
    every count a cockpit shows (status split per plan, colours, red, overdue key tasks) is a sum over these."""
    top = Case(When(parent__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField())
    rows = (on_day(tasks, day, colour=True).annotate(top=top).order_by()
            .values_list("plan_id", "top", "key", "official_on", "colour_on").annotate(n=Count("pk")))
    return [tuple(r) for r in rows]


def plans_by_id(ids: Iterable[int]) -> dict[int, Plan]:
    return Plan.objects.in_bulk(list(ids))


def views_of(ids: list[int], day: dt.date) -> list[TaskView]:
    """The views of these tasks in this order (the rows a page shows, read fresh)."""
    rows = Task.objects.filter(pk__in=ids).select_related("plan", "group", "lead_unit", "parent").prefetch_related("coordinating_units")
    by_id = {t.pk: t for t in rows}
    return task_views([by_id[pk] for pk in ids if pk in by_id], day)


def _bytewise(name: str) -> Collate:
    """Column ``name`` ordered byte by byte (task codes: "1.10" after "1.9" is not wanted either way, but the order must
    be the same on every database): PostgreSQL's "C" collation, SQLite's "BINARY" (the demo's database)."""
    return Collate(name, "C" if connection.vendor == "postgresql" else "BINARY")


def late_first(tasks: QuerySet[Task], day: dt.date, limit: int, *, colour: str | None = None, official: str | None = None) -> list[TaskView]:
    """The first ``limit`` tasks of the colour or official column on ``day``, the latest first (days overdue, then the
    deadline in force, then the code), ordered in SQL; only those rows go through the core."""
    d = day.toordinal()
    qs = on_day(tasks, day, colour=colour is not None)
    if colour is not None:
        qs = qs.filter(colour_on=colour)
    if official is not None:
        qs = qs.filter(official_on=official)
    late = Case(When(Q(**{f"{facts.SPAN}__assigned_day__lte": d, f"{facts.SPAN}__deadline_day__lt": d}),
                     then=Value(d) - F(f"{facts.SPAN}__deadline_day")), default=Value(0), output_field=IntegerField())
    ids = list(qs.annotate(late=late).order_by(F("late").desc(), F(f"{facts.SPAN}__deadline_day").asc(nulls_last=True),
                                               _bytewise("code"), "pk").values_list("pk", flat=True)[:limit])
    return views_of(ids, day)


def deadlines_within(tasks: QuerySet[Task], day: dt.date, last: dt.date, limit: int) -> tuple[int, list[TaskView]]:
    """Tasks within their deadline on ``day`` whose deadline falls from ``day`` to ``last``: how many, and the first
    ``limit``, the nearest deadline first."""
    qs = on_day(tasks, day).filter(official_on=Official.WITHIN_DEADLINE.value, deadline__gte=day, deadline__lte=last)
    ids = list(qs.order_by("deadline", _bytewise("code"), "pk").values_list("pk", flat=True)[:limit])
    return qs.order_by().count(), views_of(ids, day)


def changes_in(tasks: QuerySet[Task], since: dt.date, until: dt.date) -> Changes:
    """What changed between ``since`` and ``until`` among ``tasks``; only a task that could have changed is compared
    (saved or assigned since then, or overdue on a deadline that passed since then): the others have the same status
    on both days."""
    saved = timezone.make_aware(dt.datetime.combine(since + dt.timedelta(days=1), dt.time.min))
    recent_overdue = Q(official_on=Official.OVERDUE.value) & Q(**{f"{facts.SPAN}__deadline_day__gte": since.toordinal()})
    ids = list(on_day(tasks, until).filter(Q(updated_at__gte=saved) | Q(assigned_on__gt=since) | recent_overdue)
               .order_by().values_list("pk", flat=True))
    return changes_between(Task.objects.filter(pk__in=ids), since, until) if ids else Changes(since, until)


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


BREAKDOWNS = {
    "group": ("group__number", "group__title"),
    "unit": ("lead_unit__code", "lead_unit__name"),
    "key": ("key", "key"),
}


def _breakdown_key(by: str, a, b) -> tuple[str, str]:
    if by == "group":
        return str(a), f"{a}. {b}"
    if by == "key":
        return ("key", "trọng điểm") if a else ("other", "khác")
    return a, b


def statistics(views, by: str, day: dt.date | None = None, *, ids: bool = False) -> tuple[StatRow, list[StatRow]]:
    """The official split in total and by ``group``, ``unit`` (lead unit) or ``key`` (trọng điểm or not).
    Only top-level tasks are counted, as official reports count assigned tasks, not their sub-steps.

    ``views``: a queryset of tasks (counted in SQL on ``day``; ``ids`` also lists each cell's task ids) or a list of
    ``TaskView`` (counted here)."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    total = StatRow("all", "")
    rows: dict[str, StatRow] = {}
    if isinstance(views, QuerySet):
        day = day or timezone.localdate()
        return facts.cached("statistics", views, (day, by, ids), lambda: _statistics_sql(views, by, day, ids))
    total = StatRow("all", "")
    rows: dict[str, StatRow] = {}
    for v in views:
        if v.task.parent_id is not None or v.official is Official.EXCLUDED:
            continue
        total.add(v)
        if by == "group":
            a, b = v.task.group.number, v.task.group.title
        elif by == "unit":
            a, b = v.task.lead_unit.code, v.task.lead_unit.name
        else:
            a, b = v.task.key, v.task.key
        key, label = _breakdown_key(by, a, b)
        rows.setdefault(key, StatRow(key, label)).add(v)
    return total, _ordered(rows)


def _ordered(rows: dict[str, StatRow]) -> list[StatRow]:
    return sorted(rows.values(), key=lambda r: (int(r.key) if r.key.isdigit() else 0, r.label))


def _statistics_sql(views: QuerySet[Task], by: str, day: dt.date, ids: bool) -> tuple[StatRow, list[StatRow]]:
    total = StatRow("all", "")
    rows: dict[str, StatRow] = {}
    qs = on_day(views.filter(parent__isnull=True), day).exclude(official_on=Official.EXCLUDED.value).order_by()
    fields = BREAKDOWNS[by]
    cells = qs.values(*dict.fromkeys(fields), "official_on").annotate(n=Count("pk"))
    for cell in cells:
        key, label = _breakdown_key(by, cell[fields[0]], cell[fields[1]])
        row = rows.setdefault(key, StatRow(key, label))
        row.counts[cell["official_on"]] += cell["n"]
        total.counts[cell["official_on"]] += cell["n"]
    if ids:
        for pk, a, b, official in qs.order_by("pk").values_list("pk", fields[0], fields[1], "official_on"):
            key, _ = _breakdown_key(by, a, b)
            rows[key].task_ids[official].append(pk)
            total.task_ids[official].append(pk)
    return total, _ordered(rows)


@dataclass
class Changes:
    """What changed between two report dates (OpenProject's "baseline")."""

    since: dt.date
    until: dt.date
    new: list[Task] = field(default_factory=list)
    completed: list[Task] = field(default_factory=list)
    newly_overdue: list[Task] = field(default_factory=list)
    deadline_moved: list[DeadlineChange] = field(default_factory=list)


def changes_between(tasks, since: dt.date, until: dt.date) -> Changes:
    """``tasks``: a queryset or a list of tasks; compared in SQL on the stored facts of the two days."""
    qs = tasks if isinstance(tasks, QuerySet) else Task.objects.filter(pk__in=[t.pk for t in tasks])
    qs = qs.order_by("plan", "group__number", "position", "id")
    done = [Official.COMPLETED_ON_TIME.value, Official.COMPLETED_LATE.value]
    before = {pk: o for pk, o in on_day(qs, since).values_list("pk", "official_on")}
    after = list(on_day(qs, until).values_list("pk", "official_on", "assigned_on"))
    new, completed, overdue = [], [], []
    for pk, official, assigned in after:
        if since < assigned <= until:
            new.append(pk)
        if official in done and before[pk] not in done:
            completed.append(pk)
        if official == Official.OVERDUE.value and before[pk] != Official.OVERDUE.value:
            overdue.append(pk)
    wanted = {t.pk: t for t in Task.objects.filter(pk__in=new + completed + overdue)}
    return Changes(
        since, until, [wanted[pk] for pk in new], [wanted[pk] for pk in completed], [wanted[pk] for pk in overdue],
        list(DeadlineChange.objects.filter(task__in=qs.values("pk"), status=ExtensionStatus.APPROVED, effective_on__gt=since,
                                           effective_on__lte=until).select_related("task")),
    )


# ---------------------------------------------------------------- a unit's inbox

INBOX_SHOWN = 50


class Capped(list):
    """The first items of a list that may be long, with the number there are in all (``total``)."""

    def __init__(self, items, total: int):
        super().__init__(items)
        self.total = total


def _capped(qs, shown: int = INBOX_SHOWN, *, cache_as: str | None = None, key: tuple = (),
            day: dt.date | None = None, related: tuple[str, ...] = ()) -> Capped:
    """The first ``shown`` rows and the count of all, in one query (a window count); with ``cache_as``, ``qs`` is a
    function building the query, and the ids and the count are kept under ``key`` until the facts change, the rows
    read fresh by id."""
    if cache_as is None:
        items = list(qs.annotate(total_rows=Window(Count("pk")))[:shown])
        return Capped(items, items[0].total_rows if items else 0)

    def first():
        found = list(qs().annotate(total_rows=Window(Count("pk"))).values_list("pk", "total_rows")[:shown])
        return [pk for pk, _ in found], (found[0][1] if found else 0)

    ids, total = facts.cached(cache_as, key, (day, shown), first)
    by_id = Task.objects.select_related(*related).in_bulk(ids) if ids else {}
    return Capped([by_id[pk] for pk in ids if pk in by_id], total)


@dataclass
class Inbox:
    to_report: Capped
    returned: Capped
    to_approve: Capped
    overdue: Capped  # of TaskView
    explanations: Capped
    extensions_to_decide: Capped


def task_unit_choices(plan: Plan) -> list:
    """The units a task of ``plan`` may be led or coordinated by: the current units of the issuer's city (its
    departments, bodies and communes), in Vietnamese alphabetical order."""
    from dieuhanh.core.common.text import collation_key
    from dieuhanh.units.models import Unit
    from dieuhanh.units.selectors import unit_city_of

    city = unit_city_of(plan.issuer) or plan.issuer
    units = Unit.objects.filter(path__startswith=city.path, valid_to__isnull=True).only("code", "name")
    return sorted(units, key=lambda u: collation_key(u.name))


INBOX_LISTS = ("to_report", "returned", "to_approve", "overdue", "explanations", "extensions_to_decide")


def _inbox_queries(actor, day: dt.date) -> dict:
    """The inbox's lists as queries (overdue: its tasks on ``day``, in the order shown), one definition for the
    capped lists of the inbox and the full list of each."""
    from dieuhanh.access.policy import reach_filter
    from dieuhanh.core.common.periods import period_containing
    from dieuhanh.plans.models import ExplanationRequest, ReportingFrequency

    led = tasks_visible(actor).filter(state__in=[State.OPEN.value, State.PAUSED.value])
    mine = led.filter(reach_filter(actor, "report_submit", "lead_unit__"))
    approvable = led.filter(reach_filter(actor, "report_approve", "lead_unit__"))
    steered = led.filter(reach_filter(actor, "report_submit", "lead_unit__") | reach_filter(actor, "report_approve", "lead_unit__")
                         | reach_filter(actor, "explanation_request", "lead_unit__"))
    # Leaf tasks report; a parent's progress rolls up from its children.
    due = Q(pk__in=[])
    for frequency in ReportingFrequency.values:
        key = period_containing(day, frequency).key
        reported = ProgressReport.objects.filter(task=OuterRef("pk"), period=key).exclude(status=ReportStatus.RETURNED)
        due |= Q(plan__reporting_frequency=frequency) & ~Exists(reported)
    issued = tasks_visible(actor).filter(reach_filter(actor, "extension_decide", "plan__issuer__"))
    return {
        "to_report": (mine.filter(due, ~Exists(Task.objects.filter(parent=OuterRef("pk"))))
                      .filter(Q(start_date__lte=day) | Q(start_date__isnull=True, assigned_on__lte=day))
                      .select_related("lead_unit")),
        "returned": ProgressReport.objects.filter(task__in=mine.values("pk"), status=ReportStatus.RETURNED).select_related("task"),
        "to_approve": ProgressReport.objects.filter(task__in=approvable.values("pk"), status=ReportStatus.SUBMITTED).select_related("task"),
        "overdue": lambda: on_day(steered, day).filter(official_on=Official.OVERDUE.value).order_by("deadline", "plan", "position", "id"),
        "explanations": ExplanationRequest.objects.filter(task__in=mine.values("pk"), responded_at__isnull=True).select_related("task"),
        "extensions_to_decide": DeadlineChange.objects.filter(task__in=issued.values("pk"), status=ExtensionStatus.PENDING).select_related("task"),
    }


def inbox(actor, *, day: dt.date | None = None) -> Inbox:
    """What waits for this person: tasks of their units without a report for the current period, reports
    returned to them, reports to approve, overdue tasks of the units they report for, approve for or steer,
    open explanation requests, extensions to decide. Each list shows its first ``INBOX_SHOWN`` items and its
    total (all of one list: ``inbox_list``); the role checks are SQL filters on the roles read once."""
    day = day or timezone.localdate()
    queries = _inbox_queries(actor, day)
    overdue = _capped(queries["overdue"], cache_as="overdue", key=("inbox", reach_key(actor)), day=day,
                      related=("plan", "lead_unit", "group"))
    return Inbox(**{name: _capped(queries[name]) for name in INBOX_LISTS if name != "overdue"},
                 overdue=Capped(task_views(overdue, day), overdue.total))


def inbox_list(actor, name: str, *, day: dt.date | None = None) -> list:
    """Every item of one of the inbox's lists (``INBOX_LISTS``), in the inbox's order (overdue: as ``TaskView``)."""
    if name not in INBOX_LISTS:
        raise NotFound(f"inbox list {name}")
    day = day or timezone.localdate()
    query = _inbox_queries(actor, day)[name]
    if name == "overdue":
        return task_views(query().select_related("plan", "lead_unit", "group"), day)
    return list(query)


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
    parent: Task | None = None  # None when out of the reader's sight (the page then names no parent)


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
        parent=task.parent if visible_parent_codes(actor, [task])[task.pk] else None,
    )


def coordinating_units(task: Task) -> list:
    return list(task.coordinating_units.all())


def units_by_code(codes) -> dict:
    from dieuhanh.units.models import Unit

    return {u.code: u for u in Unit.objects.filter(code__in=set(codes))}
