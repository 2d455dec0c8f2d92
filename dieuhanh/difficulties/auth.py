"""Who may see and act on difficulties, and the authorisation functions of the register's actions.

An item is visible to anyone holding a role on the unit that raised it, on the body it is addressed to, or on
its handling unit — or on any unit above those; outside that it answers "not found". Inside it each step needs
its permission (``access/policy.py: PERMISSIONS``) on a specific unit, otherwise "forbidden": raising on the
raising unit, assigning and closing on the addressed body, answering on the handling unit.
"""

from __future__ import annotations

from django.db.models import Q

from dieuhanh.access.models import RoleAssignment
from dieuhanh.access.policy import PERMISSIONS, can, can_see, is_system, require
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.plans.auth import can_see_task, require_on_task


def difficulty_units(difficulty) -> list:
    return [u for u in (difficulty.unit, difficulty.addressed_to, difficulty.handling_unit) if u is not None]


def can_see_difficulty(actor, difficulty) -> bool:
    return is_system(actor) or any(can_see(actor, unit) for unit in difficulty_units(difficulty))


def visible_difficulties_q(actor) -> Q:
    """A ``Q`` on ``Difficulty`` for the items the actor may see."""
    if is_system(actor):
        return Q()
    roots = set(RoleAssignment.objects.filter(user=actor, revoked_at__isnull=True, role__in=PERMISSIONS["difficulty_view"])
                .values_list("unit__path", flat=True))
    q = Q(pk__in=[])
    for path in roots:
        q |= Q(unit__path__startswith=path) | Q(addressed_to__path__startswith=path) | Q(handling_unit__path__startswith=path)
    return q


def _require_on_difficulty(actor, permission: str, difficulty, unit) -> None:
    """NotFound when the item is out of sight; Forbidden when visible but ``permission`` is lacking on ``unit``."""
    if is_system(actor):
        return
    if not can_see_difficulty(actor, difficulty):
        raise NotFound("difficulty not found")
    if unit is None or not can(actor, permission, unit):
        raise Forbidden(f"permission {permission} denied")


@authorizes
def difficulty_raise(actor, *, unit, task=None, **_):
    if task is not None and not is_system(actor) and not can_see_task(actor, task):
        raise NotFound("task not found")
    require(actor, "difficulty_raise", unit)


@authorizes
def difficulties_raise_from_report(actor, *, report, **_):
    require_on_task(actor, "difficulty_raise", report.task, report.task.lead_unit)


@authorizes
def difficulty_assign(actor, *, difficulty, **_):
    _require_on_difficulty(actor, "difficulty_assign", difficulty, difficulty.addressed_to)


@authorizes
def difficulty_answer(actor, *, difficulty, **_):
    _require_on_difficulty(actor, "difficulty_answer", difficulty, difficulty.handling_unit)


@authorizes
def difficulty_close(actor, *, difficulty, **_):
    _require_on_difficulty(actor, "difficulty_close", difficulty, difficulty.addressed_to)

