"""On-track assessment against hand-computed cases, and roll-up per aggregation type."""

import datetime as dt

import pytest

from dieuhanh.core.indicators.aggregate import Aggregation, aggregate
from dieuhanh.core.indicators.on_track import Point, assess, projection
from dieuhanh.core.tasks.colours import Colour

D = dt.date
BASE = Point(D(2025, 12, 31), 20.0)  # digital economy share of GRDP, %, (illustrative baseline)
TARGET = Point(D(2030, 12, 31), 30.0)  # "30–40 %" by 2030: met at 30


def test_on_the_path_is_green():
    # 31/12/2027 is 40 % of the way in time (730 of 1826 days); 24 % is 40 % of the way in value.
    a = assess(baseline=BASE, target=TARGET, values=[Point(D(2027, 12, 31), 24.0)])
    assert a.colour is Colour.GREEN and a.reason == "on_path"
    assert a.expected_share == pytest.approx(100 * 730 / 1826) and a.achieved_share == pytest.approx(40.0)
    assert a.expected_value == pytest.approx(20 + 10 * 730 / 1826)


def test_behind_by_more_than_ten_points_is_orange_and_beyond_twenty_five_red():
    orange = assess(baseline=BASE, target=TARGET, values=[Point(D(2027, 12, 31), 22.5)])  # 25 % achieved vs 40 % expected
    red = assess(baseline=BASE, target=TARGET, values=[Point(D(2027, 12, 31), 21.0)])  # 10 % vs 40 %
    assert (orange.colour, orange.gap) == (Colour.ORANGE, pytest.approx(100 * 730 / 1826 - 25))
    assert red.colour is Colour.RED and red.reason == "far_behind"


def test_a_met_target_is_green_even_early():
    assert assess(baseline=BASE, target=TARGET, values=[Point(D(2026, 12, 31), 31.0)]).met


def test_lower_is_better_for_ranks():
    # Startup ecosystem: rank 110 in 2025, target top 100 by 2030.
    base, target = Point(D(2025, 6, 30), 110), Point(D(2030, 6, 30), 100)
    on_path = assess(baseline=base, target=target, values=[Point(D(2027, 6, 30), 106)], higher_is_better=False)
    worse = assess(baseline=base, target=target, values=[Point(D(2027, 6, 30), 115)], higher_is_better=False)
    assert on_path.colour is Colour.GREEN and on_path.achieved_share == pytest.approx(40.0)
    assert worse.colour is Colour.RED and worse.achieved_share == pytest.approx(-50.0)
    assert assess(baseline=base, target=target, values=[Point(D(2026, 6, 30), 99)], higher_is_better=False).met


def test_grey_without_what_it_needs():
    assert assess(baseline=BASE, target=None, values=[Point(D(2026, 1, 1), 21)]).reason == "no_target"
    assert assess(baseline=BASE, target=TARGET, values=[]).reason == "no_value"
    assert assess(baseline=None, target=TARGET, values=[Point(D(2026, 1, 1), 21)]).colour is Colour.GREY


def test_projection_is_a_least_squares_line():
    points = [Point(D(2025, 1, 1), 10), Point(D(2026, 1, 1), 12), Point(D(2027, 1, 1), 14)]
    assert projection(points, D(2030, 1, 1)) == pytest.approx(20.0, abs=0.02)
    a = assess(baseline=Point(D(2025, 1, 1), 10), target=Point(D(2030, 1, 1), 25), values=points)
    assert a.projected == pytest.approx(20.0, abs=0.02) and a.projected_meets is False
    assert projection(points[:1], D(2030, 1, 1)) is None


@pytest.mark.parametrize("how,expected", [
    (Aggregation.SUM, 60.0), (Aggregation.MEAN, 20.0), (Aggregation.MIN, 10.0), (Aggregation.MAX, 30.0),
])
def test_simple_aggregations_skip_missing_units_and_count_them(how, expected):
    rolled = aggregate([10.0, None, 20.0, 30.0], how)
    assert (rolled.value, rolled.reporting, rolled.missing) == (expected, 3, 1)


def test_weighted_mean_uses_the_weights_of_reporting_units():
    # On-time rates of three wards weighted by dossiers received: (0.9×100 + 0.5×300) ÷ 400 = 0.6.
    rolled = aggregate([0.9, 0.5, None], Aggregation.WEIGHTED_MEAN, weights=[100, 300, 50])
    assert rolled.value == pytest.approx(0.6) and (rolled.reporting, rolled.missing) == (2, 1)
    assert aggregate([0.9], Aggregation.WEIGHTED_MEAN, weights=[None]).reason == "no_weights"
    with pytest.raises(ValueError):
        aggregate([0.9], Aggregation.WEIGHTED_MEAN)


def test_none_means_no_rollup_and_no_values_means_no_value():
    assert aggregate([1.0, 2.0], Aggregation.NONE).reason == "not_aggregated"
    assert aggregate([None, None], Aggregation.SUM).reason == "no_values"
