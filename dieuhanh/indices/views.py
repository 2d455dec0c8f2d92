"""Pages of composite indices: frameworks, ranking with uncertainty intervals, unit scorecard, method, comparison,
run status, imports and exports (CSV, XLSX)."""

from __future__ import annotations

import io

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh.access.policy import can
from dieuhanh.core.common.sheets import text_only
from dieuhanh.indices import selectors, services
from dieuhanh.indices.jobs import files_import_or_enqueue, uncertainty_enqueue
from dieuhanh.jobs.models import Job
from dieuhanh.indices.models import Framework, Run, RunKind
from dieuhanh.units.selectors import city_code
from dieuhanh.pages import errors_return_to, int_param, ranking_page, to_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(framework: Framework, request: HttpRequest, key: str = "run") -> Run | None:
    """The run named by the query parameter ``key`` (a missing one is the page's 404), else the default run."""
    run_id = int_param(request, key)
    if run_id is not None:
        return selectors.run_get(framework, run_id)
    return selectors.default_run(framework)


@login_required
def index_list(request: HttpRequest) -> HttpResponse:
    rows = [{"framework": f, "run": selectors.default_run(f), "indicators": selectors.indicator_count(f)} for f in selectors.frameworks()]
    owner = selectors.import_owner_for(request.user)
    return render(request, "indices/list.html", {"rows": rows, "can_import": owner is not None, "owner": owner})


@login_required
def framework_page(request: HttpRequest, code: str) -> HttpResponse:
    """The ranking of a run (the latest by default) with each unit's 5–95 % rank interval, and the run form."""
    framework = selectors.framework_get(code)
    run = _run(framework, request)
    ranking = selectors.ranking(run) if run else None
    runs = selectors.runs_of(framework)
    # The units the search box finds, a page at a time, in rank order; the chart shows the same units.
    page = ranking_page(request, ranking.rows, lambda r: (r.name, r.ucode)) if ranking else None
    return render(request, "indices/framework.html", {
        "framework": framework, "run": run, "ranking": ranking, "page": page, "search": request.GET.get("q", ""),
        "chart": ranking.chart(list(page)) if ranking else None, "runs": runs,
        "datasets": selectors.datasets_of(framework), "methodologies": selectors.latest_methodologies(framework),
        "years": selectors.dataset_years(framework),
        "can_run": can(request.user, "index_run", framework.owner), "can_manage": can(request.user, "index_manage", framework.owner),
    })


@login_required
def scorecard_page(request: HttpRequest, code: str, ucode: str) -> HttpResponse:
    framework = selectors.framework_get(code)
    run = _run(framework, request)
    if run is None:
        raise Http404
    card = selectors.scorecard(run, ucode)
    chart = {"years": [t["year"] for t in card.trend], "scores": [t["score"] for t in card.trend], "ranks": [t["rank"] for t in card.trend],
             "pillars": [{"name": l.element.name, "value": l.value, "median": l.peer_median} for l in card.lines if l.depth == 1]}
    return render(request, "indices/scorecard.html", {"framework": framework, "run": run, "card": card, "chart": chart})


@login_required
def method_page(request: HttpRequest, code: str) -> HttpResponse:
    """The method as stored: the tree with weights and each methodology's steps and options, in order, in Vietnamese."""
    framework = selectors.framework_get(code)
    methodologies = selectors.latest_methodologies(framework)
    chosen = request.GET.get("methodology")
    if chosen:
        methodologies = [selectors.methodology_get(framework, chosen, int_param(request, "version"))]
    described = [{"m": m, "steps": [selectors.describe_step(s) for s in m.steps.get("steps", [])],
                  "uncertainty": selectors.describe_uncertainty(m.uncertainty or {}, [s.get("step") for s in m.steps.get("steps", [])])} for m in methodologies]
    others = [e for e in selectors.elements(framework) if e.kind in ("Group", "Denominator")]
    return render(request, "indices/method.html", {"framework": framework, "tree": selectors.method_tree(framework),
                                                   "methodologies": described, "others": others})


@login_required
def compare_page(request: HttpRequest, code: str) -> HttpResponse:
    framework = selectors.framework_get(code)
    runs = selectors.runs_of(framework, kind=RunKind.PIPELINE, done=True, limit=50)
    run_a, run_b = _run(framework, request, "a"), None
    if request.GET.get("b"):
        run_b = _run(framework, request, "b")
    elif run_a is not None:
        run_b = next((r for r in runs if r.pk != run_a.pk and r.year == run_a.year and r.dataset_id == run_a.dataset_id), None)
    shifts = selectors.compare(run_a, run_b) if run_a and run_b else []
    moved = [s for s in shifts if s.shift]
    return render(request, "indices/compare.html", {"framework": framework, "runs": runs, "a": run_a, "b": run_b, "shifts": shifts,
                                                    "moved": len(moved), "max_shift": max((abs(s.shift) for s in moved), default=0)})


@login_required
def run_page(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    framework = selectors.framework_get(code)
    run = selectors.run_get(framework, run_id)
    return render(request, "indices/run.html", {"framework": framework, "run": run,
                                                "intervals": selectors.run_intervals(run) if run.kind == RunKind.UNCERTAINTY else []})


def _back_to_framework(request, code: str, **_) -> str:
    return reverse("index_framework", kwargs={"code": code})


@login_required
@require_POST
@errors_return_to(_back_to_framework)
def run_start(request: HttpRequest, code: str) -> HttpResponse:
    framework = selectors.framework_get(code)
    year_text = request.POST.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) <= 4 else None
    dataset = selectors.dataset_find(framework, request.POST.get("dataset", ""))
    methodology = selectors.methodology_find(framework, request.POST.get("methodology", ""))
    if dataset is None or methodology is None or year is None:
        messages.error(request, _("Choose a data set, a methodology and a year."))
        return redirect("index_framework", code=code)
    uncertainty = request.POST.get("kind") == "uncertainty"
    replications = (request.POST.get("replications") or "200").strip()
    if uncertainty and not (replications.isdigit() and 10 <= int(replications) <= 5000):
        messages.error(request, _("The number of replications must be a whole number from 10 to 5,000, not “%(value)s”.")
                       % {"value": replications[:20]})
        return redirect("index_framework", code=code)
    if uncertainty:  # hundreds of replications: a background job, followed on its page
        job = uncertainty_enqueue(actor=request.user, framework=framework, dataset=dataset, methodology=methodology, year=year,
                                  replications=int(replications))
        messages.success(request, _("The uncertainty run is queued; its page shows its progress."))
        return redirect("job_detail", job_id=job.pk)
    run = services.index_run(actor=request.user, framework=framework, dataset=dataset, methodology=methodology, year=year)
    if run.status == "failed":
        messages.error(request, _("The run failed: %(error)s") % {"error": run.error})
        return redirect("index_run", code=code, run_id=run.pk)
    messages.success(request, _("Computed in %(s)s s.") % {"s": number_format(round(run.seconds or 0, 2), 2)})
    if run.kind == RunKind.UNCERTAINTY:
        base = selectors.latest_run(framework, dataset=dataset, methodology=methodology, year=year)
        return redirect(reverse("index_framework", kwargs={"code": code}) + (f"?run={base.pk}" if base else ""))
    return redirect(reverse("index_framework", kwargs={"code": code}) + f"?run={run.pk}")


@login_required
@require_POST
@errors_return_to(lambda request, **_: reverse("index_list"))
def import_files(request: HttpRequest) -> HttpResponse:
    """Import COINr files (``services.index_files_import``, the same path as the API): iMeta (CSV, or an XLSX with
    iMeta and iData sheets), optionally iData and a pipeline. An existing framework or data set is replaced only
    when the "replace" box is ticked."""
    form = request.POST
    owner = selectors.owner_get(form.get("owner") or city_code())
    framework = files_import_or_enqueue(
        actor=request.user, owner=owner, code=form.get("code", ""), name=form.get("name", ""), imeta=request.FILES.get("imeta"),
        idata=request.FILES.get("idata"), pipeline=request.FILES.get("pipeline"), dataset=form.get("dataset", ""),
        methodology=form.get("methodology", ""), year=form.get("year"), replace=bool(form.get("replace")))
    if isinstance(framework, Job):  # large files: a worker imports them, the job's page shows the progress
        return to_job(request, framework)
    messages.success(request, _("Imported."))
    return redirect("index_framework", code=framework.code)


# ---------------------------------------------------------------- exports

SYNTHETIC_COLUMN = "Dữ liệu giả lập"


def _download(frame: pd.DataFrame, name: str, fmt: str, sheet: str = "Sheet1", synthetic: str = "") -> HttpResponse:
    """The table as CSV or XLSX; a table of synthetic data carries its label in a last column on every row."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if synthetic:
        frame = frame.assign(**{SYNTHETIC_COLUMN: synthetic})
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=sheet, index=False)
            text_only(writer.book)
        response = HttpResponse(buf.getvalue(), content_type=XLSX)
    else:
        response = HttpResponse(frame.to_csv(index=False).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def export_results(request: HttpRequest, code: str, run_id: int, fmt: str) -> HttpResponse:
    framework = selectors.framework_get(code)
    run = selectors.run_get(framework, run_id)
    if run.kind == RunKind.UNCERTAINTY:
        frame = selectors.intervals_table(run)
    else:
        frame = selectors.results_table(run)
    return _download(frame, f"{framework.code}-{run.year}-{run.pk}", fmt, sheet="results", synthetic=run.dataset.synthetic)


@login_required
def export_imeta(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    framework = selectors.framework_get(code)
    return _download(selectors.imeta_table(framework), f"{framework.code}-iMeta", fmt, sheet="iMeta")


@login_required
def export_idata(request: HttpRequest, code: str, dataset: str, fmt: str) -> HttpResponse:
    framework = selectors.framework_get(code)
    ds = selectors.dataset_get(framework, dataset)
    return _download(selectors.idata_table(ds), f"{framework.code}-{ds.code}-iData", fmt, sheet="iData", synthetic=ds.synthetic)


# ---------------------------------------------------------------- statistical audit

def _back_from_audit(request, code: str, run_id: int, **_) -> str:
    """A refused sensitivity analysis returns to the audit, an audit that cannot be made to its run."""
    return reverse("index_audit" if request.method == "POST" else "index_run", kwargs={"code": code, "run_id": run_id})


@login_required
@errors_return_to(_back_from_audit)
def audit_page(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    """"Kiểm định thống kê" of a computed run (``indices/audit.py``); a POST computes and stores the sensitivity
    analysis when it is too slow to compute on the page."""
    from dieuhanh.indices import audit

    framework = selectors.framework_get(code)
    run = selectors.run_get(framework, run_id)
    if request.method == "POST":
        audit.audit_sensitivity_store(actor=request.user, run=run)
        return redirect("index_audit", code=code, run_id=run.pk)
    result = audit.run_audit(run)
    return render(request, "indices/audit.html", {
        "framework": framework, "run": run, "audit": result, "flag_labels": audit.FLAG_LABELS, "alpha_coherent": audit.ALPHA_COHERENT,
        "heatmaps": result.heatmaps(), "weights_chart": result.weights_chart(),
        "can_run": can(request.user, "index_run", framework.owner),
    })
