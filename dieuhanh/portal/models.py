"""Publication releases: frozen, immutable snapshots of the official numbers that the public portal shows.

A release is made by a steering user of the city as of a date (``services.release_publish``); its tables hold
plain JSON rows (one ``ReleaseTable`` per published table, the open-data datasets) and the SHA-256 of their
canonical form. Rows are never updated or deleted: the models refuse it and, on PostgreSQL and SQLite, a trigger
refuses it too (``migrations/0002_append_only``). A correction is a new release with a note saying what changed
and why; republishing the same date makes a new release and keeps the old one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class _AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("releases are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("releases are immutable")


class Release(_AppendOnly):
    as_of = models.DateField()
    published_at = models.DateTimeField(default=timezone.now)
    # Who published it: kept for the audit trail, never shown on a public page or file (only units speak there).
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_by_label = models.CharField(max_length=150)
    publisher = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)  # what changed and why (a correction)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    synthetic = models.BooleanField(default=False)
    sha256 = models.CharField(max_length=64)
    periods = models.JSONField(default=list)  # the Decision 766 periods published
    meta = models.JSONField(default=dict)  # facts shown beside the tables (the index method)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"release {self.pk} as of {self.as_of:%d/%m/%Y}"


class ReleaseTable(_AppendOnly):
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="tables")
    name = models.CharField(max_length=40)
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)  # lists in the order of ``columns``

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "name"], name="release_table_unique")]


class EvidenceDecision(_AppendOnly):
    """A steering decision that an evidence file of an approved report is public (or no longer is). Decisions are kept
    (append-only); the latest one counts: a release lists the files public on its date, and a file is served only while
    its latest decision is public (a withdrawal, e.g. for personal data found in it, stops it everywhere)."""

    evidence = models.ForeignKey("plans.Evidence", on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField()
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_by_label = models.CharField(max_length=150)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["evidence", "decided_at"])]
