"""Display of Decision 766 figures: rates as 99,44 %, points as 17,8, counts as 1.234 (in the active language)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def _fixed(value, decimals: int) -> str:
    # Rounded half up first: Django's number_format cuts a float's extra digits instead of rounding them.
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    return number_format(exact, int(decimals), force_grouping=True)


@register.filter
def pct(rate, decimals: int = 2) -> str:
    """A rate 0–1 as a percentage; — when there is none."""
    if rate is None:
        return "—"
    return f"{_fixed(float(rate) * 100, decimals)} %"


@register.filter
def pts(points, decimals: int = 1) -> str:
    if points is None:
        return "—"
    return _fixed(points, decimals)


@register.filter
def count(n) -> str:
    if n is None:
        return "—"
    return number_format(int(n), 0, force_grouping=True)
