"""Is an indicator on track to its target? The straight path, the gap, a trend projection and a colour.

The path runs straight from the baseline (value at a date) to the target (value at a date). On a day ``t``
the expected share of the way is the share of time elapsed; the achieved share is how far the latest value
has moved from the baseline toward the target:

    achieved % = 100 × (value − baseline) ÷ (target − baseline)      (for "lower is better", the same formula
    expected % = 100 × (t − baseline date) ÷ (target date − baseline date)   works because both differences flip)
    gap        = expected % − achieved %

The colour uses the same scale as task warnings (``core/tasks/colours.py``): green when the gap is at most
``green_gap`` points, orange up to ``red_gap``, red beyond; green as soon as the target is met; grey without a
baseline, a target or a value. A range target ("30–40 %") is met at its near end (30 for "higher is better").
The projection fits a least-squares line through the values so far and reads it at the target date; it is
reported beside the colour, not mixed into it, so the colour stays explainable in one sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from dieuhanh.core.tasks.colours import Colour, WarningRule


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float


@dataclass(frozen=True)
class Assessment:
    colour: Colour
    expected_share: float | None  # % of the way that should be covered by now
    achieved_share: float | None  # % of the way covered by the latest value
    gap: float | None  # expected − achieved, in percentage points
    expected_value: float | None  # the value the straight path gives for the latest value's date
    projected: float | None  # the trend line at the target date
    projected_meets: bool | None
    met: bool
    reason: str  # english code: met, on_path, behind, far_behind, no_baseline, no_target, no_value, no_time


def meets(value: float, target: float, *, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def _years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


def projection(points: Sequence[Point], at: dt.date) -> float | None:
    """Least-squares line through the points, read at ``at``; None with fewer than two distinct dates."""
    if len({p.day for p in points}) < 2:
        return None
    origin = min(p.day for p in points)
    xs = [_years(origin, p.day) for p in points]
    ys = [p.value for p in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my + slope * (_years(origin, at) - mx)


def assess(
    *,
    baseline: Point | None,
    target: Point | None,
    values: Sequence[Point],
    higher_is_better: bool = True,
    rule: WarningRule = WarningRule(),
) -> Assessment:
    """Assess the latest of ``values`` against the path from ``baseline`` to ``target``."""
    latest = max(values, key=lambda p: p.day) if values else None
    projected = projection(values, target.day) if target and values else None
    projected_meets = meets(projected, target.value, higher_is_better=higher_is_better) if projected is not None and target else None

    def grey(reason: str) -> Assessment:
        return Assessment(Colour.GREY, None, None, None, None, projected, projected_meets, False, reason)

    if target is None:
        return grey("no_target")
    if latest is None:
        return grey("no_value")
    if meets(latest.value, target.value, higher_is_better=higher_is_better):
        return Assessment(Colour.GREEN, None, 100.0, None, None, projected, projected_meets, True, "met")
    if baseline is None:
        return grey("no_baseline")
    if target.day <= baseline.day:
        return grey("no_time")
    span = (target.day - baseline.day).days
    expected_share = max(0.0, min(100.0, 100 * (latest.day - baseline.day).days / span))
    distance = target.value - baseline.value
    achieved_share = 100.0 if distance == 0 else 100 * (latest.value - baseline.value) / distance
    expected_value = baseline.value + distance * expected_share / 100
    gap = expected_share - achieved_share
    if gap <= rule.green_gap:
        colour, reason = Colour.GREEN, "on_path"
    elif gap <= rule.red_gap:
        colour, reason = Colour.ORANGE, "behind"
    else:
        colour, reason = Colour.RED, "far_behind"
    return Assessment(colour, expected_share, achieved_share, gap, expected_value, projected, projected_meets, False, reason)
