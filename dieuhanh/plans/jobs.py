"""Large Excel imports of a plan as background jobs: the appendix (``plans.import``) and the progress sheet
(``plans.progress_import``). The same actions as the inline imports (``plans/excel.py``), run by a worker as the
person who uploaded, in one transaction (all rows or none), with progress per row on ``/cong-viec/``; a refused
file's row-by-row report is the job's result. A file is large by ``jobs.uploads.is_large``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dieuhanh.jobs import uploads
from dieuhanh.jobs.registry import job
from dieuhanh.plans.auth import require_on_plan, require_plan_visible
from dieuhanh.plans.models import Plan


def _plan(plan_id: int) -> Plan:
    from dieuhanh.errors import NotFound

    found = Plan.objects.select_related("issuer").filter(pk=plan_id).first()
    if found is None:
        raise NotFound(f"plan {plan_id}")
    return found


def _may_import_plan(actor, unit=None, *, plan: int, **_) -> None:
    require_on_plan(actor, "plan_manage", _plan(plan))


def _may_import_progress(actor, unit=None, *, plan: int, **_) -> None:
    require_plan_visible(actor, _plan(plan))  # each row is authorised on its own task inside the import


@job("plans.import", title=_lazy("Plan appendix import"), authorize=_may_import_plan)
def plan_import(ctx, *, plan: int, path: str, name: str = "", resolutions: dict | None = None) -> dict:
    from dieuhanh.plans import excel  # at call time: no services module is imported while the apps load

    with uploads.kept(path) as [content]:
        result = excel.plan_import(actor=ctx.actor, plan=_plan(plan), content=content, resolutions=resolutions or {},
                                   progress=ctx.progress)
    counts = {"c": result.created, "u": result.updated, "n": result.unchanged}
    return {"url": reverse("plan_detail", args=[plan]), "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "label": _("Imported: %(c)d tasks created, %(u)d updated, %(n)d unchanged.") % counts}


@job("plans.progress_import", title=_lazy("Progress sheet import"), authorize=_may_import_progress)
def progress_import(ctx, *, plan: int, path: str, name: str = "") -> dict:
    from dieuhanh.plans import excel

    with uploads.kept(path) as [content]:
        saved = excel.progress_import(actor=ctx.actor, plan=_plan(plan), content=content, progress=ctx.progress)
    return {"url": reverse("plan_detail", args=[plan]), "saved": saved, "label": _("%(n)d reports saved.") % {"n": saved}}


def _enqueue(kind: str, *, actor, plan: Plan, content: bytes, name: str, **params):
    from dieuhanh.jobs.services import job_start

    return uploads.start_with({"path": (content, name or "upload.xlsx")}, lambda paths: job_start(
        actor=actor, kind=kind, unit=plan.issuer, params={"plan": plan.pk, "name": name[:200], **paths, **params}))


def plan_import_enqueue(*, actor, plan: Plan, content: bytes, name: str = "appendix.xlsx", resolutions: dict | None = None):
    """Queue the import of an appendix (the action ``job_start``, authorised like ``plan_import``)."""
    return _enqueue("plans.import", actor=actor, plan=plan, content=content, name=name, resolutions=resolutions or {})


def progress_import_enqueue(*, actor, plan: Plan, content: bytes, name: str = "progress.xlsx"):
    """Queue the import of a progress sheet (the action ``job_start``; each row authorised on its task)."""
    return _enqueue("plans.progress_import", actor=actor, plan=plan, content=content, name=name)
