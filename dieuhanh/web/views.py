"""Server-rendered pages. Views read through selectors and write through actions; no rules live here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh.access.policy import can
from dieuhanh.accounts import lockout
from dieuhanh.accounts.selectors import assignment_get, highest_role, roles_of, token_get, tokens_of, unit_members, user_get_for_grant
from dieuhanh.accounts.services import login_unlock, role_grant, role_revoke, token_revoke, tokens_revoke_all
from dieuhanh.messages import render as render_message
from dieuhanh.portal.middleware import client_address
from dieuhanh.audit.selectors import history_of_unit_data
from dieuhanh.units import selectors
from dieuhanh.units.models import UnitKind
from dieuhanh.units.services import unit_update
from dieuhanh.web.forms import RoleGrantForm, UnitEditForm
from dieuhanh.pages import errors_return_to, run_for_page

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


def _back_to_unit(request, code: str, **_) -> str:
    return reverse("unit_detail", args=[code])


class Login(LoginView):
    """The sign-in page, under the name of the city the installation serves (``DIEUHANH_CITY_CODE``)."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "city": selectors.unit_find(selectors.city_code())}

    def post(self, request, *args, **kwargs):
        """Too many failed sign-ins lock the account and the address (``accounts/lockout.py``): while locked, the
        form answers 429 with the sentence and does not even check the password."""
        self.address = client_address(request)
        self.username = request.POST.get("username", "")
        if (minutes := lockout.locked_for(self.username, self.address)) is not None:
            form = self.get_form()
            context = self.get_context_data(form=form, locked=render_message("locked_out", {"minutes": minutes}))
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        lockout.failed(self.username, self.address)
        return super().form_invalid(form)

    def form_valid(self, form):
        lockout.succeeded(self.username)
        return super().form_valid(form)


@login_required
def my_roles(request: HttpRequest) -> HttpResponse:
    """The person's own page: their roles, and their API tokens (never the secrets) with revoke buttons."""
    return render(request, "web/my_roles.html", {"assignments": roles_of(request.user),
                                                 "tokens": tokens_of(actor=request.user, user=request.user)})


@login_required
@require_POST
@errors_return_to(lambda request, **_: reverse("my_roles"))
def my_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = token_get(actor=request.user, token_id=token_id)
    run_for_page(request, token_revoke, _("API token revoked."), actor=request.user, token=token)
    return redirect("my_roles")


@login_required
@require_POST
@errors_return_to(lambda request, **_: reverse("my_roles"))
def my_tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    run_for_page(request, tokens_revoke_all, _("Every API token was revoked."), actor=request.user, user=request.user)
    return redirect("my_roles")


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
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "web/partials/unit_results.html", context)
    root = _tree_root(request.user)
    context["root"], context["root_ancestors"] = root, selectors.unit_ancestors(root) if root else []
    context["root_children"] = selectors.unit_children(root) if root else []
    return render(request, "web/units.html", context)


def _tree_root(user):
    """Where the unit tree starts: the city of the person's highest role (their own unit when it lies in no city,
    e.g. the country), else the configured city; the units above are one link away."""
    assignment = highest_role(user)
    if assignment is not None:
        return selectors.unit_city_of(assignment.unit) or assignment.unit
    return selectors.unit_find(selectors.city_code()) or selectors.first_unit()


@login_required
def unit_tree_children(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(code)
    return render(request, "web/partials/unit_tree_children.html", {"children": selectors.unit_children(unit)})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(code)
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
    if can(user, "login_unlock", unit):
        context["locked"] = lockout.locked_accounts([m.user.username for m in context.get("members", [])])
    if context["can_see_history"]:
        context["history"] = history_of_unit_data(actor=user, unit=unit)[:50]
    if context["can_edit"]:
        context["edit_form"] = UnitEditForm(unit=unit)
    if context["can_grant"]:
        context["grant_form"] = RoleGrantForm()
    return render(request, "web/unit_detail.html", context)


@login_required
@require_POST
@errors_return_to(_back_to_unit)
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(code)
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
@errors_return_to(_back_to_unit)
def role_grant_view(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(code)
    form = RoleGrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the highlighted fields: %(fields)s") % {"fields": ", ".join(form.errors)})
        return redirect("unit_detail", code=unit.code)
    user = user_get_for_grant(actor=request.user, unit=unit, username=form.cleaned_data["username"])
    run_for_page(request, role_grant, _("Role granted."), actor=request.user, user=user, unit=unit, role=form.cleaned_data["role"])
    return redirect("unit_detail", code=unit.code)


def _back_to_assignment_unit(request, assignment_id: int, **_) -> str:
    return reverse("unit_detail", args=[assignment_get(actor=request.user, assignment_id=assignment_id).unit.code])


@login_required
@require_POST
@errors_return_to(_back_to_assignment_unit)
def role_revoke_view(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = assignment_get(actor=request.user, assignment_id=assignment_id)
    run_for_page(request, role_revoke, _("Role revoked."), actor=request.user, assignment=assignment)
    return redirect("unit_detail", code=assignment.unit.code)


@login_required
@require_POST
@errors_return_to(_back_to_unit)
def member_unlock_view(request: HttpRequest, code: str, username: str) -> HttpResponse:
    """An administrator of the unit lifts a member's sign-in lock and, with ``revoke_tokens``, signs them out of
    every API client."""
    unit = selectors.unit_get(code)
    user = user_get_for_grant(actor=request.user, unit=unit, username=username)
    if request.POST.get("revoke_tokens"):
        run_for_page(request, tokens_revoke_all, _("Every API token was revoked."), actor=request.user, user=user)
    else:
        run_for_page(request, login_unlock, _("Sign-in unlocked."), actor=request.user, user=user)
    return redirect("unit_detail", code=unit.code)
