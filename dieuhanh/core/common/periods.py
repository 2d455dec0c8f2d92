"""Reporting periods: one type for months, quarters and half-years.

Keys read the way officials say them: ``2026`` (năm 2026), ``2026-06`` (tháng 6/2026), ``2026-Q2``
(quý II/2026), ``2026-H1`` (6 tháng đầu năm 2026). A period knows its first and last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dieuhanh.core.common.errors import CoreError

FREQUENCIES = ("monthly", "quarterly", "half_yearly", "yearly")
# The years a period or a date may name: a programme's records, not the calendar's whole range.
MIN_YEAR, MAX_YEAR = 1900, 2100
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


class ParseError(CoreError):
    """A period key or a date that cannot be read: ``invalid_period`` or ``invalid_date``, with the text given
    (``value``) for the message."""

    def __init__(self, code: str, value: object):
        super().__init__(code, value=str(value)[:40])
_KEY = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    key: str

    @property
    def label_vi(self) -> str:
        if "-" not in self.key:
            return f"Năm {self.key}"
        year, rest = self.key.split("-")
        if rest.startswith("Q"):
            return f"Quý {_ROMAN[int(rest[1])]}/{year}"
        if rest.startswith("H"):
            return f"6 tháng {'đầu' if rest == 'H1' else 'cuối'} năm {year}"
        return f"Tháng {int(rest)}/{year}"

    def next(self) -> Period:
        return period_containing(self.end + dt.timedelta(days=1), frequency_of(self.key))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def frequency_of(key: str) -> str:
    m = _KEY.match(key)
    if not m:
        raise ParseError("invalid_period", key)
    if m.group(2):
        return "monthly"
    return "quarterly" if m.group(3) else "half_yearly" if m.group(4) else "yearly"


def parse_period(key: str) -> Period:
    """The period of a key (``2026``, ``2026-06``, ``2026-Q2``, ``2026-H1``); anything else, an empty text or a
    year outside ``MIN_YEAR``–``MAX_YEAR`` raises ``ParseError("invalid_period")``. The one period parser."""
    m = _KEY.match(key.strip()) if isinstance(key, str) else None
    if not m:
        raise ParseError("invalid_period", key)
    year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ParseError("invalid_period", key)
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ParseError("invalid_period", key)
        return Period(dt.date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")
    if m.group(3):
        q = int(m.group(3))
        return Period(dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q), f"{year}-Q{q}")
    if m.group(4):
        h = int(m.group(4))
        return Period(dt.date(year, 6 * h - 5, 1), _month_end(year, 6 * h), f"{year}-H{h}")
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))


def period_containing(day: dt.date, frequency: str) -> Period:
    if frequency == "monthly":
        return parse_period(f"{day.year}-{day.month:02d}")
    if frequency == "quarterly":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if frequency == "half_yearly":
        return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")
    if frequency == "yearly":
        return parse_period(str(day.year))
    raise ValueError(f"unknown frequency {frequency!r}")


def periods_between(first: dt.date, last: dt.date, frequency: str) -> list[Period]:
    periods, current = [], period_containing(first, frequency)
    while current.start <= last:
        periods.append(current)
        current = current.next()
    return periods


def parse_date(text: str | dt.date) -> dt.date:
    """A date written ``dd/mm/yyyy`` (as officials write it) or ``yyyy-mm-dd`` (ISO, from forms and the API).
    Anything else — an empty text, ``0``, a timestamp, a year outside ``MIN_YEAR``–``MAX_YEAR`` — raises
    ``ParseError("invalid_date")``. The one date parser of pages, the API and sheets."""
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        day = text
    else:
        value = text.strip() if isinstance(text, str) else ""
        for fmt in _DATE_FORMATS:
            try:
                day = dt.datetime.strptime(value, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ParseError("invalid_date", text)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ParseError("invalid_date", text)
    return day
