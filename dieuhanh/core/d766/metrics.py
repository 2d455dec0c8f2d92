"""Decision 766 scorecard per agency and period, defined once as Ibis expressions over the dossier table.

The same expressions compile for DuckDB here and for a distributed engine (Spark, Trino) later: no
backend-specific SQL. ``reference.py`` implements the same rules in plain pandas; the tests prove both agree.

Populations. A dossier belongs to a period's **2.1** population when its processing overlaps the period
(received_at < period end and finished_at null or ≥ period start); for every other indicator it belongs to the
period it was **received** in. Periods are calendar months, quarters or years clipped to [start, end]; a period
ends at the exclusive midnight after its last day. Timestamps are local wall-clock times, compared to the second.

On time (2.1, and "overdue" in 5.4). More than one supplement request ⇒ not on time. Otherwise a dossier finished
by the period end is on time when ``finished_at − supplement_hours ≤ due_at``; one still open at the period end
(not finished, or finished later) is within deadline when ``period end ≤ due_at``. Without a due date the elapsed
time (to finished_at, or to the period end if open) minus supplement_hours is compared with ``statutory_days``
counted as calendar days of 24 h (working-day calendars are a later refinement). A dossier with neither a due
date nor a statutory limit cannot show it met a deadline and counts as not on time.

Indicators (n = dossiers received in the period; a rate is null when its denominator is 0):
- 1.4 synced ÷ n · 2.1 on time ÷ 2.1 population · 3.3 (channel 2 ÷ n) × rate 1.4
- 3.6 paid_online ∈ {1, 2} ÷ dossiers with fee_total > 0 (a null fee is not fee-bearing)
- 4.1 e_result ÷ n · 4.2 (digitised_components and e_result) ÷ n · 4.3 reused_data ÷ n · 4.4 personal_store ÷ n
  · 4.5 vneid_verified ÷ n
- 5.4 max(0, 1 − (overdue + with feedback or rated "dissatisfied") ÷ n); the official formula adds the two rates,
  so a dossier both overdue and disliked counts twice, and the floor at 0 keeps points from going negative.
- 2.2 is monitoring only: ``avg_processing_days`` = Σ(finished_at − received_at − supplement_hours) ÷ dossiers
  received in the period and finished (at any time), in days.
Indicators needing the procedure catalogue or feedback records (1.1–1.3, 3.5, 3.5b, 4.2b, 4.5b, 5.2, 5.3) are
not computed here. Null booleans count as false, a missing supplement_requests or supplement_hours as 0.

Scoring. ``p_<id> = points × min(1, r_<id> ÷ full_at)``. Indicators without a rate (not computed here, or with a
zero denominator in that row) are left out: ``max_points`` is the sum of the points of the indicators that have a
rate, and ``total = Σ p ÷ max_points × 100`` rescales the available points to the 100-point scale (null when
nothing could be scored). ``g_<group>`` sums the group's available points (null when none). ``band`` is the key
of the highest band whose ``min_score`` the total reaches. Indicator ids become column names with "." → "_"
(``r_2_1``), which every engine accepts unquoted.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.types as ir

from dieuhanh.core.d766.rules import DEFAULT, Scoring
from dieuhanh.core.periods import periods_between

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    from ibis.backends.duckdb import Backend

By = Literal["month", "quarter", "year"]
_FREQUENCY: dict[str, str] = {"month": "monthly", "quarter": "quarterly", "year": "yearly"}
# Totals are float sums: a total a rounding error below a band's edge still belongs to that band.
_BAND_TOLERANCE = 1e-9


def column_key(indicator_id: str) -> str:
    """``"2.1"`` → ``"2_1"``, the suffix of ``r_``/``p_`` columns."""
    return indicator_id.replace(".", "_")


def period_spans(start: dt.date, end: dt.date, by: By | None) -> list[tuple[dt.date, dt.date]]:
    """(first day, last day) of each period: calendar periods clipped to [start, end], or [start, end] itself."""
    if end < start:
        raise ValueError("end is before start")
    if by is None:
        return [(start, end)]
    return [(max(p.start, start), min(p.end, end)) for p in periods_between(start, end, _FREQUENCY[by])]


def _count(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return ibis.ifelse(condition, 1, 0).sum().cast("int64")


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(denominator > 0, numerator / denominator, ibis.null("float64"))


def scorecard(
    dossiers: ir.Table,
    *,
    start: dt.date,
    end: dt.date,
    by: By | None = None,
    scoring: Scoring = DEFAULT,
) -> ir.Table:
    """One row per agency_code and period, sorted by agency_code then period_start (see the module docstring)."""
    spans = period_spans(start, end, by)
    periods = ibis.memtable(
        {
            "period_start": [s for s, _ in spans],
            "period_end": [e for _, e in spans],
            "_from": [dt.datetime.combine(s, dt.time()) for s, _ in spans],
            "_until": [dt.datetime.combine(e + dt.timedelta(days=1), dt.time()) for _, e in spans],
        }
    )
    t = dossiers.cross_join(periods)
    t = t.mutate(
        _received_in=(t.received_at >= t._from) & (t.received_at < t._until),
        _in_2_1=(t.received_at < t._until) & (t.finished_at.isnull() | (t.finished_at >= t._from)),
    )
    t = t.filter(t._received_in | t._in_2_1)
    received_in, in_2_1 = t._received_in, t._in_2_1

    supplement_s = t.supplement_hours.fill_null(0) * 3600
    finished_by_end = t.finished_at.notnull() & (t.finished_at < t._until)
    end_at = ibis.ifelse(finished_by_end, t.finished_at, t._until)
    within_due = ibis.ifelse(
        finished_by_end, t.finished_at.delta(t.due_at, unit="second") <= supplement_s, t._until <= t.due_at
    )
    within_statutory = end_at.delta(t.received_at, unit="second") <= t.statutory_days * 86400 + supplement_s
    on_time = (t.supplement_requests.fill_null(0) <= 1) & ibis.ifelse(
        t.due_at.notnull(), within_due, within_statutory
    ).fill_null(False)
    finished = received_in & t.finished_at.notnull()
    e_result = t.e_result.fill_null(False)
    disliked = t.has_feedback.fill_null(False) | (t.rating == "dissatisfied").fill_null(False)
    fee_bearing = (t.fee_total > 0).fill_null(False)

    a = t.group_by(["agency_code", "period_start", "period_end"]).aggregate(
        n_received=_count(received_in),
        n_in_2_1=_count(in_2_1),
        n_finished=_count(finished),
        avg_processing_days=ibis.ifelse(
            finished, t.finished_at.delta(t.received_at, unit="second") - supplement_s, ibis.null("float64")
        ).mean()
        / 86400,
        _on_time=_count(in_2_1 & on_time),
        _overdue=_count(received_in & ~on_time),
        _disliked=_count(received_in & disliked),
        _synced=_count(received_in & t.synced.fill_null(False)),
        _online=_count(received_in & (t.channel == 2).fill_null(False)),
        _fee=_count(received_in & fee_bearing),
        _paid=_count(received_in & fee_bearing & t.paid_online.isin([1, 2]).fill_null(False)),
        _e_result=_count(received_in & e_result),
        _digitised=_count(received_in & t.digitised_components.fill_null(False) & e_result),
        _reused=_count(received_in & t.reused_data.fill_null(False)),
        _personal_store=_count(received_in & t.personal_store.fill_null(False)),
        _vneid=_count(received_in & t.vneid_verified.fill_null(False)),
        _with_ward=_count(received_in & t.applicant_ward_code.notnull()),
        _outside_ward=_count(received_in & (t.applicant_ward_code != t.agency_code).fill_null(False)),
    )

    n = a.n_received
    rates: dict[str, ir.FloatingValue] = {
        "1.4": _ratio(a._synced, n),
        "2.1": _ratio(a._on_time, a.n_in_2_1),
        "3.3": _ratio(a._online, n) * _ratio(a._synced, n),
        "3.6": _ratio(a._paid, a._fee),
        "4.1": _ratio(a._e_result, n),
        "4.2": _ratio(a._digitised, n),
        "4.3": _ratio(a._reused, n),
        "4.4": _ratio(a._personal_store, n),
        "4.5": _ratio(a._vneid, n),
        "5.4": ibis.ifelse(n > 0, ibis.greatest(0.0, 1 - (a._overdue + a._disliked) / n), ibis.null("float64")),
    }
    scored = [i for i in scoring.indicators if i.id in rates and i.full_at is not None]
    a = a.mutate(
        r_outside_ward=_ratio(a._outside_ward, a._with_ward),
        **{f"r_{column_key(i.id)}": rates[i.id] for i in scored},
    )
    a = a.mutate(
        **{
            f"p_{column_key(i.id)}": ibis.ifelse(
                a[f"r_{column_key(i.id)}"] >= i.full_at,
                float(i.points),
                float(i.points) * (a[f"r_{column_key(i.id)}"] / i.full_at),
            )
            for i in scored
        }
    )

    def has_rate(indicator_id: str) -> ir.BooleanValue:
        return a[f"r_{column_key(indicator_id)}"].notnull()

    def points_sum(ids: list[str]) -> ir.FloatingValue:
        return functools.reduce(operator.add, [a[f"p_{column_key(i)}"].fill_null(0.0) for i in ids], ibis.literal(0.0))

    groups: dict[str, list[str]] = {}
    for i in scored:
        groups.setdefault(i.group, []).append(i.id)
    a = a.mutate(
        **{
            f"g_{group}": ibis.ifelse(
                functools.reduce(operator.or_, [has_rate(i) for i in ids]), points_sum(ids), ibis.null("float64")
            )
            for group, ids in groups.items()
        },
        max_points=functools.reduce(
            operator.add, [ibis.ifelse(has_rate(i.id), float(i.points), 0.0) for i in scored], ibis.literal(0.0)
        ),
        _earned=points_sum([i.id for i in scored]),
    )
    a = a.mutate(total=ibis.ifelse(a.max_points > 0, a._earned / a.max_points * 100, ibis.null("float64")))
    a = a.mutate(
        band=ibis.cases(
            *((a.total >= b.min_score - _BAND_TOLERANCE, b.key) for b in scoring.bands), else_=ibis.null("string")
        )
    )
    columns = [
        "agency_code",
        "period_start",
        "period_end",
        "n_received",
        "n_in_2_1",
        "n_finished",
        "avg_processing_days",
        "r_outside_ward",
        *(f"{kind}_{column_key(i.id)}" for i in scored for kind in ("r", "p")),
        *(f"g_{group}" for group in groups),
        "max_points",
        "total",
        "band",
    ]
    return a.select(columns).order_by(["agency_code", "period_start"])


def compute(
    con: duckdb.DuckDBPyConnection | Backend | str | Path,
    table_name_or_expr: str | ir.Table,
    **kw: Any,
) -> pd.DataFrame:
    """Run ``scorecard(**kw)`` on DuckDB: ``con`` is a DuckDB connection, an Ibis DuckDB backend or a database path."""
    import duckdb  # here, not at the top: the metric definitions must import where DuckDB is not installed

    if isinstance(con, duckdb.DuckDBPyConnection):
        backend = ibis.duckdb.from_connection(con)
    elif isinstance(con, str | Path):
        backend = ibis.duckdb.connect(con)
    else:
        backend = con
    dossiers = backend.table(table_name_or_expr) if isinstance(table_name_or_expr, str) else table_name_or_expr
    return scorecard(dossiers, **kw).execute()
