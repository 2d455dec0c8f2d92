"""Indicators: the registry, targets, values per (unit, period), approval, roll-up and on-track assessment."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from dieuhanh.access.policy import require
from dieuhanh.api.fields import PeriodKey, column
from dieuhanh.api.jobs import JobOut, job_out
from dieuhanh.api.schemas import ERRORS
from dieuhanh.errors import Invalid
from dieuhanh.indicators import selectors, services
from dieuhanh.indicators.jobs import values_import_enqueue
from dieuhanh.jobs.uploads import is_large
from dieuhanh.indicators.models import Approval, Indicator, Target, Value
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_get, units_in_reach

router = Router(tags=["indicators"])


UnitCode = column(Unit, "code")
IndicatorCode = column(Indicator, "code")


class IndicatorIn(Schema):
    code: IndicatorCode = Field(..., pattern=r"^[A-Za-z][A-Za-z0-9_.]*$")
    name: column(Indicator, "name")
    name_en: column(Indicator, "name_en") = ""
    kind: str = Field(..., pattern="^(strategic|operational)$")
    owner: UnitCode = Field(..., description="unit code of the owner")
    measure: column(Indicator, "measure") = ""
    value_type: str = Field("number", pattern="^(number|percent|money_vnd|money_usd|count|rank)$")
    higher_is_better: bool | None = None
    period_type: str = Field("yearly", pattern="^(yearly|half_yearly|quarterly|monthly)$")
    aggregation: str = Field("sum", pattern="^(sum|mean|weighted_mean|min|max|none)$")
    weight_indicator: IndicatorCode | None = None
    formula: column(Indicator, "formula") = ""
    reporting_units: list[UnitCode] = []
    communes_of: UnitCode | None = None
    decimals: int = Field(1, ge=0, le=6)
    source: column(Indicator, "source") = ""
    methodology: column(Indicator, "methodology") = ""
    tasks: list[column(Indicator, "id")] = []


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    owner: str
    measure: str
    value_type: str
    higher_is_better: bool
    period_type: str
    aggregation: str
    formula: str
    source: str
    methodology: str
    version: int


class TargetIn(Schema):
    unit: UnitCode
    year: int = Field(..., ge=1900, le=2100)
    value: column(Target, "value")
    value_high: column(Target, "value_high") | None = None
    kind: str = Field("target", pattern="^(target|baseline)$")
    label: column(Target, "label") = ""
    source: column(Target, "source") = ""
    version: column(Target, "version") | None = Field(None, description="the version read; required to change a target that exists")


class TargetOut(Schema):
    unit: str
    kind: str
    year: int
    value: Decimal
    value_high: Decimal | None
    label: str
    version: int


class ValueIn(Schema):
    unit: UnitCode
    period: PeriodKey
    value: column(Value, "value") | None
    status: str = Field("final", pattern="^(estimated|provisional|final)$")
    comment: column(Value, "comment") = ""
    source: column(Value, "source") = ""
    version: int | None = Field(None, ge=0, description="the version read; required to correct an existing value, "
                                                         "left out to enter the first value")


class EntryIn(Schema):
    indicator: IndicatorCode
    value: column(Value, "value") | None
    status: str = Field("final", pattern="^(estimated|provisional|final)$")
    comment: column(Value, "comment") = ""
    source: column(Value, "source") = ""
    version: int | None = Field(None, ge=0, description="required to correct an existing value")


class ValuesIn(Schema):
    unit: UnitCode
    period: PeriodKey
    entries: list[EntryIn] = Field(..., max_length=500)
    submit: bool = Field(False, description="submit the period for approval after saving")
    approval_version: int | None = Field(None, description="the version of the period's approval read; required to submit")


class ValueOut(Schema):
    indicator: str
    unit: str
    period: str
    value: Decimal | None
    status: str
    comment: str
    source: str
    version: int


class CellOut(Schema):
    period: str
    value: float | None
    source: str
    official: bool
    reason: str | None
    reporting: int | None
    missing: int | None


class OnTrackOut(Schema):
    colour: str
    reason: str
    met: bool
    expected_share: float | None
    achieved_share: float | None
    gap: float | None
    projected: float | None
    projected_meets: bool | None
    baseline: TargetOut | None
    target: TargetOut | None


class ApprovalIn(Schema):
    unit: UnitCode
    period: PeriodKey
    version: int = Field(..., description="the version of the period's approval read (1 before any step)")
    note: column(Approval, "note") = ""


class ApprovalOut(Schema):
    unit: str
    period: str
    status: str
    note: str
    version: int


def _indicator_out(i) -> dict:
    return {**{f: getattr(i, f) for f in ("code", "name", "name_en", "kind", "measure", "value_type", "higher_is_better", "period_type",
                                           "aggregation", "formula", "source", "methodology", "version")}, "owner": i.owner.code}


def _target_out(t):
    return None if t is None else {"unit": t.unit.code, "kind": t.kind, "year": t.year, "value": t.value, "value_high": t.value_high,
                                   "label": t.label, "version": t.version}


def _value_out(v: Value) -> dict:
    return {"indicator": v.indicator.code, "unit": v.unit.code, "period": v.period, "value": v.value, "status": v.status,
            "comment": v.comment, "source": v.source, "version": v.version}


def _approval_out(a: Approval) -> dict:
    return {"unit": a.unit.code, "period": a.period, "status": a.status, "note": a.note, "version": a.version}


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS}, summary="The indicator catalogue")
def list_indicators(request, kind: str | None = None, q: str = ""):
    return [_indicator_out(i) for i in selectors.indicators_active(kind=kind, q=q[:200])]


@router.post("/indicators", response={201: IndicatorOut, **ERRORS}, summary="Register an indicator")
def create_indicator(request, body: IndicatorIn):
    data = body.dict()
    owner = unit_get(data.pop("owner"))
    data["reporting_units"] = [unit_get(c) for c in data.pop("reporting_units")]
    data["communes_of"] = unit_get(data["communes_of"]) if data["communes_of"] else None
    data["weight_indicator"] = selectors.indicator_get(data["weight_indicator"]) if data["weight_indicator"] else None
    data["tasks"] = selectors.tasks_by_ids(data.pop("tasks"))
    return Status(201, _indicator_out(services.indicator_create(actor=request.auth, owner=owner, **data)))


@router.get("/indicators/{code}", response={200: IndicatorOut, **ERRORS})
def get_indicator(request, code: str):
    return _indicator_out(selectors.indicator_get(code))


@router.get("/indicators/{code}/targets", response={200: list[TargetOut], **ERRORS})
def list_targets(request, code: str):
    return [_target_out(t) for t in selectors.targets_of(selectors.indicator_get(code))]


@router.post("/indicators/{code}/targets", response={201: TargetOut, **ERRORS}, summary="Set a target or a baseline")
def set_target(request, code: str, body: TargetIn):
    data = body.dict()
    data["expected_version"] = data.pop("version")
    target = services.target_set(actor=request.auth, indicator=selectors.indicator_get(code), unit=unit_get(data.pop("unit")), **data)
    return Status(201, _target_out(target))


@router.post("/indicators/{code}/values", response={201: ValueOut, **ERRORS}, summary="Enter or correct a value")
def set_value(request, code: str, body: ValueIn):
    data = body.dict()
    version = data.pop("version")
    value = services.value_set(actor=request.auth, indicator=selectors.indicator_get(code), unit=unit_get(data.pop("unit")),
                               expected_version=version, **data)
    return Status(201, _value_out(value))


@router.post("/indicator-data/values", response={200: list[ValueOut], **ERRORS},
             summary="Save several values of a unit and period at once (all or none), optionally submitting them")
def save_values(request, body: ValuesIn):
    saved = services.values_save(actor=request.auth, unit=unit_get(body.unit), period=body.period,
                                 entries=[e.dict() for e in body.entries], submit=body.submit,
                                 approval_version=body.approval_version)
    return [_value_out(v) for v in saved]


@router.post("/indicators/{code}/evidence", response={201: ValueOut, **ERRORS}, summary="Attach an evidence file to a value")
def add_evidence(request, code: str, unit: str, period: str, version: int, file: File[UploadedFile]):
    value = services.value_attach_evidence(actor=request.auth, indicator=selectors.indicator_get(code), unit=unit_get(unit),
                                           period=period, filename=file.name or "", content=file.read(), expected_version=version)
    return Status(201, _value_out(value))


@router.get("/indicators/{code}/series", response={200: list[CellOut], **ERRORS}, summary="Values over time for a unit")
def get_series(request, code: str, unit: str, official: bool = False):
    u = unit_get(unit)
    if not official:
        require(request.auth, "unit_data_view", u)
    return [{"period": p, **c.__dict__} for p, c in selectors.series(selectors.indicator_get(code), u, official_only=official)]


@router.get("/indicators/{code}/on-track", response={200: OnTrackOut, **ERRORS}, summary="On-track assessment for a unit")
def get_on_track(request, code: str, unit: str):
    a, base, goal = selectors.on_track(selectors.indicator_get(code), unit_get(unit), official_only=True)
    return {"colour": a.colour.value, "reason": a.reason, "met": a.met, "expected_share": a.expected_share, "achieved_share": a.achieved_share,
            "gap": a.gap, "projected": a.projected, "projected_meets": a.projected_meets, "baseline": _target_out(base), "target": _target_out(goal)}


def _approval_action(request, body: ApprovalIn, fn, **extra):
    return _approval_out(fn(actor=request.auth, unit=unit_get(body.unit), period=body.period, expected_version=body.version, **extra))


@router.post("/indicator-data/submit", response={200: ApprovalOut, **ERRORS}, summary="Submit a unit's data for a period")
def submit(request, body: ApprovalIn):
    return _approval_action(request, body, services.values_submit)


@router.post("/indicator-data/approve", response={200: ApprovalOut, **ERRORS}, summary="Approve (lock) a unit's data for a period")
def approve(request, body: ApprovalIn):
    return _approval_action(request, body, services.values_approve)


@router.post("/indicator-data/return", response={200: ApprovalOut, **ERRORS}, summary="Return submitted data to the unit")
def return_(request, body: ApprovalIn):
    return _approval_action(request, body, services.values_return, note=body.note)


@router.post("/indicator-data/unapprove", response={200: ApprovalOut, **ERRORS}, summary="Unapprove with a reason")
def unapprove(request, body: ApprovalIn):
    return _approval_action(request, body, services.values_unapprove, reason=body.note)


@router.post("/indicator-data/import", response={200: dict, 202: JobOut, **ERRORS},
             summary="Import a values sheet (all rows or none): 200 when done, 202 with the background job for a large file")
def import_values(request, file: File[UploadedFile], unit: str | None = None, period: str | None = None):
    """A large sheet (``DIEUHANH_IMPORT_JOB_MIN_BYTES`` / ``_MIN_ROWS``) is imported by a worker: the answer is the
    job (``/api/jobs/{id}``), whose ``result`` holds the count, or the row-by-row report when the sheet is refused."""
    if file.size > 20 * 1024 * 1024:
        raise Invalid("the file is too large", code="file_too_large", details=[{"field": "file", "code": "file_too_large"}])
    content = file.read()
    if is_large(content):
        job = values_import_enqueue(actor=request.auth, content=content, name=file.name or "", unit=unit_get(unit) if unit else None,
                                    expected_period=period)
        return Status(202, job_out(job))
    saved = services.values_import(actor=request.auth, content=content, expected_unit=unit, expected_period=period)
    return {"saved": saved}


@router.get("/indicator-data/due", response={200: list[dict], **ERRORS}, summary="Due and missing values of a reporting round")
def due(request, period: str, unit: str | None = None):
    """``period`` is read by the one period parser: empty, ``null`` or malformed → 400 ``invalid_period``."""
    if unit:
        u = unit_get(unit)
        require(request.auth, "unit_data_view", u)
        units = selectors.units_within(u)
    else:
        units = units_in_reach(request.auth)
    return [{"indicator": d.indicator.code, "unit": d.unit.code, "period": d.period, "entered": d.value is not None,
             "value": None if d.value is None or d.value.value is None else float(d.value.value), "approval": d.approval}
            for d in selectors.due_and_missing(period=period, units=units)]


@router.get("/indicator-data/history", response={200: list[dict], **ERRORS}, summary="Changes to one value")
def value_history(request, indicator: str, unit: str, period: str):
    from dieuhanh.audit.selectors import history_for

    u = unit_get(unit)
    require(request.auth, "unit_history_view", u)
    value = selectors.value_find(indicator, u, period)
    if value is None:
        return []
    return [{"at": e.at.isoformat(), "actor": e.actor_label, "changes": e.changes} for e in history_for(actor=request.auth, object_type="indicator_value", object_id=str(value.pk), unit=u)]
