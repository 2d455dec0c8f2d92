"""Plans, tasks, progress reports, evidence, extensions, explanations and official statistics.

Handlers only shape requests and responses: the reads are the selectors and the writes the services that the
pages use too. Request fields that fill a column take their limits from it (``column``); errors become
responses in the API's one exception handler."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.responses import NinjaJSONEncoder
from ninja.files import UploadedFile

from dieuhanh.api.fields import Day, Limit, Offset, PeriodKey, column
from dieuhanh.api.schemas import ERRORS
from dieuhanh.plans import facts, selectors, services
from dieuhanh.plans.models import (
    DeadlineChange,
    ExplanationRequest,
    Plan,
    ProgressReport,
    Tag,
    Task,
    TaskGroup,
    TaskStateChange,
)
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_get

router = Router(tags=["plans and tasks"])

UnitCode = column(Unit, "code")
TagName = column(Tag, "name")
GroupNumber = Annotated[column(TaskGroup, "number"), Field(ge=1)]
Weight = Annotated[column(Task, "weight"), Field(ge=0)]
Budget = Annotated[column(Task, "budget_planned"), Field(ge=0)]
Disbursed = Annotated[column(Task, "budget_disbursed"), Field(ge=0)]
Allocated = Annotated[column(Task, "budget_allocated"), Field(ge=0)]
Source = Annotated[column(Task, "funding_source"), Field(description="city, central, commune, socialised, oda, other or empty")]
Percent = Annotated[column(ProgressReport, "percent"), Field(ge=0, le=100)]
FREQUENCY = "^(monthly|quarterly|half_yearly)$"
ROLLUP = "^(weighted|mean)$"


class PlanIn(Schema):
    number: column(Plan, "number")
    title: column(Plan, "title")
    issuer_code: UnitCode
    issued_on: column(Plan, "issued_on")
    period_start: column(Plan, "period_start")
    period_end: column(Plan, "period_end")
    reporting_frequency: str = Field("monthly", pattern=FREQUENCY)
    rollup_rule: str = Field("weighted", pattern=ROLLUP)
    warning_rule: dict | None = None


class PlanPatch(Schema):
    """The plan's settings; ``warning_rule`` holds ``green_gap``, ``red_gap`` (percentage points behind the
    time-elapsed expectation) and ``due_soon_days``."""

    model_config = {"extra": "forbid"}

    version: int
    title: column(Plan, "title") | None = None
    reporting_frequency: str | None = Field(None, pattern=FREQUENCY)
    rollup_rule: str | None = Field(None, pattern=ROLLUP)
    warning_rule: dict | None = None


class PlanOut(Schema):
    id: int
    number: str
    title: str
    issuer_code: str = Field(..., alias="issuer.code")
    issued_on: dt.date
    period_start: dt.date
    period_end: dt.date
    reporting_frequency: str
    rollup_rule: str
    warning_rule: dict
    version: int


class GroupIn(Schema):
    number: GroupNumber
    title: column(TaskGroup, "title")


class GroupOut(Schema):
    id: int
    number: int
    title: str


class TaskIn(Schema):
    group: GroupNumber = Field(..., description="group number in the plan")
    code: column(Task, "code")
    title: column(Task, "title")
    lead_unit: UnitCode = Field(..., description="unit code of the lead unit (chủ trì)")
    coordinating_units: list[UnitCode] = []
    parent_code: column(Task, "code") | None = None
    product: column(Task, "product") = ""
    description: column(Task, "description") = ""
    start_date: column(Task, "start_date") | None = None
    deadline: column(Task, "deadline") | None = None
    deadline_text: column(Task, "deadline_text") = ""
    phase: column(Task, "phase") = ""
    key: bool = False
    budget_planned: Budget | None = None
    budget_allocated: Allocated | None = None
    budget_disbursed: Disbursed | None = None
    funding_source: Source = ""
    weight: Weight | None = None
    tags: list[TagName] = []


class TaskPatch(Schema):
    """Editable fields only: an unknown field (the deadline, say) is refused, not ignored."""

    model_config = {"extra": "forbid"}

    version: int
    title: column(Task, "title") | None = None
    description: column(Task, "description") | None = None
    product: column(Task, "product") | None = None
    lead_unit: UnitCode | None = None
    coordinating_units: list[UnitCode] | None = None
    start_date: column(Task, "start_date") | None = None
    key: bool | None = None
    budget_planned: Budget | None = None
    budget_allocated: Allocated | None = None
    budget_disbursed: Disbursed | None = None
    funding_source: Source | None = None
    weight: Weight | None = None
    tags: list[TagName] | None = None


class StateIn(Schema):
    state: str = Field(..., pattern="^(open|paused|cancelled)$")
    note: column(TaskStateChange, "note") = ""
    version: int


class TaskOut(Schema):
    id: int
    plan: str
    group: int
    code: str
    parent_code: str | None = None
    title: str
    lead_unit: str
    coordinating_units: list[str]
    product: str
    start_date: dt.date | None
    original_deadline: dt.date | None
    deadline: dt.date | None
    deadline_text: str
    key: bool
    budget_planned: Decimal | None
    budget_allocated: Decimal | None
    budget_disbursed: Decimal | None
    funding_source: str
    state: str
    progress: Decimal
    status: str
    official: str
    colour: str
    version: int


class TaskPage(Schema):
    as_of: dt.date
    count: int
    items: list[TaskOut]


class ReportIn(Schema):
    period: PeriodKey = Field(..., description="2026-06, 2026-Q2 or 2026-H1")
    percent: Percent
    done: column(ProgressReport, "done") = ""
    difficulties: column(ProgressReport, "difficulties") = ""
    proposals: column(ProgressReport, "proposals") = ""
    completed: bool = False
    completed_on: column(ProgressReport, "completed_on") | None = None
    submit: bool = False
    version: int | None = Field(None, description="the version read; required to change an existing report")


class ReviewIn(Schema):
    version: int
    comment: column(ProgressReport, "review_comment") = ""


class EvidenceOut(Schema):
    id: int
    filename: str
    kind: str
    size: int
    sha256: str


class ReportOut(Schema):
    id: int
    task_code: str = Field(..., alias="task.code")
    period: str
    period_end: dt.date
    percent: Decimal
    completed: bool
    completed_on: dt.date | None
    done: str
    difficulties: str
    proposals: str
    status: str
    review_comment: str
    version: int
    evidence: list[EvidenceOut]


class ExtensionIn(Schema):
    new_deadline: column(DeadlineChange, "new_deadline")
    reason: column(DeadlineChange, "reason")


class DecisionIn(Schema):
    approve: bool
    note: column(DeadlineChange, "decision_note") = ""


class ExtensionOut(Schema):
    id: int
    task_code: str = Field(..., alias="task.code")
    old_deadline: dt.date | None
    new_deadline: dt.date
    reason: str
    status: str
    effective_on: dt.date | None
    decision_note: str


class ExplanationIn(Schema):
    message: column(ExplanationRequest, "message")
    due_on: column(ExplanationRequest, "due_on") | None = None


class AnswerIn(Schema):
    response: column(ExplanationRequest, "response")


class ExplanationOut(Schema):
    id: int
    task_code: str = Field(..., alias="task.code")
    message: str
    due_on: dt.date | None
    response: str
    responded_at: dt.datetime | None


class StatRowOut(Schema):
    key: str
    label: str
    total: int
    counts: dict[str, int]
    task_ids: dict[str, list[int]] | None = Field(None, description="each cell's task ids, only with `ids=true`")


class StatisticsOut(Schema):
    as_of: dt.date
    by: str
    total: StatRowOut
    rows: list[StatRowOut]


def _tasks_out(actor, views) -> list[dict]:
    """Tasks as the API shows them to ``actor``: a parent out of the actor's sight is not named (as if missing)."""
    views = list(views)
    parents = selectors.visible_parent_codes(actor, [v.task for v in views])
    return [_task_out(v, parents) for v in views]


def _task_out(view, parents: dict[int, str | None]) -> dict:
    t = view.task
    return {
        "id": t.pk, "plan": t.plan.number, "group": t.group.number, "code": t.code, "parent_code": parents.get(t.pk),
        "title": t.title, "lead_unit": t.lead_unit.code, "coordinating_units": [u.code for u in selectors.coordinating_units(t)],
        "product": t.product, "start_date": t.start_date, "original_deadline": t.original_deadline, "deadline": t.deadline,
        "deadline_text": t.deadline_text, "key": t.key, "budget_planned": t.budget_planned,
        "budget_allocated": t.budget_allocated, "budget_disbursed": t.budget_disbursed, "funding_source": t.funding_source,
        "state": t.state, "progress": t.progress, "status": view.as_of.status.value, "official": view.official.value,
        "colour": view.colour.value, "version": t.version,
    }


def _units(codes):
    return [unit_get(c) for c in codes]


@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="Plans I can see")
def list_plans(request):
    return list(selectors.plans_visible(request.auth))


@router.post("/plans", response={201: PlanOut, **ERRORS}, summary="Create a plan")
def create_plan(request, body: PlanIn):
    data = body.dict()
    issuer = unit_get(data.pop("issuer_code"))
    return Status(201, services.plan_create(actor=request.auth, issuer=issuer, **data))


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="One plan (by id or document number)")
def get_plan(request, plan_id: str):
    return selectors.plan_get(request.auth, plan_id)


@router.patch("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="Change a plan's settings (warning thresholds, roll-up rule…)")
def patch_plan(request, plan_id: str, body: PlanPatch):
    plan = selectors.plan_get(request.auth, plan_id)
    data = body.dict(exclude_unset=True)
    version = data.pop("version")
    return services.plan_update(actor=request.auth, plan=plan, expected_version=version, **data)


@router.get("/plans/{plan_id}/groups", response={200: list[GroupOut], **ERRORS})
def list_groups(request, plan_id: str):
    return selectors.plan_groups(request.auth, plan_id)


@router.post("/plans/{plan_id}/groups", response={201: GroupOut, **ERRORS})
def create_group(request, plan_id: str, body: GroupIn):
    plan = selectors.plan_get(request.auth, plan_id)
    return Status(201, services.group_create(actor=request.auth, plan=plan, number=body.number, title=body.title))


@router.post("/plans/{plan_id}/tasks", response={201: TaskOut, **ERRORS}, summary="Create a task")
def create_task(request, plan_id: str, body: TaskIn):
    plan = selectors.plan_get(request.auth, plan_id)
    data = body.dict(exclude={"group", "parent_code", "lead_unit", "coordinating_units"})
    task = services.task_create(actor=request.auth, plan=plan, group_number=body.group, parent_code=body.parent_code,
                                lead_unit=unit_get(body.lead_unit), coordinating_units=_units(body.coordinating_units), **data)
    return Status(201, _tasks_out(request.auth, selectors.task_views([task]))[0])


@router.get("/tasks", response={200: TaskPage, **ERRORS}, summary="Tasks I can see, filtered, with status as of a date")
def list_tasks(request, plan: str | None = None, group: column(TaskGroup, "number") | None = None, unit: str | None = None,
               involving: str | None = None, official: str | None = None, colour: str | None = None, key: bool | None = None,
               deadline_from: Day | None = None, deadline_to: Day | None = None, q: str = "", tag: str | None = None,
               as_of: Day | None = None, limit: Limit = 100, offset: Offset = 0):
    day = as_of or timezone.localdate()
    f = selectors.TaskFilter(plan=selectors.plan_get(request.auth, plan) if plan else None, group=group, unit=unit, involving=involving,
                             official=official, colour=colour, key=key, deadline_from=deadline_from, deadline_to=deadline_to, q=q, tag=tag)

    def body() -> str:
        views = selectors.task_list(request.auth, f, day)
        page = TaskPage.model_validate({"as_of": day, "count": len(views), "items": _tasks_out(request.auth, views[offset:offset + limit])})
        return json.dumps(page.model_dump(), cls=NinjaJSONEncoder)

    # The page's JSON is kept until the tasks change, for this reach, filter and slice (``plans.facts.cached``).
    key = (selectors.reach_key(request.auth), selectors.filter_key(f), offset, limit)
    return HttpResponse(facts.cached("api_tasks", key, (day,), body), content_type="application/json; charset=utf-8")


@router.get("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, summary="One task with its status as of a date")
def get_task(request, task_id: int, as_of: Day | None = None):
    return _tasks_out(request.auth, selectors.task_views([selectors.task_get(request.auth, task_id)], as_of))[0]


@router.patch("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, summary="Edit a task (not its deadline: request an extension)")
def patch_task(request, task_id: int, body: TaskPatch):
    task = selectors.task_get(request.auth, task_id)
    data = body.dict(exclude_unset=True)
    version = data.pop("version")
    if "lead_unit" in data:
        data["lead_unit"] = unit_get(data["lead_unit"])
    coordinating = _units(data.pop("coordinating_units")) if "coordinating_units" in data else None
    task = services.task_update(actor=request.auth, task=task, expected_version=version, coordinating_units=coordinating, **data)
    return _tasks_out(request.auth, selectors.task_views([task]))[0]


@router.post("/tasks/{task_id}/state", response={200: TaskOut, **ERRORS}, summary="Pause, cancel or reopen a task")
def set_state(request, task_id: int, body: StateIn):
    task = services.task_set_state(actor=request.auth, task=selectors.task_get(request.auth, task_id), state=body.state,
                                   note=body.note, expected_version=body.version)
    return _tasks_out(request.auth, selectors.task_views([task]))[0]


@router.get("/tasks/{task_id}/reports", response={200: list[ReportOut], **ERRORS})
def list_reports(request, task_id: int):
    return selectors.task_reports(request.auth, task_id)


@router.post("/tasks/{task_id}/reports", response={201: ReportOut, **ERRORS}, summary="Save or submit the report of a period")
def save_report(request, task_id: int, body: ReportIn):
    data = body.dict()
    version = data.pop("version")
    report = services.report_save(actor=request.auth, task=selectors.task_get(request.auth, task_id), expected_version=version, **data)
    return Status(201, report)


@router.post("/reports/{report_id}/approve", response={200: ReportOut, **ERRORS})
def approve_report(request, report_id: int, body: ReviewIn):
    return services.report_approve(actor=request.auth, report=selectors.report_get(request.auth, report_id),
                                   expected_version=body.version, comment=body.comment)


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ERRORS})
def return_report(request, report_id: int, body: ReviewIn):
    return services.report_return(actor=request.auth, report=selectors.report_get(request.auth, report_id),
                                  expected_version=body.version, comment=body.comment)


@router.post("/reports/{report_id}/evidence", response={201: EvidenceOut, **ERRORS}, summary="Attach an evidence file")
def add_evidence(request, report_id: int, file: File[UploadedFile]):
    report = selectors.report_get(request.auth, report_id)
    return Status(201, services.evidence_add(actor=request.auth, report=report, filename=file.name, content=file.read()))


@router.get("/evidence/{evidence_id}", response={200: None, **ERRORS}, summary="Download an evidence file")
def download_evidence(request, evidence_id: int):
    evidence = selectors.evidence_get(request.auth, evidence_id)
    return FileResponse(selectors.evidence_path(evidence).open("rb"), as_attachment=True, filename=evidence.filename,
                        content_type=evidence.content_type)


@router.post("/tasks/{task_id}/extensions", response={201: ExtensionOut, **ERRORS}, summary="Request a later deadline")
def request_extension(request, task_id: int, body: ExtensionIn):
    task = selectors.task_get(request.auth, task_id)
    return Status(201, services.extension_request(actor=request.auth, task=task, new_deadline=body.new_deadline, reason=body.reason))


@router.post("/extensions/{change_id}/decide", response={200: ExtensionOut, **ERRORS}, summary="Approve or reject an extension")
def decide_extension(request, change_id: int, body: DecisionIn):
    change = selectors.extension_get(request.auth, change_id)
    return services.extension_decide(actor=request.auth, change=change, approve=body.approve, note=body.note)


@router.post("/tasks/{task_id}/explanations", response={201: ExplanationOut, **ERRORS}, summary="Request an explanation (giải trình)")
def request_explanation(request, task_id: int, body: ExplanationIn):
    task = selectors.task_get(request.auth, task_id)
    return Status(201, services.explanation_request(actor=request.auth, task=task, message=body.message, due_on=body.due_on))


@router.post("/explanations/{explanation_id}/answer", response={200: ExplanationOut, **ERRORS})
def answer_explanation(request, explanation_id: int, body: AnswerIn):
    explanation = selectors.explanation_get(request.auth, explanation_id)
    return services.explanation_answer(actor=request.auth, explanation=explanation, response=body.response)


@router.get("/plans/{plan_id}/statistics", response={200: StatisticsOut, **ERRORS}, summary="The official split as of a date")
def plan_statistics(request, plan_id: str, by: str = Query("group", pattern="^(group|unit|key)$"), as_of: Day | None = None,
                    ids: bool = Query(False, description="also list each cell's task ids (`task_ids`): at city scale tens of "
                                                         "thousands of numbers, so only when asked; without it `task_ids` is null")):
    plan: Plan = selectors.plan_get(request.auth, plan_id)
    day = as_of or timezone.localdate()
    total, rows = selectors.statistics(selectors.task_queryset(request.auth, selectors.TaskFilter(plan=plan)), by, day, ids=ids)

    def out(r):
        return {"key": r.key, "label": r.label, "total": r.total, "counts": r.counts, "task_ids": r.task_ids if ids else None}

    return {"as_of": day, "by": by, "total": out(total), "rows": [out(r) for r in rows]}
