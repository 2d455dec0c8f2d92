"""Working days in Viet Nam: the public-holiday calendar (kept as data) and working-time arithmetic.

The calendar is ``data/holidays_vn.csv`` (date, name_vi, kind, basis): public holidays of the Labour Code 2019
(Art. 112), the compensatory days off (nghỉ bù) when a holiday falls on a weekend, and the day swaps the Prime
Minister announces (a weekday off, ``swap_off``, worked back on a Saturday, ``swap_work``). A day is a
**working day** when it is Monday–Friday and not a holiday, compensatory or swapped-off day, or when it is a
``swap_work`` day. Outside the years the file covers only weekends are days off.

**Working time** (the clock for limits stated in working days): a working day counts as 24 hours, a weekend or
holiday as none. The position of an instant on that clock is ``index(day) + fraction of the day elapsed`` on a
working day and ``index(day)`` on a day off, where ``index(day)`` is the number of working days before ``day``
since ``EPOCH``. The working time between two instants is the difference of their positions, in days. So a
dossier received on a Saturday starts its clock at Monday 00:00, one received on a Friday at 16:00 has used
a third of a working day by midnight, and on a run of working days the clock is the calendar itself. The day of
receipt counts from the moment of receipt: units keep different office hours and the dossier log has none,
so there is no "received after hours" shift.

``working_calendar`` gives the index for every day as a table, which the Ibis metric definitions join on the
date (see ``metrics.py``); ``lunar_to_solar`` and ``statutory_holidays`` derive the rows of a year from the law
(Hồ Ngọc Đức's astronomical algorithm for the Vietnamese lunar calendar, time zone UTC+7), to extend the file
and to check it.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HOLIDAYS_CSV = Path(__file__).with_name("data") / "holidays_vn.csv"
EPOCH = dt.date(2000, 1, 1)  # the calendar table covers EPOCH up to, not including, HORIZON
HORIZON = dt.date(2041, 1, 1)
KINDS = ("holiday", "compensatory", "swap_off", "swap_work")
BASES = ("announced", "derived")
_DAY_OFF_KINDS = ("holiday", "compensatory", "swap_off")


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    name_vi: str
    kind: str  # one of KINDS
    basis: str  # "announced" (the government's notice) or "derived" (the Labour Code's rule, to confirm)


def read_holidays(path: Path = HOLIDAYS_CSV) -> list[CalendarDay]:
    """The rows of a holiday file (lines starting with ``#`` are notes); refuses unknown kinds and repeated dates."""
    days: list[CalendarDay] = []
    seen: set[dt.date] = set()
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        for number, row in enumerate(rows, start=1):
            day = CalendarDay(dt.date.fromisoformat(row["date"]), row["name_vi"].strip(), row["kind"], row["basis"])
            if day.kind not in KINDS or day.basis not in BASES:
                raise ValueError(f"{path.name} row {number}: kind must be one of {KINDS}, basis one of {BASES}")
            if day.date in seen:
                raise ValueError(f"{path.name} row {number}: {day.date} appears twice")
            seen.add(day.date)
            days.append(day)
    return days


class WorkingCalendar:
    """Working days and working time over [EPOCH, HORIZON) for a set of holiday rows."""

    def __init__(self, days: Iterable[CalendarDay]):
        self.days = tuple(sorted(days, key=lambda d: d.date))
        n = (HORIZON - EPOCH).days
        weekday = (np.arange(n) + EPOCH.weekday()) % 7
        working = weekday < 5
        for day in self.days:
            if EPOCH <= day.date < HORIZON:
                working[(day.date - EPOCH).days] = day.kind == "swap_work"
        self.working = working
        # index[i] = working days before day i; one extra entry so HORIZON itself has an index.
        self.index = np.concatenate([[0], np.cumsum(working)]).astype(np.int64)

    def _offset(self, day: dt.date) -> int:
        if not EPOCH <= day < HORIZON:
            raise ValueError(f"{day} is outside the working calendar ({EPOCH}–{HORIZON - dt.timedelta(days=1)})")
        return (day - EPOCH).days

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self.working[self._offset(day)])

    def day_index(self, day: dt.date) -> int:
        """Working days from EPOCH up to, not including, ``day``."""
        return int(self.index[self._offset(day)])

    def position(self, moment: dt.datetime) -> float:
        """Where ``moment`` falls on the working-time clock, in working days since EPOCH."""
        day = moment.date()
        elapsed = (moment - dt.datetime.combine(day, dt.time())).total_seconds() / 86_400
        return self.day_index(day) + (elapsed if self.is_working_day(day) else 0.0)

    def working_time(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working days (24 h each) between two moments; negative when ``end`` is before ``start``."""
        return self.position(end) - self.position(start)

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in [first, last): ``last``'s index minus ``first``'s."""
        return self.day_index(last) - self.day_index(first)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted); ``n`` ≥ 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        target = self.index[self._offset(day) + 1] + n  # the index just after the n-th working day
        return EPOCH + dt.timedelta(days=int(np.searchsorted(self.index, target)) - 1)

    def shift(self, days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """Vectorised ``numpy.busday_offset(days, n, roll="forward")`` on this calendar: the working day ``n``
        working days after ``days`` (rolled forward to a working day first; ``n`` may be negative)."""
        offsets = (np.asarray(days, dtype="datetime64[D]") - np.datetime64(EPOCH, "D")).astype(np.int64)
        if offsets.size and (offsets.min() < 0 or offsets.max() >= len(self.working)):
            raise ValueError("a day is outside the working calendar")
        target = self.index[offsets] + np.asarray(n, dtype=np.int64) + 1
        return np.datetime64(EPOCH, "D") + (np.searchsorted(self.index, target) - 1)

    def table(self) -> dict[str, list]:
        """Columns ``day`` (every date of the range and HORIZON), ``day_index`` and ``working`` for a table."""
        n = (HORIZON - EPOCH).days
        return {
            "day": [EPOCH + dt.timedelta(days=i) for i in range(n + 1)],
            "day_index": self.index.tolist(),
            "working": [*self.working.tolist(), False],
        }


@functools.cache
def default_calendar() -> WorkingCalendar:
    """The calendar of ``data/holidays_vn.csv``, read once."""
    return WorkingCalendar(read_holidays())


# ---------------------------------------------------------------------------------------------------
# Deriving a year's holidays from the law (to extend and to check the data file)


def _jd_from_date(day: dt.date) -> int:
    return day.toordinal() + 1_721_425


def _date_from_jd(jd: int) -> dt.date:
    return dt.date.fromordinal(jd - 1_721_425)


def _new_moon(k: int) -> float:
    """Julian day (UT) of the k-th new moon after 1 January 1900 (Meeus' series, as Hồ Ngọc Đức uses it)."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 -= 0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 -= 0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 -= 0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 -= 0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 += 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


def _new_moon_day(k: int, tz: float) -> int:
    return math.floor(_new_moon(k) + 0.5 + tz / 24)


def _sun_sector(jdn: int, tz: float) -> int:
    """Which twelfth of the ecliptic (0–11, 30° each from the vernal equinox) the sun is in at local midnight."""
    t = (jdn - 0.5 - tz / 24 - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    longitude = (l0 + dl) * dr
    longitude -= 2 * math.pi * math.floor(longitude / (2 * math.pi))
    return math.floor(longitude / math.pi * 6)


def _lunar_month_11(year: int, tz: float) -> int:
    """Julian day of the first day of the 11th lunar month (the one holding the winter solstice) of ``year``."""
    off = _jd_from_date(dt.date(year, 12, 31)) - 2415021
    k = math.floor(off / 29.530588853)
    day = _new_moon_day(k, tz)
    if _sun_sector(day, tz) >= 9:
        day = _new_moon_day(k - 1, tz)
    return day


def _leap_month_offset(a11: int, tz: float) -> int:
    k = math.floor((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i = 1
    arc = _sun_sector(_new_moon_day(k + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i, tz), tz)
        if arc == last or i >= 14:
            return i - 1


def lunar_to_solar(day: int, month: int, year: int, *, leap: bool = False, tz: float = 7.0) -> dt.date:
    """The solar date of a Vietnamese lunar date (day, month, year; ``leap`` for the intercalary month)."""
    if month < 11:
        a11, b11 = _lunar_month_11(year - 1, tz), _lunar_month_11(year, tz)
    else:
        a11, b11 = _lunar_month_11(year, tz), _lunar_month_11(year + 1, tz)
    k = math.floor(0.5 + (a11 - 2415021.076998695) / 29.530588853)
    off = (month - 11) % 12
    if b11 - a11 > 365:  # a leap year: 13 lunar months between the two 11th months
        leap_off = _leap_month_offset(a11, tz)
        leap_month = (leap_off - 2) % 12
        if leap and month != leap_month:
            raise ValueError(f"lunar year {year} has no leap month {month}")
        if leap or off >= leap_off:
            off += 1
    elif leap:
        raise ValueError(f"lunar year {year} has no leap month")
    return _date_from_jd(_new_moon_day(k + off, tz) + day - 1)


_TET_NAMES = {-1: "Tết Nguyên đán (ngày cuối năm âm lịch)", 0: "Tết Nguyên đán (mùng 1)",
              1: "Tết Nguyên đán (mùng 2)", 2: "Tết Nguyên đán (mùng 3)", 3: "Tết Nguyên đán (mùng 4)"}


def statutory_holidays(year: int) -> list[CalendarDay]:
    """The days off of ``year`` as the Labour Code 2019 (Art. 111–112) makes them, without announced swaps.

    Tết: the last day of the lunar year and the first four days of the new one; one falling on a Saturday moves
    to the working day before, on a Sunday to the working day after (the Government's usual choice). Quốc
    khánh: 2 September and the day next to it that makes the longest break (1 September on Tuesday, Wednesday,
    Friday or Saturday, 3 September on Monday, Thursday or Sunday; 2 September alone before 2021). Any other
    holiday on a weekend gives a compensatory day off on the next working day.
    """
    tet = lunar_to_solar(1, 1, year)
    fixed = [
        (dt.date(year, 1, 1), "Tết Dương lịch"),
        (lunar_to_solar(10, 3, year), "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
        (dt.date(year, 4, 30), "Ngày Chiến thắng (30/4)"),
        (dt.date(year, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
        (dt.date(year, 9, 2), "Quốc khánh (2/9)"),
    ]
    if year >= 2021:
        national = dt.date(year, 9, 2)
        adjacent = national + dt.timedelta(days=1 if national.weekday() in (0, 3, 6) else -1)
        fixed.append((adjacent, "Quốc khánh (ngày liền kề 2/9)"))
    off: dict[dt.date, CalendarDay] = {}
    tet_days = []
    for delta, name in _TET_NAMES.items():
        day = tet + dt.timedelta(days=delta)
        off[day] = CalendarDay(day, name, "holiday", "derived")
        tet_days.append(day)

    def is_off(day: dt.date) -> bool:
        return day.weekday() >= 5 or day in off

    for day in tet_days:  # a Tết day on a weekend moves to a working day next to the break
        if day.weekday() >= 5:
            step = -1 if day.weekday() == 5 else 1
            moved = day + dt.timedelta(days=step)
            while is_off(moved):
                moved += dt.timedelta(days=step)
            off[moved] = CalendarDay(moved, f"Nghỉ bù {off[day].name_vi}", "compensatory", "derived")
    for day, name in fixed:
        off[day] = CalendarDay(day, name, "holiday", "derived")
    for day, name in fixed:
        if day.weekday() >= 5:
            moved = day + dt.timedelta(days=1)
            while is_off(moved):
                moved += dt.timedelta(days=1)
            off[moved] = CalendarDay(moved, f"Nghỉ bù {name}", "compensatory", "derived")
    return sorted(off.values(), key=lambda d: d.date)
