"""Authorisation functions of index actions (one per action, same name): on the unit that owns the framework."""

from __future__ import annotations

from dieuhanh.access.policy import require
from dieuhanh.actions import authorizes


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
def audit_sensitivity_store(actor, *, run, **_):
    require(actor, "index_run", run.framework.owner)


@authorizes
def index_files_import(actor, *, owner, **_):
    require(actor, "index_manage", owner)
