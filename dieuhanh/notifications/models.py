"""A notification per person, and each person's choice of e-mail (immediately, a daily digest, or none).

The sentence is not stored: it is rendered from the kind's code and the ``params`` through the one message
catalogue (``dieuhanh/messages.py``), so each reader sees it in their own language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    EXPLANATION_REQUESTED = "explanation_requested", _("Explanation requested")
    EXPLANATION_ANSWERED = "explanation_answered", _("Explanation answered")
    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_APPROVED = "report_approved", _("Report approved")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    DIFFICULTY_ASSIGNED = "difficulty_assigned", _("Difficulty assigned")
    DIFFICULTY_ANSWERED = "difficulty_answered", _("Difficulty answered")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    VALUES_RETURNED = "values_returned", _("Indicator values returned")
    VALUES_DUE = "values_due", _("Indicator values missing")
    ROUND_OPENED = "round_opened", _("Report round opened")
    ROUND_SUBMITTED = "round_submitted", _("Round report submitted")
    ROUND_APPROVED = "round_approved", _("Round report approved")
    ROUND_RETURNED = "round_returned", _("Round report returned")
    ROUND_REMINDER = "round_reminder", _("Round report reminder")
    ROUND_DUE_SOON = "round_due_soon", _("Round report due soon")
    ROUND_OVERDUE = "round_overdue", _("Round report overdue")
    PROPOSAL_ANSWERED = "proposal_answered", _("Proposal decided")


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, one e-mail per notification")
    DIGEST = "digest", _("Once a day, in a digest")
    NONE = "none", _("No e-mail (in the app only)")


class Notification(models.Model):
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    about_type = models.CharField(max_length=32)  # what it is about: "task", "explanation", "indicator_approval", …
    about_id = models.CharField(max_length=64)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    url = models.CharField(max_length=500)  # a path on this site: where the notification leads
    params = models.JSONField(default=dict, blank=True)  # the sentence's parameters
    once = models.CharField(max_length=64, blank=True)  # non-empty: at most one per (recipient, kind, object, once)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "about_type", "about_id", "once"], condition=~Q(once=""),
                                    name="notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.about_type}:{self.about_id} → {self.recipient_id}"

    @property
    def message_code(self) -> str:
        """The catalogue code of the sentence: ``notification_<kind>``, or ``…_<outcome>`` where the kind has one."""
        outcome = self.params.get("outcome")
        return f"notification_{self.kind}" + (f"_{outcome}" if outcome else "")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a person wants to be e-mailed; without a row, immediately. The list in the app is always kept."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="notification_preference")
    email = models.CharField(max_length=10, choices=EmailChoice.choices, default=EmailChoice.IMMEDIATE)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"
