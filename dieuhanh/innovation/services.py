"""Writing calls, proposals and evaluations: every function here is an action (authorised, atomic, audited).

Officials (``call_manage`` on the owner unit): ``call_create``, ``call_update`` (a draft), ``call_move`` (the
plain transitions: publish, close the proposals, start the evaluation, contract), ``council_set``,
``call_select`` (the consensus meeting's minutes, the ranking kept, the decision with its reasons, the answers to
every proposer), ``milestone_add`` / ``milestone_done``, ``call_accept`` (nghiệm thu), ``adoption_add`` and, for
support programmes, ``support_amounts_set`` (decided, contracted, disbursed kept apart). Council members:
``conflict_declare``, ``evaluation_submit``. Anyone: ``proposer_register``, ``proposer_verify``. Proposers:
``proposal_submit``, ``proposal_update``, ``proposal_withdraw``.

Rules of weights, tax codes, scores and ranking: ``core/innovation/rules.py``. Dates are today's; only the
platform's own loads (the demo) record another day (``on=``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from dieuhanh import evidence as evidence_store
from dieuhanh.access.models import RoleAssignment
from dieuhanh.access.policy import is_system
from dieuhanh.accounts.models import User
from dieuhanh.actions import action
from dieuhanh.audit.services import diff, record, recorded_day, snapshot
from dieuhanh.concurrency import lock_version
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.innovation import rules
from dieuhanh.errors import Conflict, Invalid, detail
from dieuhanh.innovation.auth import proposer_of
from dieuhanh.innovation.models import (
    SUPPORT_KINDS, Adoption, Call, CouncilMember, Criterion, Evaluation, Field, Kind, Milestone, Proposal, ProposalFile,
    ProposalStatus, Proposer, ProposerKind, Stage,
)
from dieuhanh.notifications.services import notify_users

CALL_FIELDS = ("kind", "owner", "title", "field", "need", "expected_results", "success_measures", "budget", "eligibility", "rules",
               "opens_on", "closes_on", "evaluation_by", "blind", "stage", "minutes", "decision_reasons", "decided_on",
               "contracted_on", "acceptance_on", "acceptance_note")
PROPOSAL_FIELDS = ("title", "summary", "description", "team", "budget", "timeline", "rules_accepted", "status", "answer",
                   "amount_decided", "amount_contracted", "amount_disbursed", "result")
EDITABLE = ("title", "field", "need", "expected_results", "success_measures", "budget", "eligibility", "rules", "opens_on",
            "closes_on", "evaluation_by", "blind")
VERIFY_SALT = "dieuhanh.innovation.verify"
VERIFY_DAYS = 3
MAX_FILES = 5

# The plain transitions of ``call_move``: to → the stage it comes from.
MOVES = {Stage.PUBLISHED: Stage.DRAFT, Stage.CLOSED: Stage.PUBLISHED, Stage.EVALUATION: Stage.CLOSED, Stage.CONTRACTED: Stage.SELECTED}


def _text(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _core(exc: CoreError, field: str) -> Invalid:
    return Invalid(str(exc), details=[detail(field, exc.code, **exc.params)])


def _audit_call(actor, name: str, call: Call, before: dict, note: str = "") -> None:
    record(actor=actor, action=name, obj=call, unit=call.owner, object_type="call", changes=diff(before, snapshot(call, CALL_FIELDS)),
           note=note)


def _save_call(actor, name: str, call: Call, **changes) -> Call:
    before = snapshot(call, CALL_FIELDS)
    for f, v in changes.items():
        setattr(call, f, v)
    call.version += 1
    call.save()
    _audit_call(actor, name, call, before)
    return call


def _criteria(criteria) -> list[tuple[str, int]]:
    rows = [(_text(name)[:200], weight) for name, weight in criteria or []]
    if any(not name for name, _w in rows):
        raise Invalid("criterion without a name", details=[detail("criteria", "required")])
    try:
        rules.check_weights([w for _n, w in rows])
    except CoreError as exc:
        raise _core(exc, "criteria") from None
    return rows


def _check_dates(values: dict) -> list[dict]:
    opens, closes, by = values.get("opens_on"), values.get("closes_on"), values.get("evaluation_by")
    problems = []
    if opens and closes and closes < opens:
        problems.append(detail("closes_on", "closes_before_opens"))
    if closes and by and by < closes:
        problems.append(detail("evaluation_by", "evaluation_before_close"))
    return problems


@action
def call_create(*, actor, owner, kind: str = Kind.PROBLEM, title: str, need: str, criteria, field: str = Field.OTHER,
                on: dt.date | None = None, synthetic: bool = False, **values) -> Call:
    """A draft call owned by ``owner`` with its criteria (``[(name, weight)]``, weights summing to 100)."""
    day = recorded_day(actor, on)
    values = {k: v for k, v in values.items() if k in EDITABLE}
    values = {k: (_text(v) if isinstance(v, str) else v) for k, v in values.items()}
    title, need = _text(title), _text(need)
    problems = _check_dates(values)
    if kind not in Kind.values:
        problems.append(detail("kind", "invalid_choice"))
    if field not in Field.values:
        problems.append(detail("field", "invalid_choice"))
    if not title:
        problems.append(detail("title", "required"))
    if not need:
        problems.append(detail("need", "required"))
    if problems:
        raise Invalid("invalid call", details=problems)
    rows = _criteria(criteria)
    call = Call.objects.create(owner=owner, kind=kind, title=title, need=need, field=field, created_on=day,
                               created_by=None if is_system(actor) else actor, synthetic=synthetic and is_system(actor), **values)
    Criterion.objects.bulk_create([Criterion(call=call, name=n, weight=w, position=i) for i, (n, w) in enumerate(rows)])
    _audit_call(actor, "call_create", call, {}, note="; ".join(f"{n}: {w}" for n, w in rows))
    return call


@action
def call_update(*, actor, call: Call, expected_version: int | None, criteria=None, **values) -> Call:
    """Change a draft (its criteria too, all together)."""
    call = lock_version(call, expected_version)
    if call.stage != Stage.DRAFT:
        raise Conflict(f"call {call.pk} is {call.stage}", code="call_not_draft")
    values = {k: (_text(v) if isinstance(v, str) else v) for k, v in values.items() if k in EDITABLE}
    problems = _check_dates({**{k: getattr(call, k) for k in ("opens_on", "closes_on", "evaluation_by")}, **values})
    if "title" in values and not values["title"]:
        problems.append(detail("title", "required"))
    if "need" in values and not values["need"]:
        problems.append(detail("need", "required"))
    if problems:
        raise Invalid("invalid call", details=problems)
    if criteria is not None:
        rows = _criteria(criteria)
        call.criteria.all().delete()
        Criterion.objects.bulk_create([Criterion(call=call, name=n, weight=w, position=i) for i, (n, w) in enumerate(rows)])
    return _save_call(actor, "call_update", call, **values)


@action
def call_move(*, actor, call: Call, expected_version: int | None, to: str, on: dt.date | None = None) -> Call:
    """One plain step: publish (the call opens; it needs its closing date, not past), close the proposals, start
    the evaluation (a council named), record the contract (piloting begins)."""
    day = recorded_day(actor, on)
    call = lock_version(call, expected_version)
    if to not in MOVES:
        raise Invalid("unknown step", details=[detail("to", "invalid_choice")])
    if call.stage != MOVES[to]:
        raise Conflict(f"call {call.pk} is {call.stage}", code="call_wrong_stage", params={"stage": Stage(call.stage).label})
    changes: dict = {"stage": to}
    if to == Stage.PUBLISHED:
        problems = []
        if call.closes_on is None:
            problems.append(detail("closes_on", "required"))
        elif call.closes_on < day:
            problems.append(detail("closes_on", "deadline_in_past"))
        if not call.criteria.exists():
            problems.append(detail("criteria", "criteria_required"))
        if problems:
            raise Invalid("the call cannot be published", details=problems)
        changes["opens_on"] = call.opens_on or day
    if to == Stage.EVALUATION and not call.council.exists():
        raise Conflict("no council", code="council_required")
    if to == Stage.CONTRACTED:
        changes["contracted_on"] = day
    return _save_call(actor, "call_move", call, **changes)


@action
def council_set(*, actor, call: Call, expected_version: int | None, members) -> Call:
    """Name the council (officials: people holding a role on some unit) before the decision; the list replaces
    the previous one, keeping the evaluations of members who stay."""
    call = lock_version(call, expected_version)
    if call.reached(Stage.SELECTED):
        raise Conflict(f"call {call.pk} is {call.stage}", code="call_wrong_stage", params={"stage": Stage(call.stage).label})
    members = list({m.pk: m for m in members}.values())
    if not members:
        raise Invalid("no member", details=[detail("members", "required")])
    officials = set(RoleAssignment.objects.filter(user__in=members, revoked_at__isnull=True).values_list("user_id", flat=True))
    if any(m.pk not in officials or not m.is_active for m in members):
        raise Invalid("members are officials", details=[detail("members", "member_not_official")])
    before = sorted(call.council.values_list("user__username", flat=True))
    call.council.exclude(user__in=members).delete()
    known = set(call.council.values_list("user_id", flat=True))
    CouncilMember.objects.bulk_create([CouncilMember(call=call, user=m) for m in members if m.pk not in known])
    call.version += 1
    call.save(update_fields=["version"])
    after = sorted(m.username for m in members)
    record(actor=actor, action="council_set", obj=call, unit=call.owner, object_type="call", changes={"council": [before, after]})
    return call


def _member(actor, proposal: Proposal) -> CouncilMember:
    return CouncilMember.objects.get(call=proposal.call, user_id=actor.pk)


def _evaluable(proposal: Proposal) -> Proposal:
    """The proposal read afresh (with its call), if it may be evaluated now."""
    proposal = Proposal.objects.select_related("call__owner").get(pk=proposal.pk)
    if proposal.call.stage != Stage.EVALUATION:
        raise Conflict("not in evaluation", code="call_wrong_stage", params={"stage": Stage(proposal.call.stage).label})
    if proposal.status != ProposalStatus.SUBMITTED:
        raise Conflict("withdrawn", code="proposal_withdrawn")
    return proposal


def _audit_evaluation(actor, name: str, ev: Evaluation, changes: dict) -> None:
    record(actor=actor, action=name, obj=ev, unit=ev.proposal.call.owner, object_type="evaluation", changes=changes)


@action
def conflict_declare(*, actor, proposal: Proposal, note: str = "", on: dt.date | None = None) -> Evaluation:
    """A member declares a conflict of interest on a proposal: they give it no score."""
    day = recorded_day(actor, on)
    proposal = _evaluable(proposal)
    member = _member(actor, proposal)
    ev, created = Evaluation.objects.select_for_update().get_or_create(member=member, proposal=proposal)
    if ev.submitted_on is not None and not ev.conflict:
        raise Conflict("already scored", code="evaluation_already_submitted")
    if ev.conflict:
        raise Conflict("already declared", code="conflict_already_declared")
    ev.conflict, ev.conflict_note, ev.submitted_on = True, _text(note), day
    ev.version += 1
    ev.save()
    _audit_evaluation(actor, "conflict_declare", ev, {"conflict": [False, True]})
    return ev


@action
def evaluation_submit(*, actor, proposal: Proposal, scores: dict, comment: str = "", on: dt.date | None = None) -> Evaluation:
    """A member's scores on a proposal, every criterion 0–10, handed in once; refused on a declared conflict."""
    day = recorded_day(actor, on)
    proposal = _evaluable(proposal)
    member = _member(actor, proposal)
    ev, _created = Evaluation.objects.select_for_update().get_or_create(member=member, proposal=proposal)
    if ev.conflict:
        raise Conflict("conflict declared", code="evaluation_conflict_declared")
    if ev.submitted_on is not None:
        raise Conflict("already scored", code="evaluation_already_submitted")
    weights = dict(proposal.call.criteria.values_list("pk", "weight"))
    try:
        clean = {int(k): v for k, v in scores.items()}
        rules.check_scores(weights, clean)
    except (CoreError, ValueError) as exc:
        code = exc.code if isinstance(exc, CoreError) else "invalid_score"
        raise Invalid("invalid scores", details=[detail("scores", code, maximum=rules.SCORE_MAX)]) from None
    ev.scores = {str(k): v for k, v in clean.items()}
    ev.weighted = rules.weighted_score(weights, clean)
    ev.comment, ev.submitted_on = _text(comment), day
    ev.version += 1
    ev.save()
    _audit_evaluation(actor, "evaluation_submit", ev, {"scores": [None, ev.scores], "weighted": [None, str(ev.weighted)]})
    return ev


def _answer_link(proposal: Proposal) -> str:
    return reverse("proposer_proposal", args=[proposal.pk])


@action
def call_select(*, actor, call: Call, expected_version: int | None, selected, minutes: str, reasons: str,
                answers: dict | None = None, amounts: dict | None = None, on: dt.date | None = None) -> Call:
    """The consensus meeting's outcome: its minutes, the proposals selected (ids, at least one) with the reasons,
    an answer to every proposer (``answers``: id → text; a standard sentence otherwise), and for a support programme
    the amount decided per selected proposal (``amounts``). Every proposer is told (notification and e-mail)."""
    day = recorded_day(actor, on)
    call = lock_version(call, expected_version)
    if call.stage != Stage.EVALUATION:
        raise Conflict(f"call {call.pk} is {call.stage}", code="call_wrong_stage", params={"stage": Stage(call.stage).label})
    minutes, reasons = _text(minutes), _text(reasons)
    live = {p.pk: p for p in call.proposals.select_for_update().filter(status=ProposalStatus.SUBMITTED).select_related("proposer__user")}
    chosen = {int(i) for i in selected or []}
    problems = []
    if not chosen:
        problems.append(detail("selected", "required"))
    elif not chosen <= set(live):
        problems.append(detail("selected", "proposal_not_in_call"))
    if not minutes:
        problems.append(detail("minutes", "required"))
    if not reasons:
        problems.append(detail("reasons", "required"))
    amounts = {int(k): v for k, v in (amounts or {}).items() if v is not None}
    if any(Decimal(v) < 0 for v in amounts.values()):
        problems.append(detail("amounts", "out_of_range"))
    if problems:
        raise Invalid("invalid decision", details=problems)
    answers = {int(k): _text(v) for k, v in (answers or {}).items()}
    for pk, p in live.items():
        before = snapshot(p, PROPOSAL_FIELDS)
        p.status = ProposalStatus.SELECTED if pk in chosen else ProposalStatus.NOT_SELECTED
        p.answer = answers.get(pk) or ""
        if pk in chosen and call.kind in SUPPORT_KINDS and pk in amounts:
            p.amount_decided = Decimal(amounts[pk])
        p.version += 1
        p.save()
        record(actor=actor, action="call_select", obj=p, unit=call.owner, object_type="proposal", changes=diff(before, snapshot(p, PROPOSAL_FIELDS)))
    call = _save_call(actor, "call_select", call, stage=Stage.SELECTED, minutes=minutes, decision_reasons=reasons, decided_on=day)
    for p in live.values():
        notify_users("proposal_answered", users=[p.proposer.user], unit=call.owner, about=p, url=_answer_link(p),
                     params={"title": p.title, "call": call.title, "status": str(ProposalStatus(p.status).label)})
    return call


@action
def support_amounts_set(*, actor, proposal: Proposal, expected_version: int | None, contracted=None, disbursed=None,
                        result: str | None = None) -> Proposal:
    """A support programme's amounts for a selected recipient, kept apart: contracted, disbursed (cumulative, never
    above the contracted amount), and the result."""
    proposal = lock_version(proposal, expected_version)
    if proposal.status != ProposalStatus.SELECTED or proposal.call.kind not in SUPPORT_KINDS:
        raise Conflict("not a supported recipient", code="proposal_not_selected")
    before = snapshot(proposal, PROPOSAL_FIELDS)
    problems = []
    if contracted is not None:
        proposal.amount_contracted = Decimal(contracted)
    if disbursed is not None:
        proposal.amount_disbursed = Decimal(disbursed)
    if any(v is not None and v < 0 for v in (proposal.amount_contracted, proposal.amount_disbursed)):
        problems.append(detail("amounts", "out_of_range"))
    if proposal.amount_disbursed and (proposal.amount_contracted is None or proposal.amount_disbursed > proposal.amount_contracted):
        problems.append(detail("disbursed", "disbursed_above_contracted"))
    if problems:
        raise Invalid("invalid amounts", details=problems)
    if result is not None:
        proposal.result = _text(result)
    proposal.version += 1
    proposal.save()
    record(actor=actor, action="support_amounts_set", obj=proposal, unit=proposal.call.owner, object_type="proposal",
           changes=diff(before, snapshot(proposal, PROPOSAL_FIELDS)))
    return proposal


@action
def milestone_add(*, actor, call: Call, title: str, due_on: dt.date, task=None) -> Milestone:
    """A milestone of the piloting (after the selection), optionally linked to a task of the plan."""
    if not call.reached(Stage.SELECTED) or call.stage in (Stage.FAILED,):
        raise Conflict(f"call {call.pk} is {call.stage}", code="call_wrong_stage", params={"stage": Stage(call.stage).label})
    if not _text(title) or due_on is None:
        raise Invalid("invalid milestone", details=[detail("title" if not _text(title) else "due_on", "required")])
    m = Milestone.objects.create(call=call, title=_text(title)[:300], due_on=due_on, task=task)
    record(actor=actor, action="milestone_add", obj=m, unit=call.owner, object_type="milestone",
           changes={"title": [None, m.title], "due_on": [None, f"{due_on:%Y-%m-%d}"], "task": [None, task.pk if task else None]})
    return m


@action
def milestone_done(*, actor, milestone: Milestone, on: dt.date | None = None) -> Milestone:
    day = recorded_day(actor, on)
    if milestone.done_on is not None:
        raise Conflict("done", code="milestone_done")
    milestone.done_on = day
    milestone.save(update_fields=["done_on"])
    record(actor=actor, action="milestone_done", obj=milestone, unit=milestone.call.owner, object_type="milestone",
           changes={"done_on": [None, f"{day:%Y-%m-%d}"]})
    return milestone


@action
def call_accept(*, actor, call: Call, expected_version: int | None, passed: bool, note: str, on: dt.date | None = None) -> Call:
    """The acceptance review (nghiệm thu) of the contracted solution: passed or failed, with its conclusion."""
    day = recorded_day(actor, on)
    call = lock_version(call, expected_version)
    if call.stage != Stage.CONTRACTED:
        raise Conflict(f"call {call.pk} is {call.stage}", code="call_wrong_stage", params={"stage": Stage(call.stage).label})
    if not _text(note):
        raise Invalid("no conclusion", details=[detail("note", "required")])
    return _save_call(actor, "call_accept", call, stage=Stage.ACCEPTED if passed else Stage.FAILED, acceptance_on=day,
                      acceptance_note=_text(note))


@action
def adoption_add(*, actor, call: Call, expected_version: int | None, unit, since: dt.date, result: str = "") -> Call:
    """A unit puts the accepted solution into use (since when, with what result); the call is then in use."""
    call = lock_version(call, expected_version)
    if call.stage not in (Stage.ACCEPTED, Stage.IN_USE):
        raise Conflict(f"call {call.pk} is {call.stage}", code="call_wrong_stage", params={"stage": Stage(call.stage).label})
    if since is None:
        raise Invalid("no date", details=[detail("since", "required")])
    if call.adoptions.filter(unit=unit).exists():
        raise Conflict("already adopted", code="already_adopted")
    Adoption.objects.create(call=call, unit=unit, since=since, result=_text(result))
    call = _save_call(actor, "adoption_add", call, stage=Stage.IN_USE)
    return call


# ---------------------------------------------------------------- proposers

def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def _send_verification(user: User) -> None:
    link = settings.DIEUHANH_SITE_URL.rstrip("/") + reverse("proposer_verify", args=[verification_token(user)])
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("innovation/mail/verify.txt", {"link": link, "days": VERIFY_DAYS})
        subject = translation.gettext("[dieuhanh] Confirm your e-mail address")
    send_mail(subject, body, None, [user.email])


@action
def proposer_register(*, actor, email: str, password: str, kind: str, name: str, tax_code: str = "", address: str = "",
                      contact: str = "", verified: bool = False) -> Proposer:
    """An organisation (or a citizen) registers: an inactive account and its profile; a signed link to confirm the
    e-mail is sent (after the commit). Organisations give their tax or registration code. Only the platform's own
    loads (the demo's synthetic proposers) create an account already verified (``verified``), sending nothing."""
    verified = verified and is_system(actor)
    email, name = _text(email).lower(), _text(name)
    problems = []
    if kind not in ProposerKind.values:
        problems.append(detail("kind", "invalid_choice"))
    if not name:
        problems.append(detail("name", "required"))
    if "@" not in email or len(email) > 150:
        problems.append(detail("email", "invalid_email"))
    elif User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        problems.append(detail("email", "email_taken"))
    if len(password or "") < 10:
        problems.append(detail("password", "password_too_short", minimum=10))
    code = ""
    if kind != ProposerKind.CITIZEN:
        try:
            code = rules.check_tax_code(tax_code)
        except CoreError as exc:
            problems.append(detail("tax_code", exc.code))
        else:
            if Proposer.objects.filter(tax_code=code).exists():
                problems.append(detail("tax_code", "tax_code_taken"))
    if problems:
        raise Invalid("invalid registration", details=problems)
    user = User.objects.create_user(username=email, email=email, password=password, is_active=verified, full_name=_text(contact)[:200])
    proposer = Proposer.objects.create(user=user, kind=kind, name=name[:300], tax_code=code, address=_text(address)[:300],
                                       verified_at=timezone.now() if verified else None)
    record(actor=actor if verified else user, action="proposer_register", obj=proposer, object_type="proposer",
           changes={"kind": [None, kind], "name": [None, proposer.name], "tax_code": [None, code], "email": [None, email]})
    if not verified:
        transaction.on_commit(lambda: _send_verification(user))
    return proposer


@action
def proposer_verify(*, actor, token: str) -> Proposer:
    """The signed link confirms the e-mail: the account becomes active (a second use changes nothing)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=dt.timedelta(days=VERIFY_DAYS))
    except signing.BadSignature:
        raise Invalid("bad link", code="verification_invalid") from None
    proposer = Proposer.objects.select_for_update().select_related("user").filter(user_id=data.get("u")).first()
    if proposer is None or proposer.user.email != data.get("e"):
        raise Invalid("bad link", code="verification_invalid")
    if proposer.verified_at is not None:
        raise Conflict("already verified", code="already_verified")
    proposer.verified_at = timezone.now()
    proposer.save(update_fields=["verified_at"])
    User.objects.filter(pk=proposer.user_id).update(is_active=True)
    record(actor=proposer.user, action="proposer_verify", obj=proposer, object_type="proposer", changes={"verified": [False, True]})
    return proposer


def _proposal_values(values: dict) -> tuple[dict, list[dict]]:
    clean = {k: _text(values[k]) for k in ("title", "summary", "description", "team", "timeline") if k in values}
    problems = []
    for f, limit in (("title", 200), ("summary", 500)):
        if f in clean and len(clean[f]) > limit:
            problems.append(detail(f, "too_long", max_length=limit))
    for f in ("title", "summary", "description"):
        if f in clean and not clean[f]:
            problems.append(detail(f, "required"))
    if "budget" in values:
        budget = values["budget"]
        clean["budget"] = None if budget in (None, "") else Decimal(budget)
        if clean["budget"] is not None and (clean["budget"] < 0 or clean["budget"] >= Decimal(10) ** 18):
            problems.append(detail("budget", "out_of_range"))
    return clean, problems


def _open_for_proposals(call: Call, day: dt.date) -> None:
    if call.stage != Stage.PUBLISHED or (call.opens_on and day < call.opens_on):
        raise Conflict("the call is not open", code="call_not_open")
    if call.closes_on and day > call.closes_on:
        raise Conflict("the deadline has passed", code="proposal_deadline_passed", params={"deadline": f"{call.closes_on:%d/%m/%Y}"})


def _attach(proposal: Proposal, files) -> list[str]:
    names = []
    for filename, content in files or []:
        stored = evidence_store.store(filename, content)
        ProposalFile.objects.create(proposal=proposal, filename=stored.filename, kind=stored.kind, content_type=stored.content_type,
                                    size=stored.size, sha256=stored.sha256)
        names.append(stored.filename)
    return names


@action
def proposal_submit(*, actor, call: Call, title: str, summary: str, description: str, rules_accepted: bool, team: str = "",
                    budget=None, timeline: str = "", files=None) -> Proposal:
    """A proposer's answer to an open call, before its deadline, once per organisation; the call's rules accepted;
    attachments checked like evidence (``files``: ``[(name, bytes)]``)."""
    day = timezone.localdate()
    proposer = proposer_of(actor)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _open_for_proposals(call, day)
    if Proposal.objects.filter(call=call, proposer=proposer).exclude(status=ProposalStatus.WITHDRAWN).exists():
        raise Conflict("one proposal per organisation", code="proposal_already_submitted")
    clean, problems = _proposal_values({"title": title, "summary": summary, "description": description, "team": team,
                                        "budget": budget, "timeline": timeline})
    if not rules_accepted:
        problems.append(detail("rules_accepted", "rules_not_accepted"))
    if len(files or []) > MAX_FILES:
        problems.append(detail("files", "too_many_files", maximum=MAX_FILES))
    if problems:
        raise Invalid("invalid proposal", details=problems)
    proposal = Proposal.objects.create(call=call, proposer=proposer, rules_accepted=True, submitted_on=day, **clean)
    names = _attach(proposal, files)
    record(actor=actor, action="proposal_submit", obj=proposal, unit=call.owner, object_type="proposal",
           changes={**diff({}, snapshot(proposal, PROPOSAL_FIELDS)), "files": [None, names]})
    return proposal


@action
def proposal_update(*, actor, proposal: Proposal, expected_version: int | None, files=None, **values) -> Proposal:
    """Edit one's proposal until the call's deadline (more attachments may be added)."""
    proposal = lock_version(proposal, expected_version)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise Conflict("withdrawn", code="proposal_withdrawn")
    _open_for_proposals(proposal.call, timezone.localdate())
    clean, problems = _proposal_values(values)
    if proposal.files.count() + len(files or []) > MAX_FILES:
        problems.append(detail("files", "too_many_files", maximum=MAX_FILES))
    if problems:
        raise Invalid("invalid proposal", details=problems)
    before = snapshot(proposal, PROPOSAL_FIELDS)
    for f, v in clean.items():
        setattr(proposal, f, v)
    proposal.version += 1
    proposal.save()
    names = _attach(proposal, files)
    changes = diff(before, snapshot(proposal, PROPOSAL_FIELDS))
    if names:
        changes["files"] = [None, names]
    record(actor=actor, action="proposal_update", obj=proposal, unit=proposal.call.owner, object_type="proposal", changes=changes)
    return proposal


@action
def proposal_withdraw(*, actor, proposal: Proposal, expected_version: int | None) -> Proposal:
    """Withdraw one's proposal before the decision."""
    proposal = lock_version(proposal, expected_version)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise Conflict("withdrawn", code="proposal_withdrawn")
    if proposal.call.reached(Stage.SELECTED):
        raise Conflict("decided", code="call_wrong_stage", params={"stage": Stage(proposal.call.stage).label})
    before = snapshot(proposal, PROPOSAL_FIELDS)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.version += 1
    proposal.save()
    record(actor=actor, action="proposal_withdraw", obj=proposal, unit=proposal.call.owner, object_type="proposal",
           changes=diff(before, snapshot(proposal, PROPOSAL_FIELDS)))
    return proposal


def member_of(actor, proposal: Proposal) -> CouncilMember | None:
    return CouncilMember.objects.filter(call=proposal.call, user_id=getattr(actor, "pk", None)).first()
