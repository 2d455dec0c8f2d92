"""Who may do what, on which unit: the one permission table and the one permission check.

Every permission names the roles that grant it. A role held on a unit grants it on that unit and on
every unit below (CKAN's cascading organisation roles). Someone who holds no role on a unit or above
it does not see that unit's data at all: checks raise ``NotFound`` for them, exactly as for data that
does not exist; someone who sees the unit but lacks the role gets ``Forbidden``.

The unit directory itself (names, codes, hierarchy) is public administrative information and is
readable by every signed-in user; what is scoped is the data held *about* a unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from dieuhanh.access.models import Role, RoleAssignment
from dieuhanh.errors import Forbidden, NotFound

if TYPE_CHECKING:  # access sits below units: no import of units at run time (see the import-linter contracts)
    from dieuhanh.units.models import Unit

EVERY_ROLE = frozenset(Role)

# permission -> roles that grant it (on the unit and below). Later capabilities add their rows here.
PERMISSIONS: dict[str, frozenset[Role]] = {
    # Read the data held about a unit: its people and roles, its history.
    "unit_data_view": EVERY_ROLE,
    "unit_history_view": frozenset({Role.APPROVER, Role.STEERING, Role.ADMINISTRATOR}),
    # Manage the unit tree.
    "unit_create": frozenset({Role.ADMINISTRATOR}),
    "unit_update": frozenset({Role.ADMINISTRATOR}),
    "unit_close": frozenset({Role.ADMINISTRATOR}),
    # Manage people and their roles.
    "user_create": frozenset({Role.ADMINISTRATOR}),
    "role_grant": frozenset({Role.ADMINISTRATOR}),
    "role_revoke": frozenset({Role.ADMINISTRATOR}),
    "login_unlock": frozenset({Role.ADMINISTRATOR}),  # on a unit where the person holds a role: lift a sign-in lock
    "token_revoke_any": frozenset({Role.ADMINISTRATOR}),  # on a unit where the person holds a role: revoke their tokens
    # Plans and tasks. "on the issuer" = the unit that issued the plan (the assigning level);
    # "on the lead unit" = the task's chủ trì; "on a coordinating unit" = one of its phối hợp.
    "plan_manage": frozenset({Role.STEERING, Role.ADMINISTRATOR}),  # on the issuer: plans, groups, tasks, import
    "task_view": EVERY_ROLE,  # on the lead unit, a coordinating unit or the issuer
    "report_submit": frozenset({Role.REPORTER, Role.APPROVER}),  # on the lead unit
    "report_approve": frozenset({Role.APPROVER}),  # on the lead unit
    "contribution_submit": frozenset({Role.REPORTER, Role.APPROVER}),  # on a coordinating unit
    "extension_request": frozenset({Role.REPORTER, Role.APPROVER}),  # on the lead unit
    "extension_decide": frozenset({Role.APPROVER, Role.STEERING}),  # on the issuer
    "explanation_request": frozenset({Role.STEERING}),  # on the lead unit (steering holds it from above)
    "explanation_answer": frozenset({Role.REPORTER, Role.APPROVER}),  # on the lead unit
    # Indicators. "on the owner" = the unit that owns the indicator; "on the unit" = the unit the value is for.
    "indicator_manage": frozenset({Role.STEERING, Role.ADMINISTRATOR}),  # on the owner: definition, targets, rules
    "value_enter": frozenset({Role.REPORTER, Role.APPROVER}),  # on the unit: enter values, submit the period
    "value_approve": frozenset({Role.APPROVER}),  # on the unit: approve or return the period
    "value_unapprove": frozenset({Role.APPROVER, Role.STEERING}),  # on the unit or above, with a reason
    # Composite indices. "on the owner" = the unit that owns the index framework.
    "index_manage": frozenset({Role.STEERING, Role.ADMINISTRATOR}),  # on the owner: framework, data sets, methodologies
    "index_run": frozenset({Role.STEERING, Role.ADMINISTRATOR}),  # on the owner: compute the index, uncertainty runs
    # Difficulties and proposals (khó khăn, vướng mắc, đề xuất). "on the raising unit" = the unit that raised the
    # item; "on the addressed body" = the unit it is addressed to; "on the handling unit" = the one assigned to answer.
    "difficulty_view": EVERY_ROLE,  # on the raising unit, the addressed body or the handling unit
    "difficulty_raise": frozenset({Role.REPORTER, Role.APPROVER}),  # on the raising unit (directly or from its report)
    "difficulty_assign": frozenset({Role.APPROVER, Role.STEERING}),  # on the addressed body: handling unit and deadline
    "difficulty_answer": frozenset({Role.REPORTER, Role.APPROVER}),  # on the handling unit
    "difficulty_close": frozenset({Role.APPROVER, Role.STEERING}),  # on the addressed body: the outcome
    # Initiatives (sáng kiến). "on the unit" = the unit the application is addressed to; "on the scope's level" = that
    # unit for a unit-scope recognition, the city for a city-scope one, the country for a national one.
    "initiative_view": EVERY_ROLE,  # on the unit
    "initiative_apply": frozenset({Role.REPORTER, Role.APPROVER}),  # on the unit: file an application
    "initiative_review": frozenset({Role.APPROVER, Role.STEERING}),  # on the unit: the council, its opinions and minutes
    "initiative_decide": frozenset({Role.APPROVER, Role.STEERING}),  # on the scope's level: recognise or refuse
    "initiative_rules_set": frozenset({Role.STEERING, Role.ADMINISTRATOR}),  # on the unit: its review period
    # Emulation and awards (thi đua, khen thưởng). "on the round's unit" = the level whose council decides the round.
    "movement_manage": frozenset({Role.STEERING}),  # on the launching unit: launch a movement
    "movement_register": frozenset({Role.APPROVER, Role.STEERING}),  # on the registering unit: register, commitments
    "award_view": EVERY_ROLE,  # on the proposing unit or the round's unit
    "award_propose": frozenset({Role.APPROVER, Role.STEERING}),  # on the proposing unit: proposals and their dossier
    "award_round_manage": frozenset({Role.STEERING}),  # on the round's unit: open a round, post its list publicly
    "award_comment_moderate": frozenset({Role.APPROVER, Role.STEERING}),  # on the round's unit: hide a comment
    "award_decide": frozenset({Role.STEERING}),  # on the round's unit: the council's decision
    "award_revoke": frozenset({Role.STEERING}),  # on the round's unit: revoke an award, with its reason
    # Dashboards (cockpit). A dashboard is its owner's; sharing it (read only) with a unit and setting it as the home
    # of the units below need a role on that unit.
    "dashboard_share": frozenset({Role.APPROVER, Role.STEERING, Role.ADMINISTRATOR}),  # on the unit shared with
    "dashboard_default_set": frozenset({Role.STEERING}),  # on the unit whose people get it as their home
    # The public portal. "on the city" = the unit the installation serves (units.selectors.city_code()).
    "release_publish": frozenset({Role.STEERING}),  # on the city: publish a release of the official numbers
    # Official reports (Decree 30). "on the issuing unit" = the unit the report is issued by.
    "report_build": frozenset({Role.APPROVER, Role.STEERING}),  # on the issuing unit: generate and store a report
    "report_view": EVERY_ROLE,  # on the issuing unit: read and download stored reports
    "report_template_upload": frozenset({Role.STEERING, Role.ADMINISTRATOR}),  # on the city: a new version of a template
    # Report rounds (chế độ báo cáo). "on the round's unit" = the unit that opens it (the steering committee's
    # secretariat); "on the reporting unit" = a unit asked to report in it.
    "round_manage": frozenset({Role.STEERING}),  # on the round's unit: open, remind, consolidate, edit and issue
    "round_report_write": frozenset({Role.REPORTER, Role.APPROVER}),  # on the reporting unit: narrative, files, submit
    "round_report_approve": frozenset({Role.APPROVER}),  # on the reporting unit: approve or return its report
    # Calls for solutions: the city's ordered problems (đặt hàng bài toán) and support programmes. "on the owner" =
    # the ordering department or the programme's managing body. Council members evaluate by their seat, proposers
    # (outside government, no role) act on their own proposals only (innovation/auth.py).
    "call_view": EVERY_ROLE,  # on the owner: the call, its proposals, the council's progress
    "call_manage": frozenset({Role.APPROVER, Role.STEERING}),  # on the owner: every step, the council, the decision
}


@dataclass(frozen=True)
class SystemActor:
    """The platform itself acting from a trusted command line (loaders, the demo). Allowed everything."""

    label: str = "system"

    is_authenticated = True
    pk = None


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def held_roles(user) -> tuple[tuple[str, Role], ...]:
    """Every role ``user`` holds, with the path of the unit it is held on: read once per request (one query) and
    kept on the user object, so checking many units costs no further query."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    if "_held_roles" not in user.__dict__:
        user.__dict__["_held_roles"] = tuple(
            (path, Role(role)) for path, role in
            RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).values_list("unit__path", "role")
        )
    return user.__dict__["_held_roles"]


def roles_on(user, unit: Unit) -> frozenset[Role]:
    """The roles ``user`` holds on ``unit`` directly or through any unit above it."""
    return frozenset(role for path, role in held_roles(user) if unit.path.startswith(path))


def forget_roles(user) -> None:
    """Drop the per-request role cache after roles changed."""
    if user is not None:
        user.__dict__.pop("_held_roles", None)


def can(actor, permission: str, unit: Unit) -> bool:
    if is_system(actor):
        return True
    return bool(roles_on(actor, unit) & PERMISSIONS[permission])


def can_see(actor, unit: Unit) -> bool:
    return is_system(actor) or bool(roles_on(actor, unit))


def require(actor, permission: str, unit: Unit) -> None:
    """Raise ``NotFound`` if ``unit``'s data is outside the actor's reach, ``Forbidden`` if the role is lacking."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if is_system(actor):
        return
    held = roles_on(actor, unit)
    if not held:
        raise NotFound("not found")
    if not held & PERMISSIONS[permission]:
        raise Forbidden(f"permission {permission} denied on unit {unit.code}")


def reach_filter(actor, permission: str, field: str = "") -> Q:
    """A ``Q`` limiting a queryset to rows whose unit (``field`` + ``path``) the actor holds ``permission`` on."""
    if is_system(actor):
        return Q()
    roots = {path for path, role in held_roles(actor) if role in PERMISSIONS[permission]}
    q = Q(pk__in=[])
    for path in sorted(roots):
        q |= Q(**{f"{field}path__startswith": path})
    return q
