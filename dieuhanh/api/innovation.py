"""Calls for solutions (ordered problems, support programmes): the officials' endpoints (``/api/calls…``,
``/api/proposals…``), the proposers' own (``/api/de-xuat/…``, the only part of the API their accounts reach) and
the public read of published calls (``/api/public/calls…``, no sign-in, no person's data).

Handlers only shape requests and responses: the reads are the selectors and the writes the services the pages use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema, Status

from dieuhanh.accounts.models import User
from dieuhanh.api.fields import Day, column
from dieuhanh.api.schemas import ERRORS
from dieuhanh.errors import Invalid, NotFound, detail
from dieuhanh.innovation import feed, selectors, services
from dieuhanh.innovation.models import Call, Criterion, Kind, Proposal, Stage
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_get

router = Router(tags=["calls for solutions (ordered problems, support programmes)"])

KIND = "^(" + "|".join(Kind.values) + ")$"
MOVE = "^(published|closed|evaluation|contracted)$"


class CriterionIn(Schema):
    name: column(Criterion, "name")
    weight: int = Field(..., ge=1, le=100)


class CallIn(Schema):
    owner: column(Unit, "code")
    kind: str = Field("problem", pattern=KIND)
    title: column(Call, "title")
    field: column(Call, "field") = "other"
    need: column(Call, "need")
    expected_results: column(Call, "expected_results") = ""
    success_measures: column(Call, "success_measures") = ""
    budget: column(Call, "budget") | None = None
    eligibility: column(Call, "eligibility") = ""
    rules: column(Call, "rules") = ""
    opens_on: Day | None = None
    closes_on: Day | None = None
    evaluation_by: Day | None = None
    blind: bool = False
    criteria: list[CriterionIn] = Field(..., min_length=1, max_length=30)


class CriterionOut(Schema):
    id: int
    name: str
    weight: int


class CallOut(Schema):
    id: int
    kind: str
    owner: str
    title: str
    field: str
    need: str
    expected_results: str
    success_measures: str
    budget: Decimal | None
    eligibility: str
    rules: str
    opens_on: dt.date | None
    closes_on: dt.date | None
    evaluation_by: dt.date | None
    blind: bool
    stage: str
    criteria: list[CriterionOut]
    decided_on: dt.date | None
    decision_reasons: str
    acceptance_on: dt.date | None
    acceptance_note: str
    synthetic: bool
    version: int


def _call(c: Call) -> dict:
    return {"id": c.pk, "kind": c.kind, "owner": c.owner.code, "title": c.title, "field": c.field, "need": c.need,
            "expected_results": c.expected_results, "success_measures": c.success_measures, "budget": c.budget,
            "eligibility": c.eligibility, "rules": c.rules, "opens_on": c.opens_on, "closes_on": c.closes_on,
            "evaluation_by": c.evaluation_by, "blind": c.blind, "stage": c.stage,
            "criteria": [{"id": k.pk, "name": k.name, "weight": k.weight} for k in c.criteria.all()], "decided_on": c.decided_on,
            "decision_reasons": c.decision_reasons, "acceptance_on": c.acceptance_on, "acceptance_note": c.acceptance_note,
            "synthetic": c.synthetic, "version": c.version}


class Version(Schema):
    version: int


class MoveIn(Version):
    to: str = Field(..., pattern=MOVE)


class CouncilIn(Version):
    members: list[column(User, "username")] = Field(..., min_length=1, max_length=50)


class DecisionIn(Version):
    selected: list[int] = Field(..., min_length=1, max_length=1000)
    minutes: column(Call, "minutes")
    reasons: column(Call, "decision_reasons")
    answer: column(Proposal, "answer") = ""
    amounts: dict[int, column(Proposal, "amount_decided")] = Field(default_factory=dict)


class AcceptIn(Version):
    passed: bool
    note: column(Call, "acceptance_note")


class AdoptionIn(Version):
    unit: column(Unit, "code")
    since: Day
    result: str = Field("", max_length=5000)


class MilestoneIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    due_on: Day
    task_id: int | None = None


class RowOut(Schema):
    id: int
    title: str
    proposer: str | None
    status: str
    submitted_on: dt.date
    evaluations_done: int
    evaluations_expected: int
    score: Decimal | None
    rank: int | None


class ProposalOut(Schema):
    id: int
    call_id: int
    title: str
    summary: str
    description: str
    team: str | None
    budget: Decimal | None
    timeline: str
    status: str
    submitted_on: dt.date
    proposer: str | None
    answer: str
    amount_decided: Decimal | None
    amount_contracted: Decimal | None
    amount_disbursed: Decimal | None
    result: str
    version: int


def _proposal(p: Proposal, *, shown: bool = True) -> dict:
    return {"id": p.pk, "call_id": p.call_id, "title": p.title, "summary": p.summary, "description": p.description,
            "team": p.team if shown else None, "budget": p.budget, "timeline": p.timeline, "status": p.status, "submitted_on": p.submitted_on,
            "proposer": p.proposer.name if shown else None, "answer": p.answer, "amount_decided": p.amount_decided,
            "amount_contracted": p.amount_contracted, "amount_disbursed": p.amount_disbursed, "result": p.result, "version": p.version}


class ScoresIn(Schema):
    scores: dict[int, int] = Field(..., description="criterion id → score 0–10")
    comment: str = Field("", max_length=5000)


class ConflictIn(Schema):
    note: str = Field("", max_length=5000)


class AmountsIn(Version):
    contracted: column(Proposal, "amount_contracted") | None = None
    disbursed: column(Proposal, "amount_disbursed") | None = None
    result: column(Proposal, "result") | None = None


class FiguresOut(Schema):
    total: int
    solved: int
    in_use: int
    by_stage: dict[str, int]
    by_unit: dict[str, int]
    by_field: dict[str, int]
    by_year: dict[int, int]


# ---------------------------------------------------------------- officials

@router.get("/calls", response={200: list[CallOut], **ERRORS}, summary="Calls the caller sees (ordered problems and support programmes)")
def list_calls(request, stage: str | None = None, support: bool | None = None):
    return [_call(c) for c in selectors.calls_visible(request.auth, stage=stage if stage in Stage.values else None, support=support)
            .order_by("-created_on", "-id").prefetch_related("criteria")]


@router.get("/calls/figures", response={200: FiguresOut, **ERRORS}, summary="Counts by stage, owner unit, field and year")
def figures(request, support: bool | None = None):
    f = selectors.figures(request.auth, support=support)
    return {"total": f.total, "solved": f.solved, "in_use": f.in_use, "by_stage": {s: n for s, _l, n in f.by_stage},
            "by_unit": dict(f.by_unit), "by_field": {k: n for k, _l, n in f.by_field}, "by_year": dict(f.by_year)}


@router.get("/calls/{call_id}", response={200: CallOut, **ERRORS}, summary="One call")
def get_call(request, call_id: int):
    return _call(selectors.call_get(request.auth, call_id))


@router.post("/calls", response={201: CallOut, **ERRORS}, summary="Create a draft call with its criteria (weights sum to 100)")
def create_call(request, body: CallIn):
    data = body.dict()
    owner, criteria = unit_get(data.pop("owner")), [(c["name"], c["weight"]) for c in data.pop("criteria")]
    return Status(201, _call(services.call_create(actor=request.auth, owner=owner, criteria=criteria, **data)))


@router.post("/calls/{call_id}/move", response={200: CallOut, **ERRORS}, summary="Publish, close the proposals, start the evaluation, record the contract")
def move(request, call_id: int, body: MoveIn):
    call = services.call_move(actor=request.auth, call=selectors.call_get(request.auth, call_id), expected_version=body.version, to=body.to)
    return _call(call)


@router.post("/calls/{call_id}/council", response={200: CallOut, **ERRORS}, summary="Name the council (usernames of officials)")
def council(request, call_id: int, body: CouncilIn):
    call = selectors.call_get(request.auth, call_id)
    members = list(User.objects.filter(username__in=body.members))
    if len(members) != len(set(body.members)):
        raise Invalid("unknown member", details=[detail("members", "member_not_official")])
    return _call(services.council_set(actor=request.auth, call=call, expected_version=body.version, members=members))


@router.post("/calls/{call_id}/decision", response={200: CallOut, **ERRORS}, summary="Minutes, selection with reasons, answers to every proposer")
def decide(request, call_id: int, body: DecisionIn):
    call = selectors.call_get(request.auth, call_id)
    answers = {p.pk: body.answer for p in selectors.call_proposals(call)} if body.answer else None
    return _call(services.call_select(actor=request.auth, call=call, expected_version=body.version, selected=body.selected,
                                      minutes=body.minutes, reasons=body.reasons, answers=answers, amounts=body.amounts))


@router.post("/calls/{call_id}/milestones", response={201: CallOut, **ERRORS}, summary="Add a milestone of the piloting")
def add_milestone(request, call_id: int, body: MilestoneIn):
    from dieuhanh.plans.selectors import task_get

    call = selectors.call_get(request.auth, call_id)
    task = task_get(request.auth, body.task_id) if body.task_id else None
    services.milestone_add(actor=request.auth, call=call, title=body.title, due_on=body.due_on, task=task)
    return Status(201, _call(selectors.call_get(request.auth, call_id)))


@router.post("/calls/{call_id}/acceptance", response={200: CallOut, **ERRORS}, summary="The acceptance review (nghiệm thu): passed or failed")
def acceptance(request, call_id: int, body: AcceptIn):
    call = selectors.call_get(request.auth, call_id)
    return _call(services.call_accept(actor=request.auth, call=call, expected_version=body.version, passed=body.passed, note=body.note))


@router.post("/calls/{call_id}/adoptions", response={200: CallOut, **ERRORS}, summary="A unit puts the accepted solution into use")
def adopt(request, call_id: int, body: AdoptionIn):
    call = selectors.call_get(request.auth, call_id)
    return _call(services.adoption_add(actor=request.auth, call=call, expected_version=body.version, unit=unit_get(body.unit),
                                       since=body.since, result=body.result))


@router.get("/calls/{call_id}/proposals", response={200: list[RowOut], **ERRORS}, summary="The call's proposals with the council's progress")
def call_proposals(request, call_id: int):
    call = selectors.call_get(request.auth, call_id)
    board = selectors.evaluation_board(request.auth, call)
    return [{"id": r.proposal.pk, "title": r.proposal.title, "proposer": None if board["blind"] else r.proposal.proposer.name,
             "status": r.proposal.status, "submitted_on": r.proposal.submitted_on, "evaluations_done": r.done,
             "evaluations_expected": r.expected, "score": r.score, "rank": r.rank} for r in board["rows"]]


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, summary="One proposal (officials: the owner's people, the council)")
def get_proposal(request, proposal_id: int):
    p = selectors.proposal_get(request.auth, proposal_id)
    return _proposal(p, shown=selectors.proposer_shown(request.auth, p))


@router.post("/proposals/{proposal_id}/evaluation", response={200: ProposalOut, **ERRORS}, summary="Hand in one's scores (a council member)")
def evaluate(request, proposal_id: int, body: ScoresIn):
    p = selectors.proposal_get(request.auth, proposal_id)
    services.evaluation_submit(actor=request.auth, proposal=p, scores=body.scores, comment=body.comment)
    return _proposal(p, shown=selectors.proposer_shown(request.auth, p))


@router.post("/proposals/{proposal_id}/conflict", response={200: ProposalOut, **ERRORS}, summary="Declare a conflict of interest (a council member)")
def declare_conflict(request, proposal_id: int, body: ConflictIn):
    p = selectors.proposal_get(request.auth, proposal_id)
    services.conflict_declare(actor=request.auth, proposal=p, note=body.note)
    return _proposal(p, shown=selectors.proposer_shown(request.auth, p))


@router.post("/proposals/{proposal_id}/amounts", response={200: ProposalOut, **ERRORS}, summary="Support programme: amounts contracted and disbursed, result")
def set_amounts(request, proposal_id: int, body: AmountsIn):
    p = selectors.proposal_get(request.auth, proposal_id)
    return _proposal(services.support_amounts_set(actor=request.auth, proposal=p, expected_version=body.version, contracted=body.contracted,
                                                  disbursed=body.disbursed, result=body.result))


class FeedIn(Schema):
    indicator: str = Field(..., max_length=40, description="code of the indicator configured for the measure")
    measure: str = Field(..., pattern="^(solved|in_use)$")
    year: int = Field(..., ge=2000, le=2100)


class FeedOut(Schema):
    indicator: str
    period: str
    value: Decimal
    outcome: str


@router.post("/calls/figures/feed", response={200: FeedOut, **ERRORS},
             summary="Feed problems solved or solutions in use of a year into their indicator (the city's value, with its source)")
def feed_indicator(request, body: FeedIn):
    from dieuhanh.indicators.models import Indicator

    indicator = Indicator.objects.filter(code=body.indicator).first()
    if indicator is None:
        raise NotFound("indicator not found")
    r = feed.calls_feed(actor=request.auth, indicator=indicator, measure=body.measure, year=body.year)
    return {"indicator": r.indicator, "period": r.period, "value": r.value, "outcome": r.outcome}


# ---------------------------------------------------------------- proposers

class ProposalIn(Schema):
    title: column(Proposal, "title")
    summary: column(Proposal, "summary")
    description: column(Proposal, "description")
    team: column(Proposal, "team") = ""
    budget: column(Proposal, "budget") | None = None
    timeline: column(Proposal, "timeline") = ""
    rules_accepted: bool


class ProposalPatch(Schema):
    version: int
    title: column(Proposal, "title") | None = None
    summary: column(Proposal, "summary") | None = None
    description: column(Proposal, "description") | None = None
    team: column(Proposal, "team") | None = None
    budget: column(Proposal, "budget") | None = None
    timeline: column(Proposal, "timeline") | None = None


@router.get("/de-xuat/proposals", response={200: list[ProposalOut], **ERRORS}, summary="A proposer's own proposals")
def my_proposals(request):
    return [_proposal(p) for p in selectors.my_proposals(request.auth)]


@router.get("/de-xuat/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, summary="One of one's own proposals")
def my_proposal(request, proposal_id: int):
    return _proposal(selectors.my_proposal_get(request.auth, proposal_id))


@router.post("/de-xuat/calls/{call_id}/proposals", response={201: ProposalOut, **ERRORS}, summary="Submit a proposal to an open call")
def submit(request, call_id: int, body: ProposalIn):
    call = selectors.public_call_get(call_id)
    return Status(201, _proposal(services.proposal_submit(actor=request.auth, call=call, **body.dict())))


@router.patch("/de-xuat/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, summary="Edit one's proposal until the deadline")
def edit(request, proposal_id: int, body: ProposalPatch):
    p = selectors.my_proposal_get(request.auth, proposal_id)
    values = {k: v for k, v in body.dict(exclude_unset=True).items() if k != "version"}
    return _proposal(services.proposal_update(actor=request.auth, proposal=p, expected_version=body.version, **values))


@router.post("/de-xuat/proposals/{proposal_id}/withdraw", response={200: ProposalOut, **ERRORS}, summary="Withdraw one's proposal")
def withdraw(request, proposal_id: int, body: Version):
    p = selectors.my_proposal_get(request.auth, proposal_id)
    return _proposal(services.proposal_withdraw(actor=request.auth, proposal=p, expected_version=body.version))


# ---------------------------------------------------------------- public

class PublicCallOut(Schema):
    id: int
    kind: str
    owner: str
    owner_name: str
    title: str
    stage: str
    need: str
    budget: Decimal | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    selected_organisations: list[str]
    acceptance_on: dt.date | None
    adopted_by: list[str]
    synthetic: bool


def _public(c: Call) -> dict:
    o = selectors.public_outcome(c)
    return {"id": c.pk, "kind": c.kind, "owner": c.owner.code, "owner_name": c.owner.name, "title": c.title, "stage": c.stage,
            "need": c.need, "budget": c.budget, "opens_on": c.opens_on, "closes_on": c.closes_on,
            "selected_organisations": [s["organisation"] for s in o["selected"] if s["organisation"]], "acceptance_on": c.acceptance_on,
            "adopted_by": [a.unit.code for a in o["adoptions"]], "synthetic": c.synthetic}


@router.get("/public/calls", auth=None, response={200: list[PublicCallOut], **ERRORS}, summary="Published calls (no sign-in)")
def public_calls(request, support: bool | None = None):
    return [_public(c) for c in selectors.public_calls(support=support)]


@router.get("/public/calls/{call_id}", auth=None, response={200: PublicCallOut, **ERRORS}, summary="One published call with its outcome (no sign-in)")
def public_call(request, call_id: int):
    return _public(selectors.public_call_get(call_id))
