"""Authorisation functions for people, roles and tokens (one per action, same name)."""

from __future__ import annotations

from dieuhanh.access.policy import can, is_system, require
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden, NotFound


@authorizes
def user_create(actor, *, unit, **_):
    require(actor, "user_create", unit)


@authorizes
def role_grant(actor, *, unit, **_):
    require(actor, "role_grant", unit)


@authorizes
def role_revoke(actor, *, assignment, **_):
    require(actor, "role_revoke", assignment.unit)


@authorizes
def token_create(actor, *, user, **_):
    if not is_system(actor) and actor.pk != user.pk:
        raise Forbidden("tokens are created by their owner")


def _administers(actor, user, permission: str) -> None:
    """``actor`` administers a unit where ``user`` holds a role; else ``NotFound`` (like a missing person)."""
    from dieuhanh.accounts.selectors import roles_of

    if is_system(actor) or any(can(actor, permission, a.unit) for a in roles_of(user)):
        return
    raise NotFound("user not found")


@authorizes
def token_revoke(actor, *, token, **_):
    if actor.pk != token.user_id:
        _administers(actor, token.user, "token_revoke_any")


@authorizes
def tokens_revoke_all(actor, *, user, **_):
    if actor.pk != user.pk:
        _administers(actor, user, "token_revoke_any")


@authorizes
def login_unlock(actor, *, user, **_):
    _administers(actor, user, "login_unlock")
