"""Who may see and act on plans and tasks, and the authorisation functions of plan actions.

A task is visible to anyone holding a role on its lead unit, on one of its coordinating units, or on the
plan's issuer — or on any unit above those. Outside that, a task answers "not found". Inside it, each action
needs its permission on a specific unit (see ``PERMISSIONS``): otherwise "forbidden".
"""

from __future__ import annotations

from django.db.models import Q

from dieuhanh.access.policy import PERMISSIONS, can, can_see, held_roles, is_system, require
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden, Invalid, NotFound


def task_units(task):
    return [task.lead_unit, task.plan.issuer, *task.coordinating_units.all()]


def can_see_task(actor, task) -> bool:
    return is_system(actor) or any(can_see(actor, unit) for unit in task_units(task))


def require_on_task(actor, permission: str, task, unit) -> None:
    """NotFound when the task is out of sight; Forbidden when visible but ``permission`` is lacking on ``unit``."""
    if is_system(actor):
        return
    if not can_see_task(actor, task):
        raise NotFound("task not found")
    if not can(actor, permission, unit):
        raise Forbidden(f"permission {permission} denied on unit {unit.code}")


def visible_tasks_q(actor) -> Q:
    """A ``Q`` on ``Task`` for the tasks the actor may see."""
    if is_system(actor):
        return Q()
    roots = sorted({path for path, role in held_roles(actor) if role in PERMISSIONS["task_view"]})
    q = Q(pk__in=[])
    for path in roots:
        q |= Q(lead_unit__path__startswith=path) | Q(plan__issuer__path__startswith=path) | Q(coordinating_units__path__startswith=path)
    return q


def require_plan_visible(actor, plan) -> None:
    """A plan is visible to those who see its issuer or lead at least one of its tasks' units."""
    if is_system(actor) or can_see(actor, plan.issuer):
        return
    from dieuhanh.plans.models import Task

    if not Task.objects.filter(visible_tasks_q(actor), plan=plan).exists():
        raise NotFound("plan not found")


def require_on_plan(actor, permission: str, plan) -> None:
    """NotFound when the plan is out of sight; Forbidden when visible but ``permission`` is lacking on its issuer."""
    require_plan_visible(actor, plan)
    if not is_system(actor) and not can(actor, permission, plan.issuer):
        raise Forbidden(f"permission {permission} denied on unit {plan.issuer.code}")


@authorizes
def plan_create(actor, *, issuer, **_):
    require(actor, "plan_manage", issuer)


@authorizes
def plan_update(actor, *, plan, **_):
    require_on_plan(actor, "plan_manage", plan)


@authorizes
def group_create(actor, *, plan, **_):
    require_on_plan(actor, "plan_manage", plan)


@authorizes
def task_create(actor, *, plan, **_):
    require_on_plan(actor, "plan_manage", plan)


@authorizes
def task_update(actor, *, task, **_):
    require_on_task(actor, "plan_manage", task, task.plan.issuer)


@authorizes
def task_set_state(actor, *, task, **_):
    require_on_task(actor, "plan_manage", task, task.plan.issuer)


@authorizes
def report_save(actor, *, task, **_):
    require_on_task(actor, "report_submit", task, task.lead_unit)


@authorizes
def evidence_add(actor, *, report, **_):
    require_on_task(actor, "report_submit", report.task, report.task.lead_unit)


@authorizes
def report_approve(actor, *, report, **_):
    require_on_task(actor, "report_approve", report.task, report.task.lead_unit)


@authorizes
def report_return(actor, *, report, **_):
    require_on_task(actor, "report_approve", report.task, report.task.lead_unit)


@authorizes
def contribution_save(actor, *, task, unit, **_):
    if not is_system(actor) and not can_see_task(actor, task):
        raise NotFound("task not found")
    if not task.coordinating_units.filter(pk=unit.pk).exists():
        raise Invalid(f"unit {unit.code} does not coordinate task {task.code}", code="not_coordinating")
    require_on_task(actor, "contribution_submit", task, unit)


@authorizes
def extension_request(actor, *, task, **_):
    require_on_task(actor, "extension_request", task, task.lead_unit)


@authorizes
def extension_decide(actor, *, change, **_):
    require_on_task(actor, "extension_decide", change.task, change.task.plan.issuer)


@authorizes
def explanation_request(actor, *, task, **_):
    require_on_task(actor, "explanation_request", task, task.lead_unit)


@authorizes
def explanation_answer(actor, *, explanation, **_):
    require_on_task(actor, "explanation_answer", explanation.task, explanation.task.lead_unit)


@authorizes
def plan_import(actor, *, plan, **_):
    require_on_plan(actor, "plan_manage", plan)


@authorizes
def progress_import(actor, **_):
    # Each row is checked against its own task inside the action (all-or-nothing).
    if actor is None:
        raise Forbidden("sign in first")
