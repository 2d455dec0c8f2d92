"""Colour warnings and parent roll-up, including their edge cases."""

import datetime as dt

import pytest

from dieuhanh.core.tasks.rollup import Child, RollupRule, rollup
from dieuhanh.core.tasks.colours import Colour, WarningRule, colour, expected_progress

D = dt.date
START, DEADLINE = D(2026, 1, 1), D(2026, 12, 31)  # 364 days


def test_expected_progress_follows_elapsed_time():
    assert expected_progress(START, DEADLINE, D(2026, 7, 2)) == pytest.approx(100 * 182 / 364)
    assert expected_progress(START, DEADLINE, D(2025, 12, 1)) == 0
    assert expected_progress(START, DEADLINE, D(2027, 1, 1)) == 100


@pytest.mark.parametrize("progress,expected", [(50, Colour.GREEN), (40, Colour.GREEN), (39, Colour.ORANGE), (25, Colour.ORANGE), (24, Colour.RED)])
def test_colour_bands_at_mid_year(progress, expected):
    # At 02/07/2026 the expected progress is 50 %: green within 10 points, orange within 25, red beyond.
    assert colour(day=D(2026, 7, 2), start=START, deadline=DEADLINE, progress=progress) is expected


def test_grey_when_it_cannot_be_evaluated_yet():
    assert colour(day=D(2026, 7, 2), start=START, deadline=DEADLINE, progress=None) is Colour.GREY
    assert colour(day=D(2025, 12, 1), start=START, deadline=DEADLINE, progress=0) is Colour.GREY
    assert colour(day=D(2026, 7, 2), start=None, deadline=DEADLINE, progress=10) is Colour.GREY
    assert colour(day=D(2026, 7, 2), start=START, deadline=DEADLINE, progress=90, cancelled=True) is Colour.GREY


def test_past_deadline_without_completion_is_red_and_completion_is_green():
    assert colour(day=D(2027, 1, 1), start=START, deadline=DEADLINE, progress=99) is Colour.RED
    assert colour(day=D(2027, 1, 1), start=START, deadline=DEADLINE, progress=100, completed=True) is Colour.GREEN


def test_the_rule_is_configurable_and_checked():
    strict = WarningRule.from_dict({"green_gap": 0, "red_gap": 5, "unknown": 1})
    assert colour(day=D(2026, 7, 2), start=START, deadline=DEADLINE, progress=47, rule=strict) is Colour.ORANGE
    with pytest.raises(ValueError):
        WarningRule.from_dict({"green_gap": 30, "red_gap": 20})
    assert WarningRule.from_dict(None) == WarningRule()


def test_weighted_rollup():
    assert rollup([Child(100, 3), Child(0, 1)]) == 75.0


def test_mean_rollup_ignores_weights():
    assert rollup([Child(100, 3), Child(0, 1)], RollupRule.MEAN) == 50.0


def test_rollup_without_children_is_none():
    assert rollup([]) is None
    assert rollup([Child(50, cancelled=True)]) is None


def test_missing_weight_counts_as_one_and_missing_progress_as_zero():
    assert rollup([Child(90, None), Child(None, 2)]) == 30.0


def test_cancelled_children_are_left_out():
    assert rollup([Child(100, 1), Child(0, 5, cancelled=True)]) == 100.0


def test_all_zero_weights_fall_back_to_the_mean():
    assert rollup([Child(80, 0), Child(20, 0)]) == 50.0


def test_negative_weight_is_refused():
    with pytest.raises(ValueError):
        rollup([Child(80, -1)])
