"""What a release publishes, read from the platform as of a date: only official numbers.

- indicator values whose unit's data for the period was approved on or before the date (an approval still in
  force; an approval given later, or withdrawn, keeps the value out), formula indicators computed from those;
- targets and baselines; the on-track assessment of the city's indicators from those values;
- the top-level tasks of the city's plans with their official status on the date (facts known by then) and their
  dated deadline and state events; no free text written by people (reasons, comments, reports) is published; the
  evidence files of their approved reports that the steering committee made public by the date;
- the Decision 766 scorecards of the periods chosen; the ward index of the latest run finished by the date.

Only units speak: no person's name, username or e-mail is read into a table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import timezone

from dieuhanh.core.common.periods import parse_period, period_containing
from dieuhanh.core.indicators import formula as formulas
from dieuhanh.core.indicators.aggregate import Aggregation, aggregate
from dieuhanh.core.indicators.on_track import Point, assess
from dieuhanh.core.tasks.colours import WarningRule
from dieuhanh.core.tasks.status import Official
from dieuhanh.dossiers import selectors as d766
from dieuhanh.errors import Invalid
from dieuhanh.indicators.models import Approval, ApprovalStatus, Indicator, Target, TargetKind, Value
from dieuhanh.indicators.selectors import reporting_units
from dieuhanh.indices import selectors as index_selectors
from dieuhanh.indices.models import Framework, RunStatus
from dieuhanh.indices.ward import FRAMEWORK as WARD_INDEX
from dieuhanh.plans import selectors as plan_selectors
from dieuhanh.plans.models import DeadlineChange, Evidence, ExtensionStatus, Plan, ReportStatus, Task, TaskStateChange
from dieuhanh.portal.models import EvidenceDecision
from dieuhanh.portal.tables import BY_NAME, MONEY_STAGES
from dieuhanh.units.models import Unit

SYNTHETIC_MARKS = ("synthetic", "giả lập", "GIẢ LẬP")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _num(value) -> float | None:
    return None if value is None else float(value)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _synthetic(*texts: str) -> bool:
    return any(mark in (t or "") for t in texts for mark in SYNTHETIC_MARKS)


class Gathered:
    """Rows per table (dicts keyed by the spec's column names), and whether any source is synthetic."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.synthetic = False
        self.unit_codes: set[str] = set()

    def add(self, table: str, **row: Any) -> None:
        spec = BY_NAME[table]
        self.rows[table].append({c: row.get(c) for c in spec.column_names})
        if row.get("unit_code"):
            self.unit_codes.add(row["unit_code"])

    def tables(self) -> dict[str, dict[str, list]]:
        return {name: {"columns": spec.column_names, "rows": [[r[c] for c in spec.column_names] for r in self.rows.get(name, [])]}
                for name, spec in BY_NAME.items()}


# ---------------------------------------------------------------------------------------------------------- tasks


def _tasks(out: Gathered, city: Unit, day: dt.date) -> None:
    plans = list(Plan.objects.filter(issuer=city, issued_on__lte=day).order_by("issued_on", "number"))
    for plan in plans:
        out.synthetic |= _synthetic(plan.source, plan.title)
        tasks = list(Task.objects.filter(plan=plan, parent__isnull=True, assigned_on__lte=day)
                     .select_related("plan", "group", "lead_unit").prefetch_related("coordinating_units"))
        out.synthetic |= any(_synthetic(t.source) for t in tasks)
        views = plan_selectors.task_views(tasks, day)
        groups: dict[int, dict[str, Any]] = {}
        for g in plan.groups.all():
            groups[g.number] = {"plan": plan.number, "group": g.number, "title": g.title, "tasks": 0, "completed_on_time": 0,
                                "completed_late": 0, "within_deadline": 0, "overdue": 0, "_progress": [], "budget_planned": None,
                                "budget_allocated": None, "budget_disbursed": None}
        for v in views:
            t = v.task
            out.unit_codes.add(t.lead_unit.code)
            coordinating = sorted(u.code for u in t.coordinating_units.all())
            out.unit_codes.update(coordinating)
            out.add("tasks", plan=plan.number, task_code=t.code, group=t.group.number, title=t.title, lead_unit_code=t.lead_unit.code,
                    coordinating_unit_codes=";".join(coordinating), product=t.product, assigned_on=_iso(t.assigned_on),
                    original_deadline=_iso(t.original_deadline), deadline=_iso(v.as_of.deadline), status=v.official.value,
                    progress=round(v.as_of.progress, 2), colour=v.colour.value, completed_on=_iso(v.as_of.completed_on), key=t.key,
                    budget_planned=_num(t.budget_planned), budget_allocated=_num(t.budget_allocated),
                    budget_disbursed=_num(t.budget_disbursed), funding_source=t.funding_source)
            g = groups[t.group.number]
            if v.official is not Official.EXCLUDED:
                g["tasks"] += 1
                g[v.official.value] += 1
                g["_progress"].append(v.as_of.progress)
            for money in MONEY_STAGES:
                if getattr(t, money) is not None:
                    g[money] = (g[money] or 0) + float(getattr(t, money))
        for g in groups.values():
            progress = g.pop("_progress")
            g["progress"] = round(sum(progress) / len(progress), 2) if progress else None
            out.add("task_groups", **g)
        _task_events(out, plan, [v.task for v in views], day)
        _task_evidence(out, plan, [v.task for v in views], day)


def _task_events(out: Gathered, plan: Plan, tasks: list[Task], day: dt.date) -> None:
    ids = {t.pk: t for t in tasks}
    events: list[tuple] = [(t.code, t.assigned_on, 0, "deadline_set", None, t.original_deadline, None) for t in tasks if t.original_deadline]
    for task_id, effective, old, new in DeadlineChange.objects.filter(task_id__in=ids, status=ExtensionStatus.APPROVED, effective_on__lte=day) \
            .values_list("task_id", "effective_on", "old_deadline", "new_deadline"):
        events.append((ids[task_id].code, effective, 1, "deadline_extended", old, new, None))
    for task_id, state, effective in TaskStateChange.objects.filter(task_id__in=ids, recorded_on__lte=day) \
            .values_list("task_id", "state", "effective_on"):
        events.append((ids[task_id].code, effective, 2, "state_changed", None, None, state))
    for code, date, _order, event, old, new, state in sorted(events, key=lambda e: (e[0], e[1], e[2])):
        out.add("task_events", plan=plan.number, task_code=code, date=_iso(date), event=event, old_deadline=_iso(old),
                new_deadline=_iso(new), state=state)


def public_on(day: dt.date) -> set[int]:
    """Evidence ids whose latest steering decision on ``day`` is public."""
    latest: dict[int, bool] = {}
    for evidence_id, public in EvidenceDecision.objects.filter(decided_at__lt=_end_of(day)).order_by("decided_at", "id") \
            .values_list("evidence_id", "public"):
        latest[evidence_id] = public
    return {e for e, public in latest.items() if public}


def _task_evidence(out: Gathered, plan: Plan, tasks: list[Task], day: dt.date) -> None:
    public = public_on(day)
    if not public:
        return
    codes = {t.pk: t.code for t in tasks}
    for task_id, period, filename, kind, size, sha in Evidence.objects.filter(
            pk__in=public, report__task_id__in=codes, report__status=ReportStatus.APPROVED, report__reviewed_at__lt=_end_of(day)) \
            .order_by("report__task_id", "report__period_end", "id") \
            .values_list("report__task_id", "report__period", "filename", "kind", "size", "sha256"):
        out.add("task_evidence", plan=plan.number, task_code=codes[task_id], period=period, filename=filename, kind=kind, size=size, sha256=sha)


# ---------------------------------------------------------------------------------------------------- indicators


def approved_values(day: dt.date) -> dict[tuple[int, int, str], tuple[float | None, str, str, dt.date, str]]:
    """(indicator id, unit id, period) → (value, status, period end, approved on, source) for every value whose
    unit and period were approved on or before ``day`` and are still approved."""
    tz = timezone.get_current_timezone()
    approved = {(u, p): at.astimezone(tz).date() for u, p, at in Approval.objects.filter(
        status=ApprovalStatus.APPROVED, approved_at__lt=_end_of(day)).values_list("unit_id", "period", "approved_at")}
    out = {}
    for ind, unit, period, value, status, end, source in Value.objects.filter(indicator__active=True).values_list(
            "indicator_id", "unit_id", "period", "value", "status", "period_end", "source"):
        if (unit, period) in approved:
            out[(ind, unit, period)] = (_num(value), status, end, approved[(unit, period)], source)
    return out


def _rollups(values: dict, indicators: dict[int, Indicator], city: Unit, day: dt.date) -> None:
    """The city's value of an indicator its units below report, for each period in which every one of them has an
    approved value (a roll-up with a unit missing is not official), by the indicator's aggregation."""
    for ind in indicators.values():
        if ind.formula or ind.aggregation == Aggregation.NONE.value:
            continue
        below = [u for u in reporting_units(ind, on=day).filter(path__startswith=city.path).exclude(pk=city.pk).values_list("pk", "code")]
        if not below:
            continue
        periods = {p for (i, u, p) in values if i == ind.pk}
        for period in periods:
            if (ind.pk, city.pk, period) in values:
                continue  # the city reports its own value
            got = [values.get((ind.pk, pk, period)) for pk, _ in below]
            if any(g is None for g in got):
                continue
            weights = None
            if ind.aggregation == Aggregation.WEIGHTED_MEAN.value:
                weights = [(values.get((ind.weight_indicator_id, pk, period)) or (None,))[0] for pk, _ in below]
            rolled = aggregate([g[0] for g in got], Aggregation(ind.aggregation), weights)
            if rolled.value is not None and rolled.missing == 0:
                values[(ind.pk, city.pk, period)] = (round(rolled.value, max(ind.decimals, 2)), "rollup", got[0][2], max(g[3] for g in got), ind.source)


def _indicators(out: Gathered, city: Unit, day: dt.date) -> None:
    indicators = {i.pk: i for i in Indicator.objects.filter(active=True).order_by("code")}
    values = approved_values(day)
    units = dict(Unit.objects.filter(pk__in={u for _, u, _ in values} | {city.pk}).values_list("pk", "code"))
    _rollups(values, indicators, city, day)  # before the formulas, which may read the city's rolled-up inputs
    by_code = {i.code: i for i in indicators.values()}
    # Formula indicators over approved inputs of the same unit and period.
    for ind in indicators.values():
        if not ind.formula:
            continue
        parsed = formulas.parse(ind.formula)
        refs = [by_code[c] for c in parsed.references if c in by_code]
        keys = {(u, p) for (i, u, p) in values if i in {r.pk for r in refs}}
        for unit, period in keys:
            inputs = {r.code: values.get((r.pk, unit, period), (None,))[0] for r in refs}
            result = formulas.evaluate(parsed, inputs)
            if result.value is not None:
                approved_on = max(values[(r.pk, unit, period)][3] for r in refs)
                values[(ind.pk, unit, period)] = (round(result.value, max(ind.decimals, 2)), "computed", parse_period(period).end, approved_on, ind.source)
    for (ind, unit, period), (value, status, end, approved_on, source) in sorted(
            values.items(), key=lambda kv: (indicators[kv[0][0]].code, units[kv[0][1]], parse_period(kv[0][2]).end)):
        out.synthetic |= _synthetic(source)
        out.add("kpi_values", indicator_code=indicators[ind].code, unit_code=units[unit], period=period, period_end=_iso(end),
                value=value, status=status, approved_on=_iso(approved_on), source=source)
    targets = list(Target.objects.filter(indicator__active=True).select_related("indicator", "unit").order_by("indicator__code", "unit__code", "year"))
    for t in targets:
        out.synthetic |= _synthetic(t.source, t.label)
        out.add("kpi_targets", indicator_code=t.indicator.code, unit_code=t.unit.code, kind=t.kind, year=t.year, value=_num(t.value),
                value_high=_num(t.value_high), label=t.label, source=t.source)
    rule = WarningRule.from_dict(settings.DIEUHANH_ON_TRACK_RULE)
    for ind in indicators.values():
        out.synthetic |= _synthetic(ind.source)
        series = sorted(((parse_period(p).end, v[0], p) for (i, u, p), v in values.items() if i == ind.pk and u == city.pk and v[0] is not None))
        mine = [t for t in targets if t.indicator_id == ind.pk and t.unit_id == city.pk]
        goals = [t for t in mine if t.kind == TargetKind.TARGET]
        baselines = [t for t in mine if t.kind == TargetKind.BASELINE]
        latest_day = series[-1][0] if series else day
        goal = next((t for t in goals if dt.date(t.year, 12, 31) >= latest_day), goals[-1] if goals else None)
        base = baselines[-1] if baselines else None
        near = None
        if goal is not None:
            near = float(goal.value if ind.higher_is_better or goal.value_high is None else goal.value_high)
        a = assess(baseline=Point(dt.date(base.year, 12, 31), float(base.value)) if base else None,
                   target=Point(dt.date(goal.year, 12, 31), near) if goal else None,
                   values=[Point(d, v) for d, v, _ in series], higher_is_better=ind.higher_is_better, rule=rule)
        out.add("kpis", indicator_code=ind.code, name=ind.name, name_en=ind.name_en, kind=ind.kind, measure=ind.measure,
                higher_is_better=ind.higher_is_better, formula=ind.formula, method=ind.methodology, source=ind.source,
                latest_period=series[-1][2] if series else None, latest_value=series[-1][1] if series else None,
                target_year=goal.year if goal else None, target_label=(goal.label if goal else None), colour=a.colour.value,
                assessment=a.reason, projected=None if a.projected is None else round(a.projected, 4))


# ---------------------------------------------------------------------------------------------- Decision 766, index


def default_periods(day: dt.date) -> list[str]:
    """The year of the latest month with dossiers on ``day`` (the running year is cut at the day)."""
    month = parse_period(d766.latest_month(day))
    return [period_containing(month.end, "yearly").key]


def _d766(out: Gathered, periods: list[str], day: dt.date) -> None:
    communes, departments = d766.city_units()
    units = communes + departments
    kinds = {u.code: u.kind for u in units}
    for period in periods:
        span = d766.span_of(period, as_of=day)
        ranking = d766.ranking(span)
        if not ranking.has_data:
            continue
        for row in ranking.communes + ranking.departments:
            if not row["has_data"]:
                continue
            out.add("d766_scorecards", period=period, unit_code=row["code"], unit_kind=kinds[row["code"]], rank=row["rank"],
                    total=_num(row["total"]), band=row["band_name"], dossiers=row["n_received"], on_time_rate=_num(row["r_2_1"]))
        records = d766.rates_for_units(units, span)
        for code, record in sorted(records.items()):
            if code not in kinds:
                continue
            for r in d766.indicator_rows(record, list(record)):
                if not r["computed"]:
                    continue
                out.add("d766_indicators", period=period, unit_code=code, indicator=r["id"], name=r["name"], rate=_num(r["rate"]),
                        points=_num(r["points"]), earned=_num(r["earned"]), lost=_num(r["lost"]))


def _index(out: Gathered, day: dt.date) -> dict[str, Any]:
    framework = Framework.objects.filter(code=WARD_INDEX).first()
    if framework is None:
        return {}
    run = index_selectors.default_run(framework)
    if run is None or run.status != RunStatus.DONE or run.finished_at is None or run.finished_at >= _end_of(day):
        return {}
    ranking = index_selectors.ranking(run)
    for r in ranking.rows:
        interval = r.interval if ranking.uncertainty and ranking.uncertainty.finished_at and ranking.uncertainty.finished_at < _end_of(day) else None
        out.add("index_results", framework=framework.code, year=run.year, unit_code=r.unit_code or r.ucode, name=r.name,
                score=_num(r.score), rank=r.rank, rank_median=_num(interval.median) if interval else None,
                rank_low=_num(interval.low) if interval else None, rank_high=_num(interval.high) if interval else None)
    steps = [index_selectors.describe_step(s) for s in (run.methodology.steps or {}).get("steps", [])] \
        if isinstance(run.methodology.steps, dict) else []
    return {"index": {"framework": framework.code, "name": framework.name, "year": run.year, "method": steps}}


def _units(out: Gathered, city: Unit) -> None:
    codes = out.unit_codes | {city.code}
    for u in Unit.objects.filter(code__in=codes).select_related("parent").order_by("path"):
        out.add("units", unit_code=u.code, name=u.name, kind=u.kind, division_type=u.division_type,
                parent_code=u.parent.code if u.parent else None)


def gather(*, city: Unit, as_of: dt.date, periods: list[str] | None = None) -> tuple[dict, bool, list[str], dict]:
    """The tables of a release as of ``as_of``, whether any source is synthetic, the 766 periods, and extra
    facts shown with the tables (the index's method)."""
    out = Gathered()
    _tasks(out, city, as_of)
    _indicators(out, city, as_of)
    if periods is None:
        periods = default_periods(as_of)
    for p in periods:
        if parse_period(p).start > as_of:
            raise Invalid(code="period_in_future", params={"period": p})
    _d766(out, periods, as_of)
    extra = _index(out, as_of)
    _units(out, city)
    return out.tables(), out.synthetic, periods, extra
