"""A task's status on any date, as Government reports count it (Quyết định 42/2014/QĐ-TTg, amended 23/2018).

Official reports split the tasks assigned as of a date into four: completed on time (hoàn thành đúng hạn),
completed late (hoàn thành quá hạn), not completed within deadline (đang thực hiện trong hạn) and not completed
overdue (chưa hoàn thành, quá hạn). We also keep finer working statuses (not started, paused, cancelled) and
map each to its official column:

- a task assigned after the date does not exist yet for that report (``not_assigned``, excluded);
- a cancelled task is excluded from the official counts;
- a completed task is on time when its completion date is on or before the deadline in force on that day,
  so an extension approved after completion does not turn a late completion into an on-time one;
- any other task is within deadline while the date is on or before the deadline in force on that date,
  overdue after it; a task without a deadline ("thường xuyên") is always within deadline;
- not started and paused tasks count as not completed (within deadline or overdue) in the official split.

Everything is computed from dated facts (state changes, approved deadline changes, approved reports), so the
report of 30/06 re-created on 15/08 gives the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    NOT_ASSIGNED = "not_assigned"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    OVERDUE = "overdue"


class Official(str, Enum):
    """The four columns of the Government's report, plus tasks the report leaves out."""

    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    WITHIN_DEADLINE = "within_deadline"
    OVERDUE = "overdue"
    EXCLUDED = "excluded"


class State(str, Enum):
    """Lifecycle states recorded by dated state changes."""

    OPEN = "open"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


@dataclass(frozen=True)
class TaskFacts:
    """What is known about one task, with the date each fact took effect."""

    assigned_on: dt.date
    deadline: dt.date | None  # the original deadline
    # (effective date, new deadline) of approved extensions, in any order.
    deadline_changes: Sequence[tuple[dt.date, dt.date | None]] = ()
    # (effective date, state) in any order; completion carries its completion date as the effective date.
    state_changes: Sequence[tuple[dt.date, State]] = ()
    # (approval date, percent) of approved progress reports.
    progress: Sequence[tuple[dt.date, float]] = ()


@dataclass(frozen=True)
class StatusAsOf:
    status: Status
    official: Official
    deadline: dt.date | None  # the deadline in force on the date
    progress: float  # the latest approved percent on the date
    completed_on: dt.date | None = None
    days_overdue: int = 0
    notes: tuple[str, ...] = field(default=())


def deadline_on(facts: TaskFacts, day: dt.date) -> dt.date | None:
    """The deadline in force on ``day``: the original one, changed by every extension effective by then."""
    current = facts.deadline
    for effective, new in sorted(facts.deadline_changes, key=lambda c: c[0]):
        if effective <= day:
            current = new
    return current


def state_on(facts: TaskFacts, day: dt.date) -> tuple[State, dt.date | None]:
    """The lifecycle state on ``day`` and the date it took effect."""
    state, since = State.OPEN, None
    for effective, new in sorted(facts.state_changes, key=lambda c: c[0]):
        if effective <= day:
            state, since = new, effective
    return state, since


def progress_on(facts: TaskFacts, day: dt.date) -> float:
    latest = [p for approved, p in sorted(facts.progress, key=lambda p: p[0]) if approved <= day]
    return latest[-1] if latest else 0.0


def status_as_of(facts: TaskFacts, day: dt.date) -> StatusAsOf:
    if day < facts.assigned_on:
        return StatusAsOf(Status.NOT_ASSIGNED, Official.EXCLUDED, deadline_on(facts, day), 0.0)
    state, since = state_on(facts, day)
    progress = progress_on(facts, day)
    if state is State.CANCELLED:
        return StatusAsOf(Status.CANCELLED, Official.EXCLUDED, deadline_on(facts, day), progress)
    if state is State.COMPLETED and since is not None:
        deadline_then = deadline_on(facts, since)
        on_time = deadline_then is None or since <= deadline_then
        return StatusAsOf(
            Status.COMPLETED_ON_TIME if on_time else Status.COMPLETED_LATE,
            Official.COMPLETED_ON_TIME if on_time else Official.COMPLETED_LATE,
            deadline_then,
            100.0,
            completed_on=since,
            days_overdue=0 if on_time else (since - deadline_then).days,
        )
    deadline = deadline_on(facts, day)
    overdue = deadline is not None and day > deadline
    official = Official.OVERDUE if overdue else Official.WITHIN_DEADLINE
    if state is State.PAUSED:
        status = Status.PAUSED
    elif overdue:
        status = Status.OVERDUE
    elif progress <= 0:
        status = Status.NOT_STARTED
    else:
        status = Status.IN_PROGRESS
    return StatusAsOf(status, official, deadline, progress, days_overdue=(day - deadline).days if overdue else 0)


# ---------------------------------------------------------------- facts stored per span of days

@dataclass(frozen=True)
class FactSpan:
    """What is known about a task on every day from ``valid_from`` up to (not including) ``valid_to`` (``None``:
    no end): the deadline in force, the lifecycle state and the day it took effect, the deadline that was in
    force on that day (what a completion is judged against) and the latest approved percent (``None`` before
    the first approved report). Within a span only the date moves, so the status and the colour on any day of
    it follow from these values alone (``span_facts``)."""

    valid_from: dt.date
    valid_to: dt.date | None
    deadline: dt.date | None
    state: State
    since: dt.date | None
    deadline_at_since: dt.date | None
    progress: float | None


def fact_spans(
    *,
    assigned_on: dt.date,
    deadline: dt.date | None,
    deadline_changes: Sequence[tuple[dt.date, dt.date | None]] = (),
    state_changes: Sequence[tuple[dt.date, dt.date, State]] = (),
    progress: Sequence[tuple[dt.date, float]] = (),
) -> list[FactSpan]:
    """A task's whole recorded history cut into spans of days over which nothing known changes.

    ``state_changes`` are (effective date, recorded date, state): a change is known from the later of the two
    (an "as of" report ignores later knowledge). The spans cover every day (the first starts on ``date.min``);
    each is computed by the rules above (``deadline_on``, ``state_on``, ``progress_on``) over the facts known on
    its first day, so ``status_as_of(span_facts(...), day)`` equals ``status_as_of`` over the full history."""
    known_from = sorted({assigned_on, *(e for e, _ in deadline_changes), *(max(e, r) for e, r, _ in state_changes),
                         *(a for a, _ in progress)})
    spans: list[FactSpan] = []
    for start in [dt.date.min, *known_from]:
        if spans and start == spans[-1].valid_from:
            continue
        facts = TaskFacts(
            assigned_on=assigned_on, deadline=deadline,
            deadline_changes=[c for c in deadline_changes if c[0] <= start],
            state_changes=[(e, s) for e, r, s in state_changes if max(e, r) <= start],
            progress=[p for p in progress if p[0] <= start],
        )
        state, since = state_on(facts, start)
        span = FactSpan(start, None, deadline_on(facts, start), state, since,
                        deadline_on(facts, since) if since is not None else None,
                        progress_on(facts, start) if facts.progress else None)
        if spans and _same_facts(spans[-1], span):
            continue
        if spans:
            spans[-1] = FactSpan(**{**spans[-1].__dict__, "valid_to": start})
        spans.append(span)
    return spans


def _same_facts(a: FactSpan, b: FactSpan) -> bool:
    return (a.deadline, a.state, a.since, a.deadline_at_since, a.progress) == (b.deadline, b.state, b.since, b.deadline_at_since, b.progress)


def span_facts(assigned_on: dt.date, span: FactSpan) -> TaskFacts:
    """Facts equivalent, on every day of ``span``, to the full history the span was cut from."""
    if span.since is not None:
        deadline = span.deadline_at_since if span.state is State.COMPLETED else span.deadline
        return TaskFacts(assigned_on=assigned_on, deadline=deadline,
                         deadline_changes=[(span.since + dt.timedelta(days=1), span.deadline)] if span.state is State.COMPLETED else (),
                         state_changes=[(span.since, span.state)],
                         progress=[(dt.date.min, span.progress)] if span.progress is not None else ())
    return TaskFacts(assigned_on=assigned_on, deadline=span.deadline, state_changes=(),
                     progress=[(dt.date.min, span.progress)] if span.progress is not None else ())
