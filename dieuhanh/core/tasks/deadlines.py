"""Vietnamese deadline phrases ("Thời gian hoàn thành") turned into the last day they allow.

Plans state deadlines the way officials speak: "30/6/2026", "Quý II/2026", "6 tháng đầu năm 2026",
"Năm 2026", "Giai đoạn 2025 - 2027", "Thường xuyên". This module owns reading those phrases;
``parse_deadline`` returns the *last* day the phrase allows (the day after which a task is overdue) and
the kind of phrase, so callers can show "Quý II/2026" as written yet compute status against 30/06/2026.

Parsing is deliberately strict: besides the recognised phrase, the text may only contain the filler words
officials put around it ("Trước ngày", "Hoàn thành trong", "Chậm nhất", …). Anything else is "unknown"
rather than a guess, because a wrong deadline silently corrupts on-time statistics while an "unknown" one
is shown to the official to fix.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from dieuhanh.core.common.text import fold


@dataclass(frozen=True)
class ParsedDeadline:
    """The last day a deadline phrase allows (``None`` when it names no day) and the phrase's kind."""

    date: datetime.date | None
    kind: str


# Recurring or open-ended work has no last day; these win over any date in the same phrase
# ("Năm 2025 và hằng năm" repeats every year).
_ONGOING = re.compile(r"\b(?:thuong xuyen|hang nam|hang quy|hang thang|lien tuc|dinh ky)\b")

# Words allowed around the recognised phrase (folded). Kept short on purpose: see the module docstring.
_FILLER = frozenset(
    "truoc ngay hoan thanh trong cham nhat han chot thoi den het xong vao cuoi khong qua du kien giai doan tien do".split()
)

_QUARTER_NUMBERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _year(name: str = "year") -> str:
    """A four-digit year not glued to other digits, captured as ``name``."""
    return rf"(?<!\d)(?P<{name}>\d{{4}})(?!\d)"


_SMALL = r"(?<!\d)(?P<{}>\d{{1,2}})"  # a day or a month: one or two digits


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _end_of_day(m: re.Match[str]) -> datetime.date:
    return datetime.date(int(m["year"]), int(m["month"]), int(m["day"]))


def _end_of_month(m: re.Match[str]) -> datetime.date:
    return _month_end(int(m["year"]), int(m["month"]))


def _end_of_quarter(m: re.Match[str]) -> datetime.date:
    return _month_end(int(m["year"]), 3 * _QUARTER_NUMBERS[m["quarter"]])


def _end_of_half(m: re.Match[str]) -> datetime.date:
    return _month_end(int(m["year"]), 6 if m["half"] == "dau" else 12)


def _end_of_year(m: re.Match[str]) -> datetime.date:
    return datetime.date(int(m["year"]), 12, 31)


def _end_of_period(m: re.Match[str]) -> datetime.date:
    if int(m["year"]) < int(m["start"]):
        raise ValueError("period ends before it starts")
    return _end_of_year(m)


# Tried in order on the folded text; the first pattern found decides. Full dates come first so that
# "30/06/2026" is never read as the month "06/2026"; periods before single years; halves before years.
_PATTERNS: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], datetime.date]], ...] = (
    # "ngày 30 tháng 6 năm 2026", the wording of official letters
    ("date", re.compile(rf"ngay\s+{_SMALL.format('day')}\s+thang\s+{_SMALL.format('month')}\s+nam\s+{_year()}"), _end_of_day),
    # ISO "2026-06-30"
    ("date", re.compile(rf"{_year()}-{_SMALL.format('month')}-{_SMALL.format('day')}(?!\d)"), _end_of_day),
    # "30/6/2026", "30-06-2026", "30.6.2026" (one separator throughout)
    ("date", re.compile(rf"{_SMALL.format('day')}\s*(?P<sep>[/.-])\s*{_SMALL.format('month')}\s*(?P=sep)\s*{_year()}"), _end_of_day),
    # "2025-2027", "Giai đoạn 2025 – 2030", "từ năm 2025 đến năm 2027"
    ("period", re.compile(rf"(?:tu\s+)?(?:nam\s+)?{_year('start')}\s*(?:-|–|—|den)\s*(?:nam\s+)?{_year()}"), _end_of_period),
    # "Quý II/2026", "quý 2 năm 2026"
    ("quarter", re.compile(rf"quy\s+(?P<quarter>iv|iii|ii|i|[1-4])\s*(?:[/.-]|nam)?\s*{_year()}"), _end_of_quarter),
    # "6 tháng đầu năm 2026", "nửa cuối năm 2026"
    ("half", re.compile(rf"(?:6\s+thang|nua)\s+(?P<half>dau|cuoi)\s+(?:cua\s+)?nam\s+{_year()}"), _end_of_half),
    # "Tháng 6/2026", "tháng 06 năm 2026", "06/2026"
    ("month", re.compile(rf"(?:thang\s+)?{_SMALL.format('month')}\s*(?:[/.-]|\s+nam\s+)\s*{_year()}"), _end_of_month),
    # "Năm 2026", "2026"
    ("year", re.compile(rf"(?:nam\s+)?{_year()}"), _end_of_year),
)


def _only_filler(text: str) -> bool:
    """True when ``text`` (folded, the recognised phrase removed) holds nothing but filler words."""
    return all(word in _FILLER for word in re.sub(r"[^a-z0-9]+", " ", text).split())


def parse_deadline(text: str) -> ParsedDeadline:
    """Read a Vietnamese deadline phrase; the date is the last day the phrase allows.

    ``parse_deadline("Quý II/2026") == ParsedDeadline(date(2026, 6, 30), "quarter")``;
    ``parse_deadline("Thường xuyên") == ParsedDeadline(None, "ongoing")``.
    Impossible dates ("31/02/2026") and unrecognised words give ``(None, "unknown")``.
    """
    folded = fold(text)
    if not folded:
        return ParsedDeadline(None, "empty")
    if _ONGOING.search(folded):
        return ParsedDeadline(None, "ongoing")
    for kind, pattern, last_day in _PATTERNS:
        found = pattern.search(folded)
        if found is None:
            continue
        if not _only_filler(folded[: found.start()] + " " + folded[found.end() :]):
            break
        try:
            return ParsedDeadline(last_day(found), kind)
        except ValueError:  # 31/02/2026, month 13, a period running backwards
            break
    return ParsedDeadline(None, "unknown")


def format_deadline(day: datetime.date) -> str:
    """``date(2026, 6, 30)`` → ``"30/06/2026"``, the form official documents use."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
