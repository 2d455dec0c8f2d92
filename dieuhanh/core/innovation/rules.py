"""The rules of calls for solutions (đặt hàng bài toán, support programmes), framework-free.

- **Criteria weights**: whole percentages, each 1–100, summing to exactly 100 (``check_weights``).
- **Tax or registration code** (mã số thuế): 10 digits, or 10 digits, a hyphen and 3 digits for a dependent unit
  (``NNNNNNNNNN`` or ``NNNNNNNNNN-NNN``, ``check_tax_code``); spaces around are ignored.
- **Scores**: each evaluator gives every criterion a score from 0 to 10 (``SCORE_MAX``). One evaluation's weighted
  score is Σ weightᵢ × scoreᵢ / 10, on 0–100 (``weighted_score``). A proposal's score is the plain mean of the
  weighted scores of the evaluations handed in on it (evaluators who declared a conflict give none), rounded to two
  decimals at the end only (``proposal_score``).
- **Ranking** (``rank``): by score, highest first; a proposal with no evaluation is not ranked; equal scores share a
  rank (1, 2, 2, 4 — "competition ranking"), and among equals the earlier submission is listed first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dieuhanh.core.common.errors import CoreError

SCORE_MAX = 10
WEIGHT_TOTAL = 100
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
_CENT = Decimal("0.01")


def check_tax_code(value: str) -> str:
    """The code as stored (trimmed), or ``CoreError("invalid_tax_code")``."""
    code = (value or "").strip()
    if not _TAX_CODE.match(code):
        raise CoreError("invalid_tax_code", value=code[:40])
    return code


def check_weights(weights: Sequence[int]) -> None:
    """``CoreError`` unless there is at least one criterion, each weight 1–100 and the total exactly 100."""
    if not weights:
        raise CoreError("criteria_required")
    if any(not isinstance(w, int) or w < 1 or w > WEIGHT_TOTAL for w in weights):
        raise CoreError("invalid_weight")
    if sum(weights) != WEIGHT_TOTAL:
        raise CoreError("weights_not_100", total=sum(weights))


def check_scores(criteria: Iterable[int], scores: Mapping[int, int]) -> None:
    """Every criterion (by id) scored once, each a whole number 0–10, and nothing else."""
    wanted = set(criteria)
    if set(scores) != wanted:
        raise CoreError("scores_incomplete")
    if any(not isinstance(s, int) or s < 0 or s > SCORE_MAX for s in scores.values()):
        raise CoreError("invalid_score", maximum=SCORE_MAX)


def weighted_score(weights: Mapping[int, int], scores: Mapping[int, int]) -> Decimal:
    """Σ weightᵢ × scoreᵢ / 10 over the criteria (ids), exact."""
    return sum((Decimal(weights[c]) * Decimal(scores[c]) for c in weights), Decimal(0)) / SCORE_MAX


def proposal_score(evaluations: Sequence[Decimal]) -> Decimal | None:
    """The mean of the evaluations' weighted scores, to two decimals (half up); ``None`` without any."""
    if not evaluations:
        return None
    return (sum(evaluations, Decimal(0)) / len(evaluations)).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ranked:
    key: int
    score: Decimal
    rank: int
    evaluations: int


def rank(items: Iterable[tuple[int, int, Sequence[Decimal]]]) -> list[Ranked]:
    """``items``: (key, submission order, the weighted scores of its evaluations) → the ranked ones, best first."""
    scored = [(key, order, proposal_score(list(ev)), len(ev)) for key, order, ev in items]
    scored = sorted((s for s in scored if s[2] is not None), key=lambda s: (-s[2], s[1]))
    out: list[Ranked] = []
    for i, (key, _order, score, n) in enumerate(scored):
        position = out[-1].rank if out and out[-1].score == score else i + 1
        out.append(Ranked(key, score, position, n))
    return out
