"""The Decision 766 scorecard in plain pandas: the rules of ``metrics.py`` written a second time, independently.

Same inputs, columns, row order (key columns, period_start) and rules as ``metrics.scorecard`` — the populations,
the on-time rule, working time, the indicator formulas and the rescaled total are documented there. This version
works on pandas Timestamps and Timedeltas and numpy arrays instead of seconds in SQL, and shares no code with the
Ibis one beyond the scoring rules and the working calendar's day table, so agreement between the two is evidence
that both read the rules the same way. It is also the baseline the Ibis version is benchmarked against.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from dieuhanh.core.d766.workdays import EPOCH, WorkingCalendar, default_calendar
from dieuhanh.core.d766.rules import DEFAULT, Scoring
from dieuhanh.core.d766.schema import REQUIRED_ELEMENTS

_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}
_BAND_TOLERANCE = 1e-9  # as in metrics.py: a float total a rounding error below a band edge is in the band


def _periods(start: dt.date, end: dt.date, by: Literal["month", "quarter", "year"] | None) -> pd.DataFrame:
    if end < start:
        raise ValueError("end is before start")
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if by is None:
        starts, ends = [first], [last]
    else:
        spans = pd.period_range(first, last, freq=_FREQ[by])
        starts = [max(p.start_time.normalize(), first) for p in spans]
        ends = [min(p.end_time.normalize(), last) for p in spans]
    day = "datetime64[s]"  # the unit DuckDB returns dates in, so both scorecards have the same dtypes
    return pd.DataFrame(
        {"period_start": pd.to_datetime(starts).astype(day), "period_end": pd.to_datetime(ends).astype(day)}
    )


def _flag(column: pd.Series) -> pd.Series:
    """A nullable boolean column with nulls read as false."""
    return column.astype("boolean").fillna(False).astype(bool)


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).astype("float64")


_PROCEDURE_COUNTS = (
    "n_procedures", "_with_effective", "_announced_on_time", "_with_announced", "_published_on_time", "_complete",
    "_population_db", "_fee_procedures", "_fee_integrated", "_fee_paid_online", "_certified", "_certified_e",
)


def _position(moments: pd.Series, calendar: WorkingCalendar) -> pd.Series:
    """Working-clock position in seconds (NaN outside the calendar), as ``calendar.WorkingCalendar.position``."""
    moments = pd.to_datetime(moments)
    day = moments.dt.normalize()
    offset = (day - pd.Timestamp(EPOCH)).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    inside = (offset >= 0) & (offset <= len(calendar.working))
    at = np.where(inside, offset, 0).astype(np.int64)
    working = np.append(calendar.working, False)[at]
    seconds = moments.dt.hour * 3600 + moments.dt.minute * 60 + moments.dt.second
    seconds = seconds.to_numpy(dtype="float64", na_value=np.nan)
    position = calendar.index[at] * 86400.0 + np.where(working, seconds, 0.0)
    return pd.Series(np.where(inside, position, np.nan), index=moments.index)


def _day_index(days: pd.Series, calendar: WorkingCalendar) -> pd.Series:
    days = pd.to_datetime(days)
    offset = (days - pd.Timestamp(EPOCH)).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    inside = (offset >= 0) & (offset <= len(calendar.working))
    index = calendar.index[np.where(inside, offset, 0).astype(np.int64)]
    return pd.Series(np.where(inside, index, np.nan), index=days.index)


def _explode(
    received: pd.Series, finished: pd.Series, starts: np.ndarray, closes: np.datetime64
) -> tuple[np.ndarray, np.ndarray]:
    """(row, period) pairs: each dossier with its period of receipt and the later periods it was open in."""
    opens = starts[0]
    last = len(starts) - 1
    r = received.to_numpy(dtype="datetime64[ns]")
    f = finished.to_numpy(dtype="datetime64[ns]")
    inside = (r >= opens) & (r < closes)
    period_of = np.searchsorted(starts, r, side="right") - 1
    finished_period = np.searchsorted(starts, f, side="right") - 1
    open_late = np.isnat(f) | (f >= closes)
    first = np.where(r < opens, 0, period_of + 1)
    stop = np.where(open_late, last, finished_period)
    spans = np.where((r < closes) & (open_late | (f >= opens)), np.maximum(stop - first + 1, 0), 0)
    rows_later = np.repeat(np.arange(len(r)), spans)
    offsets = np.arange(len(rows_later)) - np.repeat(np.cumsum(spans) - spans, spans)
    periods_later = np.repeat(first, spans) + offsets
    rows_receipt = np.flatnonzero(inside)
    return (np.concatenate([rows_receipt, rows_later]), np.concatenate([period_of[rows_receipt], periods_later]))


def scorecard_pandas(
    df: pd.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    by: Literal["month", "quarter", "year"] | None = None,
    scoring: Scoring = DEFAULT,
    keys: tuple[str, ...] = ("agency_code",),
    procedures: pd.DataFrame | None = None,
    feedback: pd.DataFrame | None = None,
    calendar: WorkingCalendar | None = None,
) -> pd.DataFrame:
    keys = tuple(keys)
    calendar = calendar or default_calendar()
    periods = _periods(start, end, by)
    starts = periods["period_start"].to_numpy(dtype="datetime64[ns]")
    closes_all = periods["period_end"] + pd.Timedelta(days=1)
    received_all = pd.to_datetime(df["received_at"])
    finished_all = pd.to_datetime(df["finished_at"])
    rows, p = _explode(received_all, finished_all, starts, pd.Timestamp(closes_all.iloc[-1]).to_datetime64())
    src = df.iloc[rows].reset_index(drop=True)
    p = pd.Series(p)
    opens = periods["period_start"].to_numpy()[p]
    closes = pd.Series(closes_all.to_numpy()[p])
    until_pos = _position(closes, calendar)

    received = pd.to_datetime(src["received_at"])
    due = pd.to_datetime(src["due_at"])
    finished = pd.to_datetime(src["finished_at"])
    waiting = pd.to_timedelta(pd.to_numeric(src["supplement_hours"]).fillna(0), unit="h")
    statutory = pd.to_numeric(src["statutory_days"]) * 86400
    received_in = (received >= opens) & (received < closes)
    in_2_1 = (received < closes) & (finished.isna() | (finished >= opens))
    done = finished.notna() & (finished < closes)
    meets_due = np.where(done, finished - waiting <= due, closes <= due)
    no_due = due.isna()
    received_pos = _position(received.where(no_due), calendar)
    stop_pos = _position(finished.where(no_due & done), calendar).where(done, until_pos)
    meets_statutory = (stop_pos - received_pos) - waiting.dt.total_seconds() <= statutory  # NaN compares false
    on_time = (pd.to_numeric(src["supplement_requests"]).fillna(0) <= 1) & np.where(
        due.notna(), meets_due, meets_statutory
    )
    finished_rx = received_in & finished.notna()
    e_result = _flag(src["e_result"])
    fee_bearing = pd.to_numeric(src["fee_total"]).gt(0)
    paid = received_in & fee_bearing & pd.to_numeric(src["paid_online"]).isin([1, 2])
    ward = src["applicant_ward_code"]
    rows_df = pd.DataFrame(
        {
            **{k: src[k] for k in keys},
            "procedure_code": src["procedure_code"],
            "_p": p,
            "n_received": received_in,
            "n_in_2_1": in_2_1,
            "n_finished": finished_rx,
            "_processing_s": (((finished - received) - waiting).dt.total_seconds()).where(finished_rx, 0.0),
            "_on_time": in_2_1 & on_time,
            "_overdue": received_in & ~on_time,
            "_disliked": received_in
            & (_flag(src["has_feedback"]) | src["rating"].eq("dissatisfied").fillna(False).astype(bool)),
            "_synced": received_in & _flag(src["synced"]),
            "_online": received_in & pd.to_numeric(src["channel"]).eq(2),
            "_fee": received_in & fee_bearing,
            "_paid": paid,
            "_e_result": received_in & e_result,
            "_digitised": received_in & _flag(src["digitised_components"]) & e_result,
            "_reused": received_in & _flag(src["reused_data"]),
            "_personal_store": received_in & _flag(src["personal_store"]),
            "_vneid": received_in & _flag(src["vneid_verified"]),
            "_with_ward": received_in & ward.notna(),
            "_outside_ward": received_in & ward.notna() & (ward != src["agency_code"]),
        }
    )
    group = [*keys, "_p"]
    if procedures is None:
        if "procedure_code" not in keys:
            rows_df = rows_df.drop(columns="procedure_code")
        sums = rows_df.groupby(group, dropna=False).sum()
    else:
        by_procedure = group if "procedure_code" in keys else [*keys, "procedure_code", "_p"]
        per = rows_df.groupby(by_procedure, dropna=False).sum().reset_index()
        per = per.merge(_catalogue(procedures, calendar, scoring), on="procedure_code", how="left")
        listed = per["_listed"].fillna(False).astype(bool) & (per["n_received"] > 0)
        fee_procedure = listed & per["fee_bearing"].fillna(False).astype(bool)
        certification = listed & per["certification"].fillna(False).astype(bool)
        per = per.assign(
            n_procedures=listed,
            _with_effective=listed & per["effective_at"].notna(),
            _announced_on_time=listed & per["_announced_ok"].fillna(False).astype(bool),
            _with_announced=listed & per["announced_at"].notna(),
            _published_on_time=listed & per["_published_ok"].fillna(False).astype(bool),
            _complete=listed & per["_complete"].fillna(False).astype(bool),
            _population_db=listed & per["population_db"].fillna(False).astype(bool),
            _fee_procedures=fee_procedure,
            _fee_integrated=fee_procedure & per["fee_integrated"].fillna(False).astype(bool),
            _fee_paid_online=fee_procedure & (per["_paid"] > 0),
            _certified=per["n_received"].where(certification, 0),
            _certified_e=per["_e_result"].where(certification, 0),
        )
        counted = [c for c in rows_df.columns if c not in (*group, "procedure_code")]
        sums = per[[*group, *counted, *_PROCEDURE_COUNTS]].groupby(group, dropna=False).sum()
    with_feedback = feedback is not None and all(k in feedback.columns for k in keys)
    if with_feedback:
        fb = _feedback(feedback, keys, periods, calendar, scoring)
        sums = pd.concat([sums, fb]).fillna(0).groupby(level=list(range(len(group))), dropna=False).sum()
    sums = sums.sort_index()
    out = sums.reset_index()[list(keys)].copy()
    index = sums.index.get_level_values("_p").to_numpy()
    out["period_start"] = periods["period_start"].to_numpy()[index]
    out["period_end"] = periods["period_end"].to_numpy()[index]
    sums = sums.reset_index(drop=True)
    counts = {c: sums[c].astype("int64") for c in sums.columns if c != "_processing_s"}
    for c in ("n_received", "n_in_2_1", "n_finished"):
        out[c] = counts[c]
    out["avg_processing_days"] = (sums["_processing_s"] / counts["n_finished"].where(counts["n_finished"] > 0)) / 86400
    n = counts["n_received"]
    out["r_outside_ward"] = _rate(counts["_outside_ward"], counts["_with_ward"])
    if procedures is not None:
        out["n_procedures"] = counts["n_procedures"]
    if with_feedback:
        out["n_feedback"] = counts["n_feedback"]

    rates = {
        "1.4": _rate(counts["_synced"], n),
        "2.1": _rate(counts["_on_time"], counts["n_in_2_1"]),
        "3.3": _rate(counts["_online"], n) * _rate(counts["_synced"], n),
        "3.6": _rate(counts["_paid"], counts["_fee"]),
        "4.1": _rate(counts["_e_result"], n),
        "4.2": _rate(counts["_digitised"], n),
        "4.3": _rate(counts["_reused"], n),
        "4.4": _rate(counts["_personal_store"], n),
        "4.5": _rate(counts["_vneid"], n),
        "5.4": (1 - _rate(counts["_overdue"] + counts["_disliked"], n)).clip(lower=0),
    }
    if procedures is not None:
        rates |= {
            "1.1": _rate(counts["_announced_on_time"], counts["_with_effective"]),
            "1.2": _rate(counts["_published_on_time"], counts["_with_announced"]),
            "1.3": _rate(counts["_complete"], counts["n_procedures"]),
            "3.5": _rate(counts["_fee_integrated"], counts["_fee_procedures"]),
            "3.5b": _rate(counts["_fee_paid_online"], counts["_fee_procedures"]),
            "4.2b": _rate(counts["_certified_e"], counts["_certified"]),
            "4.5b": _rate(counts["_population_db"], counts["n_procedures"]),
        }
    if with_feedback:
        rates |= {
            "5.2": _rate(counts["_feedback_on_time"], counts["n_feedback"]),
            "5.3": _rate(counts["_feedback_satisfied"], counts["_feedback_rated"]),
        }
    scored = [i for i in scoring.indicators if i.id in rates and i.full_at is not None]
    groups: dict[str, list[str]] = {}
    earned = pd.Series(0.0, index=out.index)
    max_points = pd.Series(0.0, index=out.index)
    for i in scored:
        key = i.id.replace(".", "_")
        out[f"r_{key}"] = rates[i.id]
        out[f"p_{key}"] = float(i.points) * np.minimum(1.0, rates[i.id] / i.full_at)
        earned = earned + out[f"p_{key}"].fillna(0.0)
        max_points = max_points + np.where(rates[i.id].notna(), float(i.points), 0.0)
        groups.setdefault(i.group, []).append(f"p_{key}")
    for group_name, columns in groups.items():
        out[f"g_{group_name}"] = out[columns].sum(axis=1, min_count=1)
    out["max_points"] = max_points
    out["total"] = (earned / max_points.where(max_points > 0)) * 100
    band = pd.Series(None, index=out.index, dtype="str")
    for b in sorted(scoring.bands, key=lambda b: b.min_score):  # highest last, so it wins
        band = band.mask(out["total"] >= b.min_score - _BAND_TOLERANCE, b.key)
    out["band"] = band
    return out


def _catalogue(procedures: pd.DataFrame, calendar: WorkingCalendar, scoring: Scoring) -> pd.DataFrame:
    d = scoring.deadlines
    effective = _day_index(procedures["effective_at"], calendar)
    announced = _day_index(procedures["announced_at"], calendar)
    published = _day_index(procedures["published_at"], calendar)
    return pd.DataFrame(
        {
            "procedure_code": procedures["procedure_code"],
            "_listed": True,
            "effective_at": procedures["effective_at"],
            "announced_at": procedures["announced_at"],
            "_announced_ok": procedures["effective_at"].notna()
            & (effective - announced >= d.announce_before_effective),
            "_published_ok": (published - announced) <= d.publish_after_announcement,
            "_complete": pd.to_numeric(procedures["elements_published"]) >= REQUIRED_ELEMENTS,
            "population_db": procedures["population_db"].astype("boolean"),
            "fee_bearing": procedures["fee_bearing"].astype("boolean"),
            "fee_integrated": procedures["fee_integrated"].astype("boolean"),
            "certification": procedures["certification"].astype("boolean"),
        }
    )


def _feedback(feedback: pd.DataFrame, keys: tuple[str, ...], periods: pd.DataFrame, calendar: WorkingCalendar,
              scoring: Scoring) -> pd.DataFrame:
    d = scoring.deadlines
    received = pd.to_datetime(feedback["received_at"])
    starts = periods["period_start"].to_numpy(dtype="datetime64[ns]")
    close = (periods["period_end"].iloc[-1] + pd.Timedelta(days=1)).to_datetime64()
    r = received.to_numpy(dtype="datetime64[ns]")
    keep = (r >= starts[0]) & (r < close)
    f = feedback[keep].reset_index(drop=True)
    p = np.searchsorted(starts, r[keep], side="right") - 1
    closes = pd.Series((periods["period_end"] + pd.Timedelta(days=1)).to_numpy()[p])
    day = 86400.0
    received_pos = _position(f["received_at"], calendar)

    def elapsed(column: str) -> pd.Series:
        return _position(f[column], calendar) - received_pos

    rejected, asked, handled = (pd.to_datetime(f[c]) for c in ("rejected_at", "info_requested_at", "handled_at"))
    refused = rejected.notna() & (rejected < closes)
    answered = handled.notna() & (handled < closes)
    asked_in_time = asked.isna() | (asked >= closes) | (elapsed("info_requested_at") <= d.feedback_request_info * day)
    handled_in_time = np.where(answered, elapsed("handled_at") <= d.feedback_handle * day,
                               _position(closes, calendar) - received_pos <= d.feedback_handle * day)
    on_time = np.where(refused, elapsed("rejected_at") <= d.feedback_reject * day, asked_in_time & handled_in_time)
    rows = pd.DataFrame(
        {
            **{k: f[k] for k in keys},
            "_p": p,
            "n_feedback": 1,
            "_feedback_on_time": on_time.astype(bool),
            "_feedback_rated": f["satisfaction"].notna(),
            "_feedback_satisfied": f["satisfaction"].eq("satisfied").fillna(False).astype(bool),
        }
    )
    return rows.groupby([*keys, "_p"], dropna=False).sum()
