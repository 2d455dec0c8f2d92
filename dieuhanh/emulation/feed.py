"""Feeding the indicators module: the number of initiatives recognised, per reporting unit and period.

Which indicators are fed: ``settings.DIEUHANH_INITIATIVES_RECOGNISED_INDICATORS`` (codes; none by default). Each must be
a count indicator entered by hand (not a formula); any other is refused as not found, as the feed writes outside
``value_enter``'s rights. For every period of the indicator's type that overlaps the period asked for and has begun,
and every unit that reports it, the value is the number of initiatives addressed to that unit or a unit below it and
recognised (at any scope) from the period's first day up to its last day or today; ``provisional`` while the period
runs, ``final`` after. The same rules as the Decision 766 feed (``dossiers/services.py``): locked data is skipped,
values typed by hand are kept unless ``overwrite``, an unchanged value is not written again; each value is a
``value_set`` by the platform (``system:initiatives_feed``) with the source and the count's meaning in its comment.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from dieuhanh.access.policy import SystemActor
from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.dossiers.services import FeedResult, periods_to_feed
from dieuhanh.emulation.models import Initiative, InitiativeStatus
from dieuhanh.errors import Conflict, Invalid, NotFound, detail
from dieuhanh.indicators.models import Approval, ApprovalStatus, Indicator, ValueStatus, ValueType
from dieuhanh.indicators.models import Value as IndicatorValue
from dieuhanh.indicators.selectors import reporting_units
from dieuhanh.indicators.services import value_set

SOURCE = "initiatives register (recognised initiatives)"
FEED_ACTOR = SystemActor("initiatives_feed")


def fed_indicators() -> list[Indicator]:
    codes = list(getattr(settings, "DIEUHANH_INITIATIVES_RECOGNISED_INDICATORS", ()))
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes, active=True).select_related("owner")}
    return [found[c] for c in codes if c in found]


def _check_indicator(indicator: Indicator) -> None:
    if indicator.pk not in {i.pk for i in fed_indicators()}:
        raise NotFound(f"indicator {indicator.code} not found among the initiative indicators")
    problems = []
    if indicator.is_formula:
        problems.append(detail("indicator", "formula", indicator=indicator.code))
    if indicator.value_type != ValueType.COUNT:
        problems.append(detail("indicator", "not_count", indicator=indicator.code))
    if problems:
        raise Invalid("this indicator cannot take the count of initiatives", details=problems)


@action
def initiatives_feed(*, actor, indicator: Indicator, period: str, overwrite: bool = False) -> FeedResult:
    _check_indicator(indicator)
    today = timezone.localdate()
    result = FeedResult(indicator.code)
    units = list(reporting_units(indicator))
    for p in periods_to_feed(indicator, period, today):
        result.periods.append(p.key)
        end = min(p.end, today)
        status = ValueStatus.FINAL if p.end < today else ValueStatus.PROVISIONAL
        locked = set(Approval.objects.filter(unit__in=units, period=p.key).exclude(status=ApprovalStatus.OPEN).values_list("unit_id", flat=True))
        existing = {v.unit_id: v for v in IndicatorValue.objects.filter(indicator=indicator, unit__in=units, period=p.key)}
        recognised = list(Initiative.objects.filter(status=InitiativeStatus.RECOGNISED, decided_on__gte=p.start, decided_on__lte=end)
                          .values_list("unit__path", flat=True))
        for unit in units:
            if unit.pk in locked:
                result.skipped.append((unit.code, p.key, "locked"))
                continue
            value = Decimal(sum(1 for path in recognised if path.startswith(unit.path)))
            comment = f"Sáng kiến được công nhận từ {p.start:%d/%m/%Y} đến {end:%d/%m/%Y} (sổ theo dõi sáng kiến)"
            current = existing.get(unit.pk)
            if current is not None and current.value == value and current.status == status and current.source == SOURCE and current.comment == comment:
                result.unchanged.append((unit.code, p.key))
                continue
            if current is not None and (current.source != SOURCE or current.entered_by_id is not None) and not overwrite:
                result.manual.append((unit.code, p.key))
                continue
            try:
                value_set(actor=FEED_ACTOR, indicator=indicator, unit=unit, period=p.key, value=value, status=status, comment=comment,
                          source=SOURCE, expected_version=current.version if current else None)
            except Conflict as exc:
                if exc.code != "period_locked":
                    raise
                result.skipped.append((unit.code, p.key, "locked"))
                continue
            result.written.append((unit.code, p.key, value))
    if not result.written:
        nothing_changed()
        return result
    record(actor=actor, action="initiatives_feed", obj=indicator, unit=indicator.owner, object_type="indicator",
           changes={k: [None, v] for k, v in result.summary().items()}, note=f"{indicator.code} {', '.join(result.periods)}: {SOURCE}")
    return result
