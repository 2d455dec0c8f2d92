"""Running a job in a worker: claim it, run its function in ONE transaction, record the outcome.

- Progress, the heartbeat and the cancel flag go through a second, autocommitting connection (PostgreSQL), so the
  pages see them while the job's own transaction is still open; the job's work and its final status commit
  together, so a job is either succeeded with all its writes or has written nothing.
- A worker killed in the middle (kill -9, a lost machine) leaves its job "running"; ``reap_stale`` (run by every
  worker's scheduler) marks it failed with ``job_interrupted``, and its owner can retry it.
- On SQLite (the demo) there is no second connection: progress appears when the job ends.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from dieuhanh.errors import DomainError
from dieuhanh.jobs.models import Job, JobStatus
from dieuhanh.jobs.registry import spec

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 20


class JobCancelled(Exception):
    """Raised by ``ctx.check_cancelled()`` when the owner asked to cancel: the job's transaction rolls back."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ------------------------------------------------------------------ the side connection (PostgreSQL)

_side = threading.local()


def _side_connection():
    """An autocommitting psycopg connection to the same database, one per thread (None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    conn = getattr(_side, "conn", None)
    name = connection.settings_dict["NAME"]
    if conn is None or conn.closed or getattr(_side, "name", None) != name:
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        conn = psycopg.connect(**params, autocommit=True)
        _side.conn, _side.name = conn, name
    return conn


def _side_update(job_id: int, **fields) -> None:
    """Write ``fields`` of job ``job_id`` at once, visible to every other session; falls back to the job's own
    connection when the row is not visible outside it (a test's transaction) or on SQLite."""
    conn = _side_connection()
    if conn is not None:
        sets = ", ".join(f"{name} = %s" for name in fields)
        with conn.cursor() as cur:
            cur.execute(f"UPDATE jobs_job SET {sets} WHERE id = %s", [*fields.values(), job_id])
            if cur.rowcount:
                return
    Job.objects.filter(pk=job_id).update(**fields)


def _side_cancel_requested(job_id: int) -> bool:
    conn = _side_connection()
    if conn is not None:
        with conn.cursor() as cur:
            cur.execute("SELECT cancel_requested FROM jobs_job WHERE id = %s", [job_id])
            row = cur.fetchone()
            if row is not None:
                return bool(row[0])
    return bool(Job.objects.filter(pk=job_id).values_list("cancel_requested", flat=True).first())


# ------------------------------------------------------------------ what a job function receives


@dataclass
class JobContext:
    job: Job
    actor: object
    _last: list = field(default_factory=lambda: [None])

    @property
    def params(self) -> dict:
        return self.job.params

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Report ``done`` of ``total`` steps (and a short message); visible at once on the job's page."""
        fields = {"done": max(0, int(done)), "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = max(0, int(total))
        if message is not None:
            fields["message"] = str(message)[:300]
        _side_update(self.job.pk, **fields)

    def progress_callback(self, total: int, message: str | None = None):
        """A ``progress(done)`` callback for the services that take one (dieuhanh/progress.py style)."""
        self.progress(0, total, message)
        return lambda done: self.progress(done, total)

    def check_cancelled(self) -> None:
        """Between steps: stop (rolling everything back) if the owner asked to cancel."""
        if _side_cancel_requested(self.job.pk):
            raise JobCancelled(f"job {self.job.pk} cancelled")


def _actor(job: Job):
    if job.owner_id is None:
        from dieuhanh.access.policy import SystemActor

        return SystemActor(f"job {job.kind}")
    return job.owner


class _Heartbeat(threading.Thread):
    def __init__(self, job_id: int):
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.job_id, self.stop = job_id, threading.Event()

    def run(self) -> None:
        try:
            conn = _side_connection_for_thread()
            while conn is not None and not self.stop.wait(HEARTBEAT_SECONDS):
                with conn.cursor() as cur:
                    cur.execute("UPDATE jobs_job SET heartbeat_at = now() WHERE id = %s AND status = 'running'", [self.job_id])
        except Exception:  # the heartbeat is best effort; the reaper's timeout is the backstop
            log.exception("heartbeat of job %s stopped", self.job_id)
        finally:
            close_side_connection()


def close_side_connection() -> None:
    """Close this thread's side connection (a thread ending, a test tearing down its database)."""
    conn = getattr(_side, "conn", None)
    if conn is not None:
        conn.close()
        _side.conn = None


def _side_connection_for_thread():
    return _side_connection() if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else None


def execute(job_id: int) -> str:
    """Run job ``job_id`` once (the body of the django-tasks task). Answers the final status."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=worker_name()[:120], attempts=F("attempts") + 1,
        done=0, cancel_requested=False)
    if not claimed:  # cancelled while queued, or already taken
        return "skipped"
    job = Job.objects.select_related("owner", "unit").get(pk=job_id)
    ctx = JobContext(job=job, actor=_actor(job))
    heartbeat = _Heartbeat(job_id)
    heartbeat.start()
    outcome: dict = {}
    try:
        with transaction.atomic():
            result = spec(job.kind).fn(ctx, **job.params)
            ctx.check_cancelled()
            # the outcome commits with the work: succeeded means everything was written
            Job.objects.filter(pk=job_id).update(status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now(),
                                                 done=F("total"), message="")
            outcome["status"] = JobStatus.SUCCEEDED
    except JobCancelled:
        outcome = {"status": JobStatus.CANCELLED}
    except DomainError as exc:
        # a refused import's row-by-row report stays with the job (its page and the API list it)
        outcome = {"status": JobStatus.FAILED, "error_code": exc.code, "error_params": _jsonable(exc.params),
                   "result": {"errors": _json_safe(exc.details)} if exc.details else None}
    except Exception as exc:
        log.exception("job %s (%s) crashed", job_id, job.kind)
        outcome = {"status": JobStatus.FAILED, "error_code": "job_crashed", "error_params": {"detail": str(exc)[:300]}}
    finally:
        heartbeat.stop.set()
    if outcome["status"] != JobStatus.SUCCEEDED:
        Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **outcome)
    return outcome["status"]


def _json_safe(value):
    """``value`` (dates, decimals, lazy strings inside) as plain JSON."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    class Encoder(DjangoJSONEncoder):
        def default(self, o):
            try:
                return super().default(o)
            except TypeError:
                return str(o)

    return json.loads(json.dumps(value, cls=Encoder))


def _jsonable(params: dict) -> dict:
    return {key: value if isinstance(value, (int, float, bool)) or value is None else str(value) for key, value in params.items()}


def run_queued() -> int:
    """Run every queued job here, one after the other (tests, a one-off run without a worker); answers how many ran."""
    ran = 0
    for job_id in Job.objects.filter(status=JobStatus.QUEUED).order_by("pk").values_list("pk", flat=True):
        ran += execute(job_id) != "skipped"
    return ran


@task()
def run_job(job_id: int) -> str:
    return execute(job_id)


# ------------------------------------------------------------------ dead workers


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale(*, stale_after: timedelta | None = None) -> int:
    """Mark failed (``job_interrupted``, retryable) the running jobs whose worker is gone: on this machine, a
    process that no longer exists; on another, no heartbeat for ``stale_after`` (settings.DIEUHANH_JOB_STALE_AFTER)."""
    stale_after = stale_after or timedelta(seconds=getattr(settings, "DIEUHANH_JOB_STALE_AFTER", 600))
    host = socket.gethostname()
    now = timezone.now()
    dead = []
    for job_id, worker, heartbeat in Job.objects.filter(status=JobStatus.RUNNING).values_list("pk", "worker", "heartbeat_at"):
        name, _, pid = worker.rpartition(":")
        if name == host and pid.isdigit():  # this machine's: its process answers or not (SQLite writes no heartbeat)
            if not _pid_alive(int(pid)):
                dead.append(job_id)
        elif heartbeat is None or heartbeat < now - stale_after:
            dead.append(job_id)
    if dead:
        Job.objects.filter(pk__in=dead, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error_code="job_interrupted", error_params={}, finished_at=now)
    return len(dead)
