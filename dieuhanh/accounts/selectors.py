"""Reading people and their roles, limited to what the reader may see."""

from __future__ import annotations

from django.db.models import QuerySet

from dieuhanh.access.models import RoleAssignment
from dieuhanh.access.policy import is_system, reach_filter, require
from dieuhanh.accounts.models import User
from dieuhanh.errors import NotFound


def roles_of(user: User) -> QuerySet[RoleAssignment]:
    """A user's active roles, with their units."""
    return RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).select_related("unit", "unit__parent")


def unit_members(*, actor, unit) -> QuerySet[RoleAssignment]:
    """Active role assignments held directly on ``unit``."""
    require(actor, "unit_data_view", unit)
    return RoleAssignment.objects.filter(unit=unit, revoked_at__isnull=True).select_related("user").order_by("role", "user__username")


def user_get_visible(*, actor, username: str) -> User:
    """A user the actor may see: themselves, or someone holding a role on a unit in the actor's reach."""
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise NotFound("user not found")
    if is_system(actor) or user.pk == actor.pk:
        return user
    visible = RoleAssignment.objects.filter(reach_filter(actor, "unit_data_view", "unit__"), user=user, revoked_at__isnull=True)
    if not visible.exists():
        raise NotFound("user not found")
    return user
