"""One's background jobs: list, get, cancel, retry (the same selectors and actions as the pages). Another person's
job answers 404, like a missing one. ``error_message`` is the sentence in the caller's language."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from dieuhanh.api.fields import Limit
from dieuhanh.api.schemas import ERRORS
from dieuhanh.jobs import selectors, services
from dieuhanh.jobs.models import JobStatus

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    unit: str | None
    status: JobStatus
    done: int
    total: int
    percent: int
    message: str
    result: dict | None
    error_code: str
    error_message: str
    attempts: int
    cancel_requested: bool
    version: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class JobPage(Schema):
    items: list[JobOut]


class VersionIn(Schema):
    expected_version: int


def job_out(job) -> dict:
    return {"id": job.pk, "kind": job.kind, "title": job.title, "unit": job.unit.code if job.unit else None,
            "status": job.status, "done": job.done, "total": job.total, "percent": job.percent, "message": job.message,
            "result": job.result, "error_code": job.error_code, "error_message": job.error_sentence,
            "attempts": job.attempts, "cancel_requested": job.cancel_requested, "version": job.version,
            "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at}


@router.get("/jobs", response={200: JobPage, **ERRORS}, summary="My background jobs, newest first")
def job_list(request, limit: Limit = 100):
    return {"items": [job_out(job) for job in selectors.jobs_of(request.auth, limit=limit)]}


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="One of my jobs: status, progress, result or error")
def job_get(request, job_id: int):
    return job_out(selectors.job_of(request.auth, job_id))


@router.post("/jobs/{job_id}/cancel", response={200: JobOut, **ERRORS},
             summary="Cancel my job (queued: never runs; running: stops at its next step, its work rolled back)")
def job_cancel(request, job_id: int, body: VersionIn):
    job = selectors.job_of(request.auth, job_id)
    return job_out(services.job_cancel(actor=request.auth, job=job, expected_version=body.expected_version))


@router.post("/jobs/{job_id}/retry", response={200: JobOut, **ERRORS}, summary="Queue my failed or cancelled job again")
def job_retry(request, job_id: int, body: VersionIn):
    job = selectors.job_of(request.auth, job_id)
    return job_out(services.job_retry(actor=request.auth, job=job, expected_version=body.expected_version))
