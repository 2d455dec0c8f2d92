"""Authorisation functions for people, roles and tokens (one per action, same name)."""

from __future__ import annotations

from dieuhanh.access.policy import is_system, require
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden


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


@authorizes
def token_revoke(actor, *, token, **_):
    if not is_system(actor) and actor.pk != token.user_id:
        raise Forbidden("tokens are revoked by their owner")
