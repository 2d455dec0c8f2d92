"""Reads of the cockpit: whose cockpit a person sees (by their roles), the dashboards they may open, and the few
counts no other app's selector gives (decisions waiting, explanations to answer, a stamp of indicator data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from dieuhanh.access.models import Role, RoleAssignment
from dieuhanh.access.policy import can, is_system
from dieuhanh.cockpit.models import Dashboard
from dieuhanh.errors import NotFound
from dieuhanh.units.models import Unit

# The cockpit a person gets, by the strongest role they hold (steering and administrators see the city's).
KIND_OF_ROLE = {Role.STEERING: "city", Role.ADMINISTRATOR: "city", Role.APPROVER: "leader", Role.REPORTER: "reporter",
                Role.VIEWER: "viewer"}
ROLE_ORDER = [Role.STEERING, Role.ADMINISTRATOR, Role.APPROVER, Role.REPORTER, Role.VIEWER]


@dataclass(frozen=True)
class Seat:
    """Where a person sits: the kind of cockpit (city, leader, reporter, viewer) and the unit it is about."""

    kind: str
    unit: Unit | None


def _assignments(actor) -> list[RoleAssignment]:
    """The actor's active roles with their units, read once per request (kept on the user object)."""
    cache = actor.__dict__
    if "_cockpit_assignments" not in cache:
        cache["_cockpit_assignments"] = list(RoleAssignment.objects.filter(user=actor, revoked_at__isnull=True)
                                             .select_related("unit").order_by("unit__depth", "unit__code"))
    return cache["_cockpit_assignments"]


def seat_of(actor) -> Seat:
    """The person's cockpit: their strongest role decides the kind; the unit is where they hold it (the highest
    such unit when several)."""
    held = _assignments(actor)
    for role in ROLE_ORDER:
        mine = [a for a in held if a.role == role]
        if mine:
            return Seat(KIND_OF_ROLE[role], mine[0].unit)
    return Seat("viewer", None)


def _held_prefixes(actor) -> set[str]:
    """Paths of every unit the actor holds a role on and of every unit above them."""
    prefixes = set()
    for path in (a.unit.path for a in _assignments(actor)):
        parts = [p for p in path.split("/") if p]
        for i in range(1, len(parts) + 1):
            prefixes.add("/" + "/".join(parts[:i]) + "/")
    return prefixes


def _dashboards() -> QuerySet[Dashboard]:
    return Dashboard.objects.select_related("owner", "shared_with", "default_for")


def dashboards_visible(actor) -> QuerySet[Dashboard]:
    """The person's own dashboards and those shared with (or set as the default of) a unit they hold a role on
    or a unit above it."""
    if is_system(actor):
        return _dashboards()
    prefixes = _held_prefixes(actor)
    return _dashboards().filter(Q(owner=actor) | Q(shared_with__path__in=prefixes) | Q(default_for__path__in=prefixes))


def dashboards_of(actor) -> list[Dashboard]:
    return list(_dashboards().filter(owner=actor))


def dashboards_shared_with(actor) -> list[Dashboard]:
    return [d for d in dashboards_visible(actor) if d.owner_id != actor.pk]


def dashboard_get(actor, dashboard_id: int) -> Dashboard:
    """A dashboard the actor may open; ``NotFound`` alike for a missing one and one out of their reach."""
    dashboard = dashboards_visible(actor).filter(pk=dashboard_id).first()
    if dashboard is None:
        raise NotFound("dashboard not found")
    return dashboard


def dashboard_find_any(dashboard_id: int) -> Dashboard | None:
    """The dashboard whatever its owner (for authorisation functions, which decide what the actor may see)."""
    return _dashboards().filter(pk=dashboard_id).first()


def home_dashboard(actor) -> Dashboard | None:
    """The default dashboard of the nearest unit at or above a unit the person holds a role on, if any."""
    if is_system(actor):
        return None
    return _dashboards().filter(default_for__path__in=_held_prefixes(actor)).order_by("-default_for__depth", "-id").first()


def dashboard_default_of(unit: Unit) -> Dashboard | None:
    return Dashboard.objects.filter(default_for=unit).first()


def unit_choices(actor, permission: str) -> list[Unit]:
    """The units a dashboard can be shared with (or made the home of): those where the actor holds ``permission``
    and the units directly below them, valid today."""
    roots = [u for u in dict.fromkeys(a.unit for a in _assignments(actor)) if can(actor, permission, u)]
    if not roots:
        return []
    below = Unit.objects.filter(parent__in=roots, valid_to__isnull=True).order_by("kind", "name")
    return list(dict.fromkeys([*roots, *below]))


# ------------------------------------------------------------------ decisions and answers waiting

def _tasks_q(prefix: str, unit: Unit | None) -> Q:
    return Q(**{f"{prefix}lead_unit__path__startswith": unit.path}) if unit is not None else Q()


def extensions_waiting(actor, unit: Unit | None = None) -> list:
    """Extension requests pending on tasks whose issuer the actor decides for."""
    from dieuhanh.plans.models import DeadlineChange, ExtensionStatus

    pending = (DeadlineChange.objects.filter(_tasks_q("task__", unit), status=ExtensionStatus.PENDING)
               .select_related("task", "task__plan__issuer", "task__lead_unit").order_by("requested_at"))
    return [c for c in pending if can(actor, "extension_decide", c.task.plan.issuer)]


def explanations_overdue(actor, day: dt.date, unit: Unit | None = None) -> list:
    """Explanation requests past their due date and not answered, on tasks of units the actor may request
    explanations of (the steering side)."""
    from dieuhanh.plans.models import ExplanationRequest

    late = (ExplanationRequest.objects.filter(_tasks_q("task__", unit), responded_at__isnull=True, due_on__lt=day)
            .select_related("task", "task__lead_unit").order_by("due_on"))
    return [e for e in late if can(actor, "explanation_request", e.task.lead_unit)]


def explanations_to_answer(actor, unit: Unit | None = None) -> list:
    """Open explanation requests on tasks the actor answers for (the lead unit's side)."""
    from dieuhanh.plans.models import ExplanationRequest

    open_ = (ExplanationRequest.objects.filter(_tasks_q("task__", unit), responded_at__isnull=True)
             .select_related("task", "task__lead_unit").order_by("due_on", "requested_at"))
    return [e for e in open_ if can(actor, "explanation_answer", e.task.lead_unit)]


def indicator_stamp() -> tuple:
    """Keys cached indicator figures: ``indicators.selectors.data_stamp``."""
    from dieuhanh.indicators.selectors import data_stamp

    return data_stamp()


def returned_periods(unit: Unit) -> list:
    """Periods of units within ``unit`` whose values were sent back (unapproved) and are open again."""
    from dieuhanh.indicators.models import Approval, ApprovalStatus

    return list(Approval.objects.filter(unit__path__startswith=unit.path, status=ApprovalStatus.OPEN)
                .exclude(submitted_at__isnull=True).select_related("unit").order_by("period"))


def index_stamp(code: str) -> tuple:
    """Changes whenever a run of the framework ``code`` is added, finished or removed: keys its cached ranking."""
    from django.db.models import Count, Max

    from dieuhanh.indices.models import Run

    found = Run.objects.filter(framework__code=code).aggregate(n=Count("id"), last=Max("id"), done=Max("finished_at"))
    return (code, found["n"], found["last"], str(found["done"]))


def page_stamp(tasks_stamp: tuple | None = None) -> tuple:
    """What any cockpit block may show, in four cheap reads: the tasks and everything the actions write
    (``plans.selectors.writes_stamp``: every action records an audit event in its transaction), indicator data and
    units (``indicators.selectors.data_stamp``), the index runs (added or finished) and the Decision 766 store."""
    from django.db.models import Count, Max

    from dieuhanh.dossiers.selectors import store_version
    from dieuhanh.indicators.selectors import data_stamp
    from dieuhanh.indices.models import Run
    from dieuhanh.plans.selectors import writes_stamp

    runs = Run.objects.aggregate(n=Count("id"), last=Max("id"), done=Max("finished_at"))
    return (writes_stamp(tasks_stamp), data_stamp(), (runs["n"], runs["last"], str(runs["done"])), store_version())


def plan_in_reach(actor, plan_id: str):
    """The plan of a filter, or None when it no longer exists or is out of the actor's reach (a remembered filter
    must not lock a person out of their home page)."""
    from dieuhanh.plans.selectors import plan_get

    try:
        return plan_get(actor, plan_id)
    except NotFound:
        return None


def framework_find(code: str):
    from dieuhanh.indices.models import Framework

    return Framework.objects.filter(code=code).first()


def frameworks_all() -> list:
    from dieuhanh.indices.models import Framework

    return list(Framework.objects.order_by("code"))


def indicators_all() -> list:
    from dieuhanh.indicators.models import Indicator

    return list(Indicator.objects.filter(active=True).order_by("code"))
