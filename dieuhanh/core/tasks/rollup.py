"""Parent progress from its children, by the rule the plan chooses.

- ``weighted``: Σ(progressᵢ × weightᵢ) ÷ Σ weightᵢ. A child without a weight counts with weight 1; when all
  weights are zero the plain mean is used (a parent cannot be "0 % of nothing").
- ``mean``: the plain mean of the children's progress.

Cancelled children are left out of both; a child without any progress counts as 0 %. A parent with no
(remaining) children has no rolled-up progress (``None``): its own reports stand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from dieuhanh.core.common.errors import CoreError


class RollupRule(str, Enum):
    WEIGHTED = "weighted"
    MEAN = "mean"


@dataclass(frozen=True)
class Child:
    progress: float | None
    weight: float | None = None
    cancelled: bool = False


def rollup(children: Iterable[Child], rule: RollupRule = RollupRule.WEIGHTED) -> float | None:
    active = [c for c in children if not c.cancelled]
    if not active:
        return None
    values = [c.progress or 0.0 for c in active]
    if rule is RollupRule.WEIGHTED:
        weights = [1.0 if c.weight is None else float(c.weight) for c in active]
        if any(w < 0 for w in weights):
            raise CoreError("negative_weight")
        total = sum(weights)
        if total > 0:
            return round(sum(v * w for v, w in zip(values, weights)) / total, 2)
    return round(sum(values) / len(values), 2)
