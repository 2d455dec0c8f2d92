"""Decree 09/2019 reporting periods (Article 12), against dates written out by hand from the decree's text."""
import datetime as dt

import pytest

from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.reports.periods import reporting_period

D = dt.date


@pytest.mark.parametrize(("key", "start", "end"), [
    ("2026-11", D(2026, 10, 15), D(2026, 11, 14)),  # tháng 11: 15/10 – 14/11
    ("2026-01", D(2025, 12, 15), D(2026, 1, 14)),  # January starts in December of the year before
    ("2026-03", D(2026, 2, 15), D(2026, 3, 14)),
    ("2026-Q1", D(2025, 12, 15), D(2026, 3, 14)),  # quý I: 15/12 năm trước – 14/03
    ("2026-Q4", D(2026, 9, 15), D(2026, 12, 14)),  # quý IV: 15/09 – 14/12 (September is the month before the quarter)
    ("2026-H1", D(2025, 12, 15), D(2026, 6, 14)),  # 6 tháng đầu năm: 15/12 năm trước – 14/06
    ("2026-H2", D(2026, 6, 15), D(2026, 12, 14)),  # 6 tháng cuối năm: 15/06 – 14/12
    ("2026", D(2025, 12, 15), D(2026, 12, 14)),  # năm: 15/12 năm trước – 14/12
])
def test_periods_run_from_the_15th_to_the_14th(key, start, end):
    period = reporting_period(key)
    assert (period.start, period.end) == (start, end)


def test_a_period_is_over_the_day_after_the_14th():
    november = reporting_period("2026-11")
    assert not november.ended_by(D(2026, 11, 14))
    assert november.ended_by(D(2026, 11, 15))


def test_consecutive_months_leave_no_gap_and_no_overlap():
    october, november = reporting_period("2026-10"), reporting_period("2026-11")
    assert november.start - october.end == dt.timedelta(days=1)


@pytest.mark.parametrize("key", ["2026-13", "Q4", "", "2026-Q5"])
def test_a_key_that_is_no_period_is_refused(key):
    with pytest.raises(CoreError):
        reporting_period(key)
