"""Labels for statuses, official columns and colours: one place, translated."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.periods import parse_period

register = template.Library()

LABELS = {
    "completed_on_time": _("Completed on time"),
    "completed_late": _("Completed late"),
    "within_deadline": _("In progress, within deadline"),
    "in_progress": _("In progress"),
    "overdue": _("Overdue"),
    "not_started": _("Not started"),
    "paused": _("Paused"),
    "cancelled": _("Cancelled"),
    "not_assigned": _("Not yet assigned"),
    "excluded": _("Not counted"),
    "red": _("Red: at risk of missing the plan"),
    "orange": _("Orange: progressing"),
    "green": _("Green: expected to meet the plan"),
    "grey": _("Grey: cannot be evaluated yet"),
    "draft": _("Draft"),
    "submitted": _("Submitted, awaiting approval"),
    "approved": _("Approved"),
    "returned": _("Returned for revision"),
    "pending": _("Pending"),
    "rejected": _("Rejected"),
    "open": _("Open"),
    "completed": _("Completed"),
    "reported": _("reported by the unit"),
    "formula": _("computed by the formula"),
    "rollup": _("rolled up from the units below"),
    "none": _("no data"),
}


@register.filter
def label(value) -> str:
    key = getattr(value, "value", value)
    return LABELS.get(key, key)


@register.filter
def period_label(key: str) -> str:
    try:
        return parse_period(key).label_vi
    except ValueError:
        return key


@register.filter
def vnd(value) -> str:
    """Money in VND with Vietnamese grouping: 1.500.000.000 đ."""
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".") + " đ"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
