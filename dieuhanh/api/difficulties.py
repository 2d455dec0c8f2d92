"""The difficulties and proposals register (khó khăn, vướng mắc, đề xuất): list with filters, one item, raise
(directly or from a progress report), assign, answer, close, and the summary the cockpit shows.

Handlers only shape requests and responses: the reads are the selectors and the writes the services that the
pages use too."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from dieuhanh.api.fields import Day, Limit, Offset, column
from dieuhanh.api.schemas import ERRORS
from dieuhanh.difficulties import selectors, services
from dieuhanh.difficulties.models import Difficulty
from dieuhanh.indicators.models import Indicator
from dieuhanh.plans import selectors as plan_selectors
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_get

router = Router(tags=["difficulties and proposals"])

UnitCode = column(Unit, "code")
CATEGORY = "^(" + "|".join(selectors.CATEGORIES) + ")$"
OUTCOME = "^(resolved|not_resolved|escalated)$"


class ItemIn(Schema):
    category: str = Field(..., pattern=CATEGORY)
    content: column(Difficulty, "content")
    proposal: column(Difficulty, "proposal") = ""
    addressed_to: UnitCode = Field(..., description="unit code of the body it is addressed to")


class DifficultyIn(ItemIn):
    unit: UnitCode = Field(..., description="unit code of the raising unit")
    task_id: int | None = None
    indicator: column(Indicator, "code") | None = None


class FromReportIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1, max_length=50)


class AssignIn(Schema):
    version: int
    handling_unit: UnitCode
    deadline: Day
    note: column(Difficulty, "assignment_note") = ""


class AnswerIn(Schema):
    version: int
    answer: column(Difficulty, "answer")


class CloseIn(Schema):
    version: int
    outcome: str = Field(..., pattern=OUTCOME)
    note: column(Difficulty, "closing_note") = ""


class DifficultyOut(Schema):
    id: int
    unit: str
    category: str
    content: str
    proposal: str
    addressed_to: str
    task_id: int | None
    task_code: str | None
    indicator: str | None
    report_id: int | None
    status: str
    raised_on: dt.date
    handling_unit: str | None
    deadline: dt.date | None
    assignment_note: str
    answer: str
    answered_on: dt.date | None
    outcome: str
    closing_note: str
    closed_on: dt.date | None
    age_days: int
    days_past_deadline: int
    overdue: bool
    synthetic: bool
    version: int


class DifficultyPage(Schema):
    as_of: dt.date
    count: int
    items: list[DifficultyOut]


def _out(v: selectors.ItemView) -> dict:
    d = v.item
    return {
        "id": d.pk, "unit": d.unit.code, "category": d.category, "content": d.content, "proposal": d.proposal,
        "addressed_to": d.addressed_to.code, "task_id": d.task_id, "task_code": d.task.code if d.task_id else None,
        "indicator": d.indicator.code if d.indicator_id else None, "report_id": d.report_id, "status": d.status,
        "raised_on": d.raised_on, "handling_unit": d.handling_unit.code if d.handling_unit_id else None, "deadline": d.deadline,
        "assignment_note": d.assignment_note, "answer": d.answer, "answered_on": d.answered_on, "outcome": d.outcome,
        "closing_note": d.closing_note, "closed_on": d.closed_on, "age_days": v.age_days, "days_past_deadline": v.days_past_deadline,
        "overdue": v.overdue, "synthetic": d.synthetic, "version": d.version,
    }


def _one(request, item) -> dict:
    return _out(selectors.difficulty_view(request.auth, item.pk))


@router.get("/difficulties", response={200: DifficultyPage, **ERRORS}, summary="The register, filtered (newest first)")
def list_difficulties(request, category: str | None = None, status: str | None = None, unit: str | None = None,
                      addressed: str | None = None, handling: str | None = None, age: str | None = None, overdue: bool = False,
                      task: int | None = None, q: str = "", limit: Limit = 100, offset: Offset = 0):
    """``status`` is a status or ``open``; ``unit``, ``addressed`` and ``handling`` are unit codes (that unit and
    the units below it); ``age`` is ``le_30``, ``31_90`` or ``gt_90`` (days since raised, to the closing day)."""
    day = timezone.localdate()
    f = selectors.RegisterFilter(category=category, status=status, unit=unit, addressed=addressed, handling=handling, age=age,
                                 overdue=overdue, task=task, q=q[:200])
    qs = selectors.register_queryset(request.auth, f, day)
    return {"as_of": day, "count": qs.count(), "items": [_out(v) for v in selectors.register_views(qs[offset:offset + limit], day)]}


@router.get("/difficulties/summary", response={200: selectors.RegisterSummary, **ERRORS},
            summary="Counts by status, category, age of the open items; overdue to handle")
def summary(request, unit: str | None = None, as_of: Day | None = None):
    """The items the caller sees (only those raised by, addressed to or handled by ``unit`` and the units below it,
    when given) as of ``as_of`` (default today)."""
    return selectors.register_summary(request.auth, unit=unit_get(unit) if unit else None, day=as_of)


@router.get("/difficulties/{difficulty_id}", response={200: DifficultyOut, **ERRORS}, summary="One item with its ageing")
def get_difficulty(request, difficulty_id: int):
    return _out(selectors.difficulty_view(request.auth, difficulty_id))


@router.post("/difficulties", response={201: DifficultyOut, **ERRORS}, summary="Raise a difficulty for a unit")
def create_difficulty(request, body: DifficultyIn):
    item = services.difficulty_raise(
        actor=request.auth, unit=unit_get(body.unit), category=body.category, content=body.content, proposal=body.proposal,
        addressed_to=unit_get(body.addressed_to), task=plan_selectors.task_get(request.auth, body.task_id) if body.task_id else None,
        indicator=selectors.indicator_for_item(body.indicator) if body.indicator else None)
    return Status(201, _one(request, item))


@router.post("/reports/{report_id}/difficulties", response={201: list[DifficultyOut], **ERRORS},
             summary="Raise items from a progress report (its lead unit, linked to its task)")
def create_from_report(request, report_id: int, body: FromReportIn):
    report = plan_selectors.report_get(request.auth, report_id)
    items = [{**i.dict(), "addressed_to": unit_get(i.addressed_to)} for i in body.items]
    created = services.difficulties_raise_from_report(actor=request.auth, report=report, items=items)
    return Status(201, [_one(request, item) for item in created])


@router.post("/difficulties/{difficulty_id}/assign", response={200: DifficultyOut, **ERRORS}, summary="Assign a handling unit and deadline")
def assign(request, difficulty_id: int, body: AssignIn):
    item = services.difficulty_assign(actor=request.auth, difficulty=selectors.difficulty_get(request.auth, difficulty_id),
                                      expected_version=body.version, handling_unit=unit_get(body.handling_unit), deadline=body.deadline,
                                      note=body.note)
    return _one(request, item)


@router.post("/difficulties/{difficulty_id}/answer", response={200: DifficultyOut, **ERRORS}, summary="Answer (the handling unit)")
def answer(request, difficulty_id: int, body: AnswerIn):
    item = services.difficulty_answer(actor=request.auth, difficulty=selectors.difficulty_get(request.auth, difficulty_id),
                                      expected_version=body.version, answer=body.answer)
    return _one(request, item)


@router.post("/difficulties/{difficulty_id}/close", response={200: DifficultyOut, **ERRORS}, summary="Close with the outcome")
def close(request, difficulty_id: int, body: CloseIn):
    item = services.difficulty_close(actor=request.auth, difficulty=selectors.difficulty_get(request.auth, difficulty_id),
                                     expected_version=body.version, outcome=body.outcome, note=body.note)
    return _one(request, item)
