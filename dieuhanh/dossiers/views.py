"""Pages of the Decision 766 scorecard: the ranking of the city's units, a unit's scorecard with its monthly trend
and the points it lost, the drill-down by procedure and by channel, and their CSV/XLSX exports.

Every signed-in user sees every unit (public-service performance data, see ``selectors``). Feeding the on-time
rate into the indicators is offered to those who manage a fed indicator. While an import holds the dossier store,
the pages and the drill-down say so in Vietnamese and the exports answer 503 with the same sentence.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dieuhanh.access.policy import can
from dieuhanh.dossiers import exports, selectors, services
from dieuhanh.errors import DomainError, Forbidden, NotFound
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_get
from dieuhanh.web.messages import error_text

_PERIOD_ERRORS = {
    "bad_period": gettext_lazy("Not a valid period (for example 2026-03, 2026-Q1, 2026)."),
    "bad_date": gettext_lazy("Not a valid date: write it as dd/mm/yyyy, between 01/01/2000 and 31/12/2100."),
    "end_before_start": gettext_lazy("The end date is before the start date."),
    "period_in_future": gettext_lazy("This period has not begun yet."),
    "period_and_range": gettext_lazy("Choose a period or a date range, not both."),
    "incomplete_range": gettext_lazy("A date range needs both a start and an end date."),
    "store_unavailable": gettext_lazy("The dossier store is busy (an import is running); please try again in a few minutes."),
    "store_busy": gettext_lazy("The dossier store is busy (an import is running); please try again in a few minutes."),
}


def _message(exc: DomainError) -> str:
    return str(_PERIOD_ERRORS[exc.code]) if exc.code in _PERIOD_ERRORS else error_text(exc)


def _span(request: HttpRequest) -> tuple[selectors.Span | None, str | None]:
    """The span the page asks for, or an error sentence (Vietnamese) and the default span."""
    q = request.GET
    try:
        return selectors.span_of(q.get("period") or None, q.get("from") or None, q.get("to") or None), None
    except DomainError as exc:
        return selectors.span_of(None), _message(exc)


def _query(request: HttpRequest) -> str:
    """The period part of the query string, for the export and drill-down links."""
    return urlencode({k: request.GET[k] for k in ("period", "from", "to") if request.GET.get(k)})


def _unit(code: str) -> Unit:
    try:
        return unit_get(code)
    except NotFound:
        raise Http404 from None


def _form_context(request: HttpRequest, span: selectors.Span, error: str | None) -> dict:
    return {"span": span, "period_error": error, "choices": selectors.period_choices(), "query": _query(request),
            "from_value": request.GET.get("from", ""), "to_value": request.GET.get("to", ""),
            "selected": request.GET.get("period") or (span.key if not request.GET.get("from") else "")}


def _read(read, span: selectors.Span, error: str | None):
    """``read(span)``, or None and the sentence for a store that cannot be read now."""
    try:
        return read(span), error
    except DomainError as exc:
        return None, _message(exc)


def _page(request: HttpRequest, name: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when HTMX asks for them (the period form)."""
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "d766-results":
        return render(request, f"dossiers/partials/{name}_results.html", context)
    return render(request, f"dossiers/{name}.html", context)


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    span, error = _span(request)
    result, error = _read(selectors.ranking, span, error)
    fed = [i for i in services.on_time_indicators() if can(request.user, "indicator_manage", i.owner)]
    context = {**_form_context(request, span, error), "ranking": result, "groups": selectors.groups_of(), "feedable": fed}
    return _page(request, "ranking", context)


@login_required
def unit_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(code)
    span, error = _span(request)
    card, error = _read(lambda s: selectors.unit_scorecard(unit, s), span, error)
    chart = None
    if card and card.monthly:
        chart = {"periods": [m["period"] for m in card.monthly],
                 "total": [None if m["total"] is None else round(m["total"], 2) for m in card.monthly],
                 "on_time": [None if m["r_2_1"] is None else round(m["r_2_1"] * 100, 2) for m in card.monthly]}
    context = {**_form_context(request, span, error), "unit": unit, "card": card, "chart": chart}
    return _page(request, "scorecard", context)


@login_required
def drilldown(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(code)
    span, error = _span(request)
    by = request.GET.get("by", "procedure")
    if by not in selectors.DRILL_KEYS:
        raise Http404
    rows = []
    if not error:
        try:
            rows = selectors.drilldown(unit, span, by)
        except DomainError as exc:
            error = _message(exc)
    return render(request, "dossiers/partials/drilldown.html", {"unit": unit, "span": span, "rows": rows, "by": by, "error": error})


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def render_export(sheets, filename: str, fmt: str) -> HttpResponse:
    return _download(exports.to_csv(sheets) if fmt == "csv" else exports.to_xlsx(sheets), filename, fmt)


def _export_span(request: HttpRequest) -> selectors.Span:
    span, error = _span(request)
    if error:
        raise Http404
    return span


def _export(sheets, name: str, fmt: str) -> HttpResponse:
    """The file, or 503 with the Vietnamese sentence when the store cannot be read now."""
    try:
        return render_export(sheets(), name, fmt)
    except DomainError as exc:
        return HttpResponse(_message(exc), status=exc.http_status, content_type="text/plain; charset=utf-8")


@login_required
def ranking_export(request: HttpRequest, fmt: str) -> HttpResponse:
    span = _export_span(request)
    name = f"d766-xep-hang-{span.key or f'{span.start:%Y%m%d}-{span.end:%Y%m%d}'}"
    return _export(lambda: [exports.ranking_sheet(selectors.ranking(span))], name, fmt)


@login_required
def unit_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    unit = _unit(code)
    span = _export_span(request)
    name = f"d766-{unit.code}-{span.key or f'{span.start:%Y%m%d}-{span.end:%Y%m%d}'}"
    return _export(lambda: exports.scorecard_sheets(selectors.unit_scorecard(unit, span)), name, fmt)


@login_required
@require_POST
def feed(request: HttpRequest) -> HttpResponse:
    """Administrators and steering of a fed indicator's owner: write the on-time rate for the chosen period; values
    typed by hand are left as they are unless "overwrite" is ticked."""
    period = request.POST.get("period", "")
    overwrite = request.POST.get("overwrite") == "1"
    targets = [i for i in services.on_time_indicators() if can(request.user, "indicator_manage", i.owner)]
    if not targets:
        raise Http404
    for indicator in targets:
        try:
            result = services.on_time_feed(actor=request.user, indicator=indicator, period=period, overwrite=overwrite)
        except (Forbidden, NotFound):
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, f"{indicator.code}: {_message(exc)}")
            continue
        s = result.summary()
        messages.success(request, _("%(code)s: %(written)s values written, %(unchanged)s unchanged, %(skipped)s skipped (data locked), "
                                    "%(manual)s kept as typed by hand, %(no_data)s units without dossiers.") % {"code": indicator.code, **s})
    return redirect(f"{reverse('d766_ranking')}?{urlencode({'period': period})}")
