"""Authorisation functions of demo actions (one per action, same name)."""

from __future__ import annotations

from dieuhanh.access.policy import is_system
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden


@authorizes
def history_load(actor, **_):
    if not is_system(actor):
        raise Forbidden("synthetic history is loaded from the command line")


@authorizes
def tasks_load(actor, **_):
    if not is_system(actor):
        raise Forbidden("synthetic tasks are loaded from the command line")
