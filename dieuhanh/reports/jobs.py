"""Building an official report as a background job (the page's form and ``POST /api/official-report-jobs``): the job
runs ``report_build`` as the person who asked, with its progress, and with ``pdf`` also makes and keeps the PDF. All or
nothing: when LibreOffice is missing, fails or hangs, the job fails with that message, nothing it wrote is kept (the
stored report included) and it can be retried."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dieuhanh.jobs.registry import job


@job("reports.build", title=_("Official report"), permission="report_build")
def build(ctx, *, template: str, plan: int, issuer: str, as_of: str, number: int = 1, issued_on: str | None = None,
          signer_name: str = "", pdf: bool = False) -> dict:
    from dieuhanh.plans.selectors import plan_get  # at call time: no services module is imported while the apps load
    from dieuhanh.reports import pdf as report_pdf
    from dieuhanh.reports import selectors, services
    from dieuhanh.reports.models import ReportPdf

    steps = 100 + (20 if pdf else 0)
    report = services.report_build(actor=ctx.actor, template=template, plan=plan_get(ctx.actor, plan), unit=selectors.unit_by_code(issuer),
                                   as_of=dt.date.fromisoformat(as_of), number=number,
                                   issued_on=dt.date.fromisoformat(issued_on) if issued_on else None, signer_name=signer_name,
                                   progress=lambda percent, step: ctx.progress(percent, steps, step))
    if pdf and not ReportPdf.objects.filter(report=report).exists():
        ctx.check_cancelled()
        ctx.progress(100, steps, "pdf")
        content = report_pdf.to_pdf(bytes(report.content))  # ConversionFailed: the job fails, the report above rolls back
        from dieuhanh.core.reports.render import sha256

        ReportPdf.objects.create(report=report, content=content, sha256=sha256(content))
        ctx.progress(steps, steps, "done")
    return {"url": reverse("report_list") + f"#report-{report.pk}", "label": str(_("Open the stored report")), "report": report.pk}


def build_enqueue(*, actor, template: str, plan, unit, as_of: dt.date, number: int = 1, issued_on: dt.date | None = None,
                  signer_name: str = "", pdf: bool = False):
    """Queue a build (the action ``job_start``, ``report_build`` on the issuing unit)."""
    from dieuhanh.jobs.services import job_start

    return job_start(actor=actor, kind="reports.build", unit=unit, params={
        "template": template, "plan": plan.pk, "issuer": unit.code, "as_of": as_of.isoformat(), "number": number,
        "issued_on": issued_on.isoformat() if issued_on else None, "signer_name": signer_name, "pdf": bool(pdf)})
