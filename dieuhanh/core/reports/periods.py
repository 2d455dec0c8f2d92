"""Reporting periods of Decree 09/2019/NĐ-CP (chế độ báo cáo của cơ quan hành chính nhà nước), Article 12: the
figures of a periodic report are closed ("thời gian chốt số liệu") from the 15th of one month to the 14th of another:

- monthly (tháng M): from the 15th of the month before M to the 14th of M;
- quarterly (quý Q): from the 15th of the month before the quarter to the 14th of its last month;
- six months (6 tháng đầu năm, H1): from 15 December of the year before to 14 June; the last six months (H2): from
  15 June to 14 December;
- yearly (năm): from 15 December of the year before to 14 December.

Period keys are the platform's (``core/common/periods.py``): ``2026-11``, ``2026-Q4``, ``2026-H1``, ``2026``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dieuhanh.core.common.periods import frequency_of, parse_period

CLOSE_DAY = 14  # the last day of a period is the 14th; the next one starts on the 15th


@dataclass(frozen=True)
class ReportingPeriod:
    key: str
    start: dt.date
    end: dt.date
    label_vi: str

    def ended_by(self, day: dt.date) -> bool:
        """Whether the period is over on ``day`` (a round for a period not over is provisional: tạm tính)."""
        return day > self.end


def _fifteenth_before(year: int, month: int) -> dt.date:
    """The 15th of the month before ``month`` of ``year``."""
    return dt.date(year - 1, 12, 15) if month == 1 else dt.date(year, month - 1, 15)


def reporting_period(key: str) -> ReportingPeriod:
    """The Decree 09 period of a period key; ``invalid_period`` (CoreError) for a key that is not one."""
    calendar_period = parse_period(key)
    frequency = frequency_of(calendar_period.key)
    first, last = calendar_period.start, calendar_period.end
    if frequency == "half_yearly" and first.month == 7:  # H2: 15/06 – 14/12
        start = dt.date(first.year, 6, 15)
    else:
        start = _fifteenth_before(first.year, first.month)
    end = dt.date(last.year, last.month, CLOSE_DAY)
    return ReportingPeriod(calendar_period.key, start, end, calendar_period.label_vi)
