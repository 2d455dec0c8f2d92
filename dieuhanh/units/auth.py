"""Authorisation functions for unit actions (one per action, same name)."""

from __future__ import annotations

from dieuhanh.access.policy import is_system, require
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden


@authorizes
def unit_create(actor, *, parent, **_):
    if parent is None and not is_system(actor):
        raise Forbidden("only the platform may create a root unit")
    if parent is not None:
        require(actor, "unit_create", parent)


@authorizes
def unit_update(actor, *, unit, **_):
    require(actor, "unit_update", unit)


@authorizes
def unit_close(actor, *, unit, **_):
    require(actor, "unit_close", unit)


@authorizes
def units_load_official(actor, **_):
    if not is_system(actor):
        raise Forbidden("loading the national list runs from the command line")
