"""Reading people and their roles, limited to what the reader may see.

Looking a person or a role up answers the same ``NotFound`` for what does not exist and for what lies outside the
reader's reach, so nobody learns which usernames exist by probing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from dieuhanh.access.models import ApiToken, RoleAssignment
from dieuhanh.access.policy import is_system, reach_filter, require
from dieuhanh.accounts.models import User
from dieuhanh.errors import Invalid, NotFound, detail
from dieuhanh.units.models import Unit


def roles_of(user: User) -> QuerySet[RoleAssignment]:
    """A user's active roles, with their units."""
    return RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).select_related("unit", "unit__parent")


def highest_role(user: User) -> RoleAssignment | None:
    """The person's role on their highest unit (the city before a department, a department before its bodies):
    where their pages open by default."""
    return roles_of(user).order_by("unit__depth", "unit__path").first()


def roles_of_visible(*, actor, user: User) -> QuerySet[RoleAssignment]:
    """A user's active roles that ``actor`` may see: all of their own, else those on units in the actor's reach."""
    roles = roles_of(user)
    if user.pk == actor.pk or is_system(actor):
        return roles
    return roles.filter(reach_filter(actor, "unit_data_view", "unit__"))


def unit_members(*, actor, unit) -> QuerySet[RoleAssignment]:
    """Active role assignments held directly on ``unit``."""
    require(actor, "unit_data_view", unit)
    return RoleAssignment.objects.filter(unit=unit, revoked_at__isnull=True).select_related("user").order_by("role", "user__username")


def user_get_visible(*, actor, username: str) -> User:
    """A user in the actor's reach: themselves, or someone holding a role on a unit in the actor's reach.
    Missing and out of reach answer the same ``NotFound``."""
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise NotFound("user not found")
    if is_system(actor) or user.pk == actor.pk:
        return user
    visible = RoleAssignment.objects.filter(reach_filter(actor, "unit_data_view", "unit__"), user=user, revoked_at__isnull=True)
    if not visible.exists():
        raise NotFound("user not found")
    return user


def user_get_for_grant(*, actor, unit: Unit, username: str) -> User:
    """The account a role on ``unit`` is to be granted to: someone in the grantor's reach (``user_get_visible``).
    The grantor's right on the unit is checked first (``NotFound`` outside the actor's reach, ``Forbidden`` without
    the right); a username that does not exist and one held outside the grantor's reach then answer the same
    ``user_not_found`` (a field error of the form or request), so granting tells nobody which usernames exist."""
    require(actor, "role_grant", unit)
    try:
        return user_get_visible(actor=actor, username=(username or "").strip())
    except NotFound:
        raise Invalid("user not found", code="user_not_found", details=[detail("username", "user_not_found")]) from None


def assignment_get(*, actor, assignment_id: int) -> RoleAssignment:
    """A role assignment on a unit in the actor's reach; missing and out of reach answer the same ``NotFound``."""
    assignment = RoleAssignment.objects.select_related("unit", "user").filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound("role assignment not found")
    require(actor, "unit_data_view", assignment.unit)
    return assignment


def user_exists(*, username: str = "", email: str = "") -> str | None:
    """Which natural key of an account is taken, case-insensitively: ``"username"``, ``"email"`` or None."""
    if username and User.objects.filter(username__iexact=username).exists():
        return "username"
    if email and User.objects.filter(email__iexact=email).exists():
        return "email"
    return None


def role_held(*, user: User, unit: Unit, role: str) -> bool:
    return RoleAssignment.objects.filter(user=user, unit=unit, role=role, revoked_at__isnull=True).exists()


def tokens_of(*, actor, user: User):
    """The person's API tokens that are not revoked (live and expired), newest first: for their own page."""
    if not (is_system(actor) or actor.pk == user.pk):
        raise NotFound("user not found")
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def token_get(*, actor, token_id: int):
    """One of the actor's own tokens (an administrator revokes others' with ``tokens_revoke_all``); missing and
    someone else's answer the same ``NotFound``."""
    token = ApiToken.objects.select_related("user").filter(pk=token_id, user_id=actor.pk).first()
    if token is None:
        raise NotFound("token not found")
    return token
