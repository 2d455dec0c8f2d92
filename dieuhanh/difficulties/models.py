"""The difficulties and proposals register (khó khăn, vướng mắc, đề xuất).

A unit raises an item — from a progress report (the report's free text becomes one or several items) or
directly — with a category, the difficulty, its proposal and the body it is addressed to; optionally linked to a
task or an indicator. The steering committee (or the addressed body) assigns it to a handling unit with a
deadline, the handling unit answers, and the assigning level closes it with an outcome:

    submitted → assigned (handling unit, deadline) → answered → closed (resolved | not resolved | escalated)

Each step is an action (``services.py``), audited and versioned. Ageing rules: ``core/difficulties/register.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    INSTITUTIONS = "institutions", _("Institutions, regulation (thể chế, chính sách)")
    FUNDING = "funding", _("Funding (tài chính, kinh phí)")
    LAND = "land", _("Land (đất đai)")
    PERSONNEL = "personnel", _("Personnel (nhân lực)")
    TECHNOLOGY = "technology", _("Technology, data (công nghệ, dữ liệu)")
    COORDINATION = "coordination", _("Coordination (phối hợp)")
    OTHER = "other", _("Other (khác)")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    ESCALATED = "escalated", _("Escalated to the national level")


class Difficulty(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by unit"))
    task = models.ForeignKey("plans.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("task"))
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("indicator"))
    report = models.ForeignKey("plans.ProgressReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               help_text="the progress report it was raised from")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    content = models.TextField(_("difficulty"))
    proposal = models.TextField(_("proposal"), blank=True)
    addressed_to = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("addressed to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    raised_on = models.DateField(_("raised on"))
    handling_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("handling unit"))
    deadline = models.DateField(_("handling deadline"), null=True, blank=True)
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_on = models.DateField(null=True, blank=True)
    assignment_note = models.TextField(_("assignment note"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    synthetic = models.BooleanField(default=False, help_text="synthetic demo data, labelled wherever shown")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["raised_on"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="closed") | ~models.Q(outcome=""), name="difficulty_closed_has_outcome"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.content[:80]}"
