"""Authorisation functions of indicator actions (one per action, same name)."""

from __future__ import annotations

from dieuhanh.access.policy import is_system, require
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden


@authorizes
def indicator_create(actor, *, owner, **_):
    require(actor, "indicator_manage", owner)


@authorizes
def indicator_update(actor, *, indicator, **_):
    require(actor, "indicator_manage", indicator.owner)


@authorizes
def target_set(actor, *, indicator, **_):
    require(actor, "indicator_manage", indicator.owner)


@authorizes
def rule_create(actor, *, indicator, **_):
    require(actor, "indicator_manage", indicator.owner)


@authorizes
def value_set(actor, *, unit, **_):
    require(actor, "value_enter", unit)


@authorizes
def values_submit(actor, *, unit, **_):
    require(actor, "value_enter", unit)


@authorizes
def values_approve(actor, *, unit, **_):
    require(actor, "value_approve", unit)


@authorizes
def values_return(actor, *, unit, **_):
    require(actor, "value_approve", unit)


@authorizes
def values_unapprove(actor, *, unit, **_):
    require(actor, "value_unapprove", unit)


@authorizes
def values_import(actor, **_):
    # Every row is authorised as its own value_set inside the import (all rows or none).
    return None


@authorizes
def indicator_reminders_send(actor, **_):
    if not is_system(actor):
        raise Forbidden("reminders are sent by the scheduled command")


@authorizes
def values_save(actor, *, unit, **_):
    require(actor, "value_enter", unit)


@authorizes
def value_attach_evidence(actor, *, unit, **_):
    require(actor, "value_enter", unit)
