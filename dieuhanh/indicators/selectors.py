"""Reading indicators: values (reported, computed by formula, rolled up), approval state, rule violations,
on-track assessment, a unit's scorecard and the "due and missing" list of a reporting round."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from dieuhanh.core.indicators.aggregate import Aggregation, Rolled, aggregate
from dieuhanh.core.indicators.formula import evaluate, parse
from dieuhanh.core.indicators.on_track import Assessment, Point, assess
from dieuhanh.core.common.periods import frequency_of, parse_period, period_containing
from dieuhanh.core.indicators.validation import Rule, Violation, check
from dieuhanh.core.tasks.colours import WarningRule
from dieuhanh.errors import NotFound
from dieuhanh.indicators.models import Approval, ApprovalStatus, Indicator, Target, TargetKind, ValidationRule, Value, ValueType
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import valid_on


def indicator_get(code: str) -> Indicator:
    indicator = Indicator.objects.select_related("owner", "communes_of", "weight_indicator").filter(code=code).first()
    if indicator is None:
        raise NotFound(f"indicator {code} not found")
    return indicator


def reporting_units(indicator: Indicator, *, on: dt.date | None = None) -> QuerySet[Unit]:
    """The units that report ``indicator`` on the day ``on`` (default today): its listed reporting units and the
    communes of its ``communes_of`` unit (or, with neither, its owner), each only while it exists on that day — a
    closed (merged) commune reports no more. The one rule for who reports: due lists, roll-ups and value entry
    (``reports_here``) all ask it."""
    q = Q(pk__in=indicator.reporting_units.values("pk"))
    if indicator.communes_of_id:
        q |= Q(kind="commune", path__startswith=indicator.communes_of.path)
    if not indicator.reporting_units.exists() and not indicator.communes_of_id:
        q |= Q(pk=indicator.owner_id)
    return Unit.objects.filter(q).filter(valid_on(on or timezone.localdate())).order_by("path")


def reports_here(indicator: Indicator, unit: Unit, *, on: dt.date | None = None) -> bool:
    """Does ``unit`` report ``indicator`` on the day ``on`` (default today)? See ``reporting_units``."""
    return reporting_units(indicator, on=on).filter(pk=unit.pk).exists()


def approved_periods(unit_ids, periods) -> set[tuple[int, str]]:
    return set(Approval.objects.filter(unit_id__in=unit_ids, period__in=periods, status=ApprovalStatus.APPROVED).values_list("unit_id", "period"))


@dataclass(frozen=True)
class Cell:
    """One number on a page: where it comes from and whether it is official."""

    value: float | None
    source: str  # reported, formula, rollup, none
    official: bool  # approved (for a formula or roll-up: every input approved)
    reason: str | None = None  # why there is no value
    reporting: int | None = None  # roll-up: units that reported
    missing: int | None = None  # roll-up: units that did not


def _reported(indicator_ids, unit_ids, periods, official_only: bool) -> dict[tuple[int, int, str], tuple[float | None, bool]]:
    rows = Value.objects.filter(indicator_id__in=indicator_ids, unit_id__in=unit_ids, period__in=periods).values_list(
        "indicator_id", "unit_id", "period", "value")
    approved = approved_periods(unit_ids, periods)
    out = {}
    for ind, unit, period, value in rows:
        official = (unit, period) in approved
        if official_only and not official:
            continue
        out[(ind, unit, period)] = (None if value is None else float(value), official)
    return out


def cell(indicator: Indicator, unit: Unit, period: str, *, official_only: bool = False, _depth: int = 0) -> Cell:
    """The value of ``indicator`` for ``unit`` and ``period``: reported, else computed by its formula over the
    same unit and period, else rolled up from the units below that report it."""
    if _depth > 20:
        return Cell(None, "none", False, "too_deep")
    if indicator.is_formula:
        formula = parse(indicator.formula)
        inputs = {i.code: i for i in Indicator.objects.filter(code__in=formula.references)}
        values, official = {}, True
        for code, ind in inputs.items():
            c = cell(ind, unit, period, official_only=official_only, _depth=_depth + 1)
            values[code] = c.value
            official = official and c.official
        result = evaluate(formula, values)
        return Cell(result.value, "formula", official and result.value is not None, result.reason)
    own = _reported([indicator.pk], [unit.pk], [period], official_only).get((indicator.pk, unit.pk, period))
    if own is not None:
        return Cell(own[0], "reported", own[1])
    below = list(reporting_units(indicator).filter(path__startswith=unit.path).exclude(pk=unit.pk))
    if not below:
        return Cell(None, "none", False, "not_reported")
    rolled = rollup(indicator, below, period, official_only=official_only)
    return Cell(rolled.value, "rollup", rolled.missing == 0 and rolled.value is not None, rolled.reason, rolled.reporting, rolled.missing)


def rollup(indicator: Indicator, units: list[Unit], period: str, *, official_only: bool = False) -> Rolled:
    ids = [u.pk for u in units]
    reported = _reported([indicator.pk], ids, [period], official_only)
    values = [reported.get((indicator.pk, u, period), (None, False))[0] for u in ids]
    weights = None
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN:
        w = _reported([indicator.weight_indicator_id], ids, [period], official_only)
        weights = [w.get((indicator.weight_indicator_id, u, period), (None, False))[0] for u in ids]
    return aggregate(values, Aggregation(indicator.aggregation), weights)


def series(indicator: Indicator, unit: Unit, *, official_only: bool = False, periods: list[str] | None = None) -> list[tuple[str, Cell]]:
    """The indicator's values for a unit over time (every period that has data, or the given periods)."""
    if periods is None:
        if indicator.is_formula:
            refs = parse(indicator.formula).references
            periods = sorted(set(Value.objects.filter(indicator__code__in=refs).values_list("period", flat=True)), key=lambda k: parse_period(k).end)
        else:
            below = reporting_units(indicator).filter(path__startswith=unit.path)
            periods = sorted(set(Value.objects.filter(indicator=indicator, unit__in=below).values_list("period", flat=True)),
                             key=lambda k: parse_period(k).end)
    cells = [(p, cell(indicator, unit, p, official_only=official_only)) for p in periods]
    if official_only:  # do not even reveal that unapproved periods exist
        cells = [(p, c) for p, c in cells if c.value is not None or c.official]
    return cells


def on_track(indicator: Indicator, unit: Unit, *, rule: WarningRule | None = None, official_only: bool = False) -> tuple[Assessment, Target | None, Target | None]:
    rule = rule or WarningRule.from_dict(settings.DIEUHANH_ON_TRACK_RULE)
    targets = list(Target.objects.filter(indicator=indicator, unit=unit).order_by("year"))
    baselines = [t for t in targets if t.kind == TargetKind.BASELINE]
    goals = [t for t in targets if t.kind == TargetKind.TARGET]
    points = [Point(parse_period(p).end, c.value) for p, c in series(indicator, unit, official_only=official_only) if c.value is not None]
    latest_day = max((p.day for p in points), default=dt.date.today())
    goal = next((t for t in goals if dt.date(t.year, 12, 31) >= latest_day), goals[-1] if goals else None)
    base = baselines[-1] if baselines else None
    near_end = None
    if goal is not None:  # a range is met at its near end: the low end going up, the high end going down
        near_end = float(goal.value if indicator.higher_is_better or goal.value_high is None else goal.value_high)
    assessment = assess(
        baseline=Point(dt.date(base.year, 12, 31), float(base.value)) if base else None,
        target=Point(dt.date(goal.year, 12, 31), near_end) if goal else None,
        values=points, higher_is_better=indicator.higher_is_better, rule=rule,
    )
    return assessment, base, goal


def violations_for(unit: Unit, period: str) -> list[Violation]:
    p = parse_period(period)
    codes_values = {code: (None if v is None else float(v)) for code, v in Value.objects.filter(unit=unit, period=period).values_list("indicator__code", "value")}
    before = period_containing(p.start - dt.timedelta(days=1), frequency_of(period))
    previous = {code: (None if v is None else float(v)) for code, v in Value.objects.filter(unit=unit, period=before.key).values_list("indicator__code", "value")}
    rules = [Rule(r.pk, r.indicator.code, r.kind, r.params, r.severity, r.message)
             for r in ValidationRule.objects.filter(active=True, indicator__code__in=codes_values).select_related("indicator")]
    percent = frozenset(Indicator.objects.filter(code__in=codes_values, value_type=ValueType.PERCENT).values_list("code", flat=True))
    return check(rules=rules, values=codes_values, previous=previous, percent_codes=percent)


@dataclass(frozen=True)
class Due:
    indicator: Indicator
    unit: Unit
    period: str
    value: Value | None
    approval: str


def due_and_missing(*, period: str, units: QuerySet[Unit] | None = None, period_type: str | None = None) -> list[Due]:
    """Every (indicator, unit) due in ``period`` with its value if entered: the reporting round's checklist."""
    p = parse_period(period)
    freq = period_type or frequency_of(p.key)
    indicators = Indicator.objects.filter(active=True, formula="", period_type=freq).select_related("owner", "communes_of")
    out = []
    values = {(v.indicator_id, v.unit_id): v for v in Value.objects.filter(period=p.key)}
    approvals = dict(Approval.objects.filter(period=p.key).values_list("unit_id", "status"))
    allowed = set(units.values_list("pk", flat=True)) if units is not None else None
    for ind in indicators:
        for unit in reporting_units(ind):
            if allowed is not None and unit.pk not in allowed:
                continue
            out.append(Due(ind, unit, p.key, values.get((ind.pk, unit.pk)), approvals.get(unit.pk, ApprovalStatus.OPEN)))
    return out
