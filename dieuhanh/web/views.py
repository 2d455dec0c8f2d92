"""Server-rendered pages. Views read through selectors and write through actions; no rules live here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh.access.models import RoleAssignment
from dieuhanh.access.policy import can
from dieuhanh.accounts.models import User
from dieuhanh.accounts.selectors import roles_of, unit_members
from dieuhanh.accounts.services import role_grant, role_revoke
from dieuhanh.audit.selectors import history_of_unit_data
from dieuhanh.errors import NotFound
from dieuhanh.units import selectors
from dieuhanh.units.models import UnitKind
from dieuhanh.units.services import unit_update
from dieuhanh.web.forms import RoleGrantForm, UnitEditForm
from dieuhanh.web.messages import run_for_page

def composition(unit) -> list[dict]:
    """Units directly below ``unit`` for the chart: communes by official type (phường, xã, đặc khu),
    everything else by kind (departments, other bodies), largest first."""
    totals: dict[str, int] = {}
    for row in selectors.unit_type_counts(unit):
        if row["kind"] == UnitKind.COMMUNE and row["division_type"]:
            label = row["division_type"][:1].upper() + row["division_type"][1:]
        else:
            label = str(UnitKind(row["kind"]).label)
        totals[label] = totals.get(label, 0) + row["n"]
    return [{"label": k, "n": v} for k, v in sorted(totals.items(), key=lambda kv: -kv[1])]



def _unit_or_404(code: str):
    try:
        return selectors.unit_get(code)
    except NotFound:
        raise Http404 from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    city = selectors.Unit.objects.filter(code=selectors.city_code()).first()
    return render(request, "web/home.html", {
        "city": city,
        "composition": composition(city) if city else [],
        "my_roles": roles_of(request.user),
    })


@login_required
def my_roles(request: HttpRequest) -> HttpResponse:
    return render(request, "web/my_roles.html", {"assignments": roles_of(request.user)})


@login_required
def unit_browser(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind") or None
    if kind not in UnitKind.values:
        kind = None
    context = {"query": query, "kind": kind, "kinds": UnitKind.choices}
    if query or kind:
        page = Paginator(selectors.unit_search(query=query, kind=kind), 50).get_page(request.GET.get("page"))
        context["page"] = page
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "search-results":
        return render(request, "web/partials/unit_results.html", context)
    roots = selectors.Unit.objects.filter(parent__isnull=True)
    context["roots"] = roots
    context["open_path"] = selectors.unit_ancestors(selectors.Unit.objects.get(code=selectors.city_code())) if selectors.Unit.objects.filter(code=selectors.city_code()).exists() else []
    return render(request, "web/units.html", context)


@login_required
def unit_tree_children(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    return render(request, "web/partials/unit_tree_children.html", {"children": selectors.unit_children(unit)})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    user = request.user
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(unit),
        "children": selectors.unit_children(unit),
        "composition": composition(unit),
        "can_see_data": can(user, "unit_data_view", unit),
        "can_see_history": can(user, "unit_history_view", unit),
        "can_edit": can(user, "unit_update", unit),
        "can_grant": can(user, "role_grant", unit),
    }
    if context["can_see_data"]:
        context["members"] = unit_members(actor=user, unit=unit)
    if context["can_see_history"]:
        context["history"] = history_of_unit_data(actor=user, unit=unit)[:50]
    if context["can_edit"]:
        context["edit_form"] = UnitEditForm(unit=unit)
    if context["can_grant"]:
        context["grant_form"] = RoleGrantForm()
    return render(request, "web/unit_detail.html", context)


@login_required
@require_POST
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    form = UnitEditForm(request.POST, unit=unit)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        run_for_page(request, unit_update, _("Saved."), actor=request.user, unit=unit, expected_version=version, **data)
    else:
        messages.error(request, _("Please correct the highlighted fields: %(fields)s") % {"fields": ", ".join(form.errors)})
    return redirect("unit_detail", code=unit.code)


@login_required
@require_POST
def role_grant_view(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    form = RoleGrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the highlighted fields: %(fields)s") % {"fields": ", ".join(form.errors)})
        return redirect("unit_detail", code=unit.code)
    user = User.objects.filter(username__iexact=form.cleaned_data["username"].strip()).first()
    if user is None:
        messages.error(request, _("No account with that username."))
        return redirect("unit_detail", code=unit.code)
    run_for_page(request, role_grant, _("Role granted."), actor=request.user, user=user, unit=unit, role=form.cleaned_data["role"])
    return redirect("unit_detail", code=unit.code)


@login_required
@require_POST
def role_revoke_view(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = RoleAssignment.objects.select_related("unit", "user").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    run_for_page(request, role_revoke, _("Role revoked."), actor=request.user, assignment=assignment)
    return redirect("unit_detail", code=assignment.unit.code)
