"""Dashboards a person builds from the widget catalogue, keeps, shares with a unit or sets as a unit's home.

``items`` is the layout (``core/cockpit/layout.py``: ordered items with a widget key, a size and parameters);
``filters`` are the filters the dashboard opens with (unit, as-of date, plan, group, key). A dashboard shared with a
unit is seen (read only) by people holding a role on that unit or a unit below it; one set as a unit's default is
their home page (the nearest unit's default wins). What a widget shows is always computed with the reach of the
person looking, never of the owner.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dashboards")
    title = models.CharField(_("title"), max_length=120)
    items = models.JSONField(default=list, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    shared_with = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("shared with"))
    default_for = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("default home of"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["default_for"], condition=models.Q(default_for__isnull=False), name="dashboard_one_default_per_unit"),
        ]

    def __str__(self) -> str:
        return self.title
