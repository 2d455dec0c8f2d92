"""Decision 766 public-service scorecard from the dossier logs: the ranking, a unit's scorecard with its monthly
series, the drill-down by procedure or channel, CSV/XLSX exports, and the on-time feed into the indicators.

Periods: ``period`` (``2026-03``, ``2026-Q1``, ``2026-H1``, ``2026``) or ``from`` and ``to`` (``dd/mm/yyyy`` or
``yyyy-mm-dd``); neither → the latest month with dossiers. Spans are clipped to today. Bad input → 400 with
``invalid_period`` or ``invalid_date`` (naming the field), ``end_before_start``, ``incomplete_range``,
``period_and_range``, ``period_in_future``, ``outside_calendar`` or ``bad_drilldown``. Rates are 0–1; points as earned; ``total`` on the 100-point scale
rescaled over ``max_points`` (the points of the indicators the data allows). Every signed-in user may read every
unit (public-service performance data). While an import holds the dossier store, reads answer 503
``store_unavailable``.

The feed writes only into the configured on-time indicators (``DIEUHANH_D766_ON_TIME_INDICATORS``): any other
indicator, one you may not manage, or none you manage when ``indicator`` is left out, answers 404 ``not_found``
(as the page's button does). Values typed by hand are kept (listed as ``manual``) unless ``overwrite`` is true.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from dieuhanh.api.fields import PeriodKey, column
from dieuhanh.api.schemas import ERRORS, Error
from dieuhanh.dossiers import exports, selectors, services
from dieuhanh.indicators.models import Indicator
from dieuhanh.units.selectors import unit_get

router = Router(tags=["public-service quality (Decision 766)"])
READ_ERRORS = {**ERRORS, 503: Error}


class SpanOut(Schema):
    key: str | None = Field(..., description="the calendar period, or null for a date range")
    start: dt.date
    end: dt.date = Field(..., description="last day computed (clipped to today)")
    requested_end: dt.date
    clipped: bool
    label: str


class TotalsOut(Schema):
    has_data: bool
    n_received: int = Field(..., description="dossiers received in the span")
    n_in_2_1: int = Field(..., description="dossiers whose processing overlaps the span (the 2.1 population)")
    total: float | None
    band: str | None
    band_name: str | None
    max_points: float | None
    r_2_1: float | None = Field(..., description="on time or within deadline, 0–1")
    r_outside_ward: float | None = Field(..., description="filed outside the applicant's ward, 0–1")
    avg_processing_days: float | None
    groups: dict[str, float | None]


class RankedOut(TotalsOut):
    code: str
    name: str
    rank: int | None


class RankingOut(Schema):
    span: SpanOut
    city: TotalsOut = Field(..., description="all the city's dossiers pooled")
    communes_total: TotalsOut = Field(..., description="the dossiers of the 168 commune-level units pooled")
    departments_total: TotalsOut
    communes: list[RankedOut]
    departments: list[RankedOut]
    synthetic: str | None = Field(None, description="the label of the synthetic (made-up) data the numbers are computed from; null for real logs")


class IndicatorScoreOut(Schema):
    id: str
    name: str
    group: str
    rate: float | None
    full_at: float | None
    points: float
    earned: float | None
    lost: float | None
    computed: bool = Field(..., description="false: not computed from dossier logs (yet)")
    shortfall: int | None = Field(..., description="dossiers keeping the indicator below full points")
    shortfall_words: str


class MonthOut(Schema):
    period: str
    n_received: int
    n_in_2_1: int
    r_2_1: float | None
    total: float | None
    band: str | None


class UnitRef(Schema):
    code: str
    name: str


class ScorecardOut(Schema):
    unit: UnitRef
    span: SpanOut
    total: TotalsOut
    indicators: list[IndicatorScoreOut]
    points_lost: list[IndicatorScoreOut] = Field(..., description="largest loss first")
    monthly: list[MonthOut] = Field(..., description="the twelve months ending with the span, months with dossiers")
    synthetic: str | None = Field(None, description="the label of the synthetic (made-up) data the numbers are computed from; null for real logs")


class DrillRowOut(TotalsOut):
    key: str
    name: str
    name_synthetic: bool = Field(False, description="the procedure's name comes from a synthetic (made-up) catalogue")
    overdue: int
    r_3_3: float | None


class DrilldownOut(Schema):
    unit: UnitRef
    span: SpanOut
    by: str
    rows: list[DrillRowOut]
    synthetic: str | None = Field(None, description="the label of the synthetic (made-up) data the numbers are computed from; null for real logs")


# Query texts are read by the one period and date parser inside ``span_of``: a bad one is a 400 whose code is the
# parser's (``invalid_period``, ``invalid_date``).
class PeriodQuery(Schema):
    period: str | None = Field(None, max_length=40, description="2026-03, 2026-Q1, 2026-H1 or 2026")
    from_: str | None = Field(None, max_length=40, alias="from", description="first day, dd/mm/yyyy or yyyy-mm-dd")
    to: str | None = Field(None, max_length=40, description="last day, dd/mm/yyyy or yyyy-mm-dd")


class ExportQuery(PeriodQuery):
    format: str = Field("xlsx", pattern="^(xlsx|csv)$")


class FeedIn(Schema):
    period: PeriodKey = Field(..., description="2026, 2026-Q1 or 2026-03: the indicator's own periods overlapping it are fed")
    indicator: column(Indicator, "code") | None = Field(None, description="one on-time indicator's code; default: every "
                                                                         "configured on-time indicator you manage")
    overwrite: bool = Field(False, description="also replace values typed by hand (never submitted or approved ones)")


class FeedOut(Schema):
    indicator: str
    periods: list[str]
    written: int
    unchanged: int
    skipped: list[dict[str, str]] = Field(..., description="units whose data is submitted or approved: left untouched")
    manual: list[dict[str, str]] = Field(..., description="values typed by hand: left untouched unless overwrite")
    no_data: int


def _span(q: PeriodQuery) -> selectors.Span:
    return selectors.span_of(q.period, q.from_, q.to)


def _ref(unit) -> dict[str, str]:
    return {"code": unit.code, "name": unit.name}


def _scorecard(code: str, q: PeriodQuery) -> selectors.UnitScorecard:
    unit = unit_get(code)
    return selectors.unit_scorecard(unit, _span(q))


@router.get("/d766/ranking", response={200: RankingOut, **READ_ERRORS}, summary="Ranking of the city's communes and departments")
def ranking(request, q: Query[PeriodQuery]):
    r = selectors.ranking(_span(q))
    return {"span": r.span.as_dict(), "city": r.city, "communes_total": r.communes_total,
            "departments_total": r.departments_total, "communes": r.communes, "departments": r.departments,
            "synthetic": r.synthetic}


@router.get("/d766/units/{code}/scorecard", response={200: ScorecardOut, **READ_ERRORS},
            summary="A unit's scorecard: every indicator, the points lost and the monthly series")
def unit_scorecard(request, code: str, q: Query[PeriodQuery]):
    card = _scorecard(code, q)
    return {"unit": _ref(card.unit), "span": card.span.as_dict(), "total": card.row, "indicators": card.indicators,
            "points_lost": card.lost, "monthly": card.monthly, "synthetic": card.synthetic}


@router.get("/d766/units/{code}/drilldown", response={200: DrilldownOut, **READ_ERRORS},
            summary="A unit's scorecard by procedure or by channel, most overdue first")
def drilldown(request, code: str, q: Query[PeriodQuery], by: str = "procedure"):
    unit = unit_get(code)
    span = _span(q)
    return {"unit": _ref(unit), "span": span.as_dict(), "by": by, "rows": selectors.drilldown(unit, span, by),
            "synthetic": selectors.synthetic_label()}


def _file(sheets, name: str, fmt: str) -> HttpResponse:
    from dieuhanh.dossiers.exports import file_response

    return file_response(sheets, name, fmt, headers="codes")  # the API keeps the machine names


@router.get("/d766/ranking/export", response={200: Any, **READ_ERRORS}, summary="The ranking as XLSX (Vietnamese headers) or CSV (machine names)")
def ranking_export(request, q: Query[ExportQuery]):
    span = _span(q)
    return _file([exports.ranking_sheet(selectors.ranking(span))], f"d766-xep-hang-{span.key or span.start}", q.format)


@router.get("/d766/units/{code}/export", response={200: Any, **READ_ERRORS}, summary="A unit's scorecard as XLSX or CSV")
def unit_export(request, code: str, q: Query[ExportQuery]):
    card = _scorecard(code, q)
    return _file(exports.scorecard_sheets(card), f"d766-{card.unit.code}-{card.span.key or card.span.start}", q.format)


@router.post("/d766/feed", response={200: list[FeedOut], **ERRORS},
             summary="Write the on-time rate (2.1) into the on-time indicators (steering/administrators of their owner)")
def feed(request, payload: FeedIn):
    results = []
    for indicator in selectors.feed_targets(request.user, payload.indicator):
        r = services.on_time_feed(actor=request.user, indicator=indicator, period=payload.period, overwrite=payload.overwrite)
        s = r.summary()
        results.append({"indicator": r.indicator, "periods": r.periods, "written": s["written"], "unchanged": s["unchanged"],
                        "no_data": s["no_data"], "skipped": [{"unit": u, "period": p, "status": st} for u, p, st in r.skipped],
                        "manual": [{"unit": u, "period": p} for u, p in r.manual]})
    return results
