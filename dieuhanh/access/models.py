"""Roles that people hold on units, and API tokens.

A role held on a unit reaches every unit below it: the city's steering committee member holds
"steering" on unit 79 and so sees all 168 wards; a ward's reporter holds "reporter" on that ward only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    REPORTER = "reporter", _("Reporter (cán bộ nhập liệu)")
    APPROVER = "approver", _("Approver (lãnh đạo đơn vị)")
    STEERING = "steering", _("Steering (Ban Chỉ đạo / thường trực)")
    ADMINISTRATOR = "administrator", _("Administrator")


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], condition=models.Q(revoked_at__isnull=True), name="role_active_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiToken(models.Model):
    """A bearer token for API clients. Only a SHA-256 of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # After this the token is refused (DIEUHANH_API_TOKEN_DAYS after its creation).
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
