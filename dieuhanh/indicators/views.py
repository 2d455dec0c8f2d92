"""Pages for indicators: catalogue, indicator page, unit scorecard, data entry and approval per unit and period."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.access.policy import can
from dieuhanh.core.indicators.values_sheet import TemplateRow, format_number, parse_number, write_values_sheet
from dieuhanh.core.common.periods import parse_period, period_containing
from dieuhanh.errors import DomainError, Forbidden, Invalid, NotFound
from dieuhanh.indicators import selectors, services
from dieuhanh.indicators.models import Approval, ApprovalStatus, Indicator, Target, ValueStatus
from dieuhanh.units.selectors import city_code, unit_get
from dieuhanh.web.messages import error_text


MAX_SHEET_BYTES = 10 * 1024 * 1024  # a unit's sheet is kilobytes; refuse anything that could be a zip bomb


def _unit(code: str):
    try:
        return unit_get(code)
    except NotFound:
        raise Http404 from None


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    indicators = Indicator.objects.filter(active=True).select_related("owner").order_by("kind", "code")
    return render(request, "indicators/catalogue.html", {"indicators": indicators})


@login_required
def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        indicator = selectors.indicator_get(code)
    except NotFound:
        raise Http404 from None
    unit = _unit(request.GET.get("unit") or indicator.owner.code)
    official = not can(request.user, "unit_data_view", unit)
    series = selectors.series(indicator, unit, official_only=official)
    assessment, base, goal = selectors.on_track(indicator, unit, official_only=True)
    targets = Target.objects.filter(indicator=indicator, unit=unit).order_by("kind", "year")
    below = selectors.reporting_units(indicator).filter(path__startswith=unit.path).exclude(pk=unit.pk)
    latest = series[-1][0] if series else None
    by_unit = [(u, selectors.cell(indicator, u, latest, official_only=official)) for u in below[:200]] if latest else []
    chart = {"periods": [p for p, _ in series], "values": [c.value for _, c in series],
             "targets": [{"year": t.year, "value": float(t.value), "kind": t.kind} for t in targets]}
    return render(request, "indicators/indicator.html", {
        "indicator": indicator, "unit": unit, "series": series, "assessment": assessment, "baseline": base, "target": goal,
        "targets": targets, "by_unit": by_unit, "latest": latest, "chart": chart, "official_only": official,
    })


@login_required
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(code)
    rows = []
    for indicator in Indicator.objects.filter(active=True).select_related("owner", "communes_of"):
        involved = unit.pk == indicator.owner_id or selectors.reporting_units(indicator).filter(path__startswith=unit.path).exists()
        if not involved:
            continue
        series = selectors.series(indicator, unit, official_only=True)
        last = next(((p, c) for p, c in reversed(series) if c.value is not None), None)
        assessment, _, goal = selectors.on_track(indicator, unit, official_only=True)
        rows.append({"indicator": indicator, "last": last, "assessment": assessment, "target": goal})
    return render(request, "indicators/scorecard.html", {"unit": unit, "rows": rows})


def _due_for(unit, period: str):
    return [d for d in selectors.due_and_missing(period=period) if d.unit.pk == unit.pk]


@login_required
def entry(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The entry form of one unit and period: every indicator due, its target and last value, one field each."""
    unit = _unit(code)
    try:
        p = parse_period(period)
    except ValueError:
        raise Http404 from None
    if not can(request.user, "unit_data_view", unit):
        raise Http404
    due = _due_for(unit, p.key)
    approval = Approval.objects.filter(unit=unit, period=p.key).first()
    status = approval.status if approval else ApprovalStatus.OPEN
    can_enter = can(request.user, "value_enter", unit) and status == ApprovalStatus.OPEN
    if request.method == "POST" and can_enter:
        try:
            with transaction.atomic():  # the whole form is saved or nothing
                for d in due:
                    raw = request.POST.get(f"v-{d.indicator.code}", "").strip()
                    comment = request.POST.get(f"c-{d.indicator.code}", "")
                    status_value = request.POST.get(f"s-{d.indicator.code}", "final")
                    version = request.POST.get(f"ver-{d.indicator.code}")
                    if raw == "" and d.value is None:
                        continue
                    try:
                        number = parse_number(raw)
                    except ValueError as exc:
                        raise Invalid(str(exc), details=[{"field": d.indicator.code, "code": "not_a_number", "message": f"{d.indicator.code}: {exc}"}]) from None
                    services.value_set(actor=request.user, indicator=d.indicator, unit=unit, period=p.key, value=number, status=status_value,
                                       comment=comment, expected_version=int(version) if version and version.isdigit() else None)
                if "submit" in request.POST:
                    services.values_submit(actor=request.user, unit=unit, period=p.key)
        except (Forbidden, NotFound):
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Submitted for approval.") if "submit" in request.POST else _("Saved."))
            return redirect("indicator_entry", code=unit.code, period=p.key)
    violations = selectors.violations_for(unit, p.key)
    rows = []
    for d in due:
        previous = selectors.cell(d.indicator, unit, period_containing(p.start - dt.timedelta(days=1), d.indicator.period_type).key)
        target = Target.objects.filter(indicator=d.indicator, unit=unit, kind="target", year__gte=p.end.year).order_by("year").first()
        rows.append({"due": d, "previous": previous, "target": target,
                     "shown": format_number(d.value.value) if d.value and d.value.value is not None else ""})
    return render(request, "indicators/entry.html", {
        "unit": unit, "period": p, "rows": rows, "status": status, "approval": approval, "can_enter": can_enter,
        "can_approve": can(request.user, "value_approve", unit), "can_unapprove": can(request.user, "value_unapprove", unit),
        "violations": violations, "statuses": ValueStatus.choices,
    })


@login_required
def approval_action(request: HttpRequest, code: str, period: str, step: str) -> HttpResponse:
    unit = _unit(code)
    if request.method != "POST" or step not in ("approve", "return", "unapprove"):
        raise Http404
    note = request.POST.get("note", "")
    fn = {"approve": services.values_approve, "return": services.values_return, "unapprove": services.values_unapprove}[step]
    extra = {} if step == "approve" else ({"note": note} if step == "return" else {"reason": note})
    try:
        fn(actor=request.user, unit=unit, period=period, **extra)
    except (Forbidden, NotFound):
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, {"approve": _("Approved: the data is locked."), "return": _("Returned to the unit."),
                                   "unapprove": _("Unapproved: the data is open again.")}[step])
    return redirect("indicator_entry", code=unit.code, period=period)


@login_required
def template_download(request: HttpRequest, code: str, period: str) -> HttpResponse:
    unit = _unit(code)
    if not can(request.user, "unit_data_view", unit):
        raise Http404
    try:
        p = parse_period(period)
    except ValueError:
        raise Http404 from None
    rows = []
    for d in _due_for(unit, p.key):
        target = Target.objects.filter(indicator=d.indicator, unit=unit, kind="target", year__gte=p.end.year).order_by("year").first()
        rows.append(TemplateRow(unit.code, unit.name, d.indicator.code, d.indicator.name, d.indicator.measure, p.key,
                                target=target.label or format_number(target.value) if target else "",
                                value=d.value.value if d.value else None, status=d.value.status if d.value else "final",
                                comment=d.value.comment if d.value else ""))
    buf = io.BytesIO()
    write_values_sheet(rows, buf, title=f"BÁO CÁO CHỈ TIÊU — {unit.name} — {p.label_vi}")
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="chi-tieu-{unit.code}-{p.key}.xlsx"'
    return response


@login_required
def template_upload(request: HttpRequest, code: str, period: str) -> HttpResponse:
    unit = _unit(code)
    if request.method != "POST" or "file" not in request.FILES or not can(request.user, "value_enter", unit):
        raise Http404
    if request.FILES["file"].size > MAX_SHEET_BYTES:
        messages.error(request, _("The file is too large."))
        return redirect("indicator_entry", code=unit.code, period=period)
    try:
        saved = services.values_import(actor=request.user, content=request.FILES["file"].read(), expected_unit=unit.code, expected_period=period)
    except DomainError as exc:
        return render(request, "indicators/import_errors.html", {"unit": unit, "period": period, "row_errors": exc.details}, status=422)
    messages.success(request, _("%(n)d values saved.") % {"n": saved})
    return redirect("indicator_entry", code=unit.code, period=period)


@login_required
def my_entry(request: HttpRequest) -> HttpResponse:
    """Send a person to the entry form of their first unit and the current year."""
    from dieuhanh.accounts.selectors import roles_of

    assignment = roles_of(request.user).first()
    if assignment is None:
        raise Http404
    year = timezone.localdate().year
    return redirect("indicator_entry", code=assignment.unit.code, period=str(year))


@login_required
def due_page(request: HttpRequest) -> HttpResponse:
    """The reporting round's checklist: per unit in the person's reach, how many values are due, entered, approved."""
    period = request.GET.get("period") or str(timezone.localdate().year)
    try:
        p = parse_period(period)
    except ValueError:
        raise Http404 from None
    unit = _unit(request.GET.get("unit") or city_code())
    if not can(request.user, "unit_data_view", unit):
        raise Http404
    rows: dict[int, dict] = {}
    for d in selectors.due_and_missing(period=p.key, units=selectors.Unit.objects.filter(path__startswith=unit.path)):
        r = rows.setdefault(d.unit.pk, {"unit": d.unit, "due": 0, "entered": 0, "approval": d.approval, "missing": []})
        r["due"] += 1
        if d.value is not None:
            r["entered"] += 1
        else:
            r["missing"].append(d.indicator.code)
    ordered = sorted(rows.values(), key=lambda r: (r["entered"] - r["due"], r["unit"].name))
    return render(request, "indicators/due.html", {"period": p, "unit": unit, "rows": ordered,
                                                   "complete": sum(1 for r in ordered if not r["missing"])})
