"""Filters of the public pages: the dates a release stores (ISO 8601, as in its files) shown as dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def day(value) -> str:
    """``2026-03-31`` → ``31/03/2026``; empty → ``—``; anything else as given."""
    if not value:
        return "—"
    try:
        return f"{dt.date.fromisoformat(str(value)):%d/%m/%Y}"
    except ValueError:
        return str(value)


@register.filter
def kind_label(value) -> str:
    """A value's status (estimated, provisional, final; computed by the formula, rolled up from the units below) or a
    target's kind, in words."""
    from dieuhanh.indicators.models import TargetKind, ValueStatus

    labels = {**dict(ValueStatus.choices), **dict(TargetKind.choices), "computed": _("computed by the formula"),
              "rollup": _("rolled up from the units below")}
    return str(labels.get(value, value))


@register.filter
def funding_source(value) -> str:
    """A funding source's code (``city``…) in the words of the plan; empty → ``—``."""
    from dieuhanh.core.tasks.appendix_sheet import FUNDING_SOURCES

    return FUNDING_SOURCES.get(value or "", value or "—")
