"""The difficulties register (khó khăn, vướng mắc, đề xuất) without a database: ageing, age buckets, and the
items a progress report's free text becomes.

**Ageing.** An item's age is the number of days from the day it was raised to the day it was closed, or to
``today`` while it is open. Days past the handling deadline: for an item assigned and not yet answered,
``today − deadline`` when positive; for an item answered after its deadline, ``answered_on − deadline``
(answered late); otherwise 0. An item is *overdue to handle* when it is assigned, not answered, and
``today > deadline``.

**Age buckets** (the steering committee's register): ≤ 30 days, 31–90 days, > 90 days.

**From a report.** A progress report has one text of difficulties and one of proposals. Each non-empty line
(bullets "-", "+", "•", "*", "1.", "1)", "a)" dropped) is one difficulty or one proposal. When the two texts
have as many lines, line *i* of the proposals goes with line *i* of the difficulties; when the proposals are one
line or none, every difficulty is an item and the single proposal goes with the first; otherwise the whole
texts make one item (the official splits them by hand on the form).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

BUCKETS: tuple[tuple[str, int, int | None], ...] = (("le_30", 0, 30), ("31_90", 31, 90), ("gt_90", 91, None))
"""(key, first day, last day or None) of each age bucket."""

_BULLET = re.compile(r"^\s*(?:[-+•*–]|\d{1,2}[.)]|[a-zA-Zđ][.)])\s+")


def age_days(raised_on: dt.date, today: dt.date, closed_on: dt.date | None = None) -> int:
    """Days from raising to closing, or to ``today`` while open (never negative)."""
    return max(0, ((closed_on or today) - raised_on).days)


def age_bucket(days: int) -> str:
    """The key of the bucket ``days`` falls in: ``le_30``, ``31_90`` or ``gt_90``."""
    for key, first, last in BUCKETS:
        if days >= first and (last is None or days <= last):
            return key
    return BUCKETS[0][0]


def bucket_range(key: str) -> tuple[int, int | None]:
    """(first, last) day of a bucket; ``KeyError`` for an unknown key."""
    for k, first, last in BUCKETS:
        if k == key:
            return first, last
    raise KeyError(key)


def days_past_deadline(deadline: dt.date | None, today: dt.date, answered_on: dt.date | None = None) -> int:
    """Days beyond the handling deadline: up to the answer if answered, else up to ``today``; 0 when none."""
    if deadline is None:
        return 0
    return max(0, ((answered_on or today) - deadline).days)


def overdue_to_handle(status: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Assigned, not answered, and the deadline has passed."""
    return status == "assigned" and deadline is not None and today > deadline


@dataclass(frozen=True)
class ItemText:
    content: str
    proposal: str


def _lines(text: str) -> list[str]:
    out = []
    for line in (text or "").splitlines():
        line = _BULLET.sub("", line).strip()
        if line:
            out.append(line)
    return out


def items_from_report(difficulties: str, proposals: str) -> list[ItemText]:
    """The items a report's difficulties and proposals become (see the module docstring); none when both are
    empty. A report with proposals and no difficulty gives one item whose content is the proposals."""
    d, p = _lines(difficulties), _lines(proposals)
    if not d and not p:
        return []
    if not d:
        return [ItemText(content="\n".join(p), proposal="")]
    if len(d) == len(p):
        return [ItemText(content=a, proposal=b) for a, b in zip(d, p)]
    if len(p) <= 1:
        first = p[0] if p else ""
        return [ItemText(content=a, proposal=first if i == 0 else "") for i, a in enumerate(d)]
    return [ItemText(content="\n".join(d), proposal="\n".join(p))]
