"""Pages for plans and tasks. Views read through selectors and write through actions; domain errors propagate to
``DomainErrorMiddleware`` (a refused form returns to the task page with the message)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from dieuhanh.access.policy import can
from dieuhanh.core.common.periods import period_containing, periods_between
from dieuhanh.errors import Invalid, NotFound
from dieuhanh.jobs.uploads import is_large
from dieuhanh.plans import exports, excel, inbox_sections, selectors, services
from dieuhanh.plans import jobs as plan_jobs
from dieuhanh.plans.forms import (
    AnswerForm,
    ContributionForm,
    DecisionForm,
    ExplanationForm,
    ExtensionForm,
    ReportForm,
    ReviewForm,
    StateForm,
    TaskForm,
    UploadForm,
)
from dieuhanh.plans.models import SYNTHETIC_HISTORY, ReportStatus
from dieuhanh.units.selectors import unit_get
from dieuhanh.pages import attachment, cached_fragment, date_param, errors_return_to, int_param, ranking_page, run_for_page, to_job


def _to_task(request, task_id, **_):
    return reverse("task_detail", args=[task_id])


def _form_refused(request, form) -> None:
    messages.error(request, _("Please correct the highlighted fields: %(fields)s") % {"fields": ", ".join(form.errors)})


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/plan_list.html", {"plans": selectors.plans_visible(request.user)})


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, plan_id)
    day = date_param(request, "as_of") or timezone.localdate()
    can_manage = can(request.user, "plan_manage", plan.issuer)

    def figures() -> str:
        tasks = selectors.task_queryset(request.user, selectors.TaskFilter(plan=plan))
        total, by_group = selectors.statistics(tasks, "group", day)
        chart = {"groups": [r.label for r in by_group], "series": {col: [r.counts[col] for r in by_group] for col in total.counts}}
        return render_to_string("plans/partials/plan_figures.html", {
            "plan": plan, "total": total, "by_group": by_group, "colours": selectors.colour_counts(tasks, day), "can_manage": can_manage,
            "chart": chart})

    # The figures are kept until the tasks or the plan change, for this reach and day.
    key = (selectors.tasks_stamp(), selectors.reach_key(request.user), plan.pk, day, can_manage)
    return render(request, "plans/plan_detail.html", {"plan": plan, "day": day, "figures": cached_fragment("plan_figures", key, figures),
                                                      "synthetic": _synthetic(plan, day)})


def _synthetic(plan, day) -> str | None:
    """The label of the made-up reporting history the plan's figures rest on, or None."""
    return SYNTHETIC_HISTORY if selectors.synthetic_history(plan, day) else None


@login_required
def plan_statistics(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, plan_id)
    day = date_param(request, "as_of") or timezone.localdate()
    since = date_param(request, "since")
    by = request.GET.get("by", "group")
    if by not in ("group", "unit", "key"):
        by = "group"
    tasks = selectors.task_queryset(request.user, selectors.TaskFilter(plan=plan))
    total, rows = selectors.statistics(tasks, by, day)
    if request.GET.get("format") == "xlsx":
        by_label = {"group": _("Task group"), "unit": _("Lead unit"), "key": _("Key tasks")}[by]
        return attachment(exports.statistics_xlsx(plan, day, by_label, total, rows, synthetic=_synthetic(plan, day)),
                          f"thong-ke-{plan.pk}-{day:%Y%m%d}.xlsx")
    changes = selectors.changes_between(tasks, since, day) if since and since < day else None
    return render(request, "plans/statistics.html", {
        "plan": plan, "day": day, "since": since, "by": by, "total": total, "rows": rows, "changes": changes,
        "columns": ["completed_on_time", "completed_late", "within_deadline", "overdue"], "synthetic": _synthetic(plan, day),
    })


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    plan = selectors.plan_get(request.user, g["plan"]) if g.get("plan") else None
    day = date_param(request, "as_of") or timezone.localdate()
    f = _task_filter(request, plan)
    if g.get("format") == "xlsx":
        title = _("Tasks of %(n)s as of %(d)s") % {"n": plan.number if plan else _("every plan"), "d": f"{day:%d/%m/%Y}"}
        return attachment(exports.tasks_xlsx(selectors.task_list(request.user, f, day), day, title), f"nhiem-vu-{day:%Y%m%d}.xlsx")
    query = g.urlencode()

    def results() -> str:
        page = Paginator(selectors.task_list(request.user, f, day), 50).get_page(g.get("page"))
        return render_to_string("plans/partials/task_results.html", {"page": page, "count": page.paginator.count, "day": day,
                                                                     "query": query}, request)

    # The rows are kept until the tasks change, for this reach, filter and page (the language is in the key too).
    key = (selectors.tasks_stamp(), selectors.reach_key(request.user), selectors.filter_key(f), day, g.get("page"), query)
    html = cached_fragment("task_results", key, results)
    if request.htmx and request.htmx.target == "task-results":
        return HttpResponse(html)
    plans = [(p.pk, p.number) for p in selectors.plans_visible(request.user)]
    form = cached_fragment("task_filters", (plans, plan.pk if plan else None, sorted(g.items()), day), lambda: render_to_string(
        "plans/partials/task_filters.html", {"plans": [{"pk": pk, "number": number} for pk, number in plans], "plan": plan, "params": g, "day": day}))
    return render(request, "plans/task_list.html", {"results": html, "filters": form, "plan": plan, "query": g.urlencode()})


def _task_filter(request: HttpRequest, plan) -> selectors.TaskFilter:
    g = request.GET
    return selectors.TaskFilter(plan=plan, group=int_param(request, "group"), unit=g.get("unit") or None, involving=g.get("involving") or None,
                             key={"1": True, "0": False}.get(g.get("key", "")), official=g.get("official") or None,
                             colour=g.get("colour") or None, deadline_from=date_param(request, "deadline_from"),
                             deadline_to=date_param(request, "deadline_to"), q=g.get("q", ""),
                             top_level=g.get("top") == "1")


def _report_periods(task):
    today = timezone.localdate()
    start = task.start_date or task.assigned_on
    periods = periods_between(min(start, today), today, task.plan.reporting_frequency)
    return list(reversed(periods[-6:]))


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    user = request.user
    page = selectors.task_page(user, task_id)
    task = page.task
    periods = _report_periods(task)
    current = period_containing(timezone.localdate(), task.plan.reporting_frequency)
    existing = page.current_report
    can_report = can(user, "report_submit", task.lead_unit) and task.state in ("open", "paused")
    my_coordinating = [u for u in page.coordinating if can(user, "contribution_submit", u)]
    report_initial = {"period": current.key, "percent": task.progress}
    if existing and existing.status != ReportStatus.APPROVED:
        report_initial.update(version=existing.version, percent=existing.percent, done=existing.done, difficulties=existing.difficulties,
                              proposals=existing.proposals, completed=existing.completed, completed_on=existing.completed_on)
    context = {
        "task": task, "view": page.view, "parent": page.parent,
        "reports": page.reports,
        "children": page.children,
        "coordinating": page.coordinating,
        "deadline_changes": page.deadline_changes,
        "state_changes": page.state_changes,
        "explanations": page.explanations,
        "contributions": page.contributions,
        "history": page.history,
        "can_report": can_report,
        "report_form": ReportForm(initial=report_initial, periods=periods) if can_report else None,
        "can_approve": can(user, "report_approve", task.lead_unit),
        "can_request_extension": can(user, "extension_request", task.lead_unit) and task.state == "open",
        "extension_form": ExtensionForm(),
        "can_decide_extension": can(user, "extension_decide", task.plan.issuer),
        "can_request_explanation": can(user, "explanation_request", task.lead_unit),
        "explanation_form": ExplanationForm(),
        "can_answer": can(user, "explanation_answer", task.lead_unit),
        "answer_form": AnswerForm(),
        "contribution_form": ContributionForm(units=my_coordinating, periods=periods, initial=_contribution_initial(page, my_coordinating, periods))
                             if my_coordinating else None,
        "can_manage": can(user, "plan_manage", task.plan.issuer),
        "can_raise_difficulty": can(user, "difficulty_raise", task.lead_unit),
        "state_form": StateForm(initial={"version": task.version}),
    }
    return render(request, "plans/task_detail.html", context)


def _contribution_initial(page, units, periods) -> dict:
    """The form starts on the first unit and the latest period: with that contribution's text and version if any."""
    first = next((c for c in page.contributions if c.unit_id == units[0].pk and c.period == periods[0].key), None) if periods else None
    return {"version": first.version, "text": first.text} if first else {}


@login_required
@require_POST
@errors_return_to(_to_task)
def report_submit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(request.user, task_id)
    form = ReportForm(request.POST, request.FILES, periods=_report_periods(task))
    if not form.is_valid():
        _form_refused(request, form)
        return redirect("task_detail", task_id=task.pk)
    data = form.cleaned_data
    upload = data.pop("evidence")
    version = data.pop("version")
    submit = "submit" in request.POST
    run_for_page(request, services.report_save, _("Report submitted for approval.") if submit else _("Draft saved."),
                 actor=request.user, task=task, expected_version=version, submit=submit,
                 evidence=(upload.name, upload.read()) if upload is not None else None, **data)
    return redirect("task_detail", task_id=task.pk)


@login_required
@require_POST
def report_review(request: HttpRequest, report_id: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "return"):
        raise NotFound("no such decision")
    report = selectors.report_get(request.user, report_id)
    request.error_return_to = reverse("task_detail", args=[report.task_id])
    form = ReviewForm(request.POST)
    if form.is_valid():
        if decision == "approve":
            run_for_page(request, services.report_approve, _("Report approved."), actor=request.user, report=report,
                         expected_version=form.cleaned_data["version"], comment=form.cleaned_data["comment"])
        else:
            run_for_page(request, services.report_return, _("Report returned to the unit."), actor=request.user, report=report,
                         expected_version=form.cleaned_data["version"], comment=form.cleaned_data["comment"])
    else:
        _form_refused(request, form)
    return redirect("task_detail", task_id=report.task_id)


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = selectors.evidence_get(request.user, evidence_id)
    return FileResponse(selectors.evidence_path(evidence).open("rb"), as_attachment=True, filename=evidence.filename,
                        content_type=evidence.content_type)


@login_required
@require_POST
@errors_return_to(_to_task)
def extension_request(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(request.user, task_id)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        run_for_page(request, services.extension_request, _("Extension requested."), actor=request.user, task=task, **form.cleaned_data)
    else:
        _form_refused(request, form)
    return redirect("task_detail", task_id=task.pk)


@login_required
@require_POST
def extension_decide(request: HttpRequest, change_id: int) -> HttpResponse:
    change = selectors.extension_get(request.user, change_id)
    request.error_return_to = reverse("task_detail", args=[change.task_id])
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    run_for_page(request, services.extension_decide, _("Extension approved.") if approve else _("Extension rejected."), actor=request.user,
                 change=change, approve=approve, note=form.cleaned_data.get("note", ""))
    return redirect("task_detail", task_id=change.task_id)


@login_required
@require_POST
@errors_return_to(_to_task)
def explanation_request(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(request.user, task_id)
    form = ExplanationForm(request.POST)
    if form.is_valid():
        run_for_page(request, services.explanation_request, _("Explanation requested; the unit was notified."), actor=request.user, task=task, **form.cleaned_data)
    return redirect("task_detail", task_id=task.pk)


@login_required
@require_POST
def explanation_answer(request: HttpRequest, explanation_id: int) -> HttpResponse:
    explanation = selectors.explanation_get(request.user, explanation_id)
    request.error_return_to = reverse("task_detail", args=[explanation.task_id])
    form = AnswerForm(request.POST)
    if form.is_valid():
        run_for_page(request, services.explanation_answer, _("Explanation sent."), actor=request.user, explanation=explanation, **form.cleaned_data)
    return redirect("task_detail", task_id=explanation.task_id)


@login_required
@require_POST
@errors_return_to(_to_task)
def contribution_save(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(request.user, task_id)
    units = selectors.coordinating_units(task)
    form = ContributionForm(request.POST, units=units, periods=_report_periods(task))
    if form.is_valid():
        run_for_page(request, services.contribution_save, _("Contribution saved."), actor=request.user, task=task,
                     unit=unit_get(form.cleaned_data["unit"]), period=form.cleaned_data["period"], text=form.cleaned_data["text"],
                     expected_version=form.cleaned_data["version"])
    return redirect("task_detail", task_id=task.pk)


@login_required
@require_POST
@errors_return_to(_to_task)
def task_state(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(request.user, task_id)
    form = StateForm(request.POST)
    if form.is_valid():
        run_for_page(request, services.task_set_state, _("State changed."), actor=request.user, task=task, state=form.cleaned_data["state"],
                     note=form.cleaned_data["note"], expected_version=form.cleaned_data["version"])
    return redirect("task_detail", task_id=task.pk)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    # The lists are kept until a task or anything the actions write changes, for this person's reach and day.
    key = (selectors.writes_stamp(), selectors.reach_key(request.user), request.user.pk, day)
    html = cached_fragment("inbox", key, lambda: render_to_string("plans/partials/inbox_lists.html", {"inbox": selectors.inbox(request.user, day=day)}, request))
    return render(request, "plans/inbox.html", {"lists": html, "day": day, "sections": inbox_sections.rendered(request)})


def _task_form(request: HttpRequest, plan, *, task=None, data=None) -> TaskForm:
    initial = None
    if task is not None:
        initial = {"version": task.version, "stt": task.stt, "title": task.title, "lead_unit": task.lead_unit.code,
                   "coordinating_units": [u.code for u in task.coordinating_units.all()], "product": task.product,
                   "start_date": task.start_date, "deadline_text": task.deadline_text, "key": task.key,
                   "budget_planned": task.budget_planned, "budget_allocated": task.budget_allocated}
    return TaskForm(data, initial=initial, groups=plan.groups.all(), units=selectors.task_unit_choices(plan), editing=task is not None)


def _task_fields(form: TaskForm) -> dict:
    """The form's fields as the actions take them (units by code)."""
    data = dict(form.cleaned_data)
    data.pop("version", None)
    data["lead_unit"] = unit_get(data["lead_unit"])
    data["coordinating_units"] = [unit_get(code) for code in data["coordinating_units"]]
    return data


@login_required
def task_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A new task in one of the plan's groups (``services.task_create``), for those who manage the plan."""
    plan = selectors.plan_get(request.user, plan_id)
    if not can(request.user, "plan_manage", plan.issuer):
        raise NotFound("plan not managed by this person")
    form = _task_form(request, plan, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        request.error_return_to = reverse("task_new", args=[plan.pk])
        if form.is_valid():
            data = _task_fields(form)
            task = run_for_page(request, services.task_create, _("Task created."), actor=request.user, plan=plan,
                                group_number=data.pop("group"), **data)
            return redirect("task_detail", task_id=task.pk)
        _form_refused(request, form)
    return render(request, "plans/task_form.html", {"plan": plan, "form": form, "task": None})


@login_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    """Edit a task with the version read (``services.task_update``): a change made meanwhile by someone else is a
    conflict, said on this page with the task as it now is, never overwritten. The deadline is not here: it moves
    through an extension request."""
    task = selectors.task_get(request.user, task_id)
    if not can(request.user, "plan_manage", task.plan.issuer):
        raise NotFound("task not managed by this person")
    form = _task_form(request, task.plan, task=task, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        request.error_return_to = reverse("task_edit", args=[task.pk])
        if form.is_valid():
            version = form.cleaned_data["version"]
            run_for_page(request, services.task_update, _("Task saved."), actor=request.user, task=task, expected_version=version,
                         **_task_fields(form))
            return redirect("task_detail", task_id=task.pk)
        _form_refused(request, form)
    return render(request, "plans/task_form.html", {"plan": task.plan, "form": form, "task": task})


INBOX_TITLES = {"to_report": _lazy("To report this period"), "returned": _lazy("Returned for revision"),
                "to_approve": _lazy("Reports to approve"), "overdue": _lazy("Overdue"),
                "explanations": _lazy("Explanations requested"), "extensions_to_decide": _lazy("Extensions to decide")}


def _inbox_texts(item) -> tuple[str, ...]:
    task = getattr(item, "task", item)  # a report, an explanation, an extension or an overdue task's view name their task
    return (task.code, task.title)


@login_required
def inbox_list(request: HttpRequest, name: str) -> HttpResponse:
    """All of one inbox list (the inbox shows the first ``INBOX_SHOWN``), paged, with the search box."""
    rows = selectors.inbox_list(request.user, name, day=timezone.localdate())
    page = ranking_page(request, rows, _inbox_texts)
    return render(request, "plans/inbox_list.html", {"name": name, "title": INBOX_TITLES[name], "page": page})


# ---------------------------------------------------------------- Excel

def _safe_name(plan) -> str:
    return plan.number.replace("/", "-")


@login_required
def plan_export(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, plan_id)
    return attachment(excel.appendix_xlsx(plan, request.user), f"phu-luc-{_safe_name(plan)}.xlsx")


@login_required
def progress_sheet(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, plan_id)
    return attachment(excel.progress_sheet_xlsx(request.user, plan), f"tien-do-{_safe_name(plan)}.xlsx")


@login_required
def plan_import(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Upload → preview (errors, unit matches to review) → confirm. The upload waits under var/imports."""
    plan = selectors.plan_get(request.user, plan_id)
    if not can(request.user, "plan_manage", plan.issuer):
        raise NotFound("plan not managed by this person")
    request.error_return_to = reverse("plan_import", args=[plan.pk])
    context = {"plan": plan, "form": UploadForm()}
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        content = excel.upload_read(request.user, token)
        resolutions = {request.POST[k]: request.POST[f"unit-{k[5:]}"] for k in request.POST if k.startswith("text-") and request.POST.get(f"unit-{k[5:]}")}
        if is_large(content):  # a worker imports it; its page shows the progress and, if refused, the rows at fault
            job = plan_jobs.plan_import_enqueue(actor=request.user, plan=plan, content=content, resolutions=resolutions)
            excel.upload_discard(request.user, token)
            return to_job(request, job)
        try:
            result = excel.plan_import(actor=request.user, plan=plan, content=content, resolutions=resolutions)
        except Invalid as exc:  # the row-by-row report is shown on this page
            excel.upload_discard(request.user, token)  # the official corrects the sheet and uploads it again
            context["row_errors"] = exc.details
            messages.error(request, _("Nothing was imported: correct the rows below and upload again."))
            return render(request, "plans/import.html", context)
        excel.upload_discard(request.user, token)
        if result.changed:
            messages.success(request, _("Imported: %(c)d tasks created, %(u)d updated, %(n)d unchanged.")
                             % {"c": result.created, "u": result.updated, "n": result.unchanged})
        else:
            messages.info(request, _("Nothing changed: the appendix lists the plan's %(n)d tasks as they are.") % {"n": result.unchanged})
        return redirect("plan_detail", plan_id=plan.pk)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            preview = excel.preview_appendix(content)
            context["preview"] = preview
            if preview.errors:
                context["row_errors"] = preview.errors
            else:
                context["token"] = excel.upload_keep(request.user, content)
                context["units"] = selectors.units_by_code(c for m in preview.uncertain.values() for c, _label in m.alternatives)
        context["form"] = form
    return render(request, "plans/import.html", context)


@login_required
def progress_import(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, plan_id)
    context = {"plan": plan, "form": UploadForm()}
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            if is_large(content):
                return to_job(request, plan_jobs.progress_import_enqueue(actor=request.user, plan=plan, content=content,
                                                                          name=form.cleaned_data["file"].name))
            try:
                saved = excel.progress_import(actor=request.user, plan=plan, content=content)
            except Invalid as exc:  # the row-by-row report is shown on this page
                context["row_errors"] = exc.details
                messages.error(request, _("Nothing was saved: correct the rows below and upload again."))
            else:
                messages.success(request, _("%(n)d reports saved.") % {"n": saved})
                return redirect("plan_detail", plan_id=plan.pk)
        context["form"] = form
    return render(request, "plans/progress_import.html", context)
