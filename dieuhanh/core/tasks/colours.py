"""Colour warnings for tasks (HCMC "Hệ thống quản trị thực thi", 2023).

Red: at risk of missing the plan; orange: progressing; green: expected to meet the plan; grey: cannot be
evaluated yet. The rule compares the progress reported with the progress expected from the time elapsed:

    expected = 100 × (date − start) ÷ (deadline − start), clamped to 0…100
    gap      = expected − reported progress

green when ``gap ≤ green_gap``, orange when ``gap ≤ red_gap``, red otherwise or when the deadline has passed
without completion; grey before the start, without a start or deadline, or before the first approved report.
A completed task is green; a cancelled one grey. The thresholds are data (``WarningRule``), configurable per
plan, with these defaults.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from enum import Enum

from dieuhanh.core.common.errors import CoreError


class Colour(str, Enum):
    RED = "red"
    ORANGE = "orange"
    GREEN = "green"
    GREY = "grey"


@dataclass(frozen=True)
class WarningRule:
    green_gap: float = 10.0  # percentage points behind schedule still counted as on track
    red_gap: float = 25.0  # beyond this many points behind schedule: at risk
    due_soon_days: int = 7  # reminders: "due soon" this many days before the deadline

    @classmethod
    def from_dict(cls, data: dict | None) -> WarningRule:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        rule = cls(**known)
        if not 0 <= rule.green_gap <= rule.red_gap <= 100:
            raise CoreError("warning_gaps_order", green_gap=rule.green_gap, red_gap=rule.red_gap)
        if rule.due_soon_days < 0:
            raise CoreError("due_soon_negative", due_soon_days=rule.due_soon_days)
        return rule

    def to_dict(self) -> dict:
        return asdict(self)


def expected_progress(start: dt.date, deadline: dt.date, day: dt.date) -> float:
    if deadline <= start:
        return 100.0 if day >= deadline else 0.0
    return max(0.0, min(100.0, 100.0 * (day - start).days / (deadline - start).days))


def colour(
    *,
    day: dt.date,
    start: dt.date | None,
    deadline: dt.date | None,
    progress: float | None,
    completed: bool = False,
    cancelled: bool = False,
    rule: WarningRule = WarningRule(),
) -> Colour:
    if cancelled:
        return Colour.GREY
    if completed:
        return Colour.GREEN
    if deadline is not None and day > deadline:
        return Colour.RED
    if start is None or deadline is None or day < start or progress is None:
        return Colour.GREY
    gap = expected_progress(start, deadline, day) - progress
    if gap <= rule.green_gap:
        return Colour.GREEN
    if gap <= rule.red_gap:
        return Colour.ORANGE
    return Colour.RED
