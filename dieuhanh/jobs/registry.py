"""The job functions other apps register, and the periodic jobs (the cron commands' replacement).

An app registers in its module imported by ``AppConfig.ready()`` (e.g. ``<app>/jobs.py``)::

    from dieuhanh.jobs.registry import job

    @job("indices.uncertainty", title=_("Uncertainty run"), permission="index_manage")
    def uncertainty(ctx, *, run_id: int) -> dict:
        for i, step in enumerate(steps):
            ctx.check_cancelled()              # between steps: a cancelled job stops here, its work rolled back
            ...
            ctx.progress(i + 1, len(steps), "…")
        return {"url": "/…/", "label": "…"}   # the job's result, shown on its page

and starts it from one of its actions (or through the generic ``job_start`` action)::

    from dieuhanh.jobs.services import enqueue
    job = enqueue("indices.uncertainty", actor=actor, unit=unit, run_id=run.pk)

The function runs in a worker, as the person who started it (``ctx.actor``), inside ONE database transaction:
whatever it writes commits only if it returns; an error, a cancellation or a killed worker leaves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class JobSpec:
    name: str
    fn: Callable[..., Any]
    title: str  # a lazy translatable title, shown in the list of jobs
    queue: str = "default"
    permission: str | None = None  # access.policy PERMISSIONS name required on the job's unit to start it
    authorize: Callable[..., None] | None = None  # or a function (actor, unit=…, **params) raising Forbidden/NotFound


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    kind: str
    at: dt.time  # local time (settings.TIME_ZONE, Asia/Ho_Chi_Minh) at which it runs once a day
    params: dict[str, Any] = field(default_factory=dict)


JOBS: dict[str, JobSpec] = {}
PERIODIC: dict[str, PeriodicSpec] = {}


def job(name: str, *, title, queue: str = "default", permission: str | None = None,
        authorize: Callable[..., None] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        known = JOBS.get(name)
        if known is not None and (known.fn.__module__, known.fn.__qualname__) != (fn.__module__, fn.__qualname__):
            raise RuntimeError(f"job {name!r} is already registered by {known.fn.__module__}.{known.fn.__qualname__}")
        JOBS[name] = JobSpec(name=name, fn=fn, title=title, queue=queue, permission=permission, authorize=authorize)
        return fn

    return register


def periodic(name: str, *, kind: str, at: dt.time, **params: Any) -> None:
    """Run the job ``kind`` every day at ``at`` (local time); the worker's scheduler enqueues it once a day, whichever
    worker or machine gets there first (a unique key per name and day)."""
    PERIODIC[name] = PeriodicSpec(name=name, kind=kind, at=at, params=params)


def spec(name: str) -> JobSpec:
    from dieuhanh.errors import NotFound

    try:
        return JOBS[name]
    except KeyError:
        raise NotFound(f"job kind {name}", code="job_kind_unknown", params={"kind": name}) from None
