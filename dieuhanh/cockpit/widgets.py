"""The widget catalogue: every block of the cockpit and of dashboards, registered once.

A widget is a key, a title, the cockpits that show it by default (``city``, ``leader``, ``reporter``, ``viewer``),
the parameters a dashboard item may set (``indicator``, ``unit``, ``framework``, ``text``), a function computing
its data from the scope (who is looking, with which filters) and the item's parameters, and a template
(``cockpit/widgets/<key>.html``). Adding a widget is one ``@widget(...)`` registration and its template.

Every figure comes from the owning app's selectors, computed with the reach of the person looking; each count
carries the address of the list behind it (the task list with its filters, the inbox, the scorecards). A widget
computes only what it shows (the first ``TOP`` rows of a list); what several widgets share (the tasks' status on
the day) is computed once per page through ``Scope.once``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dieuhanh.cockpit import selectors as cockpit_selectors
from dieuhanh.cockpit.filters import Filters
from dieuhanh.cockpit.selectors import Seat
from dieuhanh.core.common.periods import parse_period, period_containing
from dieuhanh.core.tasks.colours import Colour
from dieuhanh.core.tasks.status import Official
from dieuhanh.pages import cached_fragment
from dieuhanh.plans import facts
from dieuhanh.plans import selectors as plan_selectors
from dieuhanh.units.selectors import city_code, unit_find

TOP = 10
COLOURS = [c.value for c in (Colour.RED, Colour.ORANGE, Colour.GREEN, Colour.GREY)]
OFFICIAL = [o.value for o in plan_selectors.OFFICIAL_COLUMNS]
CACHE_SECONDS = 600
WARD_INDEX = "PHUONG_CDS"


@dataclass
class Scope:
    """Who is looking and with which filters; memoises what several widgets of one page share."""

    actor: object
    filters: Filters
    seat: Seat
    day: dt.date = field(default_factory=timezone.localdate)
    _memo: dict = field(default_factory=dict)

    def once(self, key, compute: Callable):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def unit(self):
        """The unit the page is about: the unit filter, else a leader's or reporter's own unit, else none (all the
        person sees)."""
        def find():
            if self.filters.unit:
                return unit_find(self.filters.unit)
            return self.seat.unit if self.seat.kind in ("leader", "reporter") else None
        return self.once("unit", find)

    @property
    def plan(self):
        return self.once("plan", lambda: cockpit_selectors.plan_in_reach(self.actor, self.filters.plan) if self.filters.plan else None)

    def task_filter(self) -> plan_selectors.TaskFilter:
        return plan_selectors.TaskFilter(plan=self.plan, group=self.filters.group, unit=self.unit.code if self.unit else None,
                                         key=self.filters.key)

    def tasks(self):
        """Every task in scope (all levels), as a query: the task widgets count and order it in SQL."""
        return self.once("tasks", lambda: plan_selectors.task_queryset(self.actor, self.task_filter()))

    def counts(self) -> list[tuple]:
        """(plan id, top level, key, official column, colour, n) of the tasks in scope on the day (one query)."""
        return self.once("counts", lambda: plan_selectors.scope_counts(self.tasks(), self.day))

    def facts_cached(self, kind: str, compute: Callable):
        """A task widget's data, kept until the tasks' facts change (``plans.facts.cached``), for this person's reach,
        the page's filters and the day."""
        key = (plan_selectors.reach_key(self.actor), plan_selectors.filter_key(self.task_filter()))
        return facts.cached("cockpit:" + kind, key, (self.day,), compute, at=self.stamp())

    def stamp(self) -> tuple:
        """The facts' stamp, read once a page."""
        return self.once("stamp", facts.stamp)

    def task_list_url(self, **params) -> str:
        """The task list behind a number: the page's filters plus ``params``."""
        base = {"as_of": self.day.isoformat()}
        if self.plan is not None:
            base["plan"] = str(self.plan.pk)
        if self.filters.group is not None:
            base["group"] = str(self.filters.group)
        if self.unit is not None:
            base["unit"] = self.unit.code
        if self.filters.key is not None:
            base["key"] = "1" if self.filters.key else "0"
        base.update({k: str(v) for k, v in params.items() if v is not None})
        return reverse("task_list") + "?" + urlencode(base)

    def city(self):
        return self.once("city", lambda: unit_find(city_code()))


@dataclass(frozen=True)
class Widget:
    key: str
    title: str
    compute: Callable[[Scope, dict], dict]
    roles: frozenset[str]
    params: tuple[str, ...]
    order: int
    template: str


REGISTRY: dict[str, Widget] = {}
PARAMS = ("indicator", "unit", "framework", "text")
TEXT_LIMIT = 2000


def widget(key: str, title, *, roles: tuple[str, ...] = (), params: tuple[str, ...] = (), template: str | None = None):
    """Register the decorated ``compute(scope, params) -> dict`` as the widget ``key``, shown by ``template``
    (default ``cockpit/widgets/<key>.html``, which receives the data as ``d``)."""
    assert set(params) <= set(PARAMS), params

    def register(compute):
        if key in REGISTRY and REGISTRY[key].compute.__qualname__ != compute.__qualname__:
            raise ValueError(f"widget {key!r} is registered twice")
        REGISTRY[key] = Widget(key, title, compute, frozenset(roles), tuple(params), len(REGISTRY),
                               template or f"cockpit/widgets/{key}.html")
        return compute

    return register


def defaults_for(kind: str) -> list[Widget]:
    return sorted((w for w in REGISTRY.values() if kind in w.roles), key=lambda w: w.order)


def catalogue() -> list[Widget]:
    return sorted(REGISTRY.values(), key=lambda w: w.order)


@dataclass
class Block:
    """One widget as shown: its item (id, size, parameters), the widget and its body (rendered HTML)."""

    id: str
    widget: Widget
    size: str
    params: dict
    html: str


def blocks(scope: Scope, items: list[dict]) -> list[Block]:
    """The blocks of a layout (items naming an unknown widget are skipped: a widget may have been retired). Each
    body is rendered once and kept (``pages.cached_fragment``) under the stamp of everything a block may show
    (``selectors.page_stamp``), for the person, the page's filters, the day and the item: a change to any of it shows
    at once, and a warm page computes and renders no widget."""
    stamp = scope.once("page_stamp", lambda: cockpit_selectors.page_stamp(scope.stamp()))
    who = (scope.actor.pk, plan_selectors.reach_key(scope.actor), scope.filters.as_params(), scope.day)
    out = []
    for item in items:
        w = REGISTRY.get(item.get("widget"))
        if w is None:
            continue
        params = {k: v for k, v in (item.get("params") or {}).items() if k in w.params}
        item_id = item.get("id", w.key)

        def body(w=w, params=params, item_id=item_id):
            return render_to_string("cockpit/_body.html", {"template": w.template,
                                                           "d": {**w.compute(scope, params), "dom_id": f"{item_id}-data"}})
        out.append(Block(item_id, w, item.get("size", "medium"), params,
                         cached_fragment("cockpit-block", (stamp, who, w.key, sorted(params.items()), item_id), body)))
    return out


def default_items(kind: str) -> list[dict]:
    return [{"id": w.key, "widget": w.key, "size": "large" if w.key in WIDE else "small" if w.key in NARROW else "medium", "params": {}}
            for w in defaults_for(kind)]


# Default sizes on a role's cockpit, so that neighbouring blocks share a row of the three-column grid (a medium block
# beside a small one) in the order they are read.
WIDE = {"status_split", "red_list", "inbox"}
NARROW = {"changes", "decisions", "unit_colours", "deadlines", "explanations", "indicator_values", "my_index"}
TASK_WIDGETS = {"status_split", "red_list", "key_overdue", "changes", "unit_colours", "deadlines"}  # over the tasks in scope


def _cached(key: tuple, compute: Callable, stamp: tuple = ()):
    """Indicator figures are costly (a series per indicator): kept until the indicator data change."""
    full = "cockpit:" + hashlib.sha256(repr((key, stamp)).encode()).hexdigest()
    found = cache.get(full)
    if found is None:
        found = compute()
        cache.set(full, found, CACHE_SECONDS)
    return found


# ================================================================== plans and tasks

@widget("inbox", _("My inbox: what to report, what was returned"), roles=("reporter",))
def inbox(scope: Scope, params: dict) -> dict:
    box = plan_selectors.inbox(scope.actor, day=scope.day)
    return {"to_report": box.to_report[:TOP], "n_to_report": len(box.to_report), "returned": box.returned[:TOP],
            "n_returned": len(box.returned), "url": reverse("inbox")}


def _split_cells(scope: Scope, plan, counts: Counter, **extra) -> list[dict]:
    return [{"column": col, "n": counts[col], "url": scope.task_list_url(plan=plan.pk, official=col, top=1, **extra)} for col in OFFICIAL]


def plans_in_view(scope: Scope) -> list:
    """The plans of the tasks in scope, the latest issued first."""
    def compute():
        ids = {row[0] for row in scope.counts()}
        return sorted(plan_selectors.plans_by_id(ids).values(), key=lambda p: (p.issued_on or dt.date.min, -p.pk), reverse=True) if ids else []
    return scope.once("plans", lambda: scope.facts_cached("plans", compute))


@widget("status_split", _("Official status of every plan"), roles=("city", "viewer"))
def status_split(scope: Scope, params: dict) -> dict:
    """The Government report's four columns per plan (top-level tasks), key tasks apart."""
    def compute():
        total, key = defaultdict(Counter), defaultdict(Counter)
        for plan_id, top, is_key, official, _colour, n in scope.counts():
            if top and official in OFFICIAL:
                total[plan_id][official] += n
                if is_key:
                    key[plan_id][official] += n
        rows = []
        for plan in plans_in_view(scope):
            rows.append({"plan": plan, "total": sum(total[plan.pk].values()), "total_url": scope.task_list_url(plan=plan.pk, top=1),
                         "cells": _split_cells(scope, plan, total[plan.pk]), "key_total": sum(key[plan.pk].values()),
                         "key_total_url": scope.task_list_url(plan=plan.pk, top=1, key=1), "key_cells": _split_cells(scope, plan, key[plan.pk], key=1)})
        return {"rows": rows, "columns": OFFICIAL, "day": scope.day}
    return scope.facts_cached("status_split", compute)


@widget("red_list", _("Tasks at risk"), roles=("city",))
def red_list(scope: Scope, params: dict) -> dict:
    """Red tasks, the latest first (days overdue, then the nearest deadline), with their lead unit."""
    def compute():
        count = sum(n for *_k, colour, n in scope.counts() if colour == Colour.RED.value)
        return {"count": count, "url": scope.task_list_url(colour="red"),
                "rows": plan_selectors.late_first(scope.tasks(), scope.day, TOP, colour=Colour.RED.value) if count else []}
    return scope.facts_cached("red_list", compute)


@widget("key_overdue", _("Overdue key tasks"), roles=("city",))
def key_overdue(scope: Scope, params: dict) -> dict:
    def compute():
        count = sum(n for _p, _t, is_key, official, _c, n in scope.counts() if is_key and official == Official.OVERDUE.value)
        rows = plan_selectors.late_first(scope.tasks().filter(key=True), scope.day, TOP, official=Official.OVERDUE.value) if count else []
        return {"count": count, "url": scope.task_list_url(key=1, official="overdue"), "rows": rows}
    return scope.facts_cached("key_overdue", compute)


def last_report_day(day: dt.date) -> dt.date:
    """The last day of the previous month: the date of the last monthly report."""
    return period_containing(day, "monthly").start - dt.timedelta(days=1)


@widget("changes", _("What changed since the last report"), roles=("city",))
def changes(scope: Scope, params: dict) -> dict:
    since = last_report_day(scope.day)

    def compute():
        plans = plans_in_view(scope)
        found = plan_selectors.changes_in(scope.tasks(), since, scope.day) if plans else plan_selectors.Changes(since, scope.day)
        links = [{"plan": p, "url": reverse("plan_statistics", args=[p.pk]) + "?" + urlencode({"since": since.isoformat(), "as_of": scope.day.isoformat()})}
                 for p in plans]
        rows = []
        only = links[0]["url"] if len(links) == 1 else None  # one plan: its statistics page lists these changes
        if plans:
            for label, items in ((_("New tasks"), found.new), (_("Completed"), found.completed), (_("Newly overdue"), found.newly_overdue)):
                rows.append({"label": label, "n": len(items), "tasks": items[:5], "url": only})
            rows.append({"label": _("Deadlines moved"), "n": len(found.deadline_moved), "tasks": [c.task for c in found.deadline_moved[:5]], "url": only})
        return {"since": since, "rows": rows, "links": links}
    return scope.facts_cached("changes", compute)


@widget("decisions", _("Decisions waiting"), roles=("city",))
def decisions(scope: Scope, params: dict) -> dict:
    extensions = cockpit_selectors.extensions_waiting(scope.actor, scope.unit)
    late = cockpit_selectors.explanations_overdue(scope.actor, scope.day, scope.unit)
    summary = _difficulty_summary(scope)
    return {"extensions": extensions[:TOP], "n_extensions": len(extensions), "explanations": late[:TOP], "n_explanations": len(late),
            "url": reverse("inbox"), "n_difficulties": summary.to_assign + summary.to_close,
            "difficulties_url": reverse("difficulty_mine")}


@widget("unit_colours", _("My unit's tasks by colour"), roles=("leader",))
def unit_colours(scope: Scope, params: dict) -> dict:
    def compute():
        counts = Counter()
        for *_k, colour, n in scope.counts():
            counts[colour] += n
        return {"unit": scope.unit, "cells": [{"colour": c, "n": counts.get(c, 0), "url": scope.task_list_url(colour=c)} for c in COLOURS],
                "total": sum(counts.values()), "url": scope.task_list_url()}
    return scope.facts_cached("unit_colours", compute)


@widget("deadlines", _("Deadlines in the next 30 days"), roles=("leader", "reporter"))
def deadlines(scope: Scope, params: dict) -> dict:
    """Tasks within their deadline whose deadline falls in the next 30 days, the nearest first."""
    last = scope.day + dt.timedelta(days=30)

    def compute():
        count, rows = plan_selectors.deadlines_within(scope.tasks(), scope.day, last, TOP)
        return {"count": count, "rows": rows, "until": last,
                "url": scope.task_list_url(official="within_deadline", deadline_from=scope.day.isoformat(), deadline_to=last.isoformat())}
    return scope.facts_cached("deadlines", compute)


@widget("explanations", _("Explanations to answer"), roles=("leader",))
def explanations(scope: Scope, params: dict) -> dict:
    open_ = cockpit_selectors.explanations_to_answer(scope.actor, scope.unit)
    return {"count": len(open_), "rows": open_[:TOP], "url": reverse("inbox")}


# ================================================================== difficulties and proposals

def _difficulty_summary(scope: Scope):
    from dieuhanh.difficulties.selectors import register_summary

    return scope.once("difficulties", lambda: register_summary(scope.actor, unit=scope.unit, day=scope.day))


def _register_url(scope: Scope, **params) -> str:
    if scope.unit is not None:
        params.setdefault("unit", scope.unit.code)
    return reverse("difficulty_register") + ("?" + urlencode(params) if params else "")


@widget("difficulties", _("Difficulties and proposals"), roles=("city",))
def difficulties(scope: Scope, params: dict) -> dict:
    """The consolidated register: open items by step and by category, how old they are, answers overdue."""
    from dieuhanh.difficulties.models import Category

    summary = _difficulty_summary(scope)
    categories = sorted(((c, summary.by_category.get(c.value, 0)) for c in Category), key=lambda cn: -cn[1])
    return {
        "open": summary.open, "open_url": _register_url(scope, status="open"),
        "to_assign": summary.to_assign, "to_assign_url": _register_url(scope, status="submitted"),
        "to_close": summary.to_close, "to_close_url": _register_url(scope, status="answered"),
        "overdue": summary.overdue, "overdue_url": _register_url(scope, overdue="1"),
        "categories": [{"label": c.label, "n": n, "url": _register_url(scope, category=c.value)} for c, n in categories if n],
        "ages": [{"key": key, "n": summary.open_by_age.get(key, 0), "url": _register_url(scope, status="open", age=key)}
                 for key in ("le_30", "31_90", "gt_90")],
        "late_units": summary.overdue_by_handling_unit[:5],
    }


@widget("initiatives", _("Initiatives and awards"))
def initiatives(scope: Scope, params: dict) -> dict:
    """Initiatives by stage, field, unit and year, recognitions by scope and award proposals by stage, within the
    person's reach (``emulation.selectors.counts``); each stage links to the register filtered to it. In the
    catalogue (dashboards), not on a default cockpit."""
    from dieuhanh.emulation.models import Field, InitiativeStatus, ProposalStatus, Scope as InitiativeScope
    from dieuhanh.emulation.selectors import counts

    c = counts(scope.actor)
    register = reverse("initiatives")
    return {
        "total": c.total, "url": register,
        "stages": [{"label": label, "n": c.by_status.get(v, 0), "url": f"{register}?status={v}"} for v, label in InitiativeStatus.choices],
        "scopes": [{"label": label, "n": c.recognised_by_scope.get(v, 0)} for v, label in InitiativeScope.choices],
        "fields": [{"label": label, "n": c.by_field.get(v, 0), "url": f"{register}?field={v}"} for v, label in Field.choices
                   if c.by_field.get(v)],
        "units": c.by_unit[:TOP], "years": c.by_year,
        "proposals": [{"label": label, "n": c.proposals_by_status.get(v, 0)} for v, label in ProposalStatus.choices],
        "awards_url": reverse("award_register"),
    }


@widget("my_difficulties", _("Difficulties we raised and their answers"), roles=("leader",))
def my_difficulties(scope: Scope, params: dict) -> dict:
    from dieuhanh.difficulties.selectors import raised_by_unit, to_answer_by_unit

    unit = scope.unit
    if unit is None:
        return {"unit": None}
    return {"unit": unit, "raised": raised_by_unit(scope.actor, unit, day=scope.day, limit=TOP),
            "to_answer": to_answer_by_unit(scope.actor, unit, day=scope.day, limit=TOP), "url": reverse("difficulty_mine")}


# ================================================================== indicators

def _kpi_unit(scope: Scope, params: dict):
    code = params.get("unit")
    return unit_find(code) if code else (scope.unit or scope.city())


def _scorecard(unit) -> list[dict]:
    from dieuhanh.indicators.selectors import scorecard_rows

    def compute():
        return [{"code": r["indicator"].code, "name": r["indicator"].name, "colour": r["assessment"].colour.value,
                 "gap": r["assessment"].gap, "reason": r["assessment"].reason,
                 "last_period": r["last"][0] if r["last"] else None, "last_value": r["last"][1].value if r["last"] else None}
                for r in scorecard_rows(unit)]
    return _cached(("scorecard", unit.code), compute, cockpit_selectors.indicator_stamp())


def _worst_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (COLOURS.index(r["colour"]), -(r["gap"] or 0), r["code"]))


@widget("kpis", _("Indicators on and off track"), roles=("city", "viewer"))
def kpis(scope: Scope, params: dict) -> dict:
    unit = _kpi_unit(scope, params)
    if unit is None:
        return {"unit": None}
    rows = _scorecard(unit)
    counts = Counter(r["colour"] for r in rows)
    return {"unit": unit, "url": reverse("indicator_scorecard", args=[unit.code]), "counts": [(c, counts.get(c, 0)) for c in COLOURS],
            "rows": [r for r in _worst_first(rows) if r["colour"] in ("red", "orange")][:TOP], "total": len(rows)}


@widget("unit_scorecard", _("A unit's indicator scorecard"), params=("unit",))
def unit_scorecard(scope: Scope, params: dict) -> dict:
    unit = _kpi_unit(scope, params)
    if unit is None:
        return {"unit": None}
    return {"unit": unit, "url": reverse("indicator_scorecard", args=[unit.code]), "rows": _worst_first(_scorecard(unit))[:TOP * 2]}


@widget("indicator_chart", _("An indicator's chart"), params=("indicator", "unit"))
def indicator_chart(scope: Scope, params: dict) -> dict:
    from dieuhanh.indicators.selectors import indicators_by_code, series

    indicator = indicators_by_code([params.get("indicator", "")]).get(params.get("indicator", ""))
    unit = _kpi_unit(scope, params)
    if indicator is None or unit is None:
        return {"indicator": None}
    points = _cached(("series", indicator.code, unit.code),
                     lambda: [(p, c.value) for p, c in series(indicator, unit, official_only=True)], cockpit_selectors.indicator_stamp())
    return {"indicator": indicator, "unit": unit, "points": points,
            "chart": {"labels": [parse_period(p).label_vi for p, _v in points], "values": [v for _p, v in points]},
            "url": reverse("indicator_page", args=[indicator.code]) + "?" + urlencode({"unit": unit.code})}


@widget("indicator_values", _("Indicator values due or returned"), roles=("leader", "reporter"))
def indicator_values(scope: Scope, params: dict) -> dict:
    from dieuhanh.indicators.selectors import due_and_missing

    unit = scope.unit or scope.seat.unit
    if unit is None:
        return {"unit": None}
    year = str(scope.day.year)
    due = _cached(("due", unit.code, year), lambda: [(d.indicator.code, d.unit.code, d.value is not None) for d in due_and_missing(period=year, within=unit)],
                  cockpit_selectors.indicator_stamp())
    returned = cockpit_selectors.returned_periods(unit)
    return {"unit": unit, "period": parse_period(year), "n_due": len(due), "n_missing": sum(1 for d in due if not d[2]),
            "url": reverse("indicator_due") + "?" + urlencode({"unit": unit.code, "period": year}),
            "returned": [{"approval": a, "url": reverse("indicator_entry", args=[a.unit.code, a.period])} for a in returned[:TOP]],
            "n_returned": len(returned)}


# ================================================================== Decision 766

def last_complete_month(day: dt.date):
    """The last calendar month that has ended by ``day`` and holds dossiers (a running month has too few days):
    the month before ``day``'s, or the month the data end in when they end earlier."""
    from dieuhanh.dossiers.selectors import data_range

    found = data_range()
    if not found:
        return None
    month = period_containing(period_containing(day, "monthly").start - dt.timedelta(days=1), "monthly")
    if found[1] < month.start:
        month = period_containing(found[1], "monthly")
    return month if month.end >= found[0] else None


def _d766(scope: Scope):
    from dieuhanh.dossiers import selectors as d766

    def compute():
        month = last_complete_month(scope.day)
        if month is None:
            return None, None, None
        before = period_containing(month.start - dt.timedelta(days=1), "monthly")
        span = d766.span_of(month, as_of=scope.day)
        previous = d766.ranking(d766.span_of(before, as_of=scope.day)) if before.end >= d766.data_range()[0] else None
        return span, d766.ranking(span), previous
    return scope.once("d766", compute)


def _delta(now, then):
    return None if now is None or then is None else now - then


@widget("d766", _("Service quality (Decision 766)"), roles=("city", "viewer"))
def d766_summary(scope: Scope, params: dict) -> dict:
    span, ranking, previous = _d766(scope)
    if ranking is None or not ranking.has_data:
        return {"has_data": False}
    # Ranks are within a group (communes, departments): the lowest of each, worst first.
    bottom = [{"label": label, "rows": sorted((r for r in group if r["rank"] is not None), key=lambda r: (r["total"], r["code"]))[:n]}
              for label, group, n in ((_("The ten lowest communes and wards"), ranking.communes, TOP),
                                      (_("The five lowest departments"), ranking.departments, TOP // 2))]
    rows = []
    for label, now, then in ((_("City"), ranking.city, previous and previous.city),
                             (_("Communes and wards"), ranking.communes_total, previous and previous.communes_total),
                             (_("Departments"), ranking.departments_total, previous and previous.departments_total)):
        rows.append({"label": label, "row": now, "delta": _delta(now["total"], then["total"] if then else None)})
    return {"has_data": True, "span": span, "rows": rows, "bottom": bottom, "synthetic": ranking.synthetic,
            "url": reverse("d766_ranking") + "?" + urlencode({"period": span.key})}


@widget("d766_ranking", _("Decision 766 ranking"))
def d766_ranking(scope: Scope, params: dict) -> dict:
    span, ranking, _previous = _d766(scope)
    if ranking is None or not ranking.has_data:
        return {"has_data": False}
    scored = [r for r in ranking.communes if r["rank"] is not None]
    return {"has_data": True, "span": span, "top": scored[:TOP], "count": len(scored), "synthetic": ranking.synthetic,
            "url": reverse("d766_ranking") + "?" + urlencode({"period": span.key})}


def _unit_d766(scope: Scope, unit) -> dict:
    from dieuhanh.dossiers import selectors as d766

    span, ranking, previous = _d766(scope)
    if unit is None or ranking is None:
        return {"has_data": False}
    card = d766.unit_scorecard(unit, span)
    if not card.has_data:
        return {"has_data": False, "unit": unit}
    peers = ranking.communes if unit.kind == "commune" else ranking.departments
    mine = next((r for r in peers if r["code"] == unit.code), None)
    before = next((r for r in (previous.communes if unit.kind == "commune" else previous.departments) if r["code"] == unit.code), None) if previous else None
    return {"has_data": True, "unit": unit, "span": span, "row": card.row, "rank": mine and mine["rank"],
            "of": sum(1 for r in peers if r["rank"] is not None), "previous_rank": before and before["rank"],
            "delta": _delta(card.row["total"], before["total"] if before else None),
            "monthly": card.monthly[-6:], "lost": card.lost[:5], "synthetic": card.synthetic,
            "url": reverse("d766_unit", args=[unit.code]) + "?" + urlencode({"period": span.key})}


def _of_unit(compute_for_unit: Callable) -> Callable[[Scope, dict], dict]:
    """A widget about one unit: the unit its item names (``unit`` parameter), else the page's, else the person's."""
    def compute(scope: Scope, params: dict) -> dict:
        return compute_for_unit(scope, unit_find(params["unit"]) if params.get("unit") else scope.unit or scope.seat.unit)
    return compute


widget("my_d766", _("My unit's Decision 766 score"), roles=("leader",))(_of_unit(_unit_d766))
widget("d766_unit", _("A unit's Decision 766 score"), params=("unit",), template="cockpit/widgets/my_d766.html")(_of_unit(_unit_d766))


# ================================================================== composite indices

def _index(code: str):
    """The framework and the ranking of its default run, cached until a run of it is added or finished."""
    from dieuhanh.indices import selectors as indices

    def compute():
        framework = cockpit_selectors.framework_find(code)
        run = indices.default_run(framework) if framework else None
        return (framework, indices.ranking(run)) if run else (framework, None)
    return lambda: _cached(("index", code), compute, cockpit_selectors.index_stamp(code))


@widget("ward_index", _("Ward digital-transformation index"), roles=("city", "viewer"))
def ward_index(scope: Scope, params: dict) -> dict:
    return index_ranking(scope, {"framework": WARD_INDEX})


@widget("index_ranking", _("An index ranking"), params=("framework",))
def index_ranking(scope: Scope, params: dict) -> dict:
    code = params.get("framework") or WARD_INDEX
    framework, ranking = scope.once(("index", code), _index(code))
    if ranking is None:
        return {"framework": framework, "code": code, "rows": []}
    ranked = [r for r in ranking.rows if r.rank is not None]
    half = TOP // 2
    rows = ranked if len(ranked) <= TOP else ranked[:half] + ranked[-half:]
    return {"framework": framework, "code": code, "run": ranking.run, "rows": rows, "count": len(ranked), "cut": len(ranked) > TOP,
            "synthetic": ranking.run.dataset.synthetic,
            "has_intervals": ranking.uncertainty is not None, "url": reverse("index_framework", args=[code])}


def _unit_index(scope: Scope, unit) -> dict:
    framework, ranking = scope.once(("index", WARD_INDEX), _index(WARD_INDEX))
    if unit is None or ranking is None:
        return {"row": None, "unit": unit}
    row = next((r for r in ranking.rows if r.unit_code == unit.code), None)
    return {"row": row, "unit": unit, "framework": framework, "count": sum(1 for r in ranking.rows if r.rank is not None),
            "synthetic": ranking.run.dataset.synthetic,
            "url": reverse("index_scorecard", args=[WARD_INDEX, row.ucode]) if row else reverse("index_framework", args=[WARD_INDEX])}


widget("my_index", _("My unit's index rank"), roles=("leader",))(_of_unit(_unit_index))
widget("index_unit", _("A ward's index rank"), params=("unit",), template="cockpit/widgets/my_index.html")(_of_unit(_unit_index))


# ================================================================== free text

@widget("note", _("A text note"), params=("text",))
def note(scope: Scope, params: dict) -> dict:
    return {"text": (params.get("text") or "")[:TEXT_LIMIT]}


@widget("ordered_problems", _("Ordered problems and support programmes"), roles=("city",))
def ordered_problems(scope: Scope, params: dict) -> dict:
    """Calls for solutions the person sees: counts by stage (each linking to the list at that stage), by owner unit,
    field and year of creation; problems solved (accepted or in use) and solutions in use."""
    from dieuhanh.innovation.selectors import figures

    f = figures(scope.actor)
    base = reverse("call_list")
    return {"total": f.total, "url": base, "solved": f.solved, "in_use": f.in_use,
            "stages": [{"label": label, "n": n, "url": f"{base}?{urlencode({'stage': code})}"} for code, label, n in f.by_stage],
            "units": [{"name": name, "n": n} for name, n in f.by_unit[:TOP]], "fields": [{"label": label, "n": n} for _c, label, n in f.by_field],
            "years": [{"year": y, "n": n} for y, n in f.by_year]}
