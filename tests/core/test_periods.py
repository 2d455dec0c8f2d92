import datetime as dt

import pytest

from dieuhanh.core.common.periods import parse_period, period_containing, periods_between


def test_months_quarters_and_halves_know_their_days_and_vietnamese_labels():
    assert (parse_period("2026-02").end, parse_period("2026-02").label_vi) == (dt.date(2026, 2, 28), "Tháng 2/2026")
    q = parse_period("2026-Q2")
    assert (q.start, q.end, q.label_vi) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "Quý II/2026")
    assert parse_period("2026-H2").label_vi == "6 tháng cuối năm 2026"


def test_years_are_periods_too():
    y = parse_period("2026")
    assert (y.start, y.end, y.label_vi) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31), "Năm 2026")
    assert period_containing(dt.date(2026, 11, 22), "yearly").key == "2026"


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "26-06", "2026/06", "", "2026-"])
def test_bad_keys_are_refused(bad):
    with pytest.raises(ValueError):
        parse_period(bad)


def test_period_containing_and_ranges():
    assert period_containing(dt.date(2026, 11, 22), "quarterly").key == "2026-Q4"
    keys = [p.key for p in periods_between(dt.date(2025, 11, 15), dt.date(2026, 2, 1), "monthly")]
    assert keys == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert len(periods_between(dt.date(2025, 1, 1), dt.date(2026, 12, 31), "monthly")) == 24
