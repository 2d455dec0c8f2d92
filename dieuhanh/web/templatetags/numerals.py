"""Numbers on pages, in the active language: the template face of ``core/common/numerals.py``.

``{% load numerals %}`` in any template, then::

    {{ value|number }}        every place the value has        1.234,5     (en: 1,234.5)
    {{ value|number:2 }}      rounded half up, two places      1.234,50
    {{ value|number:"-2" }}   at most two places               1.234,5     (a negative argument, as floatformat)
    {{ value|count }}         a whole number                   1.235
    {{ value|percent:1 }}     a value held in percent          45,5 %
    {{ rate|rate }}           a rate 0–1, two places           83,33 %
    {{ amount|money }}        whole đồng                       1.500.000.000 đ

No value (None, NaN, "") shows as "—". Charts format with ``dieuhanh/numbers.js`` (the same marks in the browser).
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from dieuhanh.core.common.numerals import format_money, format_number, format_percent

register = template.Library()

NO_VALUE = "—"


def _places(decimals) -> tuple[int | None, bool]:
    """(decimals, drop_zeros) from a filter argument: 2 → (2, False); "-2" → (2, True); None/"" → (None, False)."""
    if decimals is None or decimals == "":
        return None, False
    places = int(decimals)
    return abs(places), places < 0


def _shown(text: str) -> str:
    return text or NO_VALUE


@register.filter
def number(value, decimals=None) -> str:
    places, drop_zeros = _places(decimals)
    return _shown(format_number(value, places, get_language(), drop_zeros=drop_zeros))


@register.filter
def count(value) -> str:
    return _shown(format_number(value, 0, get_language()))


@register.filter
def percent(value, decimals=None) -> str:
    places, drop_zeros = _places(decimals)
    return _shown(format_percent(value, places, get_language(), drop_zeros=drop_zeros))


@register.filter
def rate(value, decimals=2) -> str:
    places, drop_zeros = _places(decimals)
    return _shown(format_percent(value, places, get_language(), ratio=True, drop_zeros=drop_zeros))


@register.filter
def money(value) -> str:
    return _shown(format_money(value, get_language()))
