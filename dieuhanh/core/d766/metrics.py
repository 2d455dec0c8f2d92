"""Decision 766 scorecard per agency and period, defined once as Ibis expressions over the dossier table (and,
when given, the procedure catalogue and the feedback table).

The same expressions compile for DuckDB here and for a distributed engine (Spark, Trino) later: no
backend-specific SQL. ``reference.py`` implements the same rules in plain pandas; the tests prove both agree.

Rows. One row per key and period; the key is ``agency_code`` (the scorecard) or, for drill-down, ``agency_code``
with ``procedure_code`` or with ``channel``. Key columns come first, then ``period_start``/``period_end``.

Populations. A dossier belongs to a period's **2.1** population when its processing overlaps the period
(received_at < period end and finished_at null or ≥ period start); for every other indicator it belongs to the
period it was **received** in. Periods are calendar months, quarters or years clipped to [start, end]; a period
ends at the exclusive midnight after its last day. Timestamps are local wall-clock times, compared to the second.
Each dossier is paired only with the periods it counts in (its period of receipt, plus the later periods it was
still open in), never with every period, so the work grows with the dossiers, not with dossiers × periods.

Facts, then sums. ``dossier_facts`` derives per dossier what does not depend on the period scored (period
numbers, on time if finished, the deadline an open dossier is held to, the 0/1 flags each indicator counts);
``scorecard`` pairs them with periods and adds them up, from dossiers (deriving the facts on the way, so any
engine runs the same definitions from the raw dossiers) or, with ``from_facts=True``, from kept facts. A DuckDB
store keeps the facts as the table ``dossier_facts`` (``refresh_facts``, called by ``ingest``), and ``compute``
adds them up from there.

Working time (``calendar.py``): a working day counts 24 hours, weekends and the days off of
``data/holidays_vn.csv`` none; the day of receipt counts from the moment of receipt and a dossier received on a
day off starts its clock at the next working day's midnight. Limits stated in working days (``statutory_days``,
the feedback deadlines, the catalogue's publication deadlines) are measured on that clock. Dates outside the
calendar (before 2000, from 2041) have no position, so a limit measured there is not met.

On time (2.1, and "overdue" in 5.4). More than one supplement request ⇒ not on time. Otherwise a dossier finished
by the period end is on time when ``finished_at − supplement_hours ≤ due_at``; one still open at the period end
(not finished, or finished later) is within deadline when ``period end ≤ due_at``. Without a due date the working
time from receipt to finished_at (or to the period end if open), minus supplement_hours, is compared with
``statutory_days`` working days. A dossier with neither a due date nor a statutory limit cannot show it met a
deadline and counts as not on time.

Dossier indicators (n = dossiers received in the period; a rate is null when its denominator is 0):
- 1.4 synced ÷ n · 2.1 on time ÷ 2.1 population · 3.3 (channel 2 ÷ n) × rate 1.4
- 3.6 paid_online ∈ {1, 2} ÷ dossiers with fee_total > 0 (a null fee is not fee-bearing)
- 4.1 e_result ÷ n · 4.2 (digitised_components and e_result) ÷ n · 4.3 reused_data ÷ n · 4.4 personal_store ÷ n
  · 4.5 vneid_verified ÷ n
- 5.4 max(0, 1 − (overdue + with feedback or rated "dissatisfied") ÷ n); the official formula adds the two rates,
  so a dossier both overdue and disliked counts twice, and the floor at 0 keeps points from going negative.
- 2.2 is monitoring only: ``avg_processing_days`` = Σ(finished_at − received_at − supplement_hours) ÷ dossiers
  received in the period and finished (at any time), in calendar days.
Null booleans count as false, a missing supplement_requests or supplement_hours as 0.

Catalogue indicators (``procedures`` given). An agency's procedures in a period are the catalogue procedures of
which it received at least one dossier in the period: the formula's denominator is the procedures under the
unit's authority, and receiving dossiers of a procedure is the evidence of that authority the data holds (it
needs no map from units to levels, and a drill-down row's procedures are that row's). Procedures missing from
the catalogue are left out of these indicators. Working days W(a, b) = working days in [a, b).
- 1.1 announced on time: announced_at set and W(announced_at, effective_at) ≥ ``announce_before_effective`` ÷
  procedures with an effective_at
- 1.2 public in the national database on time: published_at set and W(announced_at, published_at) ≤
  ``publish_after_announcement`` ÷ procedures with an announced_at
- 1.3 elements_published ≥ 7 ÷ procedures · 4.5b population_db ÷ procedures
- 3.5 fee_integrated ÷ fee-bearing procedures · 3.5b fee-bearing procedures with at least one dossier received in
  the period and paid online (fee_total > 0, paid_online ∈ {1, 2}) ÷ fee-bearing procedures
- 4.2b dossiers of certification procedures with an electronic result ÷ dossiers of certification procedures
  received in the period (the electronic certified copies among the certified copies)

Feedback indicators (``feedback`` given; computed when every key column is a feedback column, i.e. not by
channel). Population: feedback received in the period. On time (5.2): refused (rejected_at before the period
end) within ``feedback_reject`` working days of receipt; otherwise any request for information made before the
period end within ``feedback_request_info`` working days, and the answer (handled_at before the period end)
within ``feedback_handle`` working days — or, with no answer by the period end, the period end still within
that limit. 5.3 = feedback rated "satisfied" ÷ feedback with a satisfaction rating. An agency and period with
feedback but no dossier gets a row (with zero dossier counts).

Scoring. ``p_<id> = points × min(1, r_<id> ÷ full_at)``. Indicators without a rate (their data not given, or a
zero denominator in that row) are left out: ``max_points`` is the sum of the points of the indicators that have a
rate, and ``total = Σ p ÷ max_points × 100`` rescales the available points to the 100-point scale (null when
nothing could be scored). ``g_<group>`` sums the group's available points (null when none). ``band`` is the key
of the highest band whose ``min_score`` the total reaches. Indicator ids become column names with "." → "_"
(``r_2_1``), which every engine accepts unquoted. ``r_`` and ``p_`` columns exist for the indicators whose data
was given (dossier indicators always; catalogue ones with ``procedures``; 5.2 and 5.3 with ``feedback``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.types as ir

from dieuhanh.core.d766.workdays import WorkingCalendar, default_calendar
from dieuhanh.core.d766.rules import DEFAULT, Deadlines, Scoring
from dieuhanh.core.d766.schema import REQUIRED_ELEMENTS
from dieuhanh.core.common.periods import periods_between

if TYPE_CHECKING:
    pass

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


@dataclasses.dataclass(frozen=True, eq=False)
class Window:
    """What a scorecard's expression reads of its periods (``window_values`` gives them as plain values).

    ``literal_window`` writes the values into the expression, which any engine runs. An engine that passes
    values to a compiled statement gives expressions that read them instead (DuckDB's variables, see
    ``execute``), so that one statement serves every period of a shape (``by``): building and compiling the
    expression costs more than running it on a unit's dossiers."""

    by: By | None
    month_aligned: ir.BooleanValue  # the window opens on a month's first day
    opens: ir.TimestampValue  # the first period's first instant
    closes: ir.TimestampValue  # the instant after the last period
    first: ir.IntegerValue  # the first period's number (``_received_m``, ``_q`` or ``_y``); 0 without ``by``
    last: ir.IntegerValue  # the index of the last period
    froms: ir.ArrayValue  # per period index: its first instant
    untils: ir.ArrayValue  # the instant after it
    until_positions: ir.ArrayValue  # that instant's working-clock position (null outside the calendar)
    starts: ir.ArrayValue  # its first day (period_start)
    ends: ir.ArrayValue  # its last day (period_end)


# The types of ``window_values`` (and of the ``Window`` expressions that read them).
WINDOW_TYPES: dict[str, str] = {
    "month_aligned": "boolean", "opens": "timestamp", "closes": "timestamp", "first": "int64", "last": "int64", "froms": "array<timestamp>",
    "untils": "array<timestamp>", "until_positions": "array<int64>", "starts": "array<date>", "ends": "array<date>",
}


def window_values(start: dt.date, end: dt.date, by: By | None, calendar: WorkingCalendar) -> dict[str, Any]:
    """The values of the ``Window`` over [start, end] by ``by`` (names and types: ``WINDOW_TYPES``)."""
    spans = period_spans(start, end, by)
    first = {None: 0, "month": start.year * 12 + start.month, "quarter": start.year * 4 + (start.month - 1) // 3 + 1,
             "year": start.year}[by]
    untils = [dt.datetime.combine(e + dt.timedelta(days=1), dt.time()) for _, e in spans]
    return {
        "month_aligned": start.day == 1,
        "opens": dt.datetime.combine(spans[0][0], dt.time()),
        "closes": untils[-1],
        "first": first,
        "last": len(spans) - 1,
        "froms": [dt.datetime.combine(s, dt.time()) for s, _ in spans],
        "untils": untils,
        "until_positions": [_until_position(calendar, e) for _, e in spans],
        "starts": [s for s, _ in spans],
        "ends": [e for _, e in spans],
    }


def literal_window(start: dt.date, end: dt.date, by: By | None, calendar: WorkingCalendar) -> Window:
    """The ``Window`` over [start, end] by ``by`` with its values written into the expression (any engine)."""
    values = window_values(start, end, by, calendar)
    return Window(by=by, **{name: ibis.literal(values[name], type=kind) for name, kind in WINDOW_TYPES.items()})


def _count(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return condition.cast("int32").sum().cast("int64")


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(denominator > 0, numerator / denominator, ibis.null("float64"))


KEYS = (("agency_code",), ("agency_code", "procedure_code"), ("agency_code", "channel"))


def _check_keys(keys: Sequence[str]) -> tuple[str, ...]:
    keys = tuple(keys)
    if keys not in KEYS:
        raise ValueError(f"keys must be one of {KEYS}, not {keys}")
    return keys


def _period_index(t: ir.Table, prefix: str, window: Window) -> ir.IntegerValue:
    """The position of the calendar period of ``t``'s ``{prefix}_at`` among the window's periods (valid for a
    time inside the window: the periods are calendar periods clipped to it), from the period numbers
    ``dossier_facts`` stores (``_{prefix}_m`` = year × 12 + month, ``_q``, ``_y``)."""
    if window.by is None:
        return ibis.literal(0, type="int64")
    return t[f"_{prefix}_{window.by[0]}"] - window.first


def _period_numbers(ts: ir.TimestampValue, prefix: str) -> dict[str, ir.IntegerValue]:
    """The month, quarter and year numbers of ``ts`` (``_period_index`` reads them), as int32."""
    year = ts.year().cast("int32")
    return {
        f"_{prefix}_m": year * 12 + ts.month().cast("int32"),
        f"_{prefix}_q": year * 4 + ts.quarter().cast("int32"),
        f"_{prefix}_y": year,
    }


def _by_period(
    source: ir.Table, window: Window, derive: Callable[[ir.Table], ir.Table] | None
) -> tuple[ir.Table, ir.Table]:
    """The dossier facts with ``_p``, the index of a period they count in, as two tables: ``at_receipt`` (every
    dossier received in the window, with its period of receipt) and ``later`` (one row per later period in which
    a dossier was still being processed, or per period from the first, if it was received before the window).

    Instead of pairing every dossier with every period, each dossier is paired only with the periods its
    processing overlaps. Only the dossiers still open at the end of their period of receipt go through an array
    of period indexes, so rows grow by a few percent, not by the number of periods. A ``later`` row is always in
    its period's 2.1 population and never received in it, so it only counts for 2.1.

    ``source`` holds dossier facts, or, with ``derive`` (``dossier_facts``), dossiers: the facts are then derived
    after each branch's filter on the raw columns, a separate expression per branch, so that an engine does not
    keep (materialise) the facts of every dossier for two consumers.
    """
    opens, closes = window.opens, window.closes
    at_receipt = source.filter((source.received_at >= opens) & (source.received_at < closes))
    at_receipt = derive(at_receipt) if derive else at_receipt
    at_receipt = at_receipt.mutate(_p=_period_index(at_receipt, "received", window).cast("int64"))

    def bounds(t: ir.Table) -> tuple[ir.IntegerValue, ir.IntegerValue]:
        first = ibis.ifelse(t.received_at < opens, 0, _period_index(t, "received", window) + 1)
        last_open = ibis.ifelse(t.finished_at.isnull() | (t.finished_at >= closes), window.last,
                                _period_index(t, "finished", window))
        return first, last_open

    later = source.filter((source.received_at < closes) & (source.finished_at.isnull() | (source.finished_at >= opens)))
    if derive:  # keep only the dossiers with later periods before deriving their facts
        later = later.mutate(**_period_numbers(later.received_at, "received"),
                             **_period_numbers(later.finished_at, "finished"))
    else:
        # In a window that opens on a month's first day, sufficient to leave out the others (see
        # dossier_facts), and cheap: a table of facts kept sorted by it skips their storage blocks. (A value of
        # the window, not a branch here, so that one statement serves both: an engine folds the constant.)
        later = later.filter(later._open_after_month | ~window.month_aligned)
    first, last_open = bounds(later)
    later = later.filter(last_open >= first)
    if derive:
        later = derive(later)
        first, last_open = bounds(later)
    # The bounds are cast, not the unnested value: Spark refuses a generator (explode) nested in a CAST.
    later = later.mutate(_p=ibis.range(first.cast("int64"), (last_open + 1).cast("int64")).unnest())
    return at_receipt, later


@functools.lru_cache(maxsize=8)
def _calendar_table(calendar: WorkingCalendar) -> ir.Table:
    """The calendar as a table, one per calendar object: an engine registers the same memtable only once."""
    return ibis.memtable(calendar.table(), schema={"day": "date", "day_index": "int64", "working": "boolean"})


def _day_seconds(ts: ir.TimestampValue) -> ir.IntegerValue:
    return ts.hour() * 3600 + ts.minute() * 60 + ts.second()


def _with_position(t: ir.Table, cal: ir.Table, column: str, name: str, when: ir.BooleanValue | None = None) -> ir.Table:
    """Add ``{name}_index`` and ``{name}_working`` (the calendar row of ``t[column]``'s day) for ``_position``.

    ``when`` limits the lookup to the rows that need it (the others get nulls), which keeps the join cheap.
    """
    day = t[column].date()
    t = t.mutate(**{f"{name}_day": day if when is None else ibis.ifelse(when, day, ibis.null("date"))})
    c = cal.select(**{f"{name}_day": cal.day, f"{name}_index": cal.day_index, f"{name}_working": cal.working})
    return t.left_join(c, f"{name}_day")


def _position(t: ir.Table, column: str, name: str) -> ir.IntegerValue:
    """Where ``t[column]`` falls on the working-time clock, in seconds (see ``calendar.py``); null outside the
    calendar or where ``_with_position`` did not look it up."""
    return t[f"{name}_index"].cast("int64") * 86400 + ibis.ifelse(
        t[f"{name}_working"], _day_seconds(t[column]), 0
    ).cast("int64")


def _with_bounds(t: ir.Table, window: Window) -> ir.Table:
    """Add the bounds of each row's period ``_p``: ``_from``, ``_until`` (exclusive) and ``_until_pos`` (the
    working-clock position of ``_until``), read from the window's arrays indexed by ``_p``.

    An array lookup rather than a join with a table of periods: a join with a dozen-row table gets estimates that
    make engines build their hash tables on the dossier side of the other joins.
    """
    at = t._p.cast("int32")  # Spark's element_at takes an INT position
    return t.mutate(_from=window.froms[at], _until=window.untils[at], _until_pos=window.until_positions[at])


def _until_position(calendar: WorkingCalendar, last_day: dt.date) -> int | None:
    try:
        return calendar.day_index(last_day + dt.timedelta(days=1)) * 86400
    except ValueError:  # outside the calendar
        return None


def _sum_all(t: ir.Table, group: list[str], columns: list[str]) -> ir.Table:
    return t.group_by(group).aggregate(**{c: t[c].sum().cast(t[c].type()) for c in columns})


_DOSSIER_COUNTS = (
    "n_received", "n_in_2_1", "n_finished", "_processing_s", "_on_time", "_overdue", "_disliked", "_synced",
    "_online", "_fee", "_paid", "_e_result", "_digitised", "_reused", "_personal_store", "_vneid", "_with_ward",
    "_outside_ward",
)
_PROCEDURE_COUNTS = (
    "n_procedures", "_with_effective", "_announced_on_time", "_with_announced", "_published_on_time",
    "_complete", "_population_db", "_fee_procedures", "_fee_integrated", "_fee_paid_online", "_certified",
    "_certified_e",
)
_FEEDBACK_COUNTS = ("n_feedback", "_feedback_on_time", "_feedback_rated", "_feedback_satisfied")


FACT_COLUMNS = (
    "dossier_id", "agency_code", "procedure_code", "channel", "received_at", "finished_at",
    "_received_m", "_received_q", "_received_y", "_finished_m", "_finished_q", "_finished_y",
    "_open_after_month", "_ok_finished", "_open_due", "_open_from", "_open_allow_s", "_processing_s", *(
        "_disliked", "_synced", "_online", "_fee", "_paid", "_e_result", "_digitised", "_reused", "_personal_store",
        "_vneid", "_with_ward", "_outside_ward",
    ),
)
_FLAGS = FACT_COLUMNS[FACT_COLUMNS.index("_disliked"):]


def dossier_facts(dossiers: ir.Table, calendar: WorkingCalendar | None = None) -> ir.Table:
    """Per dossier, the narrow facts every scorecard reads, which do not depend on the period scored (so a
    database can keep them, computed once when the dossier is written — ``ingest`` keeps the DuckDB table
    ``dossier_facts`` — and a scorecard only adds them up):

    - the key columns, ``received_at``, ``finished_at`` and the month, quarter and year numbers of both
      (``_received_m`` = year × 12 + month, ``_received_q`` = year × 4 + quarter, ``_received_y``; ``_finished_*``);
    - ``_open_after_month``: not finished within its month of receipt (finished later, or open); only these
      dossiers can count in a period after the one they were received in (or, received before a window that
      starts on the 1st, in its periods);
    - ``_ok_finished``: on time if finished (at most one supplement request, and ``finished_at −
      supplement_hours ≤ due_at`` or, without a due date, the working time to ``finished_at`` less
      supplement_hours within ``statutory_days``); false while open;
    - while open, the deadline a period end is compared with: ``_open_due`` (the due date) or, without one,
      ``_open_from`` (the working-clock position of receipt, in seconds) and ``_open_allow_s`` (the allowed
      working seconds: statutory_days + supplement_hours); all null when more than one supplement was requested;
    - ``_processing_s`` (finished_at − received_at − supplement_hours, seconds; null while open) and the 0/1
      flags the dossier indicators count (int8): ``_disliked`` (feedback or rated dissatisfied), ``_synced``,
      ``_online`` (channel 2), ``_fee`` (fee_total > 0), ``_paid`` (fee-bearing and paid online), ``_e_result``,
      ``_digitised`` (digitised components and e-result), ``_reused``, ``_personal_store``, ``_vneid``,
      ``_with_ward`` (applicant ward known), ``_outside_ward`` (known and not the receiving agency).
    """
    calendar = calendar or default_calendar()
    cal = _calendar_table(calendar)
    no_due = dossiers.due_at.isnull()
    t = _with_position(dossiers, cal, "received_at", "_received_pos", no_due)
    t = _with_position(t, cal, "finished_at", "_finished_pos", t.due_at.isnull())
    supplement_s = t.supplement_hours.fill_null(0) * 3600
    one_supplement = t.supplement_requests.fill_null(0) <= 1
    received_pos = _position(t, "received_at", "_received_pos")
    allow_s = t.statutory_days * 86400 + supplement_s
    within = ibis.ifelse(
        t.due_at.notnull(),
        t.finished_at.delta(t.due_at, unit="second") <= supplement_s,
        _position(t, "finished_at", "_finished_pos") - received_pos <= allow_s,
    )
    flags = _flags(t)
    received_in, finished_in = _period_numbers(t.received_at, "received"), _period_numbers(t.finished_at, "finished")
    return t.select(
        "dossier_id", "agency_code", "procedure_code", "channel", "received_at", "finished_at",
        **received_in,
        **finished_in,
        _open_after_month=t.finished_at.isnull() | (finished_in["_finished_m"] > received_in["_received_m"]),
        _ok_finished=one_supplement & within.fill_null(False),
        _open_due=ibis.ifelse(one_supplement, t.due_at, ibis.null("timestamp")),
        _open_from=ibis.ifelse(one_supplement & no_due, received_pos, ibis.null("int64")),
        _open_allow_s=ibis.ifelse(one_supplement & no_due, allow_s.cast("float64"), ibis.null("float64")),
        _processing_s=(t.finished_at.delta(t.received_at, unit="second") - supplement_s).cast("float64"),
        **{name: value.cast("int8") for name, value in flags.items()},
    )


def _flags(t: ir.Table) -> dict[str, ir.BooleanValue]:
    """The indicator flags of ``dossier_facts``, over dossier columns (null booleans count as false)."""
    e_result = t.e_result.fill_null(False)
    fee_bearing = (t.fee_total > 0).fill_null(False)
    return {
        "_disliked": t.has_feedback.fill_null(False) | (t.rating == "dissatisfied").fill_null(False),
        "_synced": t.synced.fill_null(False),
        "_online": (t.channel == 2).fill_null(False),
        "_fee": fee_bearing,
        "_paid": fee_bearing & t.paid_online.isin([1, 2]).fill_null(False),
        "_e_result": e_result,
        "_digitised": t.digitised_components.fill_null(False) & e_result,
        "_reused": t.reused_data.fill_null(False),
        "_personal_store": t.personal_store.fill_null(False),
        "_vneid": t.vneid_verified.fill_null(False),
        "_with_ward": t.applicant_ward_code.notnull(),
        "_outside_ward": (t.applicant_ward_code != t.agency_code).fill_null(False),
    }


def scorecard(
    dossiers: ir.Table,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: By | None = None,
    scoring: Scoring = DEFAULT,
    keys: Sequence[str] = ("agency_code",),
    procedures: ir.Table | None = None,
    feedback: ir.Table | None = None,
    calendar: WorkingCalendar | None = None,
    from_facts: bool = False,
    pools: ir.Table | None = None,
    window: Window | None = None,
) -> ir.Table:
    """One row per key and period, sorted by the key columns then period_start (see the module docstring).

    The periods are those of [start, end] by ``by``, or, instead of the three, ``window`` (``Window``: the same
    periods read from values an engine passes to a compiled statement).

    ``from_facts``: ``dossiers`` holds the ``dossier_facts`` of the dossiers (kept in a table, computed with the
    same ``calendar``) rather than the dossiers; either way the same sums of the same facts.

    ``pools`` (columns ``agency_code``, ``pool``): only the dossiers and feedback of the agencies it lists are
    read, and the rows are per pool (``agency_code`` holds the pool's label) over the pooled dossiers of its
    agencies — an agency may be in several pools, and a pool of one agency is that agency's own row. Every count
    is a sum over dossiers (or feedback) and a dossier belongs to one agency, so a pool adds up its agencies'
    sums per period; the catalogue counts procedures, so those are pooled per procedure before they are counted.
    The result equals the scorecard of the pooled dossiers relabelled with the pool (the applicant's ward is
    still compared with the receiving agency)."""
    keys = _check_keys(keys)
    calendar = calendar or default_calendar()
    cal = _calendar_table(calendar)
    if window is None:
        if start is None or end is None:
            raise ValueError("a scorecard needs start and end, or a window")
        window = literal_window(start, end, by, calendar)
    elif start is not None or end is not None or by is not None:
        raise ValueError("a window replaces start, end and by")
    deadlines = scoring.deadlines
    if pools is not None:
        members = pools.select("agency_code").distinct()
        dossiers = dossiers.semi_join(members, "agency_code")
        if feedback is not None:
            feedback = feedback.semi_join(members, "agency_code")

    derive = None if from_facts else functools.partial(dossier_facts, calendar=calendar)
    at_receipt, later = _by_period(dossiers, window, derive)
    r = _on_time(at_receipt, window)
    in_2_1 = r.finished_at.isnull() | (r.finished_at >= r._from)
    counts = {
        "n_received": r.count().cast("int64"),
        "n_in_2_1": _count(in_2_1),
        "n_finished": r.finished_at.count().cast("int64"),
        "_processing_s": r._processing_s.fill_null(0.0).sum().cast("float64"),
        "_on_time": _count(in_2_1 & r._on_time),
        "_overdue": _count(~r._on_time),
        **{name: r[name].sum().cast("int64") for name in _FLAGS},
    }
    group = [*keys, "_p"]

    def pooled(part: ir.Table, sums: Sequence[str], by_columns: Sequence[str] = group) -> ir.Table:
        """``part`` (sums per agency) as sums per pool (see ``pools``)."""
        if pools is None:
            return part
        joined = part.inner_join(pools, "agency_code").drop("agency_code").rename(agency_code="pool")
        return _sum_all(joined, list(by_columns), list(sums))

    columns: list[str] = list(_DOSSIER_COUNTS)
    parts = [pooled(r.group_by(group).aggregate(**counts), counts)]
    if procedures is not None:
        # The catalogue indicators count procedures: a narrow aggregate per procedure, rolled up to the key.
        per_procedure = _procedure_activity(dossiers, not from_facts, keys, window)
        per_procedure = pooled(per_procedure, ("n_received", "_paid", "_e_result"),
                               list(dict.fromkeys([*keys, "procedure_code", "_p"])))
        parts.append(_with_catalogue(per_procedure, procedures, cal, deadlines).select(*group, *_PROCEDURE_COUNTS))
        columns += _PROCEDURE_COUNTS
    o = _on_time(later, window)
    parts.append(pooled(o.group_by(group).aggregate(n_in_2_1=o.count().cast("int64"), _on_time=_count(o._on_time)),
                        ("n_in_2_1", "_on_time")))
    if feedback is not None and all(k in feedback.columns for k in keys):
        parts.append(pooled(_feedback_counts(feedback, keys, window, cal, deadlines),
                            _FEEDBACK_COUNTS))
        columns += _FEEDBACK_COUNTS
    parts = [
        p.mutate(**{c: ibis.literal(0, type=_COUNT_TYPES.get(c, "int64")) for c in columns if c not in p.columns})
        .select(*group, *columns)
        for p in parts
    ]
    a = functools.reduce(lambda x, y: x.union(y, distinct=False), parts)
    a = _sum_all(a, group, columns)
    at = a._p.cast("int32")
    a = a.mutate(period_start=window.starts[at], period_end=window.ends[at])
    return _score(a, keys, scoring, procedures is not None, "n_feedback" in columns)


def grouped_scorecard(
    dossiers: ir.Table,
    groups: Mapping[str, str],
    *,
    start: dt.date,
    end: dt.date,
    by: By | None = None,
    scoring: Scoring = DEFAULT,
    procedures: ir.Table | None = None,
    feedback: ir.Table | None = None,
    calendar: WorkingCalendar | None = None,
    from_facts: bool = False,
) -> ir.Table:
    """The pooled scorecards of groups of agencies — e.g. every province of the country — in one expression: all
    dossiers (and feedback) of a group's agencies counted together as if they were one agency, not a mean of
    the agencies' scores. ``groups`` maps agency codes to group codes (agencies not in it are left out); the
    rows are ``scorecard``'s with the group's code in ``agency_code``.

    The facts are derived per dossier first and relabelled after, so that what depends on the receiving agency
    itself (filed outside the applicant's ward) keeps its meaning. Any engine: the map travels as an in-memory
    table."""
    calendar = calendar or default_calendar()
    if not groups:
        raise ValueError("groups is empty")
    codes = ibis.memtable({"_agency": list(groups), "_group": [groups[a] for a in groups]})

    def relabel(t: ir.Table) -> ir.Table:
        joined = t.inner_join(codes, t.agency_code == codes._agency)
        return joined.mutate(agency_code=joined._group).select(*t.columns)

    facts = relabel(dossiers if from_facts else dossier_facts(dossiers, calendar))
    return scorecard(facts, start=start, end=end, by=by, scoring=scoring, procedures=procedures,
                     feedback=None if feedback is None else relabel(feedback), calendar=calendar, from_facts=True)


def _procedure_activity(source: ir.Table, raw: bool, keys: tuple[str, ...], window: Window) -> ir.Table:
    """Per key, procedure and period of receipt: dossiers received, paid online, with an electronic result.

    From dossiers (``raw``) only the few columns and flags it needs are derived, rather than reusing the other
    branches' facts, so that an engine does not have to keep (materialise) those for two consumers."""
    d = source.filter((source.received_at >= window.opens) & (source.received_at < window.closes))
    if raw:
        flags = _flags(d)
        d = d.select(*dict.fromkeys([*keys, "procedure_code"]), **_period_numbers(d.received_at, "received"),
                     _paid=flags["_paid"].cast("int8"), _e_result=flags["_e_result"].cast("int8"))
    d = d.mutate(_p=_period_index(d, "received", window).cast("int64"))
    return d.group_by(list(dict.fromkeys([*keys, "procedure_code", "_p"]))).aggregate(
        n_received=d.count().cast("int64"),
        _paid=d._paid.sum().cast("int64"),
        _e_result=d._e_result.sum().cast("int64"),
    )


def _on_time(t: ir.Table, window: Window) -> ir.Table:
    """Fact rows of ``_by_period`` with their period's bounds and ``_on_time`` in that period: finished by the
    period end, the dossier's ``_ok_finished``; still open then, the period end against its open deadline."""
    t = _with_bounds(t, window)
    finished_by_end = t.finished_at.notnull() & (t.finished_at < t._until)
    within_open = ibis.ifelse(
        t._open_due.notnull(), t._until <= t._open_due, t._until_pos - t._open_from <= t._open_allow_s
    ).fill_null(False)
    return t.mutate(_on_time=ibis.ifelse(finished_by_end, t._ok_finished, within_open))


_COUNT_TYPES = {"_processing_s": "float64"}


def _with_catalogue(a: ir.Table, procedures: ir.Table, cal: ir.Table, deadlines: Deadlines) -> ir.Table:
    """Add the procedure-level counts to per-procedure rows (one procedure per row, or none when the key holds
    the procedure already)."""
    p = procedures.select(
        "procedure_code", "effective_at", "announced_at", "published_at", "elements_published", "fee_bearing",
        "fee_integrated", "population_db", "certification", _listed=ibis.literal(True),
    )
    for column in ("effective_at", "announced_at", "published_at"):
        c = cal.select(**{f"{column}_day": cal.day, f"{column}_index": cal.day_index})
        p = p.left_join(c, p[column] == c[f"{column}_day"])
    a = a.left_join(p, "procedure_code").drop("procedure_code_right")
    listed = a._listed.fill_null(False) & (a.n_received > 0)
    fee_procedure = listed & a.fee_bearing.fill_null(False)
    certification = a.certification.fill_null(False)
    announced_on_time = (a.effective_at_index - a.announced_at_index >= deadlines.announce_before_effective)
    published_on_time = (a.published_at_index - a.announced_at_index <= deadlines.publish_after_announcement)
    return a.mutate(
        n_procedures=listed.cast("int64"),
        _with_effective=(listed & a.effective_at.notnull()).cast("int64"),
        _announced_on_time=(listed & a.effective_at.notnull() & announced_on_time.fill_null(False)).cast("int64"),
        _with_announced=(listed & a.announced_at.notnull()).cast("int64"),
        _published_on_time=(listed & published_on_time.fill_null(False)).cast("int64"),
        _complete=(listed & (a.elements_published >= REQUIRED_ELEMENTS).fill_null(False)).cast("int64"),
        _population_db=(listed & a.population_db.fill_null(False)).cast("int64"),
        _fee_procedures=fee_procedure.cast("int64"),
        _fee_integrated=(fee_procedure & a.fee_integrated.fill_null(False)).cast("int64"),
        _fee_paid_online=(fee_procedure & (a._paid > 0)).cast("int64"),
        _certified=ibis.ifelse(listed & certification, a.n_received, 0).cast("int64"),
        _certified_e=ibis.ifelse(listed & certification, a._e_result, 0).cast("int64"),
    )


def _feedback_counts(
    feedback: ir.Table,
    keys: tuple[str, ...],
    window: Window,
    cal: ir.Table,
    deadlines: Deadlines,
) -> ir.Table:
    f = feedback.filter((feedback.received_at >= window.opens) & (feedback.received_at < window.closes))
    f = f.mutate(**_period_numbers(f.received_at, "received"))
    f = _with_bounds(f.mutate(_p=_period_index(f, "received", window).cast("int64")), window)
    for column in ("received_at", "rejected_at", "info_requested_at", "handled_at"):
        f = _with_position(f, cal, column, f"_{column}_pos")
    day = 86400
    received_pos = _position(f, "received_at", "_received_at_pos")

    def within(column: str, limit: float) -> ir.BooleanValue:
        return _position(f, column, f"_{column}_pos") - received_pos <= limit * day

    refused = f.rejected_at.notnull() & (f.rejected_at < f._until)
    answered = f.handled_at.notnull() & (f.handled_at < f._until)
    asked_in_time = (
        f.info_requested_at.isnull()
        | (f.info_requested_at >= f._until)
        | within("info_requested_at", deadlines.feedback_request_info).fill_null(False)
    )
    handled_in_time = ibis.ifelse(
        answered,
        within("handled_at", deadlines.feedback_handle),
        f._until_pos - received_pos <= deadlines.feedback_handle * day,
    ).fill_null(False)
    on_time = ibis.ifelse(
        refused, within("rejected_at", deadlines.feedback_reject).fill_null(False), asked_in_time & handled_in_time
    )
    return f.group_by([*keys, "_p"]).aggregate(
        n_feedback=f.count().cast("int64"),
        _feedback_on_time=_count(on_time),
        _feedback_rated=_count(f.satisfaction.notnull()),
        _feedback_satisfied=_count((f.satisfaction == "satisfied").fill_null(False)),
    )


def _score(a: ir.Table, keys: tuple[str, ...], scoring: Scoring, catalogue: bool, feedback: bool) -> ir.Table:
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
    if catalogue:
        rates |= {
            "1.1": _ratio(a._announced_on_time, a._with_effective),
            "1.2": _ratio(a._published_on_time, a._with_announced),
            "1.3": _ratio(a._complete, a.n_procedures),
            "3.5": _ratio(a._fee_integrated, a._fee_procedures),
            "3.5b": _ratio(a._fee_paid_online, a._fee_procedures),
            "4.2b": _ratio(a._certified_e, a._certified),
            "4.5b": _ratio(a._population_db, a.n_procedures),
        }
    if feedback:
        rates |= {
            "5.2": _ratio(a._feedback_on_time, a.n_feedback),
            "5.3": _ratio(a._feedback_satisfied, a._feedback_rated),
        }
    scored = [i for i in scoring.indicators if i.id in rates and i.full_at is not None]
    a = a.mutate(
        avg_processing_days=ibis.ifelse(a.n_finished > 0, a._processing_s / a.n_finished / 86400, ibis.null("float64")),
        r_outside_ward=_ratio(a._outside_ward, a._with_ward),
        **{f"r_{column_key(i.id)}": rates[i.id] for i in scored},
    )
    # Everything else in one select of expressions over those columns: every chained mutate is a nested SELECT
    # that the SQL compiler then works to merge, and compiling is a fixed cost of every scorecard.
    rate = {i.id: a[f"r_{column_key(i.id)}"] for i in scored}
    points = {
        i.id: ibis.ifelse(rate[i.id] >= i.full_at, float(i.points), float(i.points) * (rate[i.id] / i.full_at))
        for i in scored
    }

    def points_sum(ids: list[str]) -> ir.FloatingValue:
        return functools.reduce(operator.add, [points[i].fill_null(0.0) for i in ids], ibis.literal(0.0))

    groups: dict[str, list[str]] = {}
    for i in scored:
        groups.setdefault(i.group, []).append(i.id)
    max_points = functools.reduce(
        operator.add, [ibis.ifelse(rate[i.id].notnull(), float(i.points), 0.0) for i in scored], ibis.literal(0.0)
    )
    total = ibis.ifelse(max_points > 0, points_sum(list(rate)) / max_points * 100, ibis.null("float64"))
    band = ibis.cases(*((total >= b.min_score - _BAND_TOLERANCE, b.key) for b in scoring.bands),
                      else_=ibis.null("string"))
    out = a.select(
        *keys,
        "period_start",
        "period_end",
        "n_received",
        "n_in_2_1",
        "n_finished",
        "avg_processing_days",
        "r_outside_ward",
        *(["n_procedures"] if catalogue else []),
        *(["n_feedback"] if feedback else []),
        **{
            name: value
            for i in scored
            for name, value in ((f"r_{column_key(i.id)}", rate[i.id]), (f"p_{column_key(i.id)}", points[i.id]))
        },
        **{
            f"g_{group}": ibis.ifelse(
                functools.reduce(operator.or_, [rate[i].notnull() for i in ids]), points_sum(ids), ibis.null("float64")
            )
            for group, ids in groups.items()
        },
        max_points=max_points,
        total=total,
        band=band,
    )
    return out.order_by([*keys, "period_start"])
