"""The rules of calls (core/innovation/rules.py) against hand computation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.innovation import rules


@pytest.mark.parametrize("code", ["0312345678", "0312345678-001", " 0101243150 "])
def test_tax_codes_of_10_or_13_digits_are_taken(code):
    assert rules.check_tax_code(code) == code.strip()


@pytest.mark.parametrize("code", ["", "031234567", "03123456789", "0312345678-01", "0312345678001", "03123A5678", "0312345678_001"])
def test_other_tax_codes_are_refused(code):
    with pytest.raises(CoreError) as exc:
        rules.check_tax_code(code)
    assert exc.value.code == "invalid_tax_code"


def test_weights_must_add_up_to_100():
    rules.check_weights([50, 30, 20])
    with pytest.raises(CoreError) as exc:
        rules.check_weights([50, 30, 10])
    assert exc.value.code == "weights_not_100" and exc.value.params == {"total": 90}
    for bad in ([], [0, 100], [101, -1]):
        with pytest.raises(CoreError):
            rules.check_weights(bad)


def test_weighted_score_by_hand():
    # weights 50/30/20, scores 8/6/10 → (50×8 + 30×6 + 20×10) / 10 = (400 + 180 + 200) / 10 = 78
    assert rules.weighted_score({1: 50, 2: 30, 3: 20}, {1: 8, 2: 6, 3: 10}) == Decimal(78)
    # scores 7/7/3 → (350 + 210 + 60) / 10 = 62
    assert rules.weighted_score({1: 50, 2: 30, 3: 20}, {1: 7, 2: 7, 3: 3}) == Decimal(62)


def test_scores_must_cover_every_criterion_within_0_to_10():
    rules.check_scores([1, 2], {1: 0, 2: 10})
    for bad in ({1: 5}, {1: 5, 2: 5, 3: 5}, {1: 11, 2: 5}, {1: -1, 2: 5}):
        with pytest.raises(CoreError):
            rules.check_scores([1, 2], bad)


def test_ranking_by_mean_score_with_shared_ranks_and_earlier_submission_first():
    # A: (78 + 62) / 2 = 70; B: 70.00 alone; C: (90 + 81) / 2 = 85.5; D: no evaluation → not ranked
    ranked = rules.rank([("A", 0, [Decimal(78), Decimal(62)]), ("B", 1, [Decimal(70)]), ("C", 2, [Decimal(90), Decimal(81)]),
                         ("D", 3, [])])
    assert [(r.key, r.score, r.rank) for r in ranked] == [("C", Decimal("85.50"), 1), ("A", Decimal("70.00"), 2),
                                                          ("B", Decimal("70.00"), 2)]


def test_mean_is_rounded_half_up_at_the_end_only():
    # (66.5 + 66.6 + 66.6) / 3 = 66.5666… → 66.57
    assert rules.proposal_score([Decimal("66.5"), Decimal("66.6"), Decimal("66.6")]) == Decimal("66.57")
    assert rules.proposal_score([]) is None
