"""Rolling an indicator up the unit hierarchy: the city's value from its wards' values.

Each indicator says how its values combine across units: ``sum`` (start-ups, dossiers), ``mean`` (a rate whose
units weigh the same), ``weighted_mean`` (a rate weighted by another quantity, e.g. dossiers received),
``min``/``max`` (the weakest or strongest unit), or ``none`` (a city-only figure such as a rank: no roll-up).
Units without a value are left out and counted, so a total over 150 of 168 wards says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Aggregation(str, Enum):
    SUM = "sum"
    MEAN = "mean"
    WEIGHTED_MEAN = "weighted_mean"
    MIN = "min"
    MAX = "max"
    NONE = "none"


@dataclass(frozen=True)
class Rolled:
    value: float | None
    reporting: int  # units that contributed a value
    missing: int  # units expected to report that did not
    reason: str | None = None  # why there is no value: not_aggregated, no_values, no_weights


def aggregate(values: Sequence[float | None], how: Aggregation, weights: Sequence[float | None] | None = None) -> Rolled:
    """Combine one value per unit (``None`` = not reported); ``weights`` line up with ``values`` for weighted means."""
    present = [(i, v) for i, v in enumerate(values) if v is not None]
    missing = len(values) - len(present)
    if how is Aggregation.NONE:
        return Rolled(None, len(present), missing, "not_aggregated")
    if not present:
        return Rolled(None, 0, missing, "no_values")
    nums = [v for _, v in present]
    if how is Aggregation.SUM:
        return Rolled(sum(nums), len(nums), missing)
    if how is Aggregation.MEAN:
        return Rolled(sum(nums) / len(nums), len(nums), missing)
    if how is Aggregation.MIN:
        return Rolled(min(nums), len(nums), missing)
    if how is Aggregation.MAX:
        return Rolled(max(nums), len(nums), missing)
    if how is Aggregation.WEIGHTED_MEAN:
        if weights is None or len(weights) != len(values):
            raise ValueError("a weighted mean needs one weight per value")
        pairs = [(v, weights[i]) for i, v in present if weights[i] is not None and weights[i] > 0]
        total = sum(w for _, w in pairs)
        if not pairs or total == 0:
            return Rolled(None, len(present), missing, "no_weights")
        return Rolled(sum(v * w for v, w in pairs) / total, len(pairs), missing + len(present) - len(pairs))
    raise ValueError(f"unknown aggregation {how!r}")
