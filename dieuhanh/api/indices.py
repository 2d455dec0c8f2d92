"""Composite indices: frameworks (COINr iMeta), data sets (iData), methodologies, runs, rankings with rank intervals,
unit scorecards and comparisons of two runs."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from dieuhanh.api.fields import column
from dieuhanh.api.jobs import JobOut, job_out
from dieuhanh.api.schemas import ERRORS
from dieuhanh.errors import NotFound
from dieuhanh.indices import selectors, services, tables
from dieuhanh.indices.jobs import files_import_or_enqueue, uncertainty_enqueue
from dieuhanh.jobs.models import Job
from dieuhanh.indices.models import Dataset, Framework, Methodology, Run
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import city_code

router = Router(tags=["indices"])


class FrameworkOut(Schema):
    code: str
    name: str
    owner: str
    description: str
    source: str
    version: int
    elements: list[dict]


# A year of index data or of a run (the engine's range, inside the column's)
Year = Annotated[int, Field(ge=tables.YEAR_MIN, le=tables.YEAR_MAX)]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1)]  # numpy's seed range


class RunIn(Schema):
    dataset: column(Dataset, "code")
    methodology: column(Methodology, "code")
    year: Year
    kind: column(Run, "kind") = "pipeline"
    replications: int = Field(200, ge=10, le=5000)
    seed: Seed = 1


class MethodologyIn(Schema):
    code: column(Methodology, "code")
    name: column(Methodology, "name") = ""
    steps: dict | list  # {"steps": [...]} or the list of steps; never a string
    uncertainty: dict = {}
    note: column(Methodology, "note") = ""


class RunOut(Schema):
    id: int
    kind: str
    status: str
    year: int
    dataset: str
    methodology: str
    methodology_version: int
    started_by: str
    seconds: float | None
    error: str
    log: list[str]
    excluded_units: list[str]


def _framework_out(f: Framework) -> dict:
    return {"code": f.code, "name": f.name, "owner": f.owner.code, "description": f.description, "source": f.source, "version": f.version,
            "elements": selectors.imeta_table(f).astype(object).where(lambda d: d.notna(), None).to_dict("records")}


def _run_out(r) -> dict:
    return {"id": r.pk, "kind": r.kind, "status": r.status, "year": r.year, "dataset": r.dataset.code, "methodology": r.methodology.code,
            "methodology_version": r.methodology.version, "started_by": r.started_by_label, "seconds": r.seconds, "error": r.error,
            "log": r.log, "excluded_units": r.excluded_units}


@router.get("/indices", response={200: list[FrameworkOut], **ERRORS}, summary="Index frameworks")
def list_frameworks(request):
    return [_framework_out(f) for f in selectors.frameworks()]


@router.get("/indices/{code}", response={200: FrameworkOut, **ERRORS}, summary="One framework with its iMeta rows")
def get_framework(request, code: str):
    return _framework_out(selectors.framework_get(code))


@router.post("/indices", response={201: FrameworkOut, 202: JobOut, **ERRORS},
             summary="Import a framework (COINr iMeta; optional iData and pipeline): 201 when done, 202 with the job for large files")
def import_framework(request, code: column(Framework, "code"), name: column(Framework, "name") = "", imeta: UploadedFile = File(...),
                     idata: UploadedFile | None = File(None), pipeline: UploadedFile | None = File(None),
                     owner: column(Unit, "code") | None = None, dataset: column(Dataset, "code") = "DATA",
                     methodology: column(Methodology, "code") = "DEFAULT", year: Year | None = None, replace: bool = False):
    """The same import as the page (``services.index_files_import``): an existing framework (or data set with values
    for a year of the file) is replaced only with ``replace=true``, otherwise 409; each file is refused by its size
    before it is read; the framework, its data and its methodology are stored together or not at all. Large files
    (``DIEUHANH_IMPORT_JOB_MIN_BYTES`` / ``_MIN_ROWS``) are imported by a worker: the answer is then the job."""
    framework = files_import_or_enqueue(actor=request.auth, owner=selectors.owner_get(owner or city_code()), code=code, name=name, imeta=imeta,
                                            idata=idata, pipeline=pipeline, dataset=dataset, methodology=methodology, year=year,
                                            replace=replace)
    if isinstance(framework, Job):
        return Status(202, job_out(framework))
    return Status(201, _framework_out(framework))


@router.post("/indices/{code}/methodologies", response={201: dict, **ERRORS}, summary="Save a methodology (new version if the code exists)")
def save_methodology(request, code: str, body: MethodologyIn):
    m = services.methodology_save(actor=request.auth, framework=selectors.framework_get(code), code=body.code, name=body.name or body.code,
                                  steps=body.steps, uncertainty=body.uncertainty, note=body.note)
    return Status(201, {"code": m.code, "version": m.version, "steps": m.steps})


@router.post("/indices/{code}/runs", response={201: RunOut, 202: JobOut, **ERRORS},
             summary="Compute the index (201, the run), or queue its uncertainty analysis (202, the background job: /api/jobs/{id})")
def start_run(request, code: str, body: RunIn):
    framework = selectors.framework_get(code)
    dataset, methodology = selectors.dataset_get(framework, body.dataset), selectors.methodology_get(framework, body.methodology)
    if body.kind == "uncertainty":
        job = uncertainty_enqueue(actor=request.auth, framework=framework, dataset=dataset, methodology=methodology, year=body.year,
                                  replications=body.replications, seed=body.seed)
        return Status(202, job_out(job))
    run = services.index_run(actor=request.auth, framework=framework, dataset=dataset, methodology=methodology, year=body.year)
    return Status(201, _run_out(run))


@router.get("/indices/{code}/runs/{run_id}", response={200: RunOut, **ERRORS}, summary="A run: status, log")
def get_run(request, code: str, run_id: int):
    return _run_out(selectors.run_get(selectors.framework_get(code), run_id))


@router.get("/indices/{code}/ranking", response={200: dict, **ERRORS}, summary="Ranking with 5–95 % rank intervals (latest run by default)")
def get_ranking(request, code: str, run: column(Run, "id") | None = None):
    framework = selectors.framework_get(code)
    r = selectors.run_get(framework, run) if run else selectors.default_run(framework)
    if r is None:
        raise NotFound("no computed result yet", code="no_result")
    ranking = selectors.ranking(r)
    return {"run": r.pk, "year": r.year, "methodology": r.methodology.code, "index": ranking.top.code, "synthetic": r.dataset.synthetic or None,
            "uncertainty_run": ranking.uncertainty.pk if ranking.uncertainty else None,
            "rows": [{"uCode": x.ucode, "name": x.name, "unit": x.unit_code, "rank": x.rank, "score": x.score,
                      "pillars": dict(zip([p.code for p in ranking.pillars], x.pillars)),
                      "median_rank": x.interval.median if x.interval else None, "rank_q05": x.interval.low if x.interval else None,
                      "rank_q95": x.interval.high if x.interval else None} for x in ranking.rows]}


@router.get("/indices/{code}/units/{ucode}", response={200: dict, **ERRORS}, summary="A unit's scorecard")
def get_scorecard(request, code: str, ucode: str, run: column(Run, "id") | None = None):
    framework = selectors.framework_get(code)
    r = selectors.run_get(framework, run) if run else selectors.default_run(framework)
    if r is None:
        raise NotFound("no computed result yet", code="no_result")
    card = selectors.scorecard(r, ucode)

    def line(l):
        return {"code": l.element.code, "name": l.element.name, "kind": l.element.kind, "value": l.value, "rank": l.rank, "of": l.of,
                "peer_median": l.peer_median}

    return {"run": r.pk, "synthetic": r.dataset.synthetic or None, "uCode": card.ucode, "name": card.name, "peers": card.peers, "scores": [line(l) for l in card.lines],
            "strengths": [line(l) for l in card.strengths], "weaknesses": [line(l) for l in card.weaknesses], "trend": card.trend}


@router.get("/indices/{code}/compare", response={200: list[dict], **ERRORS}, summary="Rank shifts between two runs")
def get_compare(request, code: str, a: column(Run, "id"), b: column(Run, "id")):
    framework = selectors.framework_get(code)
    return [{"uCode": s.ucode, "name": s.name, "rank_a": s.rank_a, "rank_b": s.rank_b, "shift": s.shift, "score_a": s.score_a, "score_b": s.score_b}
            for s in selectors.compare(selectors.run_get(framework, a), selectors.run_get(framework, b))]


@router.get("/indices/{code}/runs/{run_id}/audit", response={200: dict, **ERRORS},
            summary="Statistical audit of a computed run: statistics, treatment, correlations, alpha/PCA, effective weights, sensitivity")
def get_audit(request, code: str, run_id: int):
    from dieuhanh.indices.audit import run_audit

    return run_audit(selectors.run_get(selectors.framework_get(code), run_id)).as_dict()
