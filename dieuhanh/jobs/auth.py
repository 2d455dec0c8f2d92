"""Who may start, cancel and retry jobs: a job's own spec says who may start it (a permission on its unit, or a
function); only its owner cancels or retries it (another person's job answers like a missing one); periodic jobs
are the platform's."""

from __future__ import annotations

from dieuhanh.access.policy import is_system, require
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.jobs.registry import spec


def _person(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not (is_system(actor) or actor.is_active):
        raise Forbidden("only a signed-in person starts jobs")


@authorizes
def job_start(actor, *, kind, unit=None, periodic_key=None, params=None, **_):
    _person(actor)
    job_spec = spec(kind)
    if is_system(actor):
        return
    if periodic_key:
        raise Forbidden("periodic jobs are started by the scheduler")
    if job_spec.authorize is not None:
        job_spec.authorize(actor, unit=unit, **(params or {}))
    elif job_spec.permission is not None and unit is not None:
        require(actor, job_spec.permission, unit)
    else:
        raise Forbidden(f"job {kind} is started by the platform")


def _own(actor, job) -> None:
    _person(actor)
    if not is_system(actor) and job.owner_id != actor.pk:
        raise NotFound(f"job {job.pk}")


@authorizes
def job_cancel(actor, *, job, **_):
    _own(actor, job)


@authorizes
def job_retry(actor, *, job, **_):
    _own(actor, job)
