"""The calls' figures fed into the indicators module, as values with their source (the pattern of
``dossiers.services.on_time_feed``).

Two measures, each for the city (the unit ``units.selectors.city_code()``) and a year:

- ``solved``: ordered problems (kind ``problem``) whose acceptance (nghiệm thu) passed in the year and that are
  accepted or in use now;
- ``in_use``: ordered problems in use whose first adoption began by the end of the year.

Which indicator takes which measure: ``settings.DIEUHANH_INNOVATION_INDICATORS`` (``{"solved": code, "in_use": code}``,
none by default); any other indicator is refused as not found (the feed writes outside ``value_enter``'s rights). The
indicator must be a yearly count or number entered by hand. Values are written by the platform
(``system:innovation_feed``) with ``source`` = ``SOURCE`` and a comment saying what was counted; ``provisional``
while the year runs, ``final`` after. A value typed by a person, or locked (submitted, approved), is left as it is
and said so; an equal value is not written again. The run is audited on the indicator under its starter's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from dieuhanh.access.policy import SystemActor
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.errors import Invalid, NotFound, detail
from dieuhanh.indicators.models import Approval, ApprovalStatus, Indicator, ValueStatus
from dieuhanh.indicators.models import Value as IndicatorValue
from dieuhanh.indicators.services import value_set
from dieuhanh.innovation.models import Call, Kind, Stage
from dieuhanh.units.selectors import city_code, unit_get

SOURCE = "Ordered problems register (đặt hàng bài toán)"
FEED_ACTOR = SystemActor("innovation_feed")
MEASURES = ("solved", "in_use")
FEEDABLE = ("count", "number")


@dataclass
class FeedResult:
    indicator: str
    period: str
    value: Decimal
    outcome: str  # written | unchanged | manual | locked


def measure_value(measure: str, year: int) -> int:
    """The count of ``measure`` for ``year`` (see the module docstring)."""
    problems = Call.objects.filter(kind=Kind.PROBLEM)
    if measure == "solved":
        return problems.filter(stage__in=(Stage.ACCEPTED, Stage.IN_USE), acceptance_on__year=year).count()
    end = dt.date(year, 12, 31)
    return (problems.filter(stage=Stage.IN_USE).annotate(first=Min("adoptions__since")).filter(first__lte=end).count())


def _configured(indicator: Indicator, measure: str) -> None:
    wanted = dict(getattr(settings, "DIEUHANH_INNOVATION_INDICATORS", {}) or {})
    if measure not in MEASURES or wanted.get(measure) != indicator.code:
        raise NotFound(f"indicator {indicator.code} is not fed with {measure}")
    if indicator.is_formula or indicator.value_type not in FEEDABLE or indicator.period_type != "yearly":
        raise Invalid("this indicator cannot take the count", code="calls_not_feedable",
                      details=[detail("indicator", "calls_not_feedable", indicator=indicator.code)])


@action
def calls_feed(*, actor, indicator: Indicator, measure: str, year: int, today: dt.date | None = None) -> FeedResult:
    """Write the city's ``measure`` of ``year`` into ``indicator``."""
    _configured(indicator, measure)
    today = today or timezone.localdate()
    city, period = unit_get(city_code()), str(year)
    value = Decimal(measure_value(measure, year))
    status = ValueStatus.FINAL if dt.date(year, 12, 31) < today else ValueStatus.PROVISIONAL
    label = "bài toán đặt hàng đã nghiệm thu đạt" if measure == "solved" else "giải pháp từ bài toán đặt hàng đang được áp dụng"
    comment = f"{value} {label} (năm {year}), theo sổ đặt hàng bài toán"
    current = IndicatorValue.objects.filter(indicator=indicator, unit=city, period=period).first()
    locked = Approval.objects.filter(unit=city, period=period).exclude(status=ApprovalStatus.OPEN).exists()
    if locked:
        outcome = "locked"
    elif current is not None and (current.source != SOURCE or current.entered_by_id is not None):
        outcome = "manual"
    elif current is not None and (current.value, current.status, current.comment) == (value, status, comment):
        outcome = "unchanged"
    else:
        value_set(actor=FEED_ACTOR, indicator=indicator, unit=city, period=period, value=value, status=status, comment=comment,
                  source=SOURCE, expected_version=current.version if current else None)
        outcome = "written"
    if outcome == "written":
        record(actor=actor, action="calls_feed", obj=indicator, unit=indicator.owner, object_type="indicator",
               changes={"value": [None, str(value)]}, note=f"{indicator.code} {period} {measure}: {SOURCE}")
    else:
        nothing_changed()
    return FeedResult(indicator.code, period, value, outcome)
