"""Each task's status facts kept up to date, and the official status and colour on a day as SQL expressions.

The rules live in ``core.tasks.status`` and ``core.tasks.colours``. ``refresh`` cuts a task's recorded history
(state changes, approved extensions, approved reports) into spans of days over which nothing known changes
(``core.tasks.status.fact_spans``) and stores them in ``TaskFactSpan``; every action that changes those facts
calls it in its own transaction, so the stored spans are never stale. A page then joins each task to the one span
covering its day (``on_day``) and:

- counts and filters by the official column and the warning colour in SQL (``official_sql``, ``colour_sql``:
  the same rules written as ``CASE`` expressions, proven equal to the core by tests/plans/test_fact_spans.py);
- computes the finer status of the rows it shows with the core itself (``status_from_span``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, CharField, F, FilteredRelation, FloatField, Q, QuerySet, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from dieuhanh.core.tasks.colours import Colour, WarningRule, colour
from dieuhanh.core.tasks.status import FactSpan, Official, State, Status, StatusAsOf, TaskFacts, fact_spans, span_facts, status_as_of

SPAN = "fs"  # the alias of the span joined to each task


def _day(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


def _ordinal(day: dt.date | None) -> int | None:
    return None if day is None else day.toordinal()


# ---------------------------------------------------------------- writing the spans

def histories(task_ids: list[int], *, models=None) -> dict[int, dict]:
    """Every recorded fact of these tasks, as ``fact_spans`` takes them (four queries). ``models`` lets a migration
    pass its historical models (Task, TaskStateChange, DeadlineChange, ProgressReport)."""
    from dieuhanh.plans import models as current

    Task, StateChange, Deadline, Report = models or (current.Task, current.TaskStateChange, current.DeadlineChange, current.ProgressReport)
    tz = timezone.get_current_timezone()
    out = {
        pk: {"assigned_on": assigned, "start": start or assigned, "deadline": deadline, "deadline_changes": [], "state_changes": [], "progress": []}
        for pk, assigned, start, deadline in Task.objects.filter(pk__in=task_ids).values_list("pk", "assigned_on", "start_date", "original_deadline")
    }
    for task_id, state, effective, recorded in (StateChange.objects.filter(task_id__in=task_ids).order_by("effective_on", "id")
                                                .values_list("task_id", "state", "effective_on", "recorded_on")):
        out[task_id]["state_changes"].append((effective, recorded, State(state)))
    for task_id, effective, new in (Deadline.objects.filter(task_id__in=task_ids, status="approved", effective_on__isnull=False)
                                    .order_by("effective_on", "id").values_list("task_id", "effective_on", "new_deadline")):
        out[task_id]["deadline_changes"].append((effective, new))
    for task_id, percent, reviewed in (Report.objects.filter(task_id__in=task_ids, status="approved", reviewed_at__isnull=False)
                                       .order_by("reviewed_at", "id").values_list("task_id", "percent", "reviewed_at")):
        out[task_id]["progress"].append((reviewed.astimezone(tz).date(), float(percent)))
    return out


def spans_of(history: dict) -> list[FactSpan]:
    return fact_spans(assigned_on=history["assigned_on"], deadline=history["deadline"], deadline_changes=history["deadline_changes"],
                      state_changes=history["state_changes"], progress=history["progress"])


def refresh(task_ids: Iterable[int], *, models=None, span_model=None, batch: int = 2000,
            progress: Callable[[int], None] | None = None) -> int:
    """Rewrite the stored spans of these tasks from their recorded facts; returns the number of spans written.
    Called by every action that changes a task's facts, inside its transaction."""
    if span_model is None:
        from dieuhanh.plans.models import TaskFactSpan as span_model
    ids = sorted(set(task_ids))
    written = 0
    for i in range(0, len(ids), batch):
        chunk = ids[i:i + batch]
        rows = []
        for task_id, h in histories(chunk, models=models).items():
            for s in spans_of(h):
                rows.append(span_model(
                    task_id=task_id, valid_from=s.valid_from, valid_to=s.valid_to, assigned_day=_ordinal(h["assigned_on"]),
                    start_day=_ordinal(h["start"]), deadline_day=_ordinal(s.deadline), state=s.state.value, since_day=_ordinal(s.since),
                    deadline_at_since_day=_ordinal(s.deadline_at_since), progress=s.progress,
                ))
        span_model.objects.filter(task_id__in=chunk).delete()
        span_model.objects.bulk_create(rows, batch_size=batch)
        written += len(rows)
        if progress:
            progress(min(i + batch, len(ids)))
    return written


# ---------------------------------------------------------------- reading them

def on_day(tasks: QuerySet, day: dt.date) -> QuerySet:
    """``tasks`` joined to the span covering ``day`` (as ``fs``)."""
    return tasks.annotate(**{SPAN: FilteredRelation("fact_spans", condition=Q(fact_spans__valid_from__lte=day) & (
        Q(fact_spans__valid_to__isnull=True) | Q(fact_spans__valid_to__gt=day)))})


def _f(name: str) -> F:
    return F(f"{SPAN}__{name}")


def _q(**lookups) -> Q:
    return Q(**{f"{SPAN}__{k}": v for k, v in lookups.items()})


def official_sql(day: dt.date) -> Case:
    """The official column on ``day`` (``Official`` values) of a task joined by ``on_day``."""
    d = day.toordinal()
    return Case(
        When(_q(assigned_day__gt=d), then=Value(Official.EXCLUDED.value)),
        When(_q(state=State.CANCELLED.value), then=Value(Official.EXCLUDED.value)),
        When(_q(state=State.COMPLETED.value) & (_q(deadline_at_since_day__isnull=True) | _q(since_day__lte=_f("deadline_at_since_day"))),
             then=Value(Official.COMPLETED_ON_TIME.value)),
        When(_q(state=State.COMPLETED.value), then=Value(Official.COMPLETED_LATE.value)),
        When(_q(deadline_day__lt=d), then=Value(Official.OVERDUE.value)),
        default=Value(Official.WITHIN_DEADLINE.value), output_field=CharField(),
    )


def _threshold(rules: dict[int, WarningRule], name: str) -> Case | Value:
    default = float(getattr(WarningRule(), name))
    if not rules:
        return Value(default, output_field=FloatField())
    return Case(*[When(plan_id=pk, then=Value(float(getattr(r, name)))) for pk, r in rules.items()],
                default=Value(default), output_field=FloatField())


def colour_sql(day: dt.date, rules: dict[int, WarningRule]) -> Case:
    """The warning colour on ``day`` (``Colour`` values) of a task joined by ``on_day``; ``rules``: each plan's
    thresholds (``plan_rules``). Float arithmetic as in ``core.tasks.colours``: expected − progress against the gaps."""
    d = day.toordinal()
    assigned = _q(assigned_day__lte=d)
    expected = Case(
        When(_q(deadline_day__lte=_f("start_day")), then=Value(100.0)),
        default=Value(100.0, output_field=FloatField()) * (Value(d) - _f("start_day")) / (_f("deadline_day") - _f("start_day")),
        output_field=FloatField(),
    )
    progress = Case(When(assigned, then=_f("progress")), default=Value(0.0), output_field=FloatField())
    gap = expected - progress
    return Case(
        When(assigned & _q(state=State.CANCELLED.value), then=Value(Colour.GREY.value)),
        When(assigned & _q(state=State.COMPLETED.value), then=Value(Colour.GREEN.value)),
        When(_q(deadline_day__lt=d), then=Value(Colour.RED.value)),
        When(_q(deadline_day__isnull=True) | _q(start_day__gt=d) | _q(progress__isnull=True), then=Value(Colour.GREY.value)),
        When(LessThanOrEqual(gap, _threshold(rules, "green_gap")), then=Value(Colour.GREEN.value)),
        When(LessThanOrEqual(gap, _threshold(rules, "red_gap")), then=Value(Colour.ORANGE.value)),
        default=Value(Colour.RED.value), output_field=CharField(),
    )


def plan_rules(plan_ids: Iterable[int] | None = None) -> dict[int, WarningRule]:
    from dieuhanh.plans.models import Plan

    plans = Plan.objects.all() if plan_ids is None else Plan.objects.filter(pk__in=set(plan_ids))
    return {pk: WarningRule.from_dict(rule) for pk, rule in plans.values_list("pk", "warning_rule")}


def spans_on(task_ids: Iterable[int], day: dt.date) -> dict[int, tuple[dt.date, dt.date, FactSpan]]:
    """The span covering ``day`` of each task, with the task's assignment and start days (one query)."""
    from dieuhanh.plans.models import TaskFactSpan

    rows = (TaskFactSpan.objects.filter(task_id__in=list(task_ids), valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day)))
    out = {}
    for r in rows:
        out[r.task_id] = (_day(r.assigned_day), _day(r.start_day), FactSpan(
            r.valid_from, r.valid_to, _day(r.deadline_day), State(r.state), _day(r.since_day), _day(r.deadline_at_since_day), r.progress))
    return out


def status_from_span(assigned_on: dt.date, span: FactSpan, day: dt.date) -> StatusAsOf:
    return status_as_of(span_facts(assigned_on, span), day)


def colour_from_span(s: StatusAsOf, start: dt.date, span: FactSpan, day: dt.date, rule: WarningRule) -> Colour:
    return colour(day=day, start=start, deadline=s.deadline, progress=s.progress if span.progress is not None else None,
                  completed=s.official in (Official.COMPLETED_ON_TIME, Official.COMPLETED_LATE),
                  cancelled=s.status is Status.CANCELLED, rule=rule)


def history_facts(task_ids: list[int], day: dt.date) -> dict[int, TaskFacts]:
    """The full-history path (what the spans replace): everything known on ``day``, for checking and for one task."""
    out: dict[int, TaskFacts] = {}
    for task_id, h in histories(task_ids).items():
        out[task_id] = TaskFacts(
            assigned_on=h["assigned_on"], deadline=h["deadline"],
            deadline_changes=[c for c in h["deadline_changes"] if c[0] <= day],
            state_changes=[(e, s) for e, r, s in h["state_changes"] if r <= day],
            progress=[p for p in h["progress"] if p[0] <= day],
        )
    return out


def missing(task_ids: Iterable[int] | None = None) -> list[int]:
    """Tasks without stored spans (none after the migration and the actions; ``dieuhanh refresh_task_facts``)."""
    from dieuhanh.plans.models import Task

    tasks = Task.objects.filter(fact_spans__isnull=True)
    if task_ids is not None:
        tasks = tasks.filter(pk__in=list(task_ids))
    return list(tasks.values_list("pk", flat=True))


# ---------------------------------------------------------------- counts kept until the facts change

CACHE_SECONDS = 3600


def stamp() -> tuple:
    """What every count over tasks depends on, in one cheap query: the newest stored span (every change of a task's
    facts or fields rewrites its spans with new ids), the plans' versions (warning rules) and the latest change to
    a unit (names, paths)."""
    from dieuhanh.plans.models import Plan, TaskFactSpan
    from dieuhanh.units.models import Unit

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {TaskFactSpan._meta.db_table}), (SELECT SUM(version) FROM {Plan._meta.db_table}), "
                       f"(SELECT MAX(updated_at) FROM {Unit._meta.db_table})")
        return tuple(cursor.fetchone())


def query_key(query: QuerySet) -> tuple:
    """What identifies a query's rows: its SQL and parameters (the filters and the person's reach)."""
    return query.order_by().select_related(None).query.sql_with_params()


def cached(kind: str, key: QuerySet | tuple, extra: tuple, compute: Callable[[], Any], *, at: tuple | None = None) -> Any:
    """``compute()`` for ``key`` (a query, or what the query is built from) and ``extra``, kept in Django's cache
    under the facts' ``stamp`` (``at``: one read already): any change gives a new stamp, so nothing stale is found
    again."""
    material = query_key(key) if isinstance(key, QuerySet) else key
    name = "dieuhanh:facts:" + kind + ":" + hashlib.sha256(repr((at or stamp(), material, extra)).encode()).hexdigest()
    found = cache.get(name, _MISSING)
    if found is not _MISSING:
        return found
    value = compute()
    cache.set(name, value, CACHE_SECONDS)
    return value


_MISSING = object()
