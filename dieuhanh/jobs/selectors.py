"""Reading jobs: a person sees only the jobs they started."""

from __future__ import annotations

from dieuhanh.errors import NotFound
from dieuhanh.jobs.models import Job


def jobs_of(user, *, limit: int = 100) -> list[Job]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Job.objects.filter(owner=user).select_related("unit")[:limit])


def job_of(user, job_id: int) -> Job:
    """The person's job ``job_id``; someone else's answers exactly like a missing one."""
    job = Job.objects.select_related("unit").filter(pk=job_id).first()
    if job is None or not getattr(user, "is_authenticated", False) or job.owner_id != user.pk:
        raise NotFound(f"job {job_id}")
    return job
