"""Pages of report rounds (chế độ báo cáo): the rounds (open one), a round for the secretariat (who has and has not
submitted, reminders, consolidation, the consolidated narrative, issuing the city report), a unit's report (its
figures, narrative I–V, files, submit; approve or return), and the upload of an edited template. Every write is an
action of ``reports.services``."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh.access.policy import can
from dieuhanh.errors import NotFound
from dieuhanh.evidence import path_of
from dieuhanh.pages import attachment, errors_return_to, form_problem, posted_int, run_for_page
from dieuhanh.plans import selectors as plans
from dieuhanh.reports import selectors, services
from dieuhanh.reports.selectors import DOCX
from dieuhanh.reports.forms import SECTION_LABELS, AttachForm, IssueForm, ReturnForm, RoundForm, SectionsForm, TemplateUploadForm
from dieuhanh.units.selectors import city_code, unit_get


def _round_form(request, data=None):
    managers = selectors.units_managing_rounds(request.user)
    visible = list(plans.plans_visible(request.user))
    units = selectors.reporting_units(request.user, managers[0]) if managers else []
    return RoundForm(data, managers=managers, plans=visible, units=units,
                     initial={"unit": managers[0].code if managers else None, "plan": visible[0].pk if visible else None}), managers


@login_required
@errors_return_to(lambda request, **_: reverse("round_list"))
def round_list(request: HttpRequest) -> HttpResponse:
    form, managers = _round_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            raise form_problem(form)
        d = form.cleaned_data
        unit = selectors.unit_by_code(d["unit"])
        rnd = run_for_page(request, services.round_open, _("Report round opened: every unit was told."), actor=request.user,
                           unit=unit, plan=plans.plan_get(request.user, int(d["plan"])), template=d["template"],
                           period=d["period"].strip(), deadline=d["deadline"], title=d["title"],
                           units=[selectors.unit_by_code(c) for c in d["units"]])
        return redirect("round_detail", rnd.pk)
    rounds = [{"round": r, "counts": selectors.round_counts(r)} for r in selectors.rounds_managed(request.user)]
    return render(request, "reports/rounds.html", {"form": form if managers else None, "rounds": rounds,
                                                   "mine": selectors.round_reports_of(request.user, open_only=False)})


def _to_round(request, round_id, **_):
    return reverse("round_detail", args=[round_id])


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(request.user, round_id)
    if request.GET.get("format") == "xlsx":
        return attachment(selectors.round_workbook(rnd), f"dot-bao-cao-{rnd.pk}-{rnd.period}.xlsx")
    manage = can(request.user, "round_manage", rnd.unit)
    narrative = rnd.narrative or {}
    city_groups = selectors.statistics_rows(request.user, rnd.plan, rnd.period_end)[1]
    group_texts = [{"key": g["key"], "label": g["label"], "text": (narrative.get("groups") or {}).get(g["key"], "")} for g in city_groups]
    return render(request, "reports/round.html", {
        "round": rnd, "manage": manage, "counts": selectors.round_counts(rnd), "unit_reports": selectors.round_unit_reports(rnd),
        "sections": [(key, label, narrative.get(key, "")) for key, label in SECTION_LABELS.items()], "group_texts": group_texts,
        "issue_form": IssueForm(initial={"version": rnd.version, "number": 1}), "provisional": rnd.period_end > timezone.localdate()})


@login_required
@require_POST
@errors_return_to(_to_round)
def round_post(request: HttpRequest, round_id: int, step: str) -> HttpResponse:
    if step not in ("remind", "consolidate", "narrative", "issue"):
        raise NotFound("no such step")
    rnd = selectors.round_get(request.user, round_id)
    version = posted_int(request, "version")
    if step == "remind":
        told = services.round_remind(actor=request.user, report_round=rnd)
        messages.success(request, _("Reminders sent to %(n)s people.") % {"n": told})
    elif step == "consolidate":
        run_for_page(request, services.round_consolidate, _("The approved unit reports were consolidated."), actor=request.user,
                     report_round=rnd, expected_version=version)
    elif step == "narrative":
        narrative = {key: request.POST.get(key, "") for key in SECTION_LABELS}
        narrative["groups"] = {k.removeprefix("group_"): v for k, v in request.POST.items() if k.startswith("group_")}
        run_for_page(request, services.round_narrative_save, _("The consolidated report was saved."), actor=request.user,
                     report_round=rnd, expected_version=version, narrative=narrative)
    elif step == "issue":
        form = IssueForm(request.POST)
        if not form.is_valid():
            raise form_problem(form)
        run_for_page(request, services.round_issue, _("The city report was issued and stored."), actor=request.user, report_round=rnd,
                     expected_version=form.cleaned_data["version"], number=form.cleaned_data["number"],
                     signer_name=form.cleaned_data["signer_name"])
    return redirect("round_detail", rnd.pk)


def _to_unit_report(request, report_id, **_):
    return reverse("round_report_detail", args=[report_id])


@login_required
def round_report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    rr = selectors.round_report_get(request.user, report_id)
    groups = [g for g in rr.figures.get("groups", []) if g["key"] in (rr.sections.get("groups") or {})]
    initial = {"version": rr.version, **{k: rr.sections.get(k, "") for k in SECTION_LABELS},
               **{f"group_{k}": v for k, v in (rr.sections.get("groups") or {}).items()}}
    editable = rr.status in ("draft", "returned") and rr.round.status == "open"
    return render(request, "reports/round_report.html", {
        "rr": rr, "figures": rr.figures, "form": SectionsForm(initial=initial, groups=groups), "editable": editable,
        "can_write": editable and can(request.user, "round_report_write", rr.unit),
        "can_review": rr.status == "submitted" and rr.round.status == "open" and can(request.user, "round_report_approve", rr.unit),
        "return_form": ReturnForm(initial={"version": rr.version}), "attach_form": AttachForm(),
        "attachments": rr.attachments.all(), "can_see_round": can(request.user, "report_view", rr.round.unit)})


@login_required
def round_report_docx(request: HttpRequest, report_id: int) -> HttpResponse:
    """The unit's report as the document its leader signs (see ``selectors.round_report_docx``)."""
    content, filename = selectors.round_report_docx(request.user, selectors.round_report_get(request.user, report_id))
    return attachment(content, filename, DOCX)


@login_required
@require_POST
@errors_return_to(_to_unit_report)
def round_report_post(request: HttpRequest, report_id: int, step: str) -> HttpResponse:
    if step not in ("save", "submit", "attach", "approve", "return"):
        raise NotFound("no such step")
    rr = selectors.round_report_get(request.user, report_id)
    if step in ("save", "submit"):
        groups = [g for g in rr.figures.get("groups", []) if g["key"] in (rr.sections.get("groups") or {})]
        form = SectionsForm(request.POST, groups=groups)
        if not form.is_valid():
            raise form_problem(form)
        rr = services.round_report_save(actor=request.user, round_report=rr, expected_version=form.cleaned_data["version"],
                                        sections=form.sections())
        if step == "submit":
            run_for_page(request, services.round_report_submit, _("The report was sent to the unit's leader for approval."),
                         actor=request.user, round_report=rr, expected_version=rr.version)
        else:
            messages.success(request, _("The draft was saved."))
    elif step == "attach":
        form = AttachForm(request.POST, request.FILES)
        if not form.is_valid():
            raise form_problem(form)
        upload = form.cleaned_data["file"]
        run_for_page(request, services.round_report_attach, _("The file was attached."), actor=request.user, round_report=rr,
                     filename=upload.name, content=upload.read())
    elif step == "approve":
        run_for_page(request, services.round_report_approve, _("The report was approved and sent to the steering committee."),
                     actor=request.user, round_report=rr, expected_version=posted_int(request, "version"))
    elif step == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise form_problem(form)
        run_for_page(request, services.round_report_return, _("The report was returned to the unit."), actor=request.user,
                     round_report=rr, expected_version=form.cleaned_data["version"], reason=form.cleaned_data["reason"])
    return redirect("round_report_detail", rr.pk)


@login_required
def round_attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    a = selectors.round_attachment_get(request.user, attachment_id)
    return FileResponse(path_of(a.sha256).open("rb"), as_attachment=True, filename=a.filename, content_type=a.content_type)


def inbox_section(request) -> str:
    """The inbox's part of report rounds: the unit reports of open rounds the person must write (draft, returned) or
    decide (submitted, for the unit's approvers)."""
    waiting = [rr for rr in selectors.round_reports_of(request.user)
               if (rr.status in ("draft", "returned") and can(request.user, "round_report_write", rr.unit))
               or (rr.status == "submitted" and can(request.user, "round_report_approve", rr.unit))]
    if not waiting:
        return ""
    return render_to_string("reports/partials/inbox_rounds.html", {"waiting": waiting, "day": timezone.localdate()}, request)


@login_required
@errors_return_to(lambda request, **_: reverse("report_templates"))
def report_templates(request: HttpRequest) -> HttpResponse:
    may_upload = can(request.user, "report_template_upload", unit_get(city_code()))
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not form.is_valid():
            raise form_problem(form)
        upload = form.cleaned_data["file"]
        uploaded = run_for_page(request, services.report_template_upload, _("The template was checked and stored as a new version."),
                                actor=request.user, key=form.cleaned_data["key"], filename=upload.name, content=upload.read(),
                                symbol=form.cleaned_data["symbol"])
        return redirect(f"{reverse('report_templates')}#template-{uploaded.pk}")
    return render(request, "reports/templates.html", {"form": form if may_upload else None, "versions": selectors.template_versions(),
                                                      "shipped": selectors.TEMPLATES, "fields": sorted(selectors.FIELDS)})
