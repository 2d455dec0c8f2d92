"""Labels for statuses, official columns and colours: one place, translated."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.common.periods import parse_period

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


# A warning looks ahead; a completed task has none: its chip tells how it ended instead (on time, or late: never
# "green: expected to meet the plan" for a task that missed its deadline).
OUTCOMES = {"completed_on_time": ("green", _("Completed on time")), "completed_late": ("late", _("Completed late"))}


@register.filter
def chip(view) -> dict:
    """The chip of a task view: ``{"css": …, "label": …}``: its outcome once completed, else its warning colour."""
    official = getattr(view.official, "value", view.official)
    if official in OUTCOMES:
        css, text = OUTCOMES[official]
        return {"css": css, "label": text}
    return {"css": view.colour.value, "label": label(view.colour)}


@register.filter
def period_label(key: str) -> str:
    try:
        return parse_period(key).label_vi
    except ValueError:
        return key


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


# Row problems of imports whose detail comes from the services (English there): said in Vietnamese here.
ROW_PROBLEMS = {
    "out_of_range": _("the value is outside its allowed range (a percent lies between 0 and 100)"),
    "not_whole": _("a count or a rank must be a whole number"),
    "wrong_period_type": _("the period does not match the indicator's period type"),
    "not_reporting": _("this unit does not report this indicator"),
    "formula": _("this indicator is computed by a formula and cannot be entered"),
    "period_locked": _("the data of this unit and period is submitted or approved: it is locked"),
    "stale_version": _("someone else changed this value meanwhile; download the sheet again"),
    "forbidden": _("you may not enter data for this unit"),
    "not_found": _("this unit or task is not within your reach"),
    "completed_needs_100": _("a completed task is at 100 %"),
    "report_locked": _("the report of this period is approved: it is locked"),
}


@register.filter
def row_problem(error: dict) -> str:
    """The Vietnamese sentence for an import row problem: the sheet's own message, or the service's code said plainly."""
    text = ROW_PROBLEMS.get(error.get("code"))
    if text is None:
        return error.get("message", "")
    return f"{_('Row')} {error.get('row')}: {text}" if error.get("row") else str(text)
