"""Initiatives (sáng kiến) and awards (thi đua, khen thưởng): the register, one application, applying, the council,
the decision; forms of award; rounds, proposals, posting, moderation, the council's decision, the award register,
revocation; the counts the cockpit shows.

Handlers only shape requests and responses: the reads are the selectors and the writes the services that the pages
use too. A round is an announcement (every signed-in person reads it); its proposals are listed by the caller's reach."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import get_language
from django.http import FileResponse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from dieuhanh import evidence
from dieuhanh.api.fields import Day, Limit, Offset, column
from dieuhanh.api.schemas import ERRORS
from dieuhanh.emulation import selectors, services
from dieuhanh.emulation.models import Author, AwardForm, AwardRound, Comment, Initiative, Movement, Opinion, Proposal, Registration
from dieuhanh.errors import NotFound
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import unit_get

router = Router(tags=["initiatives and awards"])

UnitCode = column(Unit, "code")


class AuthorIn(Schema):
    name: column(Author, "name")
    born_on: Day | None = None
    workplace: column(Author, "workplace") = ""
    job_title: column(Author, "job_title") = ""
    qualification: column(Author, "qualification") = ""
    share: Decimal = Field(..., max_digits=5, decimal_places=2)


class InitiativeIn(Schema):
    unit: UnitCode = Field(..., description="the unit the application is addressed to")
    title: column(Initiative, "title")
    investor: column(Initiative, "investor") = ""
    field: str = Field(..., pattern="^(technique|management|operations|technical_progress|digital|public_service)$")
    first_applied_on: Day | None = None
    substance: column(Initiative, "substance")
    confidential: column(Initiative, "confidential") = ""
    conditions: column(Initiative, "conditions") = ""
    benefit_author: column(Initiative, "benefit_author")
    benefit_users: column(Initiative, "benefit_users") = ""
    authors: list[AuthorIn] = Field(..., min_length=1, max_length=20)


class AuthorOut(Schema):
    name: str
    born_on: dt.date | None
    workplace: str
    job_title: str
    qualification: str
    share: Decimal


class InitiativeOut(Schema):
    id: int
    unit: str
    receipt: str
    received_on: dt.date
    answer_due: dt.date
    title: str
    investor: str
    field: str
    first_applied_on: dt.date | None
    substance: str
    confidential: str
    conditions: str
    benefit_author: str
    benefit_users: str
    status: str
    council: str
    minutes: str
    scope: str
    decided_by: str | None
    decision_no: str
    decided_on: dt.date | None
    reasons: str
    authors: list[AuthorOut]
    synthetic: bool
    version: int


class InitiativeRow(Schema):
    id: int
    unit: str
    receipt: str
    title: str
    field: str
    status: str
    scope: str
    answer_due: dt.date
    synthetic: bool


class CouncilIn(Schema):
    version: int
    members: column(Initiative, "council")


class OpinionIn(Schema):
    member: column(Opinion, "member")
    vote: str = Field(..., pattern="^(for|against|abstain)$")
    text: column(Opinion, "text") = ""


class DecisionIn(Schema):
    version: int
    recognise: bool
    scope: str = Field("", pattern="^(|unit|city|national)$")
    reasons: column(Initiative, "reasons") = ""
    minutes: column(Initiative, "minutes")
    decision_no: column(Initiative, "decision_no") = ""


class CountsOut(Schema):
    total: int
    by_status: dict[str, int]
    by_unit: dict[str, int]
    by_field: dict[str, int]
    by_year: dict[str, int]
    recognised_by_scope: dict[str, int]
    proposals_by_status: dict[str, int]


def _initiative(i: Initiative) -> dict:
    return {"id": i.pk, "unit": i.unit.code, "receipt": i.receipt, "received_on": i.received_on, "answer_due": i.answer_due,
            "title": i.title, "investor": i.investor, "field": i.field, "first_applied_on": i.first_applied_on, "substance": i.substance,
            "confidential": i.confidential, "conditions": i.conditions, "benefit_author": i.benefit_author, "benefit_users": i.benefit_users,
            "status": i.status, "council": i.council, "minutes": i.minutes, "scope": i.scope,
            "decided_by": i.decided_by_unit.code if i.decided_by_unit_id else None, "decision_no": i.decision_no, "decided_on": i.decided_on,
            "reasons": i.reasons, "authors": list(i.authors.all()), "synthetic": i.synthetic, "version": i.version}


@router.get("/initiatives", response={200: list[InitiativeRow], **ERRORS}, summary="Initiative applications the caller sees")
def list_initiatives(request, status: str | None = None, field: str | None = None, year: int | None = None, unit: str | None = None,
                     limit: Limit = 100, offset: Offset = 0):
    qs = selectors.initiatives(request.auth, status=status, field=field, year=year, unit=unit)[offset:offset + limit]
    return [{"id": i.pk, "unit": i.unit.code, "receipt": i.receipt, "title": i.title, "field": i.field, "status": i.status, "scope": i.scope,
             "answer_due": i.answer_due, "synthetic": i.synthetic} for i in qs]


@router.get("/initiatives/counts", response={200: CountsOut, **ERRORS}, summary="Counts by stage, unit, field and year")
def initiative_counts(request):
    c = selectors.counts(request.auth)
    return {"total": c.total, "by_status": dict(c.by_status), "by_unit": dict(c.by_unit), "by_field": dict(c.by_field),
            "by_year": {str(y): n for y, n in c.by_year}, "recognised_by_scope": dict(c.recognised_by_scope),
            "proposals_by_status": dict(c.proposals_by_status)}


class FeedIn(Schema):
    indicator: str = Field(..., max_length=40)
    period: str = Field(..., max_length=20, description="2026, 2026-Q2, 2026-06…: the indicator's periods overlapping it are fed")
    overwrite: bool = False


class FeedOut(Schema):
    indicator: str
    periods: list[str]
    written: int
    unchanged: int
    skipped: int
    manual: int


@router.post("/initiatives/feed", response={200: FeedOut, **ERRORS},
             summary="Write the number of initiatives recognised into the configured count indicators")
def feed(request, body: FeedIn):
    from dieuhanh.emulation.feed import initiatives_feed
    from dieuhanh.indicators.models import Indicator

    indicator = Indicator.objects.filter(code=body.indicator).select_related("owner").first()
    if indicator is None:
        raise NotFound("indicator not found")
    result = initiatives_feed(actor=request.auth, indicator=indicator, period=body.period, overwrite=body.overwrite)
    return {"indicator": result.indicator, "periods": result.periods, **{k: v for k, v in result.summary().items() if k != "no_data"}}


@router.get("/initiatives/{initiative_id}", response={200: InitiativeOut, **ERRORS}, summary="One application with its receipt and decision")
def get_initiative(request, initiative_id: int):
    return _initiative(selectors.initiative_get(request.auth, initiative_id))


@router.post("/initiatives", response={201: InitiativeOut, **ERRORS}, summary="Apply for recognition (the receipt is issued at once)")
def create_initiative(request, body: InitiativeIn):
    data = body.dict()
    item = services.initiative_apply(actor=request.auth, unit=unit_get(data.pop("unit")), **data)
    return Status(201, _initiative(selectors.initiative_get(request.auth, item.pk)))


@router.post("/initiatives/{initiative_id}/council", response={200: InitiativeOut, **ERRORS}, summary="Name the initiative council")
def name_council(request, initiative_id: int, body: CouncilIn):
    item = services.initiative_council_name(actor=request.auth, initiative=selectors.initiative_get(request.auth, initiative_id),
                                            expected_version=body.version, members=body.members)
    return _initiative(item)


@router.post("/initiatives/{initiative_id}/opinions", response={201: InitiativeOut, **ERRORS}, summary="Record a council member's opinion")
def add_opinion(request, initiative_id: int, body: OpinionIn):
    item = selectors.initiative_get(request.auth, initiative_id)
    services.initiative_opinion_add(actor=request.auth, initiative=item, **body.dict())
    return Status(201, _initiative(selectors.initiative_get(request.auth, initiative_id)))


@router.post("/initiatives/{initiative_id}/decision", response={200: InitiativeOut, **ERRORS},
             summary="Recognise (with its scope: decided by that level) or refuse with reasons")
def decide_initiative(request, initiative_id: int, body: DecisionIn):
    item = services.initiative_decide(actor=request.auth, initiative=selectors.initiative_get(request.auth, initiative_id),
                                      expected_version=body.version, recognise=body.recognise, scope=body.scope, reasons=body.reasons,
                                      minutes=body.minutes, decision_no=body.decision_no)
    return _initiative(item)


# --- awards -----------------------------------------------------------------------------------------------------

class FormOut(Schema):
    code: str
    name_vi: str
    name_en: str
    nominee: str
    decided_by: str
    level: str
    needed_scope: str
    confirmed: bool


class ProposalIn(Schema):
    unit: UnitCode
    form: column(AwardForm, "code")
    nominee_kind: str = Field(..., pattern="^(person|collective)$")
    nominee_name: column(Proposal, "nominee_name")
    nominee_born_on: Day | None = None
    nominee_position: column(Proposal, "nominee_position") = ""
    period: int = Field(..., ge=1900, le=2100)
    achievements: column(Proposal, "achievements")
    summary: column(Proposal, "summary")
    initiatives: list[int] = Field(default_factory=list, max_length=50)


class ProposalOut(Schema):
    id: int
    round_id: int
    unit: str
    form: str
    nominee_kind: str
    nominee_name: str
    nominee_born_on: dt.date | None
    nominee_position: str
    period: int
    achievements: str
    summary: str
    initiatives: list[int]
    status: str
    reasons: str
    revoked_on: dt.date | None
    revoke_reason: str
    files: list[str]
    synthetic: bool
    version: int


class RoundOut(Schema):
    id: int
    unit: str
    title: str
    year: int
    status: str
    posted_on: dt.date | None
    consultation_ends_on: dt.date | None
    council_on: dt.date | None
    decision_no: str
    decided_on: dt.date | None
    proposals: list[ProposalOut] = Field(..., description="the proposals the caller sees")
    synthetic: bool
    version: int


class RoundDecisionIn(Schema):
    version: int
    decision_no: column(AwardRound, "decision_no")
    minutes: column(AwardRound, "minutes")
    approve: list[int] = Field(default_factory=list, max_length=500)
    reject: list[int] = Field(default_factory=list, max_length=500)


class VersionIn(Schema):
    version: int


class ReasonIn(Schema):
    version: int
    reason: column(Comment, "hidden_reason")


class RevokeIn(Schema):
    version: int
    reason: column(Proposal, "revoke_reason")


def _proposal(p: Proposal) -> dict:
    return {"id": p.pk, "round_id": p.round_id, "unit": p.unit.code, "form": p.form.code, "nominee_kind": p.nominee_kind,
            "nominee_name": p.nominee_name, "nominee_born_on": p.nominee_born_on, "nominee_position": p.nominee_position, "period": p.period,
            "achievements": p.achievements, "summary": p.summary, "initiatives": sorted(i.pk for i in p.initiatives.all()),
            "status": p.status, "reasons": p.reasons, "revoked_on": p.revoked_on, "revoke_reason": p.revoke_reason,
            "files": [f.sha256 for f in p.files.all()], "synthetic": p.synthetic, "version": p.version}


def _round(request, r: AwardRound) -> dict:
    return {"id": r.pk, "unit": r.unit.code, "title": r.title, "year": r.year, "status": r.status, "posted_on": r.posted_on,
            "consultation_ends_on": r.consultation_ends_on, "council_on": r.council_on, "decision_no": r.decision_no,
            "decided_on": r.decided_on, "proposals": [_proposal(p) for p in selectors.proposals(request.auth, r)], "synthetic": r.synthetic,
            "version": r.version}


@router.get("/award-forms", response={200: list[FormOut], **ERRORS}, summary="Forms of award: who decides, the initiative scope needed")
def list_forms(request):
    return selectors.forms()


@router.get("/award-rounds", response={200: list[RoundOut], **ERRORS}, summary="Rounds of awards (announcements)")
def list_rounds(request, limit: Limit = 100, offset: Offset = 0):
    return [_round(request, r) for r in selectors.rounds()[offset:offset + limit]]


@router.get("/award-rounds/{round_id}", response={200: RoundOut, **ERRORS}, summary="One round with the proposals the caller sees")
def get_round(request, round_id: int):
    return _round(request, selectors.round_get(round_id))


@router.post("/award-rounds/{round_id}/proposals", response={201: ProposalOut, **ERRORS},
             summary="Propose a person or collective (resting on recognised initiatives)")
def create_proposal(request, round_id: int, body: ProposalIn):
    rnd = selectors.round_get(round_id)
    form = AwardForm.objects.filter(code=body.form).first()
    if form is None:
        raise NotFound("form of award not found")
    initiatives = [selectors.initiative_get(request.auth, pk) for pk in dict.fromkeys(body.initiatives)]
    item = services.award_propose(actor=request.auth, award_round=rnd, unit=unit_get(body.unit), form=form, nominee_kind=body.nominee_kind,
                                  nominee_name=body.nominee_name, nominee_born_on=body.nominee_born_on, nominee_position=body.nominee_position,
                                  period=body.period, achievements=body.achievements, summary=body.summary, initiatives=initiatives)
    return Status(201, _proposal(selectors.proposal_get(request.auth, item.pk)))


@router.post("/award-rounds/{round_id}/post", response={200: RoundOut, **ERRORS}, summary="Post the list publicly for comments")
def post_round(request, round_id: int, body: VersionIn):
    rnd = services.award_round_post(actor=request.auth, award_round=selectors.round_get(round_id), expected_version=body.version)
    return _round(request, rnd)


@router.post("/award-rounds/{round_id}/decision", response={200: RoundOut, **ERRORS},
             summary="The council's decision (refused while the consultation runs)")
def decide_round(request, round_id: int, body: RoundDecisionIn):
    decisions = {pk: True for pk in body.approve} | {pk: False for pk in body.reject}
    rnd = services.award_round_decide(actor=request.auth, award_round=selectors.round_get(round_id), expected_version=body.version,
                                      decisions=decisions, minutes=body.minutes, decision_no=body.decision_no)
    return _round(request, rnd)


@router.post("/award-comments/{comment_id}/hide", response={204: None, **ERRORS}, summary="Hide a public comment (kept, with the reason)")
def hide_comment(request, comment_id: int, body: ReasonIn):
    services.award_comment_hide(actor=request.auth, comment=selectors.comment_get(request.auth, comment_id), expected_version=body.version,
                                reason=body.reason)
    return Status(204, None)


@router.get("/award-proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, summary="One proposal with its dossier")
def get_proposal(request, proposal_id: int):
    return _proposal(selectors.proposal_get(request.auth, proposal_id))


@router.post("/award-proposals/{proposal_id}/files", response={201: ProposalOut, **ERRORS},
             summary="Add a file to the proposal's dossier (checked as evidence: type by content, size, SHA-256)")
def add_proposal_file(request, proposal_id: int, file: File[UploadedFile]):
    item = selectors.proposal_get(request.auth, proposal_id)
    services.award_file_add(actor=request.auth, proposal=item, filename=file.name or "", content=file.read())
    return Status(201, _proposal(selectors.proposal_get(request.auth, proposal_id)))


@router.get("/award-proposals/{proposal_id}/files/{sha256}", response={200: None, **ERRORS},
            summary="Download a file of the proposal's dossier (named by its SHA-256, as the proposal lists it)")
def proposal_file(request, proposal_id: int, sha256: str):
    f = selectors.proposal_file_get(request.auth, proposal_id, sha256=sha256)
    return FileResponse(evidence.path_of(f.sha256).open("rb"), as_attachment=True, filename=f.filename, content_type=f.content_type)


@router.post("/award-proposals/{proposal_id}/revoke", response={200: ProposalOut, **ERRORS}, summary="Revoke an award with its reason")
def revoke(request, proposal_id: int, body: RevokeIn):
    item = services.award_revoke(actor=request.auth, proposal=selectors.proposal_get(request.auth, proposal_id), expected_version=body.version,
                                 reason=body.reason)
    return _proposal(item)


class AwardRow(Schema):
    id: int
    year: int
    unit: str
    nominee_name: str
    form: str
    form_name: str
    decision_no: str
    decided_on: dt.date | None
    status: str
    revoke_reason: str


@router.get("/awards", response={200: list[AwardRow], **ERRORS}, summary="The award register by unit, year and form")
def award_register(request, unit: str | None = None, year: int | None = None, form: str | None = None, limit: Limit = 100,
                   offset: Offset = 0):
    language = get_language() or "en"
    return [{"id": p.pk, "year": p.round.year, "unit": p.unit.code, "nominee_name": p.nominee_name, "form": p.form.code,
             "form_name": p.form.name(language), "decision_no": p.round.decision_no, "decided_on": p.round.decided_on, "status": p.status,
             "revoke_reason": p.revoke_reason}
            for p in selectors.award_register(request.auth, unit=unit, year=year, form=form)[offset:offset + limit]]


class RoundIn(Schema):
    unit: UnitCode = Field(..., description="the deciding level")
    title: column(AwardRound, "title")
    year: int = Field(..., ge=2000, le=2100)


@router.post("/award-rounds", response={201: RoundOut, **ERRORS}, summary="Open a round of awards (its deciding level)")
def open_round(request, body: RoundIn):
    rnd = services.award_round_open(actor=request.auth, unit=unit_get(body.unit), title=body.title, year=body.year)
    return Status(201, _round(request, rnd))


class RegistrationOut(Schema):
    unit: str
    commitments: str
    registered_on: dt.date
    synthetic: bool


class MovementOut(Schema):
    id: int
    code: str
    title: str
    unit: str
    starts_on: dt.date
    ends_on: dt.date
    source: str
    registrations: list[RegistrationOut]
    synthetic: bool


class RegistrationIn(Schema):
    unit: UnitCode
    commitments: column(Registration, "commitments")


def _movement(m: Movement) -> dict:
    return {"id": m.pk, "code": m.code, "title": m.title, "unit": m.unit.code, "starts_on": m.starts_on, "ends_on": m.ends_on, "source": m.source,
            "registrations": [{"unit": r.unit.code, "commitments": r.commitments, "registered_on": r.registered_on, "synthetic": r.synthetic}
                              for r in m.registrations.all()], "synthetic": m.synthetic}


@router.get("/movements", response={200: list[MovementOut], **ERRORS}, summary="Emulation movements and the units registered (public commitments)")
def list_movements(request):
    return [_movement(m) for m in selectors.movements()]


@router.post("/movements/{movement_id}/registrations", response={201: MovementOut, **ERRORS},
             summary="Register a unit for a movement with its commitments")
def register(request, movement_id: int, body: RegistrationIn):
    movement = selectors.movements().filter(pk=movement_id).first()
    if movement is None:
        raise NotFound("movement not found")
    services.movement_register(actor=request.auth, movement=movement, unit=unit_get(body.unit), commitments=body.commitments)
    return Status(201, _movement(selectors.movements().get(pk=movement_id)))
