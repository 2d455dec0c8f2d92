"""Numbers as people read and type them: the one formatter of numbers, percentages and money, and Vietnamese input.

Every number the platform shows (pages, exports, e-mails, chart axes) is written by ``format_number`` and its two
companions, in the marks of the language:

    Vietnamese (``lang="vi"``, the default)   1.234.567,5   dots group thousands, a comma marks decimals
    English (``lang="en"``, any ``en-*``)      1,234,567.5   commas group thousands, a point marks decimals

``decimals`` rounds half up (as officials round: 2,25 → 2,3; -2,25 → -2,3) and keeps that many places ("12,50");
without it a number shows the places it has, trailing zeros dropped ("45,00" → "45"). ``drop_zeros=True`` with
``decimals`` rounds and then drops trailing zeros ("at most two places": 12,5 and 12,35 and 12). Never "-0".
``None`` (and NaN, pandas' "no value") is "" — pages show their own dash.

    format_percent(45.5)              "45,5 %"     a value already in percent (indicators store 45 for 45 %)
    format_percent(0.8333, 2, ratio=True)  "83,33 %"   a rate 0–1
    format_money(1_500_000_000)       "1.500.000.000 đ"   whole đồng, rounded half up; "đ" in both languages

Input goes the other way through ``parse_number`` (Excel cells and text typed the Vietnamese way). Floats are read
through their shortest text (``repr``), so 0.1 is 0.1, not the binary float below it. Pure Python, no Django:
Django code passes ``translation.get_language()`` as ``lang``. (Named "numerals", numbers as written, because
``numbers`` is a standard-library module.)
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from dieuhanh.core.common.errors import CoreError

__all__ = ["format_money", "format_number", "format_percent", "parse_number"]

_EN_MARKS: dict[int, int] = {}
_VI_MARKS = str.maketrans(",.", ".,")


def _decimal(value: object) -> Decimal | None:
    """``value`` as an exact Decimal; ``None`` for no value (None, NaN)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if math.isnan(value):
            return None
        number = Decimal(repr(value)) if math.isfinite(value) else Decimal(value)
    elif isinstance(value, str):  # a number passed on as text ("12.5", as templates sometimes hold it)
        return _decimal(Decimal(value)) if value.strip() else None
    else:  # numpy scalars and the like
        return _decimal(float(value))  # type: ignore[arg-type]
    if number.is_nan():
        return None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _marks(lang: str | None) -> dict[int, int]:
    return _EN_MARKS if (lang or "vi").lower().startswith("en") else _VI_MARKS


def format_number(value: object, decimals: int | None = None, lang: str | None = "vi", *, drop_zeros: bool = False) -> str:
    """``value`` in the marks of ``lang``: "1.234,5" (vi), "1,234.5" (en); "" for no value. See the module docstring."""
    number = _decimal(value)
    if number is None:
        return ""
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number.is_zero():
        number = abs(number)  # no "-0" from a negative zero or a small negative rounded away
    text = f"{number:,f}"
    if (decimals is None or drop_zeros) and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.translate(_marks(lang))


def format_percent(value: object, decimals: int | None = None, lang: str | None = "vi", *, ratio: bool = False,
                   drop_zeros: bool = False) -> str:
    """A percentage, "45,5 %"; ``ratio=True`` when ``value`` is a rate 0–1 (0,455 → "45,5 %"); "" for no value."""
    number = _decimal(value)
    if number is None:
        return ""
    if ratio:
        number *= 100
    return f"{format_number(number, decimals, lang, drop_zeros=drop_zeros)} %"


def format_money(value: object, lang: str | None = "vi") -> str:
    """An amount in Vietnamese đồng, whole đồng grouped: "1.500.000.000 đ" (vi), "1,500,000,000 đ" (en)."""
    text = format_number(value, 0, lang)
    return f"{text} đ" if text else ""


# ---------------------------------------------------------------------------------------------------
# Numbers typed the Vietnamese way

# Dots group thousands ("1.234.567"), a comma marks decimals ("1.234,5", "12,5"). The first group of a
# grouped number has no leading zero, so "0.125" is not grouping.
_VIETNAMESE = re.compile(r"(?P<whole>[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<fraction>[0-9]+))?")
# A dot that cannot be grouping is a decimal point, as typed on an English keyboard: "1234.5", "0.125", "1.23".
_DOT_DECIMAL = re.compile(r"(?P<whole>[0-9]+)\.(?P<fraction>[0-9]+)")
_NO_VALUE = {"", "-", "–", "—"}
_MINUS = ("-", "−")  # ASCII hyphen-minus and U+2212, which word processors put in front of negative numbers


def parse_number(value: object) -> Decimal | None:
    """A number from an Excel cell value or from text in Vietnamese writing; ``None`` for "no value".

    Excel numbers are taken as Excel shows them (``0.1`` is ``Decimal("0.1")``, not the binary float).
    Text: "1.234,5", "1.234.567", "12,5", "-3", "  3 "; a trailing "%" is a mark only ("45%" and "12,5 %"
    are 45 and 12.5: indicators in percent store 45 for 45 %). A single dot is a decimal point when it is
    followed by one, two or four or more digits ("1234.5", "1.2345"); followed by exactly three digits it
    groups thousands as in Vietnamese writing, so "1.234" is 1234, unless what comes before it cannot be
    a thousands group ("0.125", "1234.567" are decimals). A comma is always the decimal mark, so "1,234" is
    1.234 and "1,234.5" is refused. Empty text and a dash ("-") mean no value.

    Raises ``CoreError("not_a_number", value=…)`` (a ``ValueError``) for anything else (text, dates, TRUE/FALSE,
    "1,2,3").
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):  # a bool is an int to Python, but TRUE in a value cell is not a number
        raise CoreError("not_a_number", value=_not_a_number(value))
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))  # str() is the shortest text that reads back as this float: no binary noise
    elif isinstance(value, str):
        return _parse_text(value)
    else:
        raise CoreError("not_a_number", value=_not_a_number(value))
    if not number.is_finite():
        raise CoreError("not_a_number", value=_not_a_number(value))
    return number


def _parse_text(text: str) -> Decimal | None:
    written = text.strip()
    if written in _NO_VALUE:
        return None
    if written.endswith("%"):
        written = written[:-1].rstrip()
    sign = ""
    if written[:1] in _MINUS:
        sign, written = "-", written[1:]
    elif written[:1] == "+":
        written = written[1:]
    match = _VIETNAMESE.fullmatch(written) or _DOT_DECIMAL.fullmatch(written)
    if match is None:
        raise CoreError("not_a_number", value=_not_a_number(text))
    whole = match["whole"].replace(".", "") if match.re is _VIETNAMESE else match["whole"]
    fraction = f".{match['fraction']}" if match["fraction"] else ""
    return Decimal(f"{sign}{whole}{fraction}")


def _not_a_number(value: object) -> str:
    shown = value.strip() if isinstance(value, str) else value
    return str(shown)[:40]
