"""The audit log: who changed what, when, from which value to which, for every write.

Rows are written by ``dieuhanh.audit.record`` inside the same transaction as the change they describe,
and are never updated or deleted: the model refuses it, and on PostgreSQL a trigger refuses it too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Username at the time (or "system:<command>"): stays readable whatever happens to the account.
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    # The unit whose data this is: decides who may read the event.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # {"field": [old, new], …}; for a creation old is null, for a deletion new is null.
    changes = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")
