"""The cockpit (each person's home) and the dashboard pages. Views read through selectors and widgets and write
through actions; domain errors go to the one middleware (a refused form returns to the dashboard with its message)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dieuhanh.cockpit import filters as cockpit_filters
from dieuhanh.cockpit import selectors, services, widgets
from dieuhanh.cockpit.filters import LABELS, Filters
from dieuhanh.cockpit.forms import SIZE_LABELS, ChangeForm, DashboardForm, RenameForm, UnitChoiceForm, VersionForm, WidgetAddForm
from dieuhanh.pages import errors_return_to, run_for_page
from dieuhanh.plans.selectors import plans_visible
from dieuhanh.units.selectors import unit_get

KIND_TITLES = {"city": gettext_lazy("Steering cockpit"), "leader": gettext_lazy("My unit's cockpit"), "reporter": gettext_lazy("My work"),
               "viewer": gettext_lazy("City summary")}


def _badges(request, filters: Filters, scope: widgets.Scope) -> list[dict]:
    """One removable badge per filter set: its label, its value as a person reads it, the address without it."""
    shown = {
        "unit": lambda: scope.unit.name if scope.unit else filters.unit,
        "as_of": lambda: filters.as_of.strftime("%d/%m/%Y"),
        "plan": lambda: scope.plan.number if scope.plan else filters.plan,
        "group": lambda: str(filters.group),
        "key": lambda: _("key tasks only") if filters.key else _("other tasks only"),
    }
    return [{"name": name, "label": LABELS[name], "value": shown[name](),
             "remove_url": request.path + filters.without(name).query()}
            for name in cockpit_filters.KEYS if getattr(filters, name) is not None]


def _scope(request, filters: Filters) -> widgets.Scope:
    scope = widgets.Scope(request.user, filters, selectors.seat_of(request.user))
    if filters.as_of:
        scope.day = filters.as_of
    return scope


def _plan_choices(scope: widgets.Scope, blocks: list) -> list:
    """The plans of the filter's choice list: those of the tasks in view when a block shows tasks (the filtered plan
    when one is set), else every plan the person sees."""
    if scope.plan is not None:
        return [scope.plan]
    if any(b.widget.key in widgets.TASK_WIDGETS for b in blocks):
        return sorted(widgets.plans_in_view(scope), key=lambda p: p.number)
    return list(plans_visible(scope.actor))


def _page_context(request, filters: Filters, scope: widgets.Scope, items: list[dict]) -> dict:
    blocks = widgets.blocks(scope, items)
    return {"filters": filters, "scope": scope, "badges": _badges(request, filters, scope), "blocks": blocks,
            "plans": _plan_choices(scope, blocks), "clear_url": request.path + Filters().query()}


def _role_cockpit(request, home_dashboard) -> HttpResponse:
    filters = cockpit_filters.from_request(request)
    scope = _scope(request, filters)
    context = _page_context(request, filters, scope, widgets.default_items(scope.seat.kind))
    context.update(title=KIND_TITLES[scope.seat.kind], seat=scope.seat, home_dashboard=home_dashboard)
    return render(request, "cockpit/home.html", context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The person's home: the dashboard set as their units' default, else the cockpit of their role."""
    dashboard = selectors.home_dashboard(request.user)
    if dashboard is not None:
        return _dashboard_page(request, dashboard, as_home=True)
    return _role_cockpit(request, None)


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """The cockpit of the person's role, whatever dashboard is their home."""
    return _role_cockpit(request, selectors.home_dashboard(request.user))


@login_required
def dashboard_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _dashboard_create(request)
    return render(request, "cockpit/dashboards.html", {
        "mine": selectors.dashboards_of(request.user), "shared": selectors.dashboards_shared_with(request.user),
        "form": DashboardForm(), "catalogue": widgets.catalogue(),
    })


@errors_return_to(lambda request, **_: reverse("dashboard_list"))
def _dashboard_create(request) -> HttpResponse:
    form = DashboardForm(request.POST)
    if not form.is_valid():
        return render(request, "cockpit/dashboards.html", {
            "mine": selectors.dashboards_of(request.user), "shared": selectors.dashboards_shared_with(request.user),
            "form": form, "catalogue": widgets.catalogue()}, status=400)
    items = widgets.default_items(selectors.seat_of(request.user).kind) if form.cleaned_data["start"] == "cockpit" else []
    dashboard = run_for_page(request, services.dashboard_create, _("Dashboard created."), actor=request.user,
                             title=form.cleaned_data["title"], items=items, filters=cockpit_filters.from_request(request).as_params())
    return redirect("dashboard_detail", dashboard_id=dashboard.pk)


def _dashboard_page(request, dashboard, *, as_home: bool = False) -> HttpResponse:
    explicit = cockpit_filters.explicit(request.GET)
    filters = cockpit_filters.from_request(request) if explicit or not dashboard.filters else Filters.from_mapping(dashboard.filters)
    scope = _scope(request, filters)
    context = _page_context(request, filters, scope, dashboard.items)
    owner = dashboard.owner_id == request.user.pk
    context.update(dashboard=dashboard, owner=owner, as_home=as_home, title=dashboard.title)
    if owner:
        context.update(
            add_form=WidgetAddForm(initial={"version": dashboard.version}, indicators=selectors.indicators_all(), frameworks=selectors.frameworks_all()),
            rename_form=RenameForm(initial={"version": dashboard.version, "title": dashboard.title}),
            share_form=UnitChoiceForm(initial={"version": dashboard.version, "unit": dashboard.shared_with.code if dashboard.shared_with else ""},
                                      units=selectors.unit_choices(request.user, "dashboard_share"), prefix="share"),
            default_form=UnitChoiceForm(initial={"version": dashboard.version, "unit": dashboard.default_for.code if dashboard.default_for else ""},
                                        units=selectors.unit_choices(request.user, "dashboard_default_set"), prefix="default"),
            sizes=list(SIZE_LABELS.items()),
        )
    return render(request, "cockpit/dashboard.html", context)


@login_required
def dashboard_detail(request: HttpRequest, dashboard_id: int) -> HttpResponse:
    return _dashboard_page(request, selectors.dashboard_get(request.user, dashboard_id))


def _back(request, dashboard_id, **_):
    return reverse("dashboard_detail", args=[dashboard_id])


def _refused(request, form, dashboard_id) -> HttpResponse:
    messages.error(request, _("Please correct the highlighted fields: %(fields)s") % {"fields": ", ".join(form.errors)})
    return redirect("dashboard_detail", dashboard_id=dashboard_id)


@login_required
@require_POST
@errors_return_to(_back)
def dashboard_widget_add(request: HttpRequest, dashboard_id: int) -> HttpResponse:
    dashboard = selectors.dashboard_get(request.user, dashboard_id)
    form = WidgetAddForm(request.POST, indicators=selectors.indicators_all(), frameworks=selectors.frameworks_all())
    if not form.is_valid():
        return _refused(request, form, dashboard_id)
    widget = widgets.REGISTRY[form.cleaned_data["widget"]]
    params = {k: v for k, v in form.params().items() if k in widget.params}
    dashboard = run_for_page(request, services.dashboard_widget_add, _("Widget added."), actor=request.user, dashboard=dashboard,
                             expected_version=form.cleaned_data["version"], widget=widget.key, size=form.cleaned_data["size"], params=params)
    return redirect(reverse("dashboard_detail", args=[dashboard_id]) + f"#{dashboard.items[-1]['id']}-controls")


@login_required
@require_POST
@errors_return_to(_back)
def dashboard_widget_change(request: HttpRequest, dashboard_id: int, item: str) -> HttpResponse:
    dashboard = selectors.dashboard_get(request.user, dashboard_id)
    form = ChangeForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, dashboard_id)
    change = form.cleaned_data["change"]
    run_for_page(request, services.dashboard_widget_change, _("Widget removed.") if change == "remove" else _("Layout saved."),
                 actor=request.user, dashboard=dashboard, expected_version=form.cleaned_data["version"], item=item, change=change)
    anchor = "#add-widget" if change == "remove" else f"#{item}-controls"
    return redirect(reverse("dashboard_detail", args=[dashboard_id]) + anchor)


@login_required
@require_POST
@errors_return_to(_back)
def dashboard_rename(request: HttpRequest, dashboard_id: int) -> HttpResponse:
    dashboard = selectors.dashboard_get(request.user, dashboard_id)
    form = RenameForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, dashboard_id)
    extra = {"filters": cockpit_filters.from_request(request).as_params()} if form.cleaned_data["keep_filters"] else {}
    run_for_page(request, services.dashboard_update, _("Saved."), actor=request.user, dashboard=dashboard,
                 expected_version=form.cleaned_data["version"], title=form.cleaned_data["title"], **extra)
    return redirect("dashboard_detail", dashboard_id=dashboard_id)


def _unit_decision(request, dashboard_id: int, prefix: str, action, permission: str, done: str, stopped: str) -> HttpResponse:
    dashboard = selectors.dashboard_get(request.user, dashboard_id)
    form = UnitChoiceForm(request.POST, units=selectors.unit_choices(request.user, permission), prefix=prefix)
    if not form.is_valid():
        return _refused(request, form, dashboard_id)
    code = form.cleaned_data["unit"]
    unit = unit_get(code) if code else None
    run_for_page(request, action, (done % {"unit": unit.name}) if unit else stopped, actor=request.user, dashboard=dashboard,
                 expected_version=form.cleaned_data["version"], unit=unit)
    return redirect("dashboard_detail", dashboard_id=dashboard_id)


@login_required
@require_POST
@errors_return_to(_back)
def dashboard_share(request: HttpRequest, dashboard_id: int) -> HttpResponse:
    return _unit_decision(request, dashboard_id, "share", services.dashboard_share, "dashboard_share",
                          _("Shared with %(unit)s and the units below it (read only)."), _("No longer shared."))


@login_required
@require_POST
@errors_return_to(_back)
def dashboard_default(request: HttpRequest, dashboard_id: int) -> HttpResponse:
    return _unit_decision(request, dashboard_id, "default", services.dashboard_set_default, "dashboard_default_set",
                          _("This dashboard is now the home page of %(unit)s and the units below it."), _("No longer a home page."))


@login_required
@require_POST
@errors_return_to(_back)
def dashboard_delete(request: HttpRequest, dashboard_id: int) -> HttpResponse:
    dashboard = selectors.dashboard_get(request.user, dashboard_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, dashboard_id)
    run_for_page(request, services.dashboard_delete, _("Dashboard deleted."), actor=request.user, dashboard=dashboard,
                 expected_version=form.cleaned_data["version"])
    return redirect("dashboard_list")

