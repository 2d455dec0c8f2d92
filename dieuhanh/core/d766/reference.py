"""The Decision 766 scorecard in plain pandas: the rules of ``metrics.py`` written a second time, independently.

Same inputs, columns, row order (agency_code, period_start) and rules as ``metrics.scorecard`` — the populations,
the on-time rule, the indicator formulas and the rescaled total are documented there. This version works on
pandas Timestamps and Timedeltas instead of seconds in SQL, and shares no code with the Ibis one beyond the
scoring rules, so agreement between the two is evidence that both read the rules the same way. It is also the
baseline the Ibis version is benchmarked against.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from dieuhanh.core.d766.rules import DEFAULT, Scoring

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


def scorecard_pandas(
    df: pd.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    by: Literal["month", "quarter", "year"] | None = None,
    scoring: Scoring = DEFAULT,
) -> pd.DataFrame:
    d = pd.DataFrame(
        {
            "agency_code": df["agency_code"],
            "received": pd.to_datetime(df["received_at"]),
            "due": pd.to_datetime(df["due_at"]),
            "finished": pd.to_datetime(df["finished_at"]),
            "supplements": pd.to_numeric(df["supplement_requests"]).fillna(0),
            "waiting": pd.to_timedelta(pd.to_numeric(df["supplement_hours"]).fillna(0), unit="h"),
            "statutory": pd.to_timedelta(pd.to_numeric(df["statutory_days"]), unit="D"),
            "fee_bearing": pd.to_numeric(df["fee_total"]).gt(0),
            "paid_online": pd.to_numeric(df["paid_online"]).isin([1, 2]),
            "online": pd.to_numeric(df["channel"]).eq(2),
            "e_result": _flag(df["e_result"]),
            "digitised": _flag(df["digitised_components"]),
            "reused": _flag(df["reused_data"]),
            "personal_store": _flag(df["personal_store"]),
            "vneid": _flag(df["vneid_verified"]),
            "synced": _flag(df["synced"]),
            "disliked": _flag(df["has_feedback"]) | df["rating"].eq("dissatisfied").fillna(False).astype(bool),
            "has_ward": df["applicant_ward_code"].notna(),
            "outside_ward": df["applicant_ward_code"].notna() & (df["applicant_ward_code"] != df["agency_code"]),
        }
    )
    m = d.merge(_periods(start, end, by), how="cross")
    opens = m["period_start"]
    closes = m["period_end"] + pd.Timedelta(days=1)  # the midnight after the last day
    received_in = (m["received"] >= opens) & (m["received"] < closes)
    in_2_1 = (m["received"] < closes) & (m["finished"].isna() | (m["finished"] >= opens))
    keep = received_in | in_2_1
    m, closes, received_in, in_2_1 = m[keep], closes[keep], received_in[keep], in_2_1[keep]

    done = m["finished"].notna() & (m["finished"] < closes)
    stop = m["finished"].where(done, closes)
    meets_due = np.where(done, m["finished"] - m["waiting"] <= m["due"], closes <= m["due"])
    meets_statutory = (stop - m["received"]) - m["waiting"] <= m["statutory"]  # NaT compares false
    on_time = (m["supplements"] <= 1) & np.where(m["due"].notna(), meets_due, meets_statutory)
    finished = received_in & m["finished"].notna()
    processing = ((m["finished"] - m["received"]) - m["waiting"]).dt.total_seconds() / 86400

    rows = pd.DataFrame(
        {
            "agency_code": m["agency_code"],
            "period_start": m["period_start"],
            "period_end": m["period_end"],
            "n_received": received_in,
            "n_in_2_1": in_2_1,
            "n_finished": finished,
            "processing_days": processing.where(finished),
            "on_time": in_2_1 & on_time,
            "overdue": received_in & ~on_time,
            **{
                name: received_in & m[name]
                for name in (
                    "disliked", "synced", "online", "e_result", "reused", "personal_store", "vneid", "has_ward",
                    "outside_ward",
                )
            },
            "fee_bearing": received_in & m["fee_bearing"],
            "paid": received_in & m["fee_bearing"] & m["paid_online"],
            "digitised": received_in & m["digitised"] & m["e_result"],
        }
    )
    g = rows.groupby(["agency_code", "period_start", "period_end"], sort=True, dropna=False)
    sums = g.sum(numeric_only=False).drop(columns="processing_days").astype("int64")
    out = sums[["n_received", "n_in_2_1", "n_finished"]].copy()
    out["avg_processing_days"] = g["processing_days"].mean()
    n = sums["n_received"]
    out["r_outside_ward"] = _rate(sums["outside_ward"], sums["has_ward"])

    rates = {
        "1.4": _rate(sums["synced"], n),
        "2.1": _rate(sums["on_time"], sums["n_in_2_1"]),
        "3.3": _rate(sums["online"], n) * _rate(sums["synced"], n),
        "3.6": _rate(sums["paid"], sums["fee_bearing"]),
        "4.1": _rate(sums["e_result"], n),
        "4.2": _rate(sums["digitised"], n),
        "4.3": _rate(sums["reused"], n),
        "4.4": _rate(sums["personal_store"], n),
        "4.5": _rate(sums["vneid"], n),
        "5.4": (1 - _rate(sums["overdue"] + sums["disliked"], n)).clip(lower=0),
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
    for group, columns in groups.items():
        out[f"g_{group}"] = out[columns].sum(axis=1, min_count=1)
    out["max_points"] = max_points
    out["total"] = (earned / max_points.where(max_points > 0)) * 100
    band = pd.Series(None, index=out.index, dtype="str")
    for b in sorted(scoring.bands, key=lambda b: b.min_score):  # highest last, so it wins
        band = band.mask(out["total"] >= b.min_score - _BAND_TOLERANCE, b.key)
    out["band"] = band
    return out.reset_index()
