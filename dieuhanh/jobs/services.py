"""Starting, cancelling and retrying background jobs (actions), and the helper other apps' actions call.

``enqueue`` writes the Job and its django-tasks row in the caller's transaction: if the action that starts a job
rolls back, no job is left queued."""

from __future__ import annotations

from django.utils import timezone

from dieuhanh.access.policy import is_system
from dieuhanh.actions import action
from dieuhanh.audit.services import record
from dieuhanh.concurrency import check_version, insert_unique
from dieuhanh.errors import Conflict
from dieuhanh.jobs.models import FINISHED, Job, JobStatus
from dieuhanh.jobs.registry import spec


def _owner(actor):
    return None if is_system(actor) else actor


def _queue_task(job: Job) -> None:
    from dieuhanh.jobs.runner import run_job

    run_job.using(queue_name=job.queue).enqueue(job.pk)


def enqueue(kind: str, *, actor, unit=None, periodic_key: str | None = None, **params) -> Job:
    """Queue the registered job ``kind`` with ``params`` (JSON values) for ``actor``; call it inside an action (it
    records the audit event ``job_start``). Answers the Job, whose page is ``/cong-viec/<id>/``."""
    job_spec = spec(kind)
    job = Job(kind=kind, params=params, owner=_owner(actor), unit=unit, queue=job_spec.queue, periodic_key=periodic_key)
    if periodic_key:
        insert_unique(job)
    else:
        job.save()
    record(actor=actor, action="job_start", obj=job, unit=unit, object_type="job",
           changes={"status": [None, JobStatus.QUEUED]}, note=kind)
    _queue_task(job)
    return job


@action
def job_start(*, actor, kind: str, unit=None, periodic_key: str | None = None, params: dict | None = None) -> Job:
    """Start a registered job directly (its spec says who may: a permission on the unit or a function)."""
    return enqueue(kind, actor=actor, unit=unit, periodic_key=periodic_key, **(params or {}))


@action
def job_cancel(*, actor, job: Job, expected_version: int | None = None) -> Job:
    """Cancel one's job: a queued one never runs; a running one stops at its next step, its work rolled back."""
    current = Job.objects.select_for_update().get(pk=job.pk)
    check_version(current, expected_version)
    if current.status in FINISHED:
        raise Conflict(f"job {current.pk} is {current.status}", code="job_finished", params={"status": current.status})
    before = current.status
    if current.status == JobStatus.QUEUED:
        current.status = JobStatus.CANCELLED
        current.finished_at = timezone.now()
    else:
        current.cancel_requested = True
    current.version += 1
    current.save()
    record(actor=actor, action="job_cancel", obj=current, unit=current.unit, object_type="job",
           changes={"status": [before, current.status], "cancel_requested": [False, current.cancel_requested]})
    return current


@action
def job_retry(*, actor, job: Job, expected_version: int | None = None) -> Job:
    """Queue a failed or cancelled job again, with the same parameters (its attempts are counted)."""
    current = Job.objects.select_for_update().get(pk=job.pk)
    check_version(current, expected_version)
    if current.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise Conflict(f"job {current.pk} is {current.status}", code="job_not_retryable", params={"status": current.status})
    before = current.status
    current.status = JobStatus.QUEUED
    current.done = current.total = 0
    current.message = current.error_code = ""
    current.error_params = {}
    current.result = None
    current.cancel_requested = False
    current.started_at = current.finished_at = current.heartbeat_at = None
    current.version += 1
    current.save()
    record(actor=actor, action="job_retry", obj=current, unit=current.unit, object_type="job",
           changes={"status": [before, JobStatus.QUEUED]})
    _queue_task(current)
    return current
