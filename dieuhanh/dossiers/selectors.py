"""Reads of the Decision 766 scorecard for the pages, the API, the exports and the indicator feed.

Where the numbers come from. Every read adds up the kept per-dossier facts (``dossier_facts``) of the *published
copy* of the DuckDB store (``store.published``: an import writes its own file and swaps a new copy in when it
is done, so a reader never waits for or fails on it, and an answer is all old or all new numbers) with the
compiled SQL ``core/d766/execute.compute`` keeps per shape — the same statement the CLI scorecard runs; the
units and the pooled totals asked for are passed to it as data (``pools``), not as a new expression.

Results are kept in Django's cache (``django.core.cache.cache``: Redis in production, one for every worker)
under the stamps of what they depend on (``_cached``): a unit's scorecard on its own (agency, month) stamps,
the ranking and the pooled totals on the months' stamps. An import changes the stamps of the agencies and
months it touched (``IngestResult.touched``) and of those months for the pooled totals, so exactly the
results over them are computed again; the others are still found. The ``dossiers.precompute`` job fills the
cache after each import (``jobs.py``).

Who may see: the scorecard is public-service performance data that Decision 766 publishes on the national
portal, so every signed-in user sees every unit (the views only require a login); a public portal can reuse these
selectors unchanged.

Pooled rows. The city total, the commune-level total and the departments' total are computed by the same
metric definitions over the *pooled* dossiers of their agencies (``metrics.scorecard(pools=…)``), so "96 % on
time" is the share of the city's dossiers, not a mean of unit rates. "Filed outside the applicant's ward" still
compares the applicant's ward with the dossier's *receiving agency*, and feedback (PAKN) records are pooled the
same way. The drill-down by procedure and by channel uses the
metrics' own ``keys``.

Periods. A span is a calendar period (``2026-03``, ``2026-Q1``, ``2026``) or a date range; its end is clipped to
today, so a dossier still open is judged against today and not against a future month end. Period keys and dates
are read by the one parser (``core/common/periods.py``: ``invalid_period``, ``invalid_date``); a span that cannot
be computed raises ``BadRequest`` with a stable code (``end_before_start``, ``period_in_future``,
``period_and_range``, ``incomplete_range``, ``outside_calendar``; HTTP 400). Spans reaching before 01/01/2000 or
after 31/12/2100 are refused as ``outside_calendar``: no dossier log reaches them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from dieuhanh.core.d766 import execute, metrics
from dieuhanh.core.d766.ingest import synthetic_labels
from dieuhanh.core.d766.rules import DEFAULT, Scoring
from dieuhanh.core.d766.schema import CHANNELS
from dieuhanh.core.common.numerals import format_number
from dieuhanh.core.common.periods import Period, frequency_of, parse_date, parse_period, period_containing, periods_between
from dieuhanh.dossiers import store
from dieuhanh.dossiers.store import Published
from dieuhanh.errors import BadRequest, DomainError, NotFound
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import city_code

# Compiled statements are kept in the same cache, for every worker and after a restart (``execute.kept_sql``).
execute.kept_sql = cache

TABLE = "dossiers"
POOL_CITY = "city"
POOL_COMMUNES = "communes"
POOL_DEPARTMENTS = "departments"
TREND_MONTHS = 12
DRILL_KEYS = {"procedure": "procedure_code", "channel": "channel"}
_ELSEWHERE = "~elsewhere"  # no agency or ward code starts with "~"

GROUP_NAMES_VI = {
    "transparency": "Công khai, minh bạch",
    "progress": "Tiến độ giải quyết",
    "online_service": "Dịch vụ công trực tuyến",
    "online_payment": "Thanh toán trực tuyến",
    "digitisation": "Số hóa hồ sơ",
    "satisfaction": "Mức độ hài lòng",
}
CHANNEL_NAMES_VI = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}
assert set(CHANNEL_NAMES_VI) == set(CHANNELS)


class StoreUnavailable(DomainError):
    code = "store_unavailable"
    http_status = 503


def _bad(code: str, field_name: str, log_message: str, **params: Any) -> BadRequest:
    return BadRequest(log_message, code=code, params=params,
                      details=[{"field": field_name, "code": code, "params": params}])


# ---------------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date  # inclusive, clipped to ``as_of``
    key: str | None  # the calendar period's key, None for a date range
    requested_end: dt.date

    @property
    def clipped(self) -> bool:
        return self.end < self.requested_end

    @property
    def label_vi(self) -> str:
        text = parse_period(self.key).label_vi if self.key else f"{self.start:%d/%m/%Y} – {self.requested_end:%d/%m/%Y}"
        return f"{text} (đến ngày {self.end:%d/%m/%Y})" if self.clipped else text

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "start": self.start, "end": self.end, "requested_end": self.requested_end,
                "clipped": self.clipped, "label": self.label_vi}


def today() -> dt.date:
    return timezone.localdate()


FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def check_within_calendar(first: dt.date, last: dt.date, field_name: str) -> None:
    """Refuse a span reaching before ``FIRST_DAY`` or after ``LAST_DAY`` (``outside_calendar``)."""
    if first < FIRST_DAY or last > LAST_DAY:
        raise _bad("outside_calendar", field_name, f"{field_name}: {first} – {last} outside the logs' calendar",
                   first=f"{FIRST_DAY:%d/%m/%Y}", last=f"{LAST_DAY:%d/%m/%Y}")


def _day(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else parse_date(value)


def span_of(period: str | Period | None = None, start: str | dt.date | None = None, end: str | dt.date | None = None, *,
            as_of: dt.date | None = None) -> Span:
    """The span asked for: a period (or its key), or ``start``/``end`` dates (or their text); neither → the last
    complete month with dossiers (``latest_month``)."""
    as_of = as_of or today()
    if period and (start or end):
        raise _bad("period_and_range", "period", "give either a period or a date range, not both")
    if start or end:
        if not (start and end):
            raise _bad("incomplete_range", "from" if not start else "to", "a date range needs both from and to")
        first, last = _day(start), _day(end)
        check_within_calendar(first, first, "from")
        check_within_calendar(last, last, "to")
        key = None
    else:
        p = period if isinstance(period, Period) else parse_period(period or latest_month(as_of))
        check_within_calendar(p.start, p.end, "period")
        first, last, key = p.start, p.end, p.key
    if last < first:
        raise _bad("end_before_start", "to", f"the range ends ({last}) before it starts ({first})")
    if first > as_of:
        raise _bad("period_in_future", "period", f"the period starts after today ({as_of})")
    return Span(first, min(last, as_of), key, last)


# ---------------------------------------------------------------------------------------------------
# The store


_held = threading.local()  # per thread: (copy's path, its connection, reads in progress)


@contextmanager
def reader(copy: Published | None = None) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection to the published copy of the store (``store.published``: never the file an import is
    writing, so it never waits or fails on a writer), or None when it holds no dossier table yet.

    Each thread keeps its connection to the current copy between requests (opening a DuckDB file reads its
    catalogue: tens of milliseconds) and opens the next copy once one is published."""
    copy = copy or store.published()
    if copy is None:
        yield None
        return
    held = getattr(_held, "value", None)
    depth = getattr(_held, "depth", 0)
    own = False
    if held is not None and held[0] == copy.path:
        con = held[1]
    elif depth:  # a read inside another one, of another copy: a connection of its own
        con, own = _open(copy), True
    else:
        if held is not None:
            held[1].close()
            _held.value = None
        con = _open(copy)
        _held.value = (copy.path, con)
    _held.depth = depth + 1
    try:
        found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [execute.FACTS_TABLE]).fetchone()[0]
        yield con if found else None
    finally:
        _held.depth = depth
        if own:
            con.close()


def _open(copy: Published) -> duckdb.DuckDBPyConnection:
    try:
        return store.open_published(copy)
    except (duckdb.IOException, duckdb.ConnectionException):
        # The copy was deleted after three newer ones were published while this read waited: read the newest.
        newest = store.published()
        if newest is None or newest == copy:
            raise
        return store.open_published(newest)


def store_version() -> tuple | None:
    """What changes whenever an import is published (the copy's generation), None when there is no store."""
    copy = store.published()
    return None if copy is None else (*copy.version, copy.generation)


CACHE_SECONDS = 24 * 3600  # a key changes with what it depends on anyway; this only bounds what a stale key holds


def months_of(span: Span) -> list[str]:
    """The months ("YYYY-MM") a span reaches: the stamps a result over it depends on."""
    return [p.key for p in periods_between(span.start, span.end, "monthly")]


def _cached(key: tuple, scopes: Sequence[str], compute: Callable[[Published | None], Any]) -> Any:
    """A result kept in Django's cache (Redis in production: one for every worker) under a key made of the read
    (``key``) and the stamps of the ``scopes`` it depends on in the published copy: an import changes the stamps
    of the agencies and months it touched (and of those months for every pooled total), so exactly the results
    over them are computed again and the others are still found. ``compute`` reads the copy the key was made
    from, so a key never holds another copy's numbers."""
    copy = store.published()
    if copy is None:
        return compute(None)
    name = "d766:" + hashlib.sha256(repr(_stamped(copy, key, scopes)).encode()).hexdigest()
    found = cache.get(name, _MISSING)
    if found is not _MISSING:
        return found
    value = compute(copy)
    cache.set(name, value, CACHE_SECONDS)
    return value


_MISSING = object()


def _stamped(copy: Published | None, key: tuple, scopes: Sequence[str]) -> tuple:
    return (copy.version if copy else None, key, [copy.stamp(s) for s in scopes] if copy else None)


def ranking_stamp(span: Span, scoring: Scoring = DEFAULT) -> tuple:
    """What the ranking of ``span`` depends on (for a rendered part kept with ``pages.cached_fragment``)."""
    return _stamped(store.published(), ("ranking", span, scoring), ["*|" + m for m in months_of(span)])


def data_range() -> tuple[dt.date, dt.date] | None:
    """First and last day of receipt in the store (None when empty)."""
    return _cached(("data_range",), ["any"], _data_range)


def _data_range(copy: Published | None) -> tuple[dt.date, dt.date] | None:
    with reader(copy) as con:
        if con is None:
            return None
        first, last = con.execute(f"SELECT min(received_at), max(received_at) FROM {execute.FACTS_TABLE}").fetchone()
    return (first.date(), last.date()) if first else None


def synthetic_label() -> str | None:
    """The label of the synthetic data the store holds (from its provenance: the files loaded, ``ingest.sources``),
    None for real logs only; said on every page and in every export built from the store."""
    labels = _cached(("synthetic",), ["any"], _synthetic_labels)
    return "; ".join(labels) or None


def _synthetic_labels(copy: Published | None) -> list[str]:
    with reader(copy) as con:
        return [] if con is None else synthetic_labels(con)


def latest_month(as_of: dt.date | None = None) -> str:
    """The month the pages open on: the last *complete* month with dossiers. That is the month of the last dossier
    received by ``as_of``, unless ``as_of`` still falls in it (a running month holds a few days of data and would
    rank units on them): then the month before, when the log reaches back to it (a log that starts in the running
    month opens on that month, the only one there is)."""
    as_of = as_of or today()
    found = data_range()
    month = period_containing(min(found[1], as_of) if found else as_of, "monthly")
    if month.end >= as_of:
        previous = period_containing(month.start - dt.timedelta(days=1), "monthly")
        if found is None or found[0] <= previous.end:
            return previous.key
    return month.key


def period_choices(as_of: dt.date | None = None) -> list[tuple[str, str]]:
    """Months, quarters and years holding dossiers, newest first, as (key, Vietnamese label)."""
    as_of = as_of or today()
    found = data_range()
    if not found:
        return []
    first, last = found[0], min(found[1], as_of)
    choices = []
    for frequency in ("monthly", "quarterly", "yearly"):
        choices += [(p.key, p.label_vi) for p in reversed(periods_between(first, last, frequency))]
    return choices


def _compute(con, span: Span, pools, *, by: str | None = None, keys: Sequence[str] = ("agency_code",),
             scoring: Scoring = DEFAULT) -> pd.DataFrame:
    """The scorecard rows of ``pools`` (pool → agencies; a unit alone is the pool of itself) over the kept
    ``dossier_facts`` of the published copy, with the catalogue and the feedback records when it holds them: one
    compiled statement per shape (``execute.compute``), the pools passed as data. A pooled total adds up the
    dossiers of all its agencies (not a mean of unit rates)."""
    frame = execute.compute(con, TABLE, **_statement_kw(span, pools, by=by, keys=keys, scoring=scoring))
    return frame.astype(object).where(frame.notna(), None)


def _statement_kw(span: Span, pools, *, by: str | None, keys: Sequence[str], scoring: Scoring) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "by": by, "scoring": scoring, "keys": tuple(keys), "pools": pools,
            "facts_known_current": True}


# The shapes of the statements the pages run, (by, keys): the ranking, a unit's span and its trend by month, the
# drill-downs. A period's dates and the units are data, not SQL (``execute.compute``), so these serve every
# period that starts on a month's first day — every period a page offers.
PAGE_SHAPES = ((None, ("agency_code",)), ("month", ("agency_code",)),
               *((None, ("agency_code", column)) for column in DRILL_KEYS.values()))


def prepare_statements(scoring: Scoring = DEFAULT) -> int:
    """Compile and keep the statements of ``PAGE_SHAPES`` on the published copy (``execute.prepare``: kept by
    this process and in the shared cache), without running them; the number prepared (0 without a store).

    A served worker calls it before its first request (``web/gunicorn_conf.py``) and the precompute job after
    each import: building and compiling a statement costs more than running it on a unit's dossiers, so
    without this the first visitor of each shape after a deployment would wait for it."""
    with reader() as con:
        if con is None:
            return 0
        month = period_containing(today(), "monthly")
        span = Span(month.start, month.end, month.key, month.end)  # any such period: only its shape counts
        for by, keys in PAGE_SHAPES:
            execute.prepare(con, TABLE, **_statement_kw(span, {"": []}, by=by, keys=keys, scoring=scoring))
    return len(PAGE_SHAPES)


# ---------------------------------------------------------------------------------------------------
# Rows as plain data


def score_columns(frame_columns: Sequence[str], scoring: Scoring = DEFAULT) -> list:
    """The scoring indicators that the computed frame carries (indicators added to the rules appear by themselves)."""
    return [i for i in scoring.indicators if f"r_{metrics.column_key(i.id)}" in frame_columns]


def groups_of(scoring: Scoring = DEFAULT) -> list[tuple[str, str, float]]:
    """(group key, Vietnamese name, maximum points) in the rules' order."""
    seen: dict[str, float] = {}
    for i in scoring.indicators:
        seen[i.group] = seen.get(i.group, 0.0) + i.points
    return [(g, GROUP_NAMES_VI.get(g, g), pts) for g, pts in seen.items()]


def band_name(key: str | None, scoring: Scoring = DEFAULT) -> str | None:
    return next((b.name_vi for b in scoring.bands if b.key == key), None)


def _row(record: dict[str, Any] | None, scoring: Scoring = DEFAULT) -> dict[str, Any]:
    """A computed scorecard row as the pages and the API show it (rates 0–1, points as computed)."""
    if record is None:
        return {"has_data": False, "n_received": 0, "n_in_2_1": 0, "total": None, "band": None, "band_name": None,
                "r_2_1": None, "r_outside_ward": None, "avg_processing_days": None, "max_points": None, "groups": {}}
    groups = {g: record.get(f"g_{g}") for g, _, _ in groups_of(scoring)}
    return {
        "has_data": bool(record.get("n_received") or record.get("n_in_2_1")),
        "n_received": int(record.get("n_received") or 0),
        "n_in_2_1": int(record.get("n_in_2_1") or 0),
        "total": record.get("total"),
        "band": record.get("band"),
        "band_name": band_name(record.get("band"), scoring),
        "r_2_1": record.get("r_2_1"),
        "r_outside_ward": record.get("r_outside_ward"),
        "avg_processing_days": record.get("avg_processing_days"),
        "max_points": record.get("max_points"),
        "groups": groups,
    }


# ---------------------------------------------------------------------------------------------------
# Ranking


@dataclass
class Ranking:
    span: Span
    city: dict[str, Any]
    communes_total: dict[str, Any]
    departments_total: dict[str, Any]
    communes: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)
    synthetic: str | None = None  # the label of the synthetic data it is computed from (``synthetic_label``)

    @property
    def has_data(self) -> bool:
        return self.city["has_data"]


def city_units() -> tuple[list[Unit], list[Unit]]:
    """The city's commune-level units (168) and its departments, valid today."""
    city = Unit.objects.get(code=city_code())
    below = Unit.objects.filter(path__startswith=city.path, valid_to__isnull=True).exclude(pk=city.pk)
    communes = list(below.filter(kind="commune").order_by("name"))
    departments = list(below.filter(kind="department").order_by("name"))
    return communes, departments


def _ranked(units: list[Unit], records: dict[str, dict], scoring: Scoring) -> list[dict[str, Any]]:
    rows = [{"code": u.code, "name": u.name, **_row(records.get(u.code), scoring)} for u in units]
    scored = sorted((r for r in rows if r["total"] is not None), key=lambda r: (-r["total"], -r["n_received"], r["code"]))
    rank, previous = 0, None
    for position, r in enumerate(scored, start=1):
        if previous is None or abs(r["total"] - previous) > 1e-9:
            rank = position  # competition ranking: equal totals share a rank (1, 2, 2, 4)
        r["rank"], previous = rank, r["total"]
    unscored = [dict(r, rank=None) for r in rows if r["total"] is None]
    return scored + unscored


def ranking(span: Span, *, scoring: Scoring = DEFAULT) -> Ranking:
    return _cached(("ranking", span, scoring), ["*|" + m for m in months_of(span)],
                   lambda copy: _ranking(span, scoring, copy))


def _ranking(span: Span, scoring: Scoring, copy: Published | None) -> Ranking:
    communes, departments = city_units()
    commune_codes = [u.code for u in communes]
    department_codes = [u.code for u in departments]
    empty = Ranking(span, _row(None), _row(None), _row(None), _ranked(communes, {}, scoring), _ranked(departments, {}, scoring))
    with reader(copy) as con:
        if con is None:
            return empty
        codes = commune_codes + department_codes
        # One computation for the units and the pooled totals together, over the kept facts.
        pools = {c: [c] for c in codes} | {POOL_CITY: codes, POOL_COMMUNES: commune_codes,
                                           POOL_DEPARTMENTS: department_codes}
        frame = _compute(con, span, pools, scoring=scoring)
        synthetic = "; ".join(synthetic_labels(con)) or None
    records = {r["agency_code"]: r for r in frame.to_dict("records")}
    return Ranking(
        span,
        city=_row(records.get(POOL_CITY), scoring),
        communes_total=_row(records.get(POOL_COMMUNES), scoring),
        departments_total=_row(records.get(POOL_DEPARTMENTS), scoring),
        communes=_ranked(communes, records, scoring),
        departments=_ranked(departments, records, scoring),
        synthetic=synthetic,
    )


# ---------------------------------------------------------------------------------------------------
# One unit


# What a lost point is made of: the indicator's denominator column and the Vietnamese words for the dossiers
# that fell short. The count is exact: a rate is (dossiers that met it) ÷ denominator.
_SHORTFALL = {
    "1.4": ("n_received", "hồ sơ chưa đồng bộ lên Cổng Dịch vụ công quốc gia"),
    "2.1": ("n_in_2_1", "hồ sơ quá hạn (trong số hồ sơ đang giải quyết trong kỳ)"),
    "4.1": ("n_received", "hồ sơ chưa có kết quả điện tử"),
    "4.2": ("n_received", "hồ sơ chưa số hóa thành phần và cấp kết quả điện tử"),
    "4.3": ("n_received", "hồ sơ không tái sử dụng dữ liệu số hóa"),
    "4.4": ("n_received", "hồ sơ chưa đồng bộ vào Kho dữ liệu điện tử của cá nhân"),
    "4.5": ("n_received", "hồ sơ không khai thác dữ liệu dân cư, tài khoản VNeID"),
    "5.4": ("n_received", "hồ sơ quá hạn hoặc bị phản ánh, không hài lòng (cộng dồn theo công thức)"),
}


def _shortfall(indicator, record: dict[str, Any]) -> tuple[int | None, str]:
    """How many dossiers keep the indicator below its full-points rate, with the words for them."""
    rate = record.get(f"r_{metrics.column_key(indicator.id)}")
    if rate is None:
        return None, ""
    if indicator.id == "3.3" and record.get("r_1_4"):
        # 3.3 = (online ÷ n) × sync rate: count the dossiers not filed online.
        online = round(rate / record["r_1_4"] * record["n_received"])
        return record["n_received"] - online, "hồ sơ không nộp trực tuyến (đạt đủ điểm khi 50 % hồ sơ nộp trực tuyến)"
    if indicator.id in _SHORTFALL:
        column, words = _SHORTFALL[indicator.id]
        n = int(record.get(column) or 0)
        return n - round(rate * n), words
    return None, (f"tỷ lệ đạt {format_number(Decimal(repr(float(rate) * 100)), 2)} %, "
                  f"đủ điểm từ {format_number(Decimal(repr(float(indicator.full_at) * 100)), 0)} %")


def indicator_rows(record: dict[str, Any] | None, columns: Sequence[str], scoring: Scoring = DEFAULT) -> list[dict[str, Any]]:
    """Every indicator of the rules: rate, points earned and available, points lost and what drives them."""
    present = {i.id for i in score_columns(columns, scoring)}
    rows = []
    for i in scoring.indicators:
        key = metrics.column_key(i.id)
        rate = record.get(f"r_{key}") if record and i.id in present else None
        earned = record.get(f"p_{key}") if record and i.id in present else None
        count, words = _shortfall(i, record) if record and rate is not None else (None, "")
        rows.append({
            "id": i.id, "name": i.name_vi, "group": i.group, "group_name": GROUP_NAMES_VI.get(i.group, i.group),
            "rate": rate, "full_at": i.full_at, "points": i.points, "earned": earned,
            "lost": (i.points - earned) if earned is not None else None,
            "computed": i.id in present, "monitoring": i.full_at is None,
            "shortfall": count if earned is not None and i.points - earned > 1e-9 else None,
            "shortfall_words": words if earned is not None and i.points - earned > 1e-9 else "",
        })
    return rows


def points_lost(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The indicators that lost points, largest loss first."""
    return sorted((r for r in rows if r["lost"] and r["lost"] > 1e-9), key=lambda r: (-r["lost"], r["id"]))


def trend_span(span: Span) -> Span:
    """The twelve calendar months ending with the span's last month (clipped like the span)."""
    last = period_containing(span.end, "monthly")
    first = last.start
    for _ in range(TREND_MONTHS - 1):
        first = period_containing(first - dt.timedelta(days=1), "monthly").start
    return Span(first, span.end, None, last.end)


@dataclass
class UnitScorecard:
    unit: Unit
    span: Span
    row: dict[str, Any]
    indicators: list[dict[str, Any]]
    lost: list[dict[str, Any]]
    monthly: list[dict[str, Any]]
    synthetic: str | None = None

    @property
    def has_data(self) -> bool:
        return self.row["has_data"]


def unit_scorecard(unit: Unit, span: Span, *, scoring: Scoring = DEFAULT) -> UnitScorecard:
    trend = trend_span(span)
    scopes = sorted({f"{unit.code}|{m}" for m in months_of(trend) + months_of(span)})
    return _cached(("unit", unit.code, span, scoring), scopes, lambda copy: _unit_scorecard(unit, span, scoring, copy))


def _unit_scorecard(unit: Unit, span: Span, scoring: Scoring, copy: Published | None) -> UnitScorecard:
    return unit_scorecards([unit], span, scoring=scoring, copy=copy)[unit.code]


def unit_scorecards(units: Sequence[Unit], span: Span, *, scoring: Scoring = DEFAULT,
                    copy: Published | None = None) -> dict[str, UnitScorecard]:
    """The scorecards of ``units`` for ``span`` with their monthly trends, in one computation (the precomputing
    job fills the cache with all of them at once)."""
    trend = trend_span(span)
    monthly_span = bool(span.key and frequency_of(span.key) == "monthly")
    with reader(copy) as con:
        if con is None:
            rows = indicator_rows(None, [], scoring)
            return {u.code: UnitScorecard(u, span, _row(None), rows, [], []) for u in units}
        pools = {u.code: [u.code] for u in units}
        months = _compute(con, trend, pools, by="month", scoring=scoring)
        # A month is the trend's last row (same start, same clipped end): no second computation.
        frame = None if monthly_span else _compute(con, span, pools, scoring=scoring)
        synthetic = "; ".join(synthetic_labels(con)) or None
    by_unit: dict[str, list[dict]] = {}
    for r in months.to_dict("records"):
        by_unit.setdefault(r["agency_code"], []).append(r)
    if monthly_span:
        wanted = pd.Timestamp(span.start)
        records = {code: next((r for r in rs if pd.Timestamp(r["period_start"]) == wanted), None) for code, rs in by_unit.items()}
    else:
        records = {r["agency_code"]: r for r in frame.to_dict("records")}
    cards = {}
    for u in units:
        record = records.get(u.code)
        rows = indicator_rows(record, list(months.columns), scoring)
        monthly = [{"period": parse_period(f"{r['period_start']:%Y-%m}").key, "start": r["period_start"], "end": r["period_end"],
                    "total": r["total"], "band": r["band"], "r_2_1": r.get("r_2_1"), "p_2_1": r.get("p_2_1"),
                    "n_received": int(r["n_received"] or 0), "n_in_2_1": int(r["n_in_2_1"] or 0)}
                   for r in by_unit.get(u.code, [])]
        cards[u.code] = UnitScorecard(u, span, _row(record, scoring), rows, points_lost(rows), monthly, synthetic)
    return cards


def cache_unit_scorecards(units: Sequence[Unit], span: Span, *, scoring: Scoring = DEFAULT) -> int:
    """Compute the scorecards of ``units`` for ``span`` together and keep each where ``unit_scorecard`` looks."""
    copy = store.published()
    cards = unit_scorecards(units, span, scoring=scoring, copy=copy)
    for u in units:
        card = cards[u.code]
        _cached(("unit", u.code, span, scoring),
                sorted({f"{u.code}|{m}" for m in months_of(trend_span(span)) + months_of(span)}), lambda _copy, c=card: c)
    return len(cards)


def drilldown(unit: Unit, span: Span, by: str, *, scoring: Scoring = DEFAULT) -> list[dict[str, Any]]:
    """The unit's scorecard split by procedure or by channel, the most overdue dossiers first."""
    if by not in DRILL_KEYS:
        raise _bad("bad_drilldown", "by", f"drill down by one of {', '.join(DRILL_KEYS)}, not {by!r}",
                   keys=", ".join(DRILL_KEYS))
    return _cached(("drilldown", unit.code, span, by, scoring), [f"{unit.code}|{m}" for m in months_of(span)],
                   lambda copy: _drilldown(unit, span, by, scoring, copy))


def _drilldown(unit: Unit, span: Span, by: str, scoring: Scoring, copy: Published | None) -> list[dict[str, Any]]:
    with reader(copy) as con:
        if con is None:
            return []
        key_column = DRILL_KEYS[by]
        frame = _compute(con, span, {unit.code: [unit.code]}, scoring=scoring, keys=("agency_code", key_column))
        names = _procedure_names(con) if by == "procedure" else {}
        made_up_names = by == "procedure" and bool(synthetic_labels(con, "procedures"))
    rows = []
    for r in frame.to_dict("records"):
        key = "—" if r[key_column] is None else str(r[key_column])
        row = _row(r, scoring)
        n = row["n_in_2_1"]
        overdue = n - round(row["r_2_1"] * n) if row["r_2_1"] is not None else 0
        name = CHANNEL_NAMES_VI.get(int(key), key) if by == "channel" and key.isdigit() else names.get(key, "")
        rows.append({"key": key, "name": name, "name_synthetic": made_up_names and bool(name), "overdue": overdue,
                     "r_3_3": r.get("r_3_3"), **row})
    return sorted(rows, key=lambda r: (-r["overdue"], -(r["n_received"]), r["key"]))


def _procedure_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Procedure names from the catalogue (``procedures``) when the store holds one."""
    found = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'procedures' "
                        "AND column_name IN ('procedure_code', 'name')").fetchone()[0]
    if found < 2:
        return {}
    return dict(con.execute("SELECT procedure_code, name FROM procedures").fetchall())


# ---------------------------------------------------------------------------------------------------
# Rates for the indicator feed


def rates_for_units(units: Sequence[Unit], span: Span, *, scoring: Scoring = DEFAULT) -> dict[str, dict[str, Any]]:
    """Scorecard rows of ``units``, each pooled over the dossiers of the agencies at or below it (a ward: its own
    dossiers; the city: all of its agencies'). Units without dossiers in the span are absent."""
    with reader() as con:
        if con is None:
            return {}
        agencies = [r[0] for r in con.execute(f"SELECT DISTINCT agency_code FROM {execute.FACTS_TABLE}").fetchall()]
        paths = dict(Unit.objects.filter(code__in=agencies).values_list("code", "path"))
        pools = {u.code: [a for a, p in paths.items() if p.startswith(u.path)] for u in units}
        pools = {code: members for code, members in pools.items() if members}
        if not pools:
            return {}
        frame = _compute(con, span, pools, scoring=scoring)
    return {r["agency_code"]: r for r in frame.to_dict("records")}


# ---------------------------------------------------------------------------------------------------
# The on-time feed's targets


DEFAULT_ON_TIME_INDICATORS = ("HS_DUNGHAN_XA", "HS_DUNGHAN_TP")


def on_time_indicators() -> list:
    """The indicators the on-time rate feeds, in the configured order (unknown codes are left out)."""
    from dieuhanh.indicators.models import Indicator

    codes = list(getattr(settings, "DIEUHANH_D766_ON_TIME_INDICATORS", DEFAULT_ON_TIME_INDICATORS))
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes, active=True).select_related("owner", "communes_of")}
    return [found[c] for c in codes if c in found]


def feedable_indicators(actor) -> list:
    """The on-time indicators ``actor`` may feed (manages their owner): what the ranking page offers."""
    from dieuhanh.access.policy import can

    return [i for i in on_time_indicators() if can(actor, "indicator_manage", i.owner)]


def feed_targets(actor, code: str | None = None) -> list:
    """The indicators one run of the feed writes, for the page and the API alike: the on-time indicator named by
    ``code`` (whose authorisation the feed itself checks), else every one ``actor`` manages. None of them (an
    unknown or not configured code, or nothing the actor manages) is ``NotFound``."""
    if code:
        targets = [i for i in on_time_indicators() if i.code == code]
        if not targets:
            raise NotFound(f"indicator {code} not found among the on-time indicators")
        return targets
    targets = feedable_indicators(actor)
    if not targets:
        raise NotFound("no on-time indicator you manage")
    return targets
