"""The periodic jobs (replacing cron): every worker's scheduler checks each registered periodic job once a minute
and, from its local time of day on, starts today's run unless any worker on any machine already has (a unique key
``name:YYYY-MM-DD``). A worker started late in the day still runs today's missed run; past days are not replayed."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from dieuhanh.access.policy import SystemActor
from dieuhanh.errors import Conflict
from dieuhanh.jobs.models import Job
from dieuhanh.jobs.registry import PERIODIC
from dieuhanh.jobs.services import job_start

log = logging.getLogger(__name__)


def due_periodic(now: dt.datetime | None = None) -> list[Job]:
    """Start the periodic runs due by ``now`` and not yet started today; answers the jobs started."""
    local = timezone.localtime(now or timezone.now())
    started = []
    for periodic in PERIODIC.values():
        if local.time() < periodic.at:
            continue
        key = f"{periodic.name}:{local.date().isoformat()}"
        if Job.objects.filter(periodic_key=key).exists():
            continue
        try:
            started.append(job_start(actor=SystemActor(f"periodic {periodic.name}"), kind=periodic.kind,
                                     periodic_key=key, params=dict(periodic.params)))
        except Conflict:  # another worker started it a moment ago
            continue
        log.info("periodic job %s started (%s)", periodic.name, key)
    return started
