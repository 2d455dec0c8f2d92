"""A background job as people see it: who started what, on which unit, its status, progress, result or error.

The queue underneath is django-tasks with its database backend (``django_tasks_db``); one Job may be queued
several times (each retry enqueues a new task for the same Job), so the Job, not the task row, is the record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    kind = models.CharField(max_length=80)  # the registered job function's name (dieuhanh.jobs.registry)
    params = models.JSONField(default=dict)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="jobs")  # null: started by the platform (periodic jobs)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    queue = models.CharField(max_length=40, default="default")
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)  # e.g. {"url": …, "label": …} or counts
    error_code = models.CharField(max_length=60, blank=True)
    error_params = models.JSONField(default=dict, blank=True)  # the sentence is rendered from code + params (messages.py)
    attempts = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=120, blank=True)  # host:pid of the process running it
    periodic_key = models.CharField(max_length=120, null=True, blank=True, unique=True)  # name:date of a periodic run
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def title(self) -> str:
        from dieuhanh.jobs.registry import JOBS

        known = JOBS.get(self.kind)
        return str(known.title) if known else self.kind

    @property
    def error_sentence(self) -> str:
        from dieuhanh.messages import render

        return render(self.error_code, self.error_params) if self.error_code else ""

    @property
    def error_rows(self) -> list[dict]:
        """A refused import's row-by-row report (kept in ``result["errors"]``), each sentence in the reader's language."""
        from dieuhanh.messages import render

        if self.status != JobStatus.FAILED or not isinstance(self.result, dict):
            return []
        return [{"row": e.get("row") or e.get("field", ""), "code": e.get("code", ""),
                 "message": render(e["code"], e.get("params"), default=e.get("message", "")) if e.get("code") else e.get("message", "")}
                for e in self.result.get("errors", []) if isinstance(e, dict)]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == JobStatus.SUCCEEDED else 0)
