"""The Vietnamese working calendar: the holiday data, lunar dates and working-time arithmetic."""

import datetime as dt

import pytest

from dieuhanh.core.d766.workdays import (
    CalendarDay,
    WorkingCalendar,
    default_calendar,
    lunar_to_solar,
    read_holidays,
    statutory_holidays,
)

D = dt.date


@pytest.mark.parametrize(
    ("year", "tet", "hung_kings"),
    [(2020, D(2020, 1, 25), D(2020, 4, 2)), (2023, D(2023, 1, 22), D(2023, 4, 29)),
     (2024, D(2024, 2, 10), D(2024, 4, 18)), (2025, D(2025, 1, 29), D(2025, 4, 7)),
     (2026, D(2026, 2, 17), D(2026, 4, 26))],
)
def test_lunar_dates_of_known_years(year, tet, hung_kings):
    assert lunar_to_solar(1, 1, year) == tet
    assert lunar_to_solar(10, 3, year) == hung_kings


def test_the_vietnamese_lunar_calendar_is_computed_at_utc_plus_7():
    # Years where Tết in Viet Nam differs from the Chinese new year because the new moon falls near midnight.
    assert lunar_to_solar(1, 1, 1985) == D(1985, 1, 21)
    assert lunar_to_solar(1, 1, 2007) == D(2007, 2, 17)


def test_the_data_file_agrees_with_the_law_for_every_derived_and_rule_based_row():
    rows = read_holidays()
    assert {r.date.year for r in rows} == set(range(2020, 2031))
    for year in range(2020, 2031):
        derived = {(d.date, d.kind) for d in statutory_holidays(year)}
        filed = {(r.date, r.kind) for r in rows if r.date.year == year and r.kind in ("holiday", "compensatory")}
        assert filed == derived, year


def test_announced_tet_breaks():
    calendar = default_calendar()
    # Tết Bính Ngọ 2026: off from Saturday 14/02 to Sunday 22/02; Tết Ất Tỵ 2025: 25/01–02/02.
    for first, last in ((D(2026, 2, 14), D(2026, 2, 22)), (D(2025, 1, 25), D(2025, 2, 2))):
        assert calendar.is_working_day(first - dt.timedelta(days=1))
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        assert not any(calendar.is_working_day(d) for d in days)
        assert calendar.is_working_day(last + dt.timedelta(days=1))


def test_swapped_days_follow_the_announcement():
    calendar = default_calendar()
    assert not calendar.is_working_day(D(2025, 5, 2))  # Friday off
    assert calendar.is_working_day(D(2025, 4, 26))  # Saturday worked back
    assert calendar.working_days_between(D(2025, 4, 28), D(2025, 5, 5)) == 2  # Mon 28, Tue 29


def test_working_time_counts_24_hours_a_working_day_and_nothing_on_days_off():
    calendar = WorkingCalendar([CalendarDay(D(2025, 1, 8), "test", "holiday", "derived")])
    friday_4pm = dt.datetime(2025, 1, 3, 16)
    assert calendar.working_time(friday_4pm, dt.datetime(2025, 1, 6, 0)) == pytest.approx(8 / 24)
    assert calendar.working_time(dt.datetime(2025, 1, 4, 10), dt.datetime(2025, 1, 6, 12)) == 0.5  # from Saturday
    assert calendar.working_time(dt.datetime(2025, 1, 7, 12), dt.datetime(2025, 1, 9, 12)) == 1.0  # over the holiday
    assert calendar.add_working_days(D(2025, 1, 3), 2) == D(2025, 1, 7)
    assert calendar.add_working_days(D(2025, 1, 7), 1) == D(2025, 1, 9)
    with pytest.raises(ValueError):
        calendar.day_index(D(1999, 12, 31))
