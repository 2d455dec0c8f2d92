"""What each public page shows, computed from a release's tables only (plain data in, plain data out)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import Any

from dieuhanh.errors import NotFound
from dieuhanh.portal.selectors import index_by
from dieuhanh.core.tasks.appendix_sheet import FUNDING_SOURCES
from dieuhanh.portal.tables import KEYS, MONEY_STAGES, SPECS

STATUSES = ("completed_on_time", "completed_late", "within_deadline", "overdue")


def plan_slug(plan: str) -> str:
    return plan.replace("/", "_")


def _share(part: float | None, whole: float | None) -> float | None:
    return 100 * part / whole if part is not None and whole else None


def unit_names(t: dict) -> dict[str, str]:
    return {u["unit_code"]: u["name"] for u in t["units"]}


def programme(t: dict) -> dict[str, Any]:
    groups = [dict(g, bar=g["progress"] or 0) for g in t["task_groups"]]
    totals = {s: sum(g[s] for g in groups) for s in STATUSES}
    counted = sum(totals.values())
    kpis = t["kpis"]
    goals = [k for k in kpis if k["kind"] == "strategic" and (k["target_label"] or k["latest_value"] is not None)]
    plans = sorted({g["plan"] for g in groups})
    return {"groups": groups, "totals": totals, "counted": counted, "goals": goals, "plans": plans,
            "shares": {s: _share(n, counted) for s, n in totals.items()}, "budget": budget(t)}


def tasks_of(t: dict, *, plan: str | None = None, group: int | None = None, unit: str | None = None) -> list[dict]:
    names = unit_names(t)
    out = []
    for r in t["tasks"]:
        if (plan and r["plan"] != plan) or (group and r["group"] != group) or (unit and unit != r["lead_unit_code"]
                                                                            and unit not in (r["coordinating_unit_codes"] or "").split(";")):
            continue
        out.append({**r, "slug": plan_slug(r["plan"]), "lead_unit": names.get(r["lead_unit_code"], r["lead_unit_code"])})
    return out


def task_card(t: dict, slug: str, code: str) -> dict[str, Any]:
    names = unit_names(t)
    task = next((r for r in t["tasks"] if plan_slug(r["plan"]) == slug and r["task_code"] == code), None)
    if task is None:
        raise NotFound(f"task {slug} {code}")
    events = [e for e in t["task_events"] if e["plan"] == task["plan"] and e["task_code"] == code]
    coordinating = [names.get(c, c) for c in (task["coordinating_unit_codes"] or "").split(";") if c]
    evidence = [e for e in t.get("task_evidence", []) if e["plan"] == task["plan"] and e["task_code"] == code]
    return {"task": task, "events": events, "evidence": evidence, "lead_unit": names.get(task["lead_unit_code"], task["lead_unit_code"]),
            "coordinating": coordinating, "slug": slug}


def kpi_list(t: dict) -> list[dict]:
    return t["kpis"]


def kpi(t: dict, code: str) -> dict[str, Any]:
    found = next((k for k in t["kpis"] if k["indicator_code"] == code), None)
    if found is None:
        raise NotFound(f"indicator {code}")
    names = unit_names(t)
    values = [dict(v, unit=names.get(v["unit_code"], v["unit_code"])) for v in t["kpi_values"] if v["indicator_code"] == code]
    targets = [dict(v, unit=names.get(v["unit_code"], v["unit_code"])) for v in t["kpi_targets"] if v["indicator_code"] == code]
    top = max((abs(v["value"]) for v in values if v["value"] is not None), default=0)
    for v in values:
        v["bar"] = 100 * abs(v["value"]) / top if top and v["value"] is not None else 0
    return {"kpi": found, "values": values, "targets": targets}


def d766_periods(t: dict) -> list[str]:
    return sorted({r["period"] for r in t["d766_scorecards"]}, reverse=True)


def d766_ranking(t: dict, period: str | None) -> dict[str, Any]:
    periods = d766_periods(t)
    if period is None:
        period = periods[0] if periods else None
    elif period not in periods:
        raise NotFound(f"766 period {period}")
    names = unit_names(t)
    rows = [dict(r, name=names.get(r["unit_code"], r["unit_code"])) for r in t["d766_scorecards"] if r["period"] == period]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    return {"period": period, "periods": periods, "communes": [r for r in rows if r["unit_kind"] == "commune"],
            "departments": [r for r in rows if r["unit_kind"] != "commune"]}


def d766_unit(t: dict, code: str, period: str | None) -> dict[str, Any]:
    ranking = d766_ranking(t, period)
    row = next((r for r in ranking["communes"] + ranking["departments"] if r["unit_code"] == code), None)
    if row is None:
        raise NotFound(f"766 unit {code}")
    indicators = [dict(r, bar=100 * (r["earned"] or 0) / r["points"] if r["points"] else 0)
                  for r in t["d766_indicators"] if r["period"] == ranking["period"] and r["unit_code"] == code]
    return {**ranking, "row": row, "indicators": indicators}


def index_ranking(t: dict) -> dict[str, Any]:
    rows = sorted((dict(r) for r in t["index_results"]), key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    n = max((r["rank_high"] or r["rank"] or 0 for r in rows), default=0) or 1
    for r in rows:
        low, high = r["rank_low"] or r["rank"] or 0, r["rank_high"] or r["rank"] or 0
        r["bar_left"], r["bar"] = 100 * (low - 1) / n, max(1.0, 100 * (high - low + 1) / n)
    return {"rows": rows}


def _money_totals(rows: list[dict], key) -> dict[Any, dict]:
    """Rows with any amount, summed stage by stage under ``key(row)``; a stage nobody recorded stays empty (None),
    which is not 0. Releases published before a stage was recorded lack its column: empty too."""
    out: dict[Any, dict] = defaultdict(lambda: {**dict.fromkeys(MONEY_STAGES), "tasks": 0})
    for r in rows:
        if all(r.get(money) is None for money in MONEY_STAGES):
            continue
        total = out[key(r)]
        total["tasks"] += 1
        for money in MONEY_STAGES:
            if r.get(money) is not None:
                total[money] = (total[money] or 0) + r[money]
    return out


def _stage_sum(rows: list[dict], money: str) -> float | None:
    amounts = [r.get(money) for r in rows if r.get(money) is not None]
    return sum(amounts) if amounts else None


def budget(t: dict) -> dict[str, Any]:
    names = unit_names(t)
    units = sorted(({"unit_code": c, "name": names.get(c, c), **v} for c, v in _money_totals(t["tasks"], lambda r: r["lead_unit_code"]).items()),
                   key=lambda r: -(r["budget_planned"] or 0))
    by_source = _money_totals(t["tasks"], lambda r: r.get("funding_source") or "")
    # In the order of the list of sources; tasks without a source last.
    sources = [{"source": code, "label": FUNDING_SOURCES.get(code, ""), **by_source[code]}
               for code in (*FUNDING_SOURCES, "") if code in by_source]
    groups = [dict(g) for g in t["task_groups"] if any(g.get(money) is not None for money in MONEY_STAGES)]
    for g in groups:
        g.setdefault("budget_allocated", None)
    planned = _stage_sum(groups, "budget_planned")
    allocated = _stage_sum(groups, "budget_allocated")
    # No disbursement recorded is not "0 disbursed": the share is left out then.
    disbursed = _stage_sum(groups, "budget_disbursed")
    values = index_by(t["kpi_values"], "indicator_code")
    share = [v for v in values.get("NS_KHCN_TYLE_DT", [])]
    science = values.get("NS_KHCN_DUTOAN", [])
    total = values.get("NS_TONG_DUTOAN", [])
    return {"units": units, "groups": groups, "sources": sources, "planned": planned or None, "allocated": allocated,
            "disbursed": disbursed, "allocated_share": _share(allocated, planned), "disbursed_share": _share(disbursed, planned), "science_share": share[-1] if share else None,
            "science": science[-1] if science else None, "total": total[-1] if total else None}


def unit_page(t: dict, code: str) -> dict[str, Any]:
    unit = next((u for u in t["units"] if u["unit_code"] == code), None)
    if unit is None:
        raise NotFound(f"unit {code}")
    kpis = {k["indicator_code"]: k for k in t["kpis"]}
    values = [dict(v, name=kpis[v["indicator_code"]]["name"] if v["indicator_code"] in kpis else v["indicator_code"],
                   measure=kpis.get(v["indicator_code"], {}).get("measure", ""))
              for v in t["kpi_values"] if v["unit_code"] == code]
    d766 = [r for r in t["d766_scorecards"] if r["unit_code"] == code]
    index = [r for r in t["index_results"] if r["unit_code"] == code]
    return {"unit": unit, "tasks": tasks_of(t, unit=code), "values": values, "d766": d766, "index": index}


def changes(before: dict, after: dict, *, examples: int = 10) -> list[dict[str, Any]]:
    """What changed from one release's tables to the next: per table, rows added, removed and changed (by the table's
    key columns), with the first ``examples`` changed values."""
    out = []
    for spec in SPECS:
        key = KEYS.get(spec.name) or tuple(spec.column_names)
        old = {tuple(r[k] for k in key): r for r in before.get(spec.name, [])}
        new = {tuple(r[k] for k in key): r for r in after.get(spec.name, [])}
        changed = [k for k in new.keys() & old.keys() if new[k] != old[k]]
        added, removed = len(new.keys() - old.keys()), len(old.keys() - new.keys())
        if not (changed or added or removed):
            continue
        shown = []
        for k in sorted(changed, key=str)[:examples]:
            for column in spec.column_names:
                if old[k][column] != new[k][column]:
                    shown.append({"row": " · ".join(str(v) for v in k), "column": column, "old": old[k][column], "new": new[k][column]})
        out.append({"name": spec.name, "title": spec.title_vi, "title_en": spec.title_en, "added": added, "removed": removed,
                    "changed": len(changed), "examples": shown})
    return out


def six_months_after(day: dt.date) -> dt.date:
    """The same day six months later (the last day of that month when it is shorter): when the open-data catalogue is
    next reviewed at the latest (Decree 47/2020/NĐ-CP)."""
    month = day.month + 6
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
