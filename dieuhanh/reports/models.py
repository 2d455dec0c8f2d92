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


class ReportPdf(models.Model):
    """The PDF of a stored report, made once by a background job (LibreOffice) and kept: like the report, never changed."""

    report = models.OneToOneField(GeneratedReport, on_delete=models.PROTECT, related_name="pdf")
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a stored PDF is immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("a stored PDF is never deleted")


class ReportTemplate(models.Model):
    """An uploaded version of a report template (a shipped template edited in Word). The newest version of a key is
    the one builds and rounds use; older versions stay for the record."""

    key = models.CharField(_("template"), max_length=40)
    version = models.PositiveIntegerField()
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=200)
    symbol = models.CharField(_("document symbol"), max_length=30, blank=True)  # e.g. BC-UBND; blank: by issuing body
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="report_template_key_version")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a template version is immutable")
        super().save(*args, **kwargs)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ISSUED = "issued", _("Issued")


class ReportRound(models.Model):
    """A report round (đợt báo cáo, chế độ báo cáo định kỳ): the steering committee asks units for their report on a
    plan for a Decree 09 period by a deadline, then consolidates the approved ones into the city's report."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    template = models.CharField(_("template"), max_length=40)
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    deadline = models.DateField(_("deadline"))
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    narrative = models.JSONField(default=dict, blank=True)  # the consolidated sections, edited by the secretariat
    consolidated_at = models.DateTimeField(null=True, blank=True)
    report = models.ForeignKey(GeneratedReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period_end", "-pk"]


class UnitReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class RoundReport(models.Model):
    """One unit's report in a round: its figures as of the period's end (prefilled), its narrative sections I–V
    written in the browser, its files; submitted by its reporters, approved or returned by its leader."""

    round = models.ForeignKey(ReportRound, on_delete=models.PROTECT, related_name="unit_reports")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=UnitReportStatus.choices, default=UnitReportStatus.DRAFT)
    figures = models.JSONField(default=dict, blank=True)
    sections = models.JSONField(default=dict, blank=True)
    return_reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["round", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="round_report_one_per_unit")]


class RoundAttachment(models.Model):
    """A file attached to a unit's round report (checked like evidence: ``core/common/files.py``, stored once by SHA-256)."""

    round_report = models.ForeignKey(RoundReport, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
