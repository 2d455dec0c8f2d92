"""Pages for official reports: the stored reports with the form that builds one (the ``report_build`` action), the
download of a stored report (DOCX, or PDF made by LibreOffice), and the statistics page as the report's appendix."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.pages import attachment, date_param, errors_return_to, run_for_page
from dieuhanh.plans import selectors as plans
from dieuhanh.reports import pdf, selectors
from dieuhanh.reports.forms import PdfBuildForm
from dieuhanh.reports.jobs import build_enqueue

DOCX = selectors.DOCX


@login_required
@errors_return_to(lambda request, **_: request.get_full_path())
def report_list(request: HttpRequest) -> HttpResponse:
    visible = list(plans.plans_visible(request.user))
    units = selectors.units_for_build(request.user, visible)
    if request.method == "POST":
        form = PdfBuildForm(request.POST, plans=visible, units=units)
        if form.is_valid():
            d = form.cleaned_data
            job = run_for_page(request, build_enqueue, _("The report is being built in the background: follow its progress here."),
                               actor=request.user, template=d["template"], plan=plans.plan_get(request.user, int(d["plan"])),
                               unit=selectors.unit_by_code(d["unit"]), as_of=d["as_of"], number=d["number"],
                               issued_on=d["issued_on"], signer_name=d["signer_name"], pdf=d["pdf"])
            return redirect("job_detail", job.pk)
    else:
        plan = request.GET.get("plan")
        as_of = date_param(request, "as_of") or timezone.localdate()
        form = PdfBuildForm(plans=visible, units=units, initial={"plan": plan, "as_of": as_of.strftime("%d/%m/%Y"), "number": 1,
                                                                "issued_on": timezone.localdate().strftime("%d/%m/%Y")})
    return render(request, "reports/list.html", {"form": form, "can_build": bool(units and visible),
                                                 "reports": selectors.reports_visible(request.user)[:100]})


@login_required
def report_download(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    content = bytes(report.content)
    if request.GET.get("format") == "pdf":
        return attachment(pdf.report_pdf(report), report.filename.removesuffix(".docx") + ".pdf", "application/pdf")
    return attachment(content, report.filename, DOCX)


@login_required
def statistics_docx(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plans.plan_get(request.user, plan_id)
    day = date_param(request, "as_of") or timezone.localdate()
    return attachment(selectors.statistics_appendix(request.user, plan, day), f"phu-luc-thong-ke-{plan.pk}-{day:%Y%m%d}.docx", DOCX)
