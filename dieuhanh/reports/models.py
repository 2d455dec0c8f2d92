"""Generated reports: stored once, never changed or deleted (the file is kept in the database of record, with its
SHA-256, the inputs and the as-of date it was built from)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GeneratedReport(models.Model):
    template = models.CharField(_("template"), max_length=40)
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    as_of = models.DateField(_("as of"))
    inputs = models.JSONField(_("inputs"))
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["plan", "as_of"]), models.Index(fields=["sha256"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a generated report is immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("a generated report is never deleted")

    @property
    def size(self) -> int:
        return len(self.content)
