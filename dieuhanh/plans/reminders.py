"""Due-soon and overdue notifications of tasks, produced by the daily run (``dieuhanh notifications daily``).

Registered with the notifications app's daily run by ``PlansConfig.ready()`` (``register_daily``). Each open task whose deadline in
force is within the plan's due-soon days (``Plan.warning_rule``), or is past, notifies the people who report on
its lead unit (reporters and approvers on it or above), once per task and deadline: a re-run, or the next day,
creates nothing new; an approved extension (a new deadline) notifies again.
"""

from __future__ import annotations

import datetime as dt

from dieuhanh.core.tasks.status import Official, State
from dieuhanh.notifications.selectors import holders
from dieuhanh.notifications.services import notify_users
from dieuhanh.plans.models import Task
from dieuhanh.plans.selectors import task_views
from dieuhanh.plans.services import task_notice


def due_kind(view, day: dt.date) -> str | None:
    """``overdue``, ``due_soon`` or None for a task's view as of ``day``."""
    deadline = view.as_of.deadline
    if view.official is Official.OVERDUE:
        return "overdue"
    if deadline is not None and 0 <= (deadline - day).days <= view.task.plan.rule.due_soon_days:
        return "due_soon"
    return None


def tasks_due(day: dt.date) -> int:
    """Notify due-soon and overdue tasks as of ``day``; how many notifications were created."""
    tasks = list(Task.objects.filter(state=State.OPEN.value).select_related("plan", "lead_unit", "group"))
    people: dict[int, list] = {}
    created = 0
    for view in task_views(tasks, day):
        kind = due_kind(view, day)
        if kind is None:
            continue
        task, deadline = view.task, view.as_of.deadline
        if task.lead_unit_id not in people:
            people[task.lead_unit_id] = holders(task.lead_unit, "report_submit")
        created += len(notify_users(kind, users=people[task.lead_unit_id], unit=task.lead_unit, about=("task", task.pk),
                                    once=deadline.isoformat(), **task_notice(task, deadline=f"{deadline:%d/%m/%Y}")))
    return created
