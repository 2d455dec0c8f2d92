"""Synthetic reporting history for demo and load tests. Everything this module writes is labelled synthetic.

``simulate`` draws, for one task, a plausible sequence of approved monthly reports up to a date: most tasks
progress roughly with time, some lag, a few stall; tasks past their deadline are mostly completed (on time or
late), some get an approved extension, some stay overdue. ``history_load`` writes those histories in bulk,
with one audit event per written row, as the platform (``system:<command>``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from dieuhanh.actions import action
from dieuhanh.audit.services import actor_label, new_event, record_many
from dieuhanh.core.common.periods import periods_between
from dieuhanh.plans import facts
from dieuhanh.plans.models import (SYNTHETIC_HISTORY, DeadlineChange, ExtensionStatus, ProgressReport, ReportStatus, Task,
                                   TaskStateChange)

# Stored in the reports and decisions it writes and shown as is on the task pages: Vietnamese, like every page.
SYNTHETIC = SYNTHETIC_HISTORY


@dataclass
class SimReport:
    period: str
    period_end: dt.date
    percent: float
    approved_on: dt.date
    completed_on: dt.date | None = None


@dataclass
class SimHistory:
    reports: list[SimReport] = field(default_factory=list)
    extension: tuple[dt.date, dt.date] | None = None  # (decided on, new deadline)


def simulate(*, start: dt.date, deadline: dt.date | None, until: dt.date, frequency: str, rng: random.Random) -> SimHistory:
    history = SimHistory()
    if deadline is None or start > until:
        return history
    pace = rng.choice([1.15, 1.05, 1.0, 0.95, 0.85, 0.7, 0.5])  # how fast this task moves relative to plan
    stalls = rng.random() < 0.08
    final_deadline = deadline
    if deadline < until and pace < 0.9 and rng.random() < 0.35:
        decided = deadline - dt.timedelta(days=rng.randint(5, 25))
        final_deadline = deadline + dt.timedelta(days=rng.choice([90, 120, 180]))
        if decided > start:
            history.extension = (decided, final_deadline)
    span = max((final_deadline - start).days, 1)
    last = 0.0
    for period in periods_between(start, until, frequency):
        approved_on = period.end + dt.timedelta(days=rng.randint(3, 12))
        if approved_on > until:
            break
        elapsed = (period.end - start).days / span
        target = min(100.0, 100 * elapsed * pace)
        if stalls and elapsed > 0.4:
            target = last
        percent = round(max(last, min(100.0, target + rng.uniform(-5, 5))), 0)
        completed_on = None
        if percent >= 100:
            percent = 100.0
            completed_on = min(period.end, approved_on - dt.timedelta(days=1))
        history.reports.append(SimReport(period.key, period.end, percent, approved_on, completed_on))
        last = percent
        if completed_on:
            break
    return history


@action
def tasks_load(*, actor, tasks: list[Task]) -> list[Task]:
    """Write new synthetic tasks in bulk (no coordinating units, tags or sub-tasks), one audit event each, and
    their status facts; returns them saved."""
    created = Task.objects.bulk_create(tasks, batch_size=2000)
    record_many([new_event(actor=actor, action="task_create", obj=t, unit=t.lead_unit, object_type="task",
                           changes={"code": [None, t.code], "title": [None, t.title], "lead_unit": [None, t.lead_unit.code],
                                    "deadline": [None, t.deadline.isoformat() if t.deadline else None], "source": [None, t.source]})
                 for t in created])
    facts.refresh([t.pk for t in created])
    return created


@action
def history_load(*, actor, histories: dict[int, SimHistory]) -> int:
    """Write simulated histories (task id → history) in bulk; returns the number of reports written."""
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=histories).select_related("lead_unit")}
    reports, states, changes, events = [], [], [], []
    label = actor_label(actor)
    tz = timezone.get_current_timezone()
    for task_id, h in histories.items():
        t = tasks[task_id]
        for r in h.reports:
            reviewed = dt.datetime.combine(r.approved_on, dt.time(16, 30), tzinfo=tz)
            reports.append(ProgressReport(
                task=t, period=r.period, period_end=r.period_end, percent=Decimal(str(r.percent)), completed=r.completed_on is not None,
                completed_on=r.completed_on, done=f"Kết quả thực hiện kỳ {r.period} ({SYNTHETIC}).", status=ReportStatus.APPROVED,
                submitted_at=reviewed - dt.timedelta(days=2), reviewed_at=reviewed, review_comment=SYNTHETIC,
            ))
        if h.extension:
            decided, new = h.extension
            changes.append(DeadlineChange(task=t, old_deadline=t.deadline, new_deadline=new, reason=f"Đề nghị gia hạn ({SYNTHETIC})",
                                          status=ExtensionStatus.APPROVED, effective_on=decided,
                                          decided_at=dt.datetime.combine(decided, dt.time(9), tzinfo=tz), decision_note=SYNTHETIC))
            t.deadline = new
        if h.reports:
            last = h.reports[-1]
            t.progress = Decimal(str(last.percent))
            if last.completed_on:
                states.append(TaskStateChange(task=t, state="completed", effective_on=last.completed_on, recorded_on=last.approved_on,
                                              note=SYNTHETIC, actor_label=label))
                t.state, t.completed_on = "completed", last.completed_on
        t.version += 1
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    TaskStateChange.objects.bulk_create(states, batch_size=2000)
    DeadlineChange.objects.bulk_create(changes, batch_size=2000)
    Task.objects.bulk_update(list(tasks.values()), ["progress", "state", "completed_on", "deadline", "version"], batch_size=2000)
    for r in ProgressReport.objects.filter(task_id__in=histories, review_comment=SYNTHETIC).select_related("task__lead_unit"):
        events.append(new_event(actor=actor, action="report_approve", obj=r, unit=r.task.lead_unit, object_type="progress_report",
                                changes={"percent": [None, str(r.percent)], "status": [None, "approved"]}))
    for c in changes:
        events.append(new_event(actor=actor, action="extension_decide", obj=c, unit=c.task.lead_unit, object_type="deadline_change",
                                changes={"deadline": [c.old_deadline.isoformat() if c.old_deadline else None, c.new_deadline.isoformat()]}))
    record_many(events)
    facts.refresh(histories)
    return len(reports)
