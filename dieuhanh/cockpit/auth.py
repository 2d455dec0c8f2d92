"""Authorisation of dashboard actions. A dashboard is changed only by its owner; one the actor cannot even open
answers "not found", one they can open (shared with them) but do not own answers "forbidden". Sharing with a unit
needs ``dashboard_share`` on it, making it a unit's home needs ``dashboard_default_set`` on it."""

from __future__ import annotations

from dieuhanh.access.policy import is_system, require
from dieuhanh.actions import authorizes
from dieuhanh.cockpit import selectors
from dieuhanh.errors import Forbidden, NotFound


def require_owner(actor, dashboard) -> None:
    if is_system(actor) or (getattr(actor, "is_authenticated", False) and dashboard.owner_id == actor.pk):
        return
    if not getattr(actor, "is_authenticated", False) or not selectors.dashboards_visible(actor).filter(pk=dashboard.pk).exists():
        raise NotFound("dashboard not found")
    raise Forbidden(f"dashboard {dashboard.pk} belongs to someone else")


@authorizes
def dashboard_create(actor, **_) -> None:
    if not is_system(actor) and not (getattr(actor, "is_authenticated", False) and actor.is_active):
        raise Forbidden("sign in to keep dashboards")


@authorizes
def dashboard_update(actor, *, dashboard, **_) -> None:
    require_owner(actor, dashboard)


@authorizes
def dashboard_widget_add(actor, *, dashboard, **_) -> None:
    require_owner(actor, dashboard)


@authorizes
def dashboard_widget_change(actor, *, dashboard, **_) -> None:
    require_owner(actor, dashboard)


@authorizes
def dashboard_delete(actor, *, dashboard, **_) -> None:
    require_owner(actor, dashboard)


@authorizes
def dashboard_share(actor, *, dashboard, unit=None, **_) -> None:
    require_owner(actor, dashboard)
    if unit is not None:
        require(actor, "dashboard_share", unit)


@authorizes
def dashboard_set_default(actor, *, dashboard, unit=None, **_) -> None:
    require_owner(actor, dashboard)
    if unit is not None:
        require(actor, "dashboard_default_set", unit)
    elif dashboard.default_for is not None:
        require(actor, "dashboard_default_set", dashboard.default_for)
