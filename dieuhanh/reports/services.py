"""Building a report: the one action ``report_build`` (the page, the API and ``dieuhanh reports build`` call it; a
background job wraps it, passing ``progress``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from dieuhanh.access.policy import is_system
from dieuhanh.actions import action
from dieuhanh.audit.services import record
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.reports import render
from dieuhanh.errors import Invalid, detail
from dieuhanh.reports import selectors
from dieuhanh.reports.models import GeneratedReport

Progress = Callable[[int, str], None]


def _silent(_percent: int, _step: str) -> None:
    return None


@action
def report_build(*, actor, template: str, plan, unit, as_of: dt.date, number: int = 1, issued_on: dt.date | None = None,
                 signer_name: str = "", signer_title: str = "CHỦ TỊCH", progress: Progress | None = None) -> GeneratedReport:
    """Generate ``template`` for ``plan`` as issued by ``unit``, every number as of ``as_of``; store it (immutable, with
    its SHA-256 and inputs) and return it. The same inputs give the same bytes: then the stored report is returned.
    ``progress(percent, step)`` is called between steps (a job reports it)."""
    progress = progress or _silent
    issued_on = issued_on or timezone.localdate()
    problems = []
    if template not in selectors.TEMPLATES:
        problems.append(detail("template", "report_template_unknown", template=template))
    if not 1 <= number <= 9999:
        problems.append(detail("number", "report_number_invalid"))
    if as_of < plan.period_start:
        problems.append(detail("as_of", "report_before_plan", start=f"{plan.period_start:%d/%m/%Y}"))
    if problems:
        raise Invalid("invalid report", details=problems)
    progress(5, "data")
    context = selectors.report_context(actor, template=template, plan=plan, as_of=as_of, unit=unit, number=number,
                                       issued_on=issued_on, signer_name=signer_name, signer_title=signer_title)
    progress(60, "render")
    try:
        content = render.render(selectors.template_bytes(template), context, title=context["report"]["summary"], as_of=as_of)
    except CoreError as e:
        raise Invalid("the template cannot be rendered", code=e.code, params=e.params) from e
    digest = render.sha256(content)
    progress(90, "store")
    existing = selectors.same_report(template, plan, unit, as_of, digest)
    if existing is not None:  # the same bytes: the stored report (asked for again, which the audit trail keeps)
        record(actor=actor, action="report_build", obj=existing, unit=unit, object_type="report", changes={}, note="same inputs, same file")
        progress(100, "done")
        return existing
    inputs = {"template": template, "plan": plan.number, "unit": unit.code, "as_of": as_of.isoformat(), "number": number,
              "issued_on": issued_on.isoformat(), "signer_name": signer_name, "signer_title": signer_title}
    report = GeneratedReport.objects.create(
        template=template, plan=plan, unit=unit, as_of=as_of, inputs=inputs, content=content, sha256=digest,
        filename=f"bao-cao-{number:02d}-{template}-{as_of:%Y%m%d}.docx", created_by=None if is_system(actor) else actor)
    record(actor=actor, action="report_build", obj=report, unit=unit, object_type="report",
           changes={"template": [None, template], "as_of": [None, as_of.isoformat()], "sha256": [None, digest]})
    progress(100, "done")
    return report
