"""Pages of the Decision 766 scorecard: the ranking of the city's units, a unit's scorecard with its monthly trend
and the points it lost, the drill-down by procedure and by channel, and their CSV/XLSX exports.

Every signed-in user sees every unit (public-service performance data, see ``selectors``). Feeding the on-time
rate into the indicators is offered to those who manage a fed indicator. The pages read the published copy of the
dossier store, so an import never keeps them waiting (``store.py``); the store-busy sentence remains for a store
that cannot be opened at all.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh.core.common.errors import CoreError
from dieuhanh.dossiers import exports, selectors, services
from dieuhanh.dossiers.jobs import can_upload, dossier_import_enqueue, require_city_administrator
from dieuhanh.dossiers.selectors import StoreUnavailable
from dieuhanh.dossiers.store import StoreBusy
from dieuhanh.errors import BadRequest, NotFound
from dieuhanh.messages import render as message
from dieuhanh.units.selectors import unit_get
from dieuhanh.pages import cached_fragment, date_param, errors_return_to, period_param, ranking_page


def _asked(request: HttpRequest) -> selectors.Span:
    """The span the query asks for, read by the one period and date parser (errors propagate)."""
    return selectors.span_of(period_param(request), date_param(request, "from"), date_param(request, "to"))


def _span(request: HttpRequest) -> tuple[selectors.Span, str | None]:
    """The span the page asks for; a period or date that cannot be used is said in the period form (with the
    default span shown), as a form shows its field's error."""
    try:
        return _asked(request), None
    except (CoreError, BadRequest) as exc:
        return selectors.span_of(None), message(exc.code, exc.params)


def _query(request: HttpRequest) -> str:
    """The period part of the query string, for the export and drill-down links."""
    return urlencode({k: request.GET[k] for k in ("period", "from", "to") if request.GET.get(k)})


def _form_context(request: HttpRequest, span: selectors.Span, error: str | None) -> dict:
    return {"span": span, "period_error": error, "choices": selectors.period_choices(), "query": _query(request),
            "from_value": request.GET.get("from", ""), "to_value": request.GET.get("to", ""),
            "selected": request.GET.get("period") or (span.key if not request.GET.get("from") else ""),
            "synthetic": selectors.synthetic_label()}


def _read(read, span: selectors.Span, error: str | None):
    """``read(span)``, or None and the sentence for a store that an import holds now."""
    try:
        return read(span), error
    except StoreUnavailable as exc:
        return None, message(exc.code, exc.params)


def _page(request: HttpRequest, name: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when HTMX asks for them (the period form)."""
    if request.htmx and request.htmx.target == "d766-results":
        return render(request, f"dossiers/partials/{name}_results.html", context)
    return render(request, f"dossiers/{name}.html", context)


def _name_and_code(row: dict) -> tuple[str, str]:
    return row["name"], row["code"]


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    span, error = _span(request)
    result, error = _read(selectors.ranking, span, error)
    context = {**_form_context(request, span, error), "ranking": result, "search": request.GET.get("q", ""),
               "tab": "departments" if request.GET.get("tab") == "departments" else "",
               "feedable": selectors.feedable_indicators(request.user), "can_upload": can_upload(request.user)}
    if result is not None:
        def tables() -> str:
            # The units the search box finds, a page at a time, still in rank order with the city's ranks.
            return render_to_string("dossiers/partials/ranking_tables.html", {
                **context, "communes": ranking_page(request, result.communes, _name_and_code),
                "departments": ranking_page(request, result.departments, _name_and_code, tab="departments")}, request)

        # Rendered once per ranking, query and language: kept under the ranking's stamps (a new import → a new key).
        context["tables"] = cached_fragment("d766-ranking", (selectors.ranking_stamp(span), request.GET.urlencode()), tables)
    return _page(request, "ranking", context)


@login_required
def unit_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get(code)
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
    unit = unit_get(code)
    span, error = _span(request)
    by = request.GET.get("by", "procedure")
    if by not in selectors.DRILL_KEYS:
        raise NotFound(f"no drill-down by {by!r}")
    rows = []
    if not error:
        rows, error = _read(lambda s: selectors.drilldown(unit, s, by), span, error)
    # Inside the scorecard page (HTMX) the page's own note already says the data is synthetic.
    synthetic = None if request.htmx else selectors.synthetic_label()
    return render(request, "dossiers/partials/drilldown.html", {"unit": unit, "span": span, "rows": rows, "by": by, "error": error,
                                                                "synthetic": synthetic})


def _export(sheets, name: str, fmt: str) -> HttpResponse:
    """The file, or 503 with the sentence when an import holds the store now."""
    try:
        return exports.file_response(sheets(), name, fmt)
    except (StoreUnavailable, StoreBusy) as exc:
        return HttpResponse(message(exc.code, exc.params), status=exc.http_status, content_type="text/plain; charset=utf-8")


@login_required
def ranking_export(request: HttpRequest, fmt: str) -> HttpResponse:
    span = _asked(request)
    name = f"d766-xep-hang-{span.key or f'{span.start:%Y%m%d}-{span.end:%Y%m%d}'}"
    return _export(lambda: [exports.ranking_sheet(selectors.ranking(span))], name, fmt)


@login_required
def unit_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    unit = unit_get(code)
    span = _asked(request)
    name = f"d766-{unit.code}-{span.key or f'{span.start:%Y%m%d}-{span.end:%Y%m%d}'}"
    return _export(lambda: exports.scorecard_sheets(selectors.unit_scorecard(unit, span)), name, fmt)


def _ranking_of_period(request: HttpRequest, **_) -> str:
    return f"{reverse('d766_ranking')}?{urlencode({'period': request.POST.get('period', '')})}"


@login_required
@require_POST
@errors_return_to(_ranking_of_period)
def feed(request: HttpRequest) -> HttpResponse:
    """Administrators and steering of a fed indicator's owner: write the on-time rate for the chosen period; values
    typed by hand are left as they are unless "overwrite" is ticked."""
    period = request.POST.get("period", "")
    overwrite = request.POST.get("overwrite") == "1"
    for indicator in selectors.feed_targets(request.user):
        result = services.on_time_feed(actor=request.user, indicator=indicator, period=period, overwrite=overwrite)
        s = result.summary()
        messages.success(request, _("%(code)s: %(written)s values written, %(unchanged)s unchanged, %(skipped)s skipped (data locked), "
                                    "%(manual)s kept as typed by hand, %(no_data)s units without dossiers.") % {"code": indicator.code, **s})
    return redirect(_ranking_of_period(request))


@login_required
@errors_return_to(lambda request, **_: reverse("d766_upload"))
def upload(request: HttpRequest) -> HttpResponse:
    """City administrators upload a dossier log, the procedure catalogue or feedback records (CSV, Parquet, XLSX);
    the file is checked, stored privately and imported by a background job (all or nothing), followed on its page."""
    require_city_administrator(request.user)
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            messages.error(request, _("Choose a file to upload."))
            return redirect("d766_upload")
        job = dossier_import_enqueue(actor=request.user, upload=upload_file, table=request.POST.get("table", ""))
        messages.success(request, _("The file is uploaded; its import runs in the background."))
        return redirect("job_detail", job.pk)
    return render(request, "dossiers/upload.html", {"tables": [("dossiers", _("Dossier log")), ("procedures", _("Procedure catalogue")),
                                                               ("feedback", _("Feedback (PAKN) records"))]})
