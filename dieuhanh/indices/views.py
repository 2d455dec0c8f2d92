"""Pages of composite indices: frameworks, ranking with uncertainty intervals, unit scorecard, method, comparison,
run status, imports and exports (CSV, XLSX)."""

from __future__ import annotations

import io

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh.access.policy import can, units_in_reach
from dieuhanh.errors import DomainError, Forbidden, Invalid, NotFound
from dieuhanh.indices import selectors, services, tables
from dieuhanh.indices.models import Dataset, Framework, Run, RunKind
from dieuhanh.units.selectors import city_code, unit_get
from dieuhanh.web.messages import error_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _found(read, *args):
    """A selector's answer, with "not found" (also for what is out of reach) as the page's 404."""
    try:
        return read(*args)
    except NotFound:
        raise Http404 from None


def _framework(code: str) -> Framework:
    return _found(selectors.framework_get, code)


def _run(framework: Framework, request: HttpRequest, key: str = "run") -> Run | None:
    run_id = request.GET.get(key)
    if run_id:
        try:
            return selectors.run_get(framework, int(run_id))
        except (NotFound, ValueError):
            raise Http404 from None
    return selectors.default_run(framework)


def _error(request: HttpRequest, exc: DomainError) -> None:
    vi = [d.get("message_vi") for d in exc.details if d.get("message_vi")]
    messages.error(request, " ".join(vi) if vi else error_text(exc))


@login_required
def index_list(request: HttpRequest) -> HttpResponse:
    frameworks = list(Framework.objects.select_related("owner"))
    rows = [{"framework": f, "run": selectors.default_run(f), "indicators": f.elements.filter(kind="Indicator").count()} for f in frameworks]
    owner = units_in_reach(request.user, "index_manage").order_by("depth", "code").first()
    return render(request, "indices/list.html", {"rows": rows, "can_import": owner is not None, "owner": owner})


@login_required
def framework_page(request: HttpRequest, code: str) -> HttpResponse:
    """The ranking of a run (the latest by default) with each unit's 5–95 % rank interval, and the run form."""
    framework = _framework(code)
    run = _run(framework, request)
    ranking = selectors.ranking(run) if run else None
    runs = Run.objects.filter(framework=framework).select_related("dataset", "methodology")[:30]
    return render(request, "indices/framework.html", {
        "framework": framework, "run": run, "ranking": ranking, "chart": ranking.chart() if ranking else None, "runs": runs,
        "datasets": Dataset.objects.filter(framework=framework), "methodologies": selectors.latest_methodologies(framework),
        "years": sorted({y for d in Dataset.objects.filter(framework=framework) for y in tables.dataset_years(d)}, reverse=True),
        "can_run": can(request.user, "index_run", framework.owner), "can_manage": can(request.user, "index_manage", framework.owner),
    })


@login_required
def scorecard_page(request: HttpRequest, code: str, ucode: str) -> HttpResponse:
    framework = _framework(code)
    run = _run(framework, request)
    if run is None:
        raise Http404
    card = _found(selectors.scorecard, run, ucode)
    chart = {"years": [t["year"] for t in card.trend], "scores": [t["score"] for t in card.trend], "ranks": [t["rank"] for t in card.trend],
             "pillars": [{"name": l.element.name, "value": l.value, "median": l.peer_median} for l in card.lines if l.depth == 1]}
    return render(request, "indices/scorecard.html", {"framework": framework, "run": run, "card": card, "chart": chart})


@login_required
def method_page(request: HttpRequest, code: str) -> HttpResponse:
    """The method as stored: the tree with weights and each methodology's steps and options, in order, in Vietnamese."""
    framework = _framework(code)
    methodologies = selectors.latest_methodologies(framework)
    chosen = request.GET.get("methodology")
    if chosen:
        try:
            version = request.GET.get("version")
            methodologies = [selectors.methodology_get(framework, chosen, int(version) if version and version.isdigit() else None)]
        except NotFound:
            raise Http404 from None
    described = [{"m": m, "steps": [selectors.describe_step(s) for s in m.steps.get("steps", [])],
                  "uncertainty": selectors.describe_uncertainty(m.uncertainty or {}, [s.get("step") for s in m.steps.get("steps", [])])} for m in methodologies]
    others = [e for e in selectors.elements(framework) if e.kind in ("Group", "Denominator")]
    return render(request, "indices/method.html", {"framework": framework, "tree": selectors.method_tree(framework),
                                                   "methodologies": described, "others": others})


@login_required
def compare_page(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework(code)
    runs = list(Run.objects.filter(framework=framework, kind=RunKind.PIPELINE, status="done").select_related("methodology", "dataset")[:50])
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
    framework = _framework(code)
    run = _found(selectors.run_get, framework, run_id)
    return render(request, "indices/run.html", {"framework": framework, "run": run,
                                                "intervals": run.intervals.order_by("nominal", "ucode") if run.kind == RunKind.UNCERTAINTY else []})


@login_required
@require_POST
def run_start(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework(code)
    try:
        dataset = selectors.dataset_get(framework, request.POST.get("dataset", ""))
        methodology = selectors.methodology_get(framework, request.POST.get("methodology", ""))
        year = int(request.POST.get("year", ""))
    except (NotFound, ValueError):
        messages.error(request, _("Choose a data set, a methodology and a year."))
        return redirect("index_framework", code=code)
    uncertainty = request.POST.get("kind") == "uncertainty"
    replications = (request.POST.get("replications") or "200").strip()
    if uncertainty and not (replications.isdigit() and 10 <= int(replications) <= 5000):
        messages.error(request, _("The number of replications must be a whole number from 10 to 5,000, not “%(value)s”.")
                       % {"value": replications[:20]})
        return redirect("index_framework", code=code)
    try:
        if uncertainty:
            run = services.uncertainty_run(actor=request.user, framework=framework, dataset=dataset, methodology=methodology, year=year,
                                           replications=int(replications))
        else:
            run = services.index_run(actor=request.user, framework=framework, dataset=dataset, methodology=methodology, year=year)
    except (Forbidden, NotFound):
        raise Http404 from None
    except DomainError as exc:
        _error(request, exc)
        return redirect("index_framework", code=code)
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
def import_files(request: HttpRequest) -> HttpResponse:
    """Import COINr files: iMeta (CSV, or an XLSX with iMeta and iData sheets), optionally iData and a pipeline.

    Each file is refused by its size before it is read; the pipeline must be a YAML mapping with a ``steps`` list.
    An existing framework or data set is replaced only when the "replace" box is ticked."""
    code = request.POST.get("code", "").strip()
    files = request.FILES
    try:
        owner_code = (request.POST.get("owner") or city_code()).strip()
        try:
            owner = unit_get(owner_code)
        except NotFound:
            raise Invalid(f"no unit {owner_code}", code="unknown_owner", details=[{
                "field": "owner", "code": "not_found", "message": f"no unit with code {owner_code[:40]}",
                "message_vi": f"Đơn vị sở hữu: không có đơn vị mã “{owner_code[:40]}”."}]) from None
        if "imeta" not in files:
            raise DomainError("no iMeta", code="invalid", details=[{"field": "imeta", "code": "required", "message": "iMeta file required",
                                                                     "message_vi": "Cần tệp iMeta."}])
        imeta_bytes = tables.upload_bytes(files["imeta"])
        imeta = tables.read_table(imeta_bytes, files["imeta"].name, sheet="iMeta" if imeta_bytes[:2] == b"PK" else None)
        idata = None
        if "idata" in files:
            idata = tables.read_table(tables.upload_bytes(files["idata"]), files["idata"].name, sheet=None)
        elif imeta_bytes[:2] == b"PK":
            idata = tables.read_table(imeta_bytes, files["imeta"].name, sheet="iData")
        steps = None
        if "pipeline" in files:
            steps = tables.read_pipeline(tables.upload_bytes(files["pipeline"], limit=tables.PIPELINE_MAX_BYTES), files["pipeline"].name)
        year = tables.check_year(request.POST["year"].strip()) if request.POST.get("year", "").strip() else None
        replace = bool(request.POST.get("replace"))
        with transaction.atomic():  # the framework, its data and its methodology, or none of them
            framework = services.framework_import(actor=request.user, owner=owner, code=code, name=request.POST.get("name", "").strip() or code,
                                                  imeta=imeta, replace=replace)
            if idata is not None:
                services.dataset_import(actor=request.user, framework=framework, code=request.POST.get("dataset") or "DATA",
                                        name=request.POST.get("dataset") or "DATA", idata=idata, year=year, replace=replace)
            if steps is not None:
                services.methodology_save(actor=request.user, framework=framework, code=request.POST.get("methodology") or "DEFAULT",
                                          name=request.POST.get("methodology") or "DEFAULT", steps=steps)
    except (Forbidden, NotFound):
        raise Http404 from None
    except DomainError as exc:
        _error(request, exc)
        return redirect("index_list")
    messages.success(request, _("Imported."))
    return redirect("index_framework", code=framework.code)


# ---------------------------------------------------------------- exports

def _download(frame: pd.DataFrame, name: str, fmt: str, sheet: str = "Sheet1") -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=sheet, index=False)
        response = HttpResponse(buf.getvalue(), content_type=XLSX)
    else:
        response = HttpResponse(frame.to_csv(index=False).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def export_results(request: HttpRequest, code: str, run_id: int, fmt: str) -> HttpResponse:
    framework = _framework(code)
    run = _found(selectors.run_get, framework, run_id)
    if run.kind == RunKind.UNCERTAINTY:
        frame = pd.DataFrame.from_records(run.intervals.values("ucode", "nominal", "median", "low", "high"))
        frame.columns = ["uCode", "Nominal", "Median", "Q05", "Q95"][: len(frame.columns)]
    else:
        frame = selectors.results_table(run)
    return _download(frame, f"{framework.code}-{run.year}-{run.pk}", fmt, sheet="results")


@login_required
def export_imeta(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    framework = _framework(code)
    return _download(tables.imeta_of(framework), f"{framework.code}-iMeta", fmt, sheet="iMeta")


@login_required
def export_idata(request: HttpRequest, code: str, dataset: str, fmt: str) -> HttpResponse:
    framework = _framework(code)
    ds = _found(selectors.dataset_get, framework, dataset)
    return _download(tables.idata_of(ds), f"{framework.code}-{ds.code}-iData", fmt, sheet="iData")


# ---------------------------------------------------------------- statistical audit

@login_required
def audit_page(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    """"Kiểm định thống kê" of a computed run (``indices/audit.py``); a POST computes and stores the sensitivity
    analysis when it is too slow to compute on the page."""
    from dieuhanh.indices import audit

    framework = _framework(code)
    run = _found(selectors.run_get, framework, run_id)
    if request.method == "POST":
        try:
            audit.audit_sensitivity_store(actor=request.user, run=run)
        except (Forbidden, NotFound):
            raise Http404 from None
        except DomainError as exc:
            _error(request, exc)
        return redirect("index_audit", code=code, run_id=run.pk)
    try:
        result = _found(audit.run_audit, run)
    except DomainError as exc:
        _error(request, exc)
        return redirect("index_run", code=code, run_id=run.pk)
    return render(request, "indices/audit.html", {
        "framework": framework, "run": run, "audit": result, "flag_labels": audit.FLAG_LABELS, "alpha_coherent": audit.ALPHA_COHERENT,
        "heatmaps": result.heatmaps(), "weights_chart": result.weights_chart(),
        "can_run": can(request.user, "index_run", framework.owner),
    })
