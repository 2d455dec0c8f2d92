"""Authorisation functions of index actions (one per action, same name): on the unit that owns the framework."""

from __future__ import annotations

from dieuhanh.access.actions import authorizes
from dieuhanh.access.policy import require


@authorizes
def framework_import(actor, *, owner, **_):
    # A re-import of an existing code is checked against that framework's owner inside the service as well.
    require(actor, "index_manage", owner)


@authorizes
def dataset_import(actor, *, framework, **_):
    require(actor, "index_manage", framework.owner)


@authorizes
def methodology_save(actor, *, framework, **_):
    require(actor, "index_manage", framework.owner)


@authorizes
def index_run(actor, *, framework, **_):
    require(actor, "index_run", framework.owner)


@authorizes
def uncertainty_run(actor, *, framework, **_):
    require(actor, "index_run", framework.owner)


@authorizes
def index_files_import(actor, *, owner, **_):
    require(actor, "index_manage", owner)
