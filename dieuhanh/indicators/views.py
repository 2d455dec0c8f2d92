"""Pages for indicators: catalogue, indicator page, unit scorecard, data entry and approval per unit and period.

Reads go through ``selectors``, writes through ``services`` (the same ones the API calls). Domain errors are not
caught here: ``DomainErrorMiddleware`` answers a missing or forbidden unit with the 404 page and an invalid form
or a conflict with the form again and the message; only the upload page re-renders the sheet's row-by-row
problems.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh.access.policy import can, require
from dieuhanh.accounts.selectors import highest_role, roles_of
from dieuhanh.core.common.numerals import format_number
from dieuhanh.core.common.periods import parse_period
from dieuhanh.core.indicators.values_sheet import TemplateRow, write_values_sheet
from dieuhanh.errors import Invalid, NotFound
from dieuhanh.indicators import exports, selectors, services
from dieuhanh.indicators.jobs import values_import_enqueue
from dieuhanh.jobs.uploads import is_large
from dieuhanh.indicators.models import ApprovalStatus, ValueStatus
from dieuhanh.units.selectors import city_code, unit_find, unit_get
from dieuhanh.pages import attachment, cached_fragment, errors_return_to, period_param, to_job

MAX_SHEET_BYTES = 10 * 1024 * 1024  # a unit's sheet is kilobytes; refuse anything that could be a zip bomb


def _entry_url(request, code: str, period: str, **_) -> str:
    return reverse("indicator_entry", kwargs={"code": code, "period": period})


def _version(text: str | None) -> int | None:
    """A version from a hidden form field; anything but a whole number is no version (refused by the service)."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "indicators/catalogue.html", {"indicators": selectors.indicators_active(), "city": unit_find(city_code())})


@login_required
def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    indicator = selectors.indicator_get(code)
    unit = unit_get(request.GET["unit"]) if request.GET.get("unit") else selectors.indicator_home_unit(indicator)
    official = not can(request.user, "unit_data_view", unit)
    overview = selectors.indicator_overview(indicator, unit, official_only=official)
    chart = {"periods": [p for p, _c in overview["series"]], "values": [c.value for _p, c in overview["series"]],
             "targets": [{"year": t.year, "value": float(t.value), "kind": t.kind} for t in overview["targets"]]}
    return render(request, "indicators/indicator.html", {"indicator": indicator, "unit": unit, "chart": chart,
                                                         "official_only": official, **overview})


@login_required
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get(code)
    if request.GET.get("format") == "xlsx":
        return attachment(exports.scorecard_xlsx(unit, selectors.scorecard_rows(unit)), f"chi-tieu-{unit.code}.xlsx")
    # The table is kept until indicator data or units change (the same for everyone who may open the page).
    table = cached_fragment("scorecard", (selectors.data_stamp(), unit.code),
                            lambda: render_to_string("indicators/partials/scorecard_table.html", {"unit": unit, "rows": selectors.scorecard_rows(unit)}))
    return render(request, "indicators/scorecard.html", {"unit": unit, "table": table})


@login_required
@errors_return_to(_entry_url)
def entry(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The entry form of one unit and period: every indicator due, its target and last value, one field each."""
    unit = unit_get(code)
    p = parse_period(period)
    require(request.user, "unit_data_view", unit)
    rows = selectors.entry_rows(unit, p.key)
    approval = selectors.approval_get(unit, p.key)
    status = approval.status if approval else ApprovalStatus.OPEN
    can_enter = can(request.user, "value_enter", unit) and status == ApprovalStatus.OPEN
    if request.method == "POST" and can_enter:
        post = request.POST
        entries = [{"indicator": r.due.indicator.code, "value": post.get(f"v-{r.due.indicator.code}", ""),
                    "status": post.get(f"s-{r.due.indicator.code}", ValueStatus.FINAL),
                    "comment": post.get(f"c-{r.due.indicator.code}", ""),
                    "version": _version(post.get(f"ver-{r.due.indicator.code}"))} for r in rows]
        services.values_save(actor=request.user, unit=unit, period=p.key, entries=entries, submit="submit" in post,
                             approval_version=_version(post.get("approval_version")))
        messages.success(request, _("Submitted for approval.") if "submit" in post else _("Saved."))
        return redirect("indicator_entry", code=unit.code, period=p.key)
    shown = [{"due": r.due, "previous": r.previous, "target": r.target,
              "shown": format_number(r.due.value.value) if r.due.value and r.due.value.value is not None else ""} for r in rows]
    return render(request, "indicators/entry.html", {
        "unit": unit, "period": p, "rows": shown, "status": status, "approval": approval, "can_enter": can_enter,
        "approval_version": approval.version if approval else 1,
        "can_approve": can(request.user, "value_approve", unit), "can_unapprove": can(request.user, "value_unapprove", unit),
        "violations": selectors.violations_for(unit, p.key), "statuses": ValueStatus.choices,
    })


_STEPS = {"approve": services.values_approve, "return": services.values_return, "unapprove": services.values_unapprove}


@login_required
@require_POST
@errors_return_to(_entry_url)
def approval_action(request: HttpRequest, code: str, period: str, step: str) -> HttpResponse:
    if step not in _STEPS:
        raise NotFound(f"no approval step {step!r}")
    unit = unit_get(code)
    note = request.POST.get("note", "")
    extra = {} if step == "approve" else ({"note": note} if step == "return" else {"reason": note})
    _STEPS[step](actor=request.user, unit=unit, period=period, expected_version=_version(request.POST.get("version")), **extra)
    messages.success(request, {"approve": _("Approved: the data is locked."), "return": _("Returned to the unit."),
                               "unapprove": _("Unapproved: the data is open again.")}[step])
    return redirect("indicator_entry", code=unit.code, period=period)


@login_required
def template_download(request: HttpRequest, code: str, period: str) -> HttpResponse:
    unit = unit_get(code)
    require(request.user, "unit_data_view", unit)
    p = parse_period(period)
    rows = [TemplateRow(unit.code, unit.name, r.due.indicator.code, r.due.indicator.name, r.due.indicator.measure, p.key,
                        target=r.target.label or format_number(r.target.value) if r.target else "",
                        value=r.due.value.value if r.due.value else None, status=r.due.value.status if r.due.value else "final",
                        comment=r.due.value.comment if r.due.value else "")
            for r in selectors.entry_rows(unit, p.key)]
    buf = io.BytesIO()
    write_values_sheet(rows, buf, title=f"BÁO CÁO CHỈ TIÊU — {unit.name} — {p.label_vi}")
    return attachment(buf.getvalue(), f"chi-tieu-{unit.code}-{p.key}.xlsx")


@login_required
@require_POST
@errors_return_to(_entry_url)
def template_upload(request: HttpRequest, code: str, period: str) -> HttpResponse:
    unit = unit_get(code)
    require(request.user, "value_enter", unit)
    upload = request.FILES.get("file")
    if upload is None:
        raise Invalid("no file", code="required", details=[{"field": "file", "code": "required"}])
    if upload.size > MAX_SHEET_BYTES:
        raise Invalid("the file is too large", code="file_too_large")
    content = upload.read()
    if is_large(content):  # a worker imports it; its page shows the progress and, if refused, the rows at fault
        return to_job(request, values_import_enqueue(actor=request.user, content=content, name=upload.name, unit=unit,
                                                     expected_period=period))
    try:
        saved = services.values_import(actor=request.user, content=content, expected_unit=unit.code, expected_period=period)
    except Invalid as exc:  # the upload page lists the sheet's problems row by row
        return render(request, "indicators/import_errors.html", {"unit": unit, "period": period, "row_errors": exc.details}, status=422)
    messages.success(request, _("%(n)d values saved.") % {"n": saved})
    return redirect("indicator_entry", code=unit.code, period=period)


@login_required
def my_entry(request: HttpRequest) -> HttpResponse:
    """Send a person to the entry form of their first unit and the current year."""
    assignment = roles_of(request.user).first()
    if assignment is None:
        raise NotFound("no role: no entry form to go to")
    year = timezone.localdate().year
    return redirect("indicator_entry", code=assignment.unit.code, period=str(year))


@login_required
def due_page(request: HttpRequest) -> HttpResponse:
    """The reporting round's checklist: per unit in the person's reach, how many values are due, entered, approved;
    by default over the unit of the person's highest role (the city for the steering committee, a department or a
    ward for theirs)."""
    p = period_param(request) or parse_period(str(timezone.localdate().year))
    own = highest_role(request.user)
    unit = unit_get(request.GET.get("unit") or (own.unit.code if own else city_code()))
    require(request.user, "unit_data_view", unit)
    rows = selectors.due_summary(p.key, unit)
    return render(request, "indicators/due.html", {"period": p, "unit": unit, "rows": rows,
                                                   "complete": sum(1 for r in rows if not r.missing)})
