"""Pages of the difficulties register: the consolidated register (filters, counts, paging, Excel), a unit's own
lists, raising an item (directly or from a progress report), and one item with its steps. Views read through
selectors and write through actions; domain errors propagate to ``DomainErrorMiddleware``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form, formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh.access.policy import can
from dieuhanh.core.difficulties.register import items_from_report
from dieuhanh.difficulties import excel, selectors, services
from dieuhanh.difficulties.forms import AnswerForm, AssignForm, CloseForm, RaiseForm, ReportItemForm
from dieuhanh.difficulties.models import Category, Outcome, Status
from dieuhanh.errors import NotFound
from dieuhanh.pages import attachment, errors_return_to, int_param, run_for_page
from dieuhanh.plans import selectors as plan_selectors
from dieuhanh.units.selectors import unit_get

PAGE_SIZE = 50
MINE_SIZE = 50  # the newest of each list; the register holds the rest
AGE_LABELS = {"le_30": "≤ 30", "31_90": "31–90", "gt_90": "> 90"}


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


def _filter(request: HttpRequest) -> selectors.RegisterFilter:
    g = request.GET
    return selectors.RegisterFilter(
        category=_choice(g.get("category"), selectors.CATEGORIES), status=_choice(g.get("status"), (*selectors.STATUSES, "open")),
        unit=g.get("unit") or None, addressed=g.get("addressed") or None, handling=g.get("handling") or None,
        age=_choice(g.get("age"), selectors.AGE_BUCKETS), overdue=g.get("overdue") == "1", task=int_param(request, "task"),
        q=g.get("q", "").strip()[:200])


def _link(f: selectors.RegisterFilter, **changes) -> str:
    params = {**f.query(), **{k: str(v) for k, v in changes.items() if v}}
    for k, v in changes.items():
        if not v:
            params.pop(k, None)
    return reverse("difficulty_register") + ("?" + urlencode(params) if params else "")


def _matrix(f, counts) -> list[dict]:
    """Rows of the category × status table; each number links to the register filtered to it."""
    labels = dict(Category.choices)
    return [{"label": labels[c], "total": counts.by_category[c], "url": _link(f, category=c, status=None),
             "cells": [(counts.matrix[c][s], _link(f, category=c, status=s)) for s in selectors.STATUSES]}
            for c in selectors.CATEGORIES]


def _filtered(request: HttpRequest):
    """Today, the filter of the query, the register's items that pass it and their counts."""
    day = timezone.localdate()
    f = _filter(request)
    qs = selectors.register_queryset(request.user, f, day)
    return day, f, qs, selectors.register_counts(qs, day)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    day, f, qs, counts = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "difficulties/register.html", {
        "day": day, "f": f, "counts": counts, "page": page, "views": selectors.register_views(page.object_list, day),
        "matrix": _matrix(f, counts), "statuses": Status.choices, "categories": Category.choices,
        "status_totals": [(label, counts.by_status[s], _link(f, status=s, category=None)) for s, label in Status.choices],
        "ages": [(AGE_LABELS[k], counts.by_age[k], _link(f, age=k)) for k in selectors.AGE_BUCKETS],
        "overdue_link": _link(f, overdue="1"), "age_choices": list(AGE_LABELS.items()),
        "units": selectors.raising_units(request.user), "addressees": selectors.addressee_units(),
        "export_url": reverse("difficulty_export") + ("?" + urlencode(f.query()) if f.query() else ""),
        "page_query": urlencode(f.query()), "can_raise": bool(selectors.units_can_raise(request.user)),
    })


def _filter_text(f: selectors.RegisterFilter) -> list[str]:
    shown = []
    if f.category:
        shown.append(f"{_('Category')}: {Category(f.category).label}")
    if f.status:
        shown.append(f"{_('Status')}: {Status(f.status).label if f.status != 'open' else _('Not closed')}")
    for label, code in ((_("Raised by unit"), f.unit), (_("Addressed to"), f.addressed), (_("Handling unit"), f.handling)):
        if code:
            shown.append(f"{label}: {unit_get(code).name}")
    if f.age:
        shown.append(f"{_('Age (days)')}: {AGE_LABELS[f.age]}")
    if f.overdue:
        shown.append(_("Overdue to handle"))
    if f.task:
        shown.append(f"{_('Task')}: {f.task}")
    if f.q:
        shown.append(f"{_('Search')}: {f.q}")
    return shown


@login_required
def export(request: HttpRequest) -> HttpResponse:
    day, f, qs, counts = _filtered(request)
    content = excel.register_xlsx(selectors.register_views(qs, day), day=day, filters=_filter_text(f), synthetic=counts.synthetic)
    return attachment(content, f"kho-khan-vuong-mac-{day:%Y%m%d}.xlsx")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    units = [{"unit": u, "raised": selectors.raised_by_unit(request.user, u, day=day, limit=MINE_SIZE),
              "to_answer": selectors.to_answer_by_unit(request.user, u, day=day, limit=MINE_SIZE)} for u in selectors.my_units(request.user)]
    return render(request, "difficulties/mine.html", {"day": day, "units": units, "size": MINE_SIZE,
                                                      "awaiting": selectors.awaiting_decision(request.user, day=day, limit=MINE_SIZE)})


@login_required
@errors_return_to(lambda request, **_: request.get_full_path())
def raise_item(request: HttpRequest) -> HttpResponse:
    units = selectors.units_can_raise(request.user)
    if not units:
        raise NotFound("no unit to raise for")
    addressees = selectors.addressee_units()
    task_id = int_param(request, "task") if request.method == "GET" else None
    task = plan_selectors.task_get(request.user, task_id) if task_id else None
    if request.method == "POST":
        form = RaiseForm(request.POST, units=units, addressees=addressees)
        if form.is_valid():
            data = form.cleaned_data
            task = plan_selectors.task_get(request.user, data["task"]) if data["task"] else None
            item = run_for_page(request, services.difficulty_raise, _("Difficulty raised; the steering committee will assign it."),
                                actor=request.user, unit=unit_get(data["unit"]), category=data["category"], content=data["content"],
                                proposal=data["proposal"], addressed_to=unit_get(data["addressed_to"]), task=task,
                                indicator=selectors.indicator_for_item(data["indicator"]) if data["indicator"] else None)
            return redirect("difficulty_detail", difficulty_id=item.pk)
    else:
        lead = task.lead_unit.code if task and any(u.code == task.lead_unit.code for u in units) else units[0].code
        default = selectors.default_addressee()
        form = RaiseForm(units=units, addressees=addressees, initial={"unit": lead, "task": task.pk if task else None,
                                                                       "addressed_to": default.code if default else None})
    return render(request, "difficulties/raise.html", {"form": form, "task": task})


ReportItems = formset_factory(ReportItemForm, extra=0)


@login_required
@errors_return_to(lambda request, report_id, **_: reverse("difficulties_from_report", args=[report_id]))
def from_report(request: HttpRequest, report_id: int) -> HttpResponse:
    """The report's difficulties and proposals as items to raise, each editable and optional."""
    report = plan_selectors.report_get(request.user, report_id)
    task = report.task
    if not can(request.user, "difficulty_raise", task.lead_unit):
        raise NotFound("report not raised by this person's unit")
    addressees = selectors.addressee_units()
    kwargs = {"form_kwargs": {"addressees": addressees}, "prefix": "item"}
    if request.method == "POST":
        formset = ReportItems(request.POST, **kwargs)
        if formset.is_valid():
            chosen = [{**d, "addressed_to": unit_get(d["addressed_to"])} for d in formset.cleaned_data if d.get("include")]
            if chosen:
                run_for_page(request, services.difficulties_raise_from_report,
                             _("%(count)s items raised from the report.") % {"count": len(chosen)},
                             actor=request.user, report=report, items=chosen)
                return redirect(reverse("difficulty_register") + f"?task={task.pk}")
            messages.error(request, _("Tick at least one item to raise."))
    else:
        default = selectors.default_addressee()
        initial = [{"include": True, "category": Category.OTHER, "content": i.content, "proposal": i.proposal,
                    "addressed_to": default.code if default else None}
                   for i in items_from_report(report.difficulties, report.proposals)]
        formset = ReportItems(initial=initial or [{"include": True, "category": Category.OTHER,
                                                    "addressed_to": default.code if default else None}], **kwargs)
    return render(request, "difficulties/from_report.html", {"report": report, "task": task, "formset": formset})


def _to_item(request, difficulty_id, **_):
    return reverse("difficulty_detail", args=[difficulty_id])


@login_required
def detail(request: HttpRequest, difficulty_id: int) -> HttpResponse:
    view = selectors.difficulty_view(request.user, difficulty_id)
    item, user = view.item, request.user
    open_ = item.status != Status.CLOSED
    can_assign = item.status in (Status.SUBMITTED, Status.ASSIGNED) and can(user, "difficulty_assign", item.addressed_to)
    can_answer = item.status == Status.ASSIGNED and item.handling_unit is not None and can(user, "difficulty_answer", item.handling_unit)
    can_close = open_ and can(user, "difficulty_close", item.addressed_to)
    close_form = None
    if can_close:
        close_form = CloseForm(initial={"version": item.version})
        if item.status != Status.ANSWERED:  # before an answer, only escalation to the national level closes an item
            close_form.fields["outcome"].choices = [(Outcome.ESCALATED.value, Outcome.ESCALATED.label)]
    return render(request, "difficulties/detail.html", {
        "view": view, "item": item,
        "assign_form": AssignForm(units=selectors.addressee_units(), initial={
            "version": item.version, "handling_unit": item.handling_unit.code if item.handling_unit else None,
            "deadline": item.deadline}) if can_assign else None,
        "answer_form": AnswerForm(initial={"version": item.version}) if can_answer else None,
        "close_form": close_form,
    })


def _step(request: HttpRequest, difficulty_id: int, form: Form, run, success: str, **arguments) -> HttpResponse:
    """One step of an item's workflow posted from its page: the action with the form's version, back to the page."""
    item = selectors.difficulty_get(request.user, difficulty_id)
    if form.is_valid():
        run_for_page(request, run, success, actor=request.user, difficulty=item, expected_version=form.cleaned_data["version"],
                     **{name: value(form.cleaned_data) for name, value in arguments.items()})
    else:
        messages.error(request, _("Please correct the highlighted fields: %(fields)s") % {"fields": ", ".join(form.errors)})
    return redirect("difficulty_detail", difficulty_id=item.pk)


@login_required
@require_POST
@errors_return_to(_to_item)
def assign(request: HttpRequest, difficulty_id: int) -> HttpResponse:
    return _step(request, difficulty_id, AssignForm(request.POST, units=selectors.addressee_units()), services.difficulty_assign,
                 _("Assigned to the handling unit."), handling_unit=lambda d: unit_get(d["handling_unit"]),
                 deadline=lambda d: d["deadline"], note=lambda d: d["note"])


@login_required
@require_POST
@errors_return_to(_to_item)
def answer(request: HttpRequest, difficulty_id: int) -> HttpResponse:
    return _step(request, difficulty_id, AnswerForm(request.POST), services.difficulty_answer, _("Answer sent."),
                 answer=lambda d: d["answer"])


@login_required
@require_POST
@errors_return_to(_to_item)
def close(request: HttpRequest, difficulty_id: int) -> HttpResponse:
    return _step(request, difficulty_id, CloseForm(request.POST), services.difficulty_close, _("Item closed."),
                 outcome=lambda d: d["outcome"], note=lambda d: d["note"])
