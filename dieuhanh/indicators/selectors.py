"""Reading indicators: values (reported, computed by formula, rolled up), approval state, rule violations,
on-track assessment, a unit's scorecard and the "due and missing" list of a reporting round."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from dieuhanh.core.indicators.aggregate import Aggregation, Rolled, aggregate
from dieuhanh.core.indicators.formula import evaluate, parse
from dieuhanh.core.indicators.on_track import Assessment, Point, assess
from dieuhanh.core.common.periods import frequency_of, parse_period, period_containing
from dieuhanh.core.common.text import collation_key
from dieuhanh.core.indicators.validation import Rule, Violation, check
from dieuhanh.core.tasks.colours import WarningRule
from dieuhanh.errors import NotFound
from dieuhanh.messages import render
from dieuhanh.indicators.models import Approval, ApprovalStatus, Indicator, Target, TargetKind, ValidationRule, Value, ValueType
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import valid_on


def indicators_active(*, kind: str | None = None, q: str = "") -> QuerySet[Indicator]:
    """The catalogue: active indicators by kind and code; ``q`` keeps those whose name or code holds every word."""
    qs = Indicator.objects.filter(active=True).select_related("owner").order_by("kind", "code")
    if kind:
        qs = qs.filter(kind=kind)
    for term in q.split():
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return qs


def indicators_by_code(codes) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(code__in=set(codes)).select_related("owner", "communes_of")}


def units_by_code(codes) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=set(codes))}


def units_within(unit: Unit) -> QuerySet[Unit]:
    """``unit`` and every unit below it."""
    return Unit.objects.filter(path__startswith=unit.path)


def tasks_by_ids(ids):
    from dieuhanh.plans.models import Task

    return list(Task.objects.filter(pk__in=ids))


def targets_of(indicator: Indicator, unit: Unit | None = None) -> QuerySet[Target]:
    qs = Target.objects.filter(indicator=indicator).select_related("unit")
    return qs.filter(unit=unit).order_by("kind", "year") if unit is not None else qs


def target_find(indicator: Indicator, unit: Unit, kind: str, year: int) -> Target | None:
    """The target or baseline of (indicator, unit, kind, year), if set."""
    return Target.objects.filter(indicator=indicator, unit=unit, kind=kind, year=year).first()


def target_for(indicator: Indicator, unit: Unit, year: int) -> Target | None:
    """The unit's next target of the indicator from ``year`` on."""
    return Target.objects.filter(indicator=indicator, unit=unit, kind=TargetKind.TARGET, year__gte=year).order_by("year").first()


def approval_get(unit: Unit, period: str) -> Approval | None:
    return Approval.objects.filter(unit=unit, period=period).first()


def value_versions(unit: Unit, period: str) -> dict[int, int]:
    """indicator id → version of the unit's values for the period."""
    return dict(Value.objects.filter(unit=unit, period=period).values_list("indicator_id", "version"))


def value_versions_of(keys) -> dict[tuple[str, str, str], int]:
    """(indicator code, unit code, period) → version, for the keys that have a value."""
    keys = list(keys)
    if not keys:
        return {}
    q = Q(pk__in=[])
    for ind, unit, period in set(keys):
        q |= Q(indicator__code=ind, unit__code=unit, period=period)
    return {(i, u, p): v for i, u, p, v in Value.objects.filter(q).values_list("indicator__code", "unit__code", "period", "version")}


def value_find(indicator_code: str, unit: Unit, period: str) -> Value | None:
    return Value.objects.filter(indicator__code=indicator_code, unit=unit, period=period).select_related("indicator", "unit").first()


def value_get(indicator: Indicator, unit: Unit, period: str) -> Value:
    value = Value.objects.filter(indicator=indicator, unit=unit, period=period).select_related("indicator", "unit").first()
    if value is None:
        raise NotFound(f"no value of {indicator.code} for {unit.code} {period}", code="value_not_found")
    return value


def indicator_get(code: str) -> Indicator:
    indicator = Indicator.objects.select_related("owner", "communes_of", "weight_indicator").filter(code=code).first()
    if indicator is None:
        raise NotFound(f"indicator {code} not found")
    return indicator


def indicator_home_unit(indicator: Indicator) -> Unit:
    """Where an indicator's page opens: the unit its data is about — the city whose communes report it (their
    roll-up), else the highest unit reporting it, else its owner (a department owns the city's indicators but
    reports none of them)."""
    if indicator.communes_of_id:
        return indicator.communes_of
    return reporting_units(indicator).order_by("depth", "path").first() or indicator.owner


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


def _reported(indicator_ids, unit_ids, periods, official_only: bool, store: Preloaded | None = None) -> dict[tuple[int, int, str], tuple[float | None, bool]]:
    if store is not None:
        return store.reported(indicator_ids, unit_ids, periods, official_only)
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


def cell(indicator: Indicator, unit: Unit, period: str, *, official_only: bool = False, _depth: int = 0, store: Preloaded | None = None) -> Cell:
    """The value of ``indicator`` for ``unit`` and ``period``: reported, else computed by its formula over the
    same unit and period, else rolled up from the units below that report it. ``store``: the data read once for
    a whole page (``Preloaded``) instead of queries per cell."""
    if _depth > 20:
        return Cell(None, "none", False, "too_deep")
    if indicator.is_formula:
        formula = parse(indicator.formula)
        inputs = store.by_code(formula.references) if store else {i.code: i for i in Indicator.objects.filter(code__in=formula.references)}
        values, official = {}, True
        for code, ind in inputs.items():
            c = cell(ind, unit, period, official_only=official_only, _depth=_depth + 1, store=store)
            values[code] = c.value
            official = official and c.official
        result = evaluate(formula, values)
        return Cell(result.value, "formula", official and result.value is not None, result.reason)
    own = _reported([indicator.pk], [unit.pk], [period], official_only, store).get((indicator.pk, unit.pk, period))
    if own is not None:
        return Cell(own[0], "reported", own[1])
    if store is not None:
        below = [u for u in store.reporting_within(indicator, unit) if u.pk != unit.pk]
    else:
        below = list(reporting_units(indicator).filter(path__startswith=unit.path).exclude(pk=unit.pk))
    if not below:
        return Cell(None, "none", False, "not_reported")
    rolled = rollup(indicator, below, period, official_only=official_only, store=store)
    return Cell(rolled.value, "rollup", rolled.missing == 0 and rolled.value is not None, rolled.reason, rolled.reporting, rolled.missing)


def rollup(indicator: Indicator, units: list[Unit], period: str, *, official_only: bool = False, store: Preloaded | None = None) -> Rolled:
    ids = [u.pk for u in units]
    reported = _reported([indicator.pk], ids, [period], official_only, store)
    values = [reported.get((indicator.pk, u, period), (None, False))[0] for u in ids]
    weights = None
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN:
        w = _reported([indicator.weight_indicator_id], ids, [period], official_only, store)
        weights = [w.get((indicator.weight_indicator_id, u, period), (None, False))[0] for u in ids]
    return aggregate(values, Aggregation(indicator.aggregation), weights)


def series(indicator: Indicator, unit: Unit, *, official_only: bool = False, periods: list[str] | None = None,
           store: Preloaded | None = None) -> list[tuple[str, Cell]]:
    """The indicator's values for a unit over time (every period that has data, or the given periods)."""
    if periods is None and store is not None:
        periods = store.periods(indicator, unit)
    if periods is None:
        if indicator.is_formula:
            refs = parse(indicator.formula).references
            periods = sorted(set(Value.objects.filter(indicator__code__in=refs).values_list("period", flat=True)), key=lambda k: parse_period(k).end)
        else:
            below = reporting_units(indicator).filter(path__startswith=unit.path)
            periods = sorted(set(Value.objects.filter(indicator=indicator, unit__in=below).values_list("period", flat=True)),
                             key=lambda k: parse_period(k).end)
    cells = [(p, cell(indicator, unit, p, official_only=official_only, store=store)) for p in periods]
    if official_only:  # do not even reveal that unapproved periods exist
        cells = [(p, c) for p, c in cells if c.value is not None or c.official]
    return cells


def on_track(indicator: Indicator, unit: Unit, *, rule: WarningRule | None = None, official_only: bool = False,
             store: Preloaded | None = None, cells: list[tuple[str, Cell]] | None = None) -> tuple[Assessment, Target | None, Target | None]:
    """``cells``: the series already read (``official_only`` alike), not read again."""
    rule = rule or WarningRule.from_dict(settings.DIEUHANH_ON_TRACK_RULE)
    if store is not None:
        targets = store.targets_of(indicator, unit)
    else:
        targets = list(Target.objects.filter(indicator=indicator, unit=unit).order_by("year"))
    baselines = [t for t in targets if t.kind == TargetKind.BASELINE]
    goals = [t for t in targets if t.kind == TargetKind.TARGET]
    if cells is None:
        cells = series(indicator, unit, official_only=official_only, store=store)
    points = [Point(parse_period(p).end, c.value) for p, c in cells if c.value is not None]
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
    return [v if v.message else replace(v, message=render(v.code, v.params))
            for v in check(rules=rules, values=codes_values, previous=previous, percent_codes=percent)]


@dataclass(frozen=True)
class Due:
    indicator: Indicator
    unit: Unit
    period: str
    value: Value | None
    approval: str


def due_and_missing(*, period: str, units: QuerySet[Unit] | None = None, period_type: str | None = None,
                    within: Unit | None = None) -> list[Due]:
    """Every (indicator, unit) due in ``period`` with its value if entered: the reporting round's checklist
    (of ``units``, or of the units ``within`` a unit, or of every unit)."""
    p = parse_period(period)
    if within is not None:
        units = units_within(within) if units is None else units.filter(path__startswith=within.path)
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


@dataclass(frozen=True)
class EntryRow:
    """One line of a unit's entry form or template: what is due, its value if entered, the previous period's
    value and the next target."""

    due: Due
    previous: Cell
    target: Target | None


def entry_rows(unit: Unit, period: str) -> list[EntryRow]:
    """The lines of the entry form (and of the Excel template) of one unit and period."""
    p = parse_period(period)
    rows = []
    for d in due_and_missing(period=p.key, units=Unit.objects.filter(pk=unit.pk)):
        before = period_containing(p.start - dt.timedelta(days=1), d.indicator.period_type).key
        rows.append(EntryRow(d, cell(d.indicator, unit, before), target_for(d.indicator, unit, p.end.year)))
    return rows


@dataclass
class DueRow:
    unit: Unit
    approval: str
    due: int = 0
    entered: int = 0
    missing: list[str] = None  # type: ignore[assignment]


def due_summary(period: str, within: Unit) -> list[DueRow]:
    """Per unit within ``within``: how many values are due in ``period``, how many entered, which are missing;
    the least complete first."""
    rows: dict[int, DueRow] = {}
    for d in due_and_missing(period=period, within=within):
        r = rows.setdefault(d.unit.pk, DueRow(d.unit, d.approval, missing=[]))
        r.due += 1
        if d.value is not None:
            r.entered += 1
        else:
            r.missing.append(d.indicator.code)
    return sorted(rows.values(), key=lambda r: (r.entered - r.due, collation_key(r.unit.name)))


def indicator_overview(indicator: Indicator, unit: Unit, *, official_only: bool, limit: int = 200) -> dict:
    """What the indicator page shows for a unit: its series, targets, on-track assessment, and the latest
    period's value of each reporting unit below it."""
    series_ = series(indicator, unit, official_only=official_only)
    assessment, base, goal = on_track(indicator, unit, official_only=True)
    targets = list(targets_of(indicator, unit))
    latest = series_[-1][0] if series_ else None
    below = reporting_units(indicator).filter(path__startswith=unit.path).exclude(pk=unit.pk)
    shown = sorted(below, key=lambda u: collation_key(u.name))[:limit] if latest else []  # Vietnamese order, not codes
    by_unit = [(u, cell(indicator, u, latest, official_only=official_only)) for u in shown]
    return {"series": series_, "assessment": assessment, "baseline": base, "target": goal, "targets": targets,
            "by_unit": by_unit, "latest": latest}


class Preloaded:
    """What a unit's scorecard reads, in a fixed number of queries whatever the indicators and units: the active
    indicators, the units within the unit, their values, approvals and the unit's targets. ``cell``, ``series`` and
    ``on_track`` answer from it with the same rules as from the database."""

    def __init__(self, unit: Unit, *, on: dt.date | None = None):
        on = on or timezone.localdate()
        self.indicators = list(Indicator.objects.select_related("owner", "communes_of").prefetch_related("reporting_units"))
        self._by_code = {i.code: i for i in self.indicators}
        self.within = [u for u in Unit.objects.filter(path__startswith=unit.path) if u.is_valid_on(on)]
        self.on = on
        ids = [u.pk for u in self.within]
        self.values: dict[tuple[int, int, str], float | None] = {
            (i, u, p): (None if v is None else float(v))
            for i, u, p, v in Value.objects.filter(unit_id__in=ids).values_list("indicator_id", "unit_id", "period", "value")
        }
        self.approved = set(Approval.objects.filter(unit_id__in=ids, status=ApprovalStatus.APPROVED).values_list("unit_id", "period"))
        self.targets: dict[int, list[Target]] = {}
        for t in Target.objects.filter(unit=unit).select_related("unit").order_by("year"):
            self.targets.setdefault(t.indicator_id, []).append(t)
        self._reporting: dict[int, list[Unit]] = {}

    def by_code(self, codes) -> dict[str, Indicator]:
        return {c: self._by_code[c] for c in codes if c in self._by_code}

    def reporting_within(self, indicator: Indicator, unit: Unit) -> list[Unit]:
        """``reporting_units(indicator)`` within ``unit`` (in path order)."""
        if indicator.pk not in self._reporting:
            listed = {u.pk for u in indicator.reporting_units.all()}
            communes = indicator.communes_of.path if indicator.communes_of_id else None

            def reports(u: Unit) -> bool:
                return (u.pk in listed or (communes is not None and u.kind == "commune" and u.path.startswith(communes))
                        or (not listed and communes is None and u.pk == indicator.owner_id))

            self._reporting[indicator.pk] = sorted((u for u in self.within if reports(u)), key=lambda u: u.path)
        return [u for u in self._reporting[indicator.pk] if u.path.startswith(unit.path)]

    def reported(self, indicator_ids, unit_ids, periods, official_only: bool) -> dict[tuple[int, int, str], tuple[float | None, bool]]:
        out = {}
        for ind in indicator_ids:
            for u in unit_ids:
                for p in periods:
                    if (ind, u, p) not in self.values:
                        continue
                    official = (u, p) in self.approved
                    if official_only and not official:
                        continue
                    out[(ind, u, p)] = (self.values[(ind, u, p)], official)
        return out

    def periods(self, indicator: Indicator, unit: Unit) -> list[str]:
        if indicator.is_formula:
            refs = {i.pk for i in self.by_code(parse(indicator.formula).references).values()}
            found = {p for (i, _u, p) in self.values if i in refs}
        else:
            below = {u.pk for u in self.reporting_within(indicator, unit)}
            found = {p for (i, u, p) in self.values if i == indicator.pk and u in below}
        return sorted(found, key=lambda k: parse_period(k).end)

    def targets_of(self, indicator: Indicator, unit: Unit) -> list[Target]:
        return list(self.targets.get(indicator.pk, []))


def data_stamp() -> tuple:
    """Changes whenever an indicator value, target or approval is added, changed (each change raises its row's
    version) or removed, or a unit changes: keys cached indicator figures and pages (ids never come back, so
    neither does a stamp). One query."""
    from django.db import connection

    parts = ", ".join(f"(SELECT COUNT(*) FROM {t}), (SELECT SUM(version) FROM {t}), (SELECT MAX(id) FROM {t})"
                      for t in (m._meta.db_table for m in (Value, Target, Approval, Indicator)))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}, (SELECT MAX(updated_at) FROM {Unit._meta.db_table}), "
                       f"(SELECT COUNT(*) FROM {Unit._meta.db_table})")  # table names from the models, no input
        return tuple(cursor.fetchone())


def scorecard_rows(unit: Unit) -> list[dict]:
    """Every active indicator the unit owns or that units within it report: its last official value, on-track
    colour and target (read once: ``Preloaded``)."""
    store = Preloaded(unit)
    rows = []
    for indicator in sorted((i for i in store.indicators if i.active), key=lambda i: i.code):
        involved = unit.pk == indicator.owner_id or bool(store.reporting_within(indicator, unit))
        if not involved:
            continue
        s = series(indicator, unit, official_only=True, store=store)
        last = next(((p, c) for p, c in reversed(s) if c.value is not None), None)
        assessment, _base, goal = on_track(indicator, unit, official_only=True, store=store, cells=s)
        rows.append({"indicator": indicator, "last": last, "assessment": assessment, "target": goal})
    return rows
