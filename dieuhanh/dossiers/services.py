"""Writes that start from the dossier logs: the on-time rate (Decision 766 indicator 2.1) fed into the matching
indicator of the indicators module, for each reporting unit and period.

Which indicators are fed: ``settings.DIEUHANH_D766_ON_TIME_INDICATORS`` (codes; the demo's ward and city
on-time indicators by default). Each must be a percent indicator entered by hand (not a formula). For every
period of the indicator's own period type (month, quarter, half-year or year) that overlaps the period asked
for, and every unit that reports it, the value is the 2.1 rate × 100 (two decimals) of the dossiers of the agencies
at or below the unit (a ward: its own; the city: all of its wards and departments, pooled), computed up to today;
``provisional`` while the period is still running, ``final`` once it has ended.

Only the configured on-time indicators are fed: any other indicator, even a percent one, is refused as not found
(the feed writes outside ``value_enter``'s rights, so it must not reach indicators that are not its own).

Never overwrites locked data: a unit whose data for the period is submitted or approved is reported as skipped and
left as it is. Never overwrites a value somebody typed (any value whose source is not ``SOURCE``, or last entered by a person,
draft or not): it is reported as ``manual`` ("nhập tay") and left as it is, unless the caller asks for ``overwrite`` (the same
authorisation applies; the run's audit event says so). Idempotent: a value already equal (number, status, source
and comment) is not written again, so a re-run writes nothing and records nothing. Each written value is its own ``value_set`` (audited, by the platform
as ``system:dossiers_feed``, since the number comes from the logs, not from a person); the run itself is audited
on the indicator under the name of whoever started it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


from dieuhanh.access.policy import SystemActor
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.core.common.periods import ParseError, Period, parse_period, periods_between
from dieuhanh.dossiers import selectors
from dieuhanh.core.common.numerals import format_number
from dieuhanh.errors import Conflict, Invalid, NotFound, detail
from dieuhanh.indicators.models import Approval, ApprovalStatus, Indicator, ValueStatus, ValueType
from dieuhanh.indicators.models import Value as IndicatorValue
from dieuhanh.indicators.selectors import reporting_units
from dieuhanh.indicators.services import value_set

SOURCE = "Decision 766 dossier logs"
DEFAULT_ON_TIME_INDICATORS = selectors.DEFAULT_ON_TIME_INDICATORS
FEED_ACTOR = SystemActor("dossiers_feed")
_CENT = Decimal("0.01")


on_time_indicators = selectors.on_time_indicators  # a read: it lives in selectors (kept here for the demo's import)


@dataclass
class FeedResult:
    indicator: str
    periods: list[str] = field(default_factory=list)
    written: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (unit code, period, value)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (unit code, period, approval status)
    manual: list[tuple[str, str]] = field(default_factory=list)  # values typed by hand, left as they are
    no_data: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"written": len(self.written), "unchanged": len(self.unchanged), "skipped": len(self.skipped),
                "manual": len(self.manual), "no_data": len(self.no_data)}


def periods_to_feed(indicator: Indicator, period: str, as_of: dt.date) -> list[Period]:
    """The periods of the indicator's type that overlap ``period`` and have begun by ``as_of``."""
    try:
        asked = parse_period(period)
    except ParseError as exc:  # the feed's form: back to it with the parser's message
        raise Invalid(str(exc), code=exc.code, params=exc.params, details=[detail("period", exc.code, **exc.params)]) from None
    selectors.check_within_calendar(asked.start, asked.end, "period")
    return [p for p in periods_between(asked.start, asked.end, indicator.period_type) if p.start <= as_of]


def _check_indicator(indicator: Indicator) -> None:
    if indicator.pk not in {i.pk for i in on_time_indicators()}:
        # Answered like a missing indicator: the feed must not write into one that is not configured for it.
        raise NotFound(f"indicator {indicator.code} not found among the on-time indicators")
    problems = []
    if indicator.is_formula:
        problems.append(detail("indicator", "formula", indicator=indicator.code))
    if indicator.value_type != ValueType.PERCENT:
        problems.append(detail("indicator", "not_percent", indicator=indicator.code))
    if problems:
        raise Invalid("this indicator cannot take the on-time rate", code="not_feedable", details=problems)


def _typed_by_hand(value: IndicatorValue) -> bool:
    """Not the feed's own number: another source, or last entered by a person (the feed writes as the platform)."""
    return value.source != SOURCE or value.entered_by_id is not None


@action
def on_time_feed(*, actor, indicator: Indicator, period: str, as_of: dt.date | None = None,
                 overwrite: bool = False) -> FeedResult:
    """Write the Decision 766 on-time rate (2.1) of every reporting unit of ``indicator`` for the periods of its
    type that overlap ``period`` (see the module docstring for the rules); ``overwrite`` replaces values typed by
    hand too (never locked ones)."""
    _check_indicator(indicator)
    as_of = as_of or selectors.today()
    result = FeedResult(indicator.code)
    units = list(reporting_units(indicator))
    by_id = {u.pk: u for u in units}
    for p in periods_to_feed(indicator, period, as_of):
        result.periods.append(p.key)
        span = selectors.Span(p.start, min(p.end, as_of), p.key, p.end)
        rates = selectors.rates_for_units(units, span)
        status = ValueStatus.FINAL if p.end < as_of else ValueStatus.PROVISIONAL
        locked = dict(Approval.objects.filter(unit__in=units, period=p.key).exclude(status=ApprovalStatus.OPEN)
                      .values_list("unit_id", "status"))
        existing = {v.unit_id: v for v in IndicatorValue.objects.filter(indicator=indicator, unit__in=units, period=p.key)}
        for unit_id, unit in by_id.items():
            row = rates.get(unit.code)
            if row is None or row.get("r_2_1") is None:
                result.no_data.append((unit.code, p.key))
                continue
            if unit_id in locked:
                result.skipped.append((unit.code, p.key, locked[unit_id]))
                continue
            n = int(row["n_in_2_1"])
            on_time = round(row["r_2_1"] * n)
            value = (Decimal(on_time) * 100 / Decimal(n)).quantize(_CENT, rounding=ROUND_HALF_UP)
            comment = (f"{format_number(Decimal(on_time))} / {format_number(Decimal(n))} hồ sơ đúng hạn, trong hạn (Quyết định 766, chỉ tiêu 2.1), "
                       f"tính đến ngày {span.end:%d/%m/%Y}")
            current = existing.get(unit_id)
            if (current is not None and current.value == value and current.status == status and current.source == SOURCE
                    and current.comment == comment):
                result.unchanged.append((unit.code, p.key))
                continue
            if current is not None and _typed_by_hand(current) and not overwrite:
                result.manual.append((unit.code, p.key))
                continue
            try:
                value_set(actor=FEED_ACTOR, indicator=indicator, unit=unit, period=p.key, value=value, status=status,
                          comment=comment, source=SOURCE, expected_version=current.version if current else None)
            except Conflict as exc:
                if exc.code != "period_locked":
                    raise
                result.skipped.append((unit.code, p.key, "locked"))
                continue
            result.written.append((unit.code, p.key, value))
    if not result.written:
        nothing_changed()
        return result
    summary = result.summary()
    record(actor=actor, action="on_time_feed", obj=indicator, unit=indicator.owner, object_type="indicator",
           changes={k: [None, v] for k, v in summary.items()},
           note=f"{indicator.code} {', '.join(result.periods)}: {SOURCE}"
                + (" (overwriting values typed by hand)" if overwrite else ""))
    return result
