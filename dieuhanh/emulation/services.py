"""Writing initiatives, the movement and awards: every function here is an action (authorised, atomic, audited).

Initiatives: ``initiative_apply`` (the application, entered in the intake register with its receipt and the day
the answer is due), ``initiative_council_name``, ``initiative_opinion_add``, ``initiative_decide`` (recognise with
a scope, or refuse with reasons) and ``initiative_rules_set`` (a unit's review period).
Emulation and awards: ``movement_launch``, ``movement_register``, ``award_round_open``, ``award_propose``,
``award_file_add``, ``award_round_post`` (the public consultation), ``award_comment_post`` (anyone, no account),
``award_comment_hide``, ``award_round_decide`` (the council, only after the consultation) and ``award_revoke``.
Dates are today's; only the platform's own loads (the demo) record another day (``on=``). Rules without a
framework: ``core/emulation/rules.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from dieuhanh import evidence
from dieuhanh.access.policy import is_system
from dieuhanh.actions import action
from dieuhanh.audit.services import diff, record, snapshot
from dieuhanh.concurrency import insert_unique, lock_version
from dieuhanh.core.emulation import rules
from dieuhanh.emulation.models import (
    Author, AwardForm, AwardRound, Comment, Field, Initiative, InitiativeStatus, Movement, Nominee, Opinion, Proposal,
    ProposalFile, ProposalStatus, Registration, ReviewRule, RoundStatus, Scope, Vote,
)
from dieuhanh.errors import Conflict, Invalid, detail
from dieuhanh.units.models import Unit

INITIATIVE_FIELDS = ("unit", "receipt_no", "received_on", "answer_due", "title", "field", "status", "council", "minutes", "scope",
                     "decided_by_unit", "decision_no", "decided_on", "reasons")
ROUND_FIELDS = ("status", "posted_on", "consultation_ends_on", "council_on", "decision_no", "decided_on", "minutes")
PROPOSAL_FIELDS = ("form", "nominee_kind", "nominee_name", "period", "summary", "status", "reasons", "revoked_on", "revoke_reason")
LIVE = (ProposalStatus.PROPOSED, ProposalStatus.APPROVED)


def _day(actor, on: dt.date | None) -> dt.date:
    """Today, or an earlier day when the platform loads history (the demo)."""
    if on is None:
        return timezone.localdate()
    if not is_system(actor) and on != timezone.localdate():
        raise Invalid("only the platform may record a step on another day", code="backdating_not_allowed")
    return on


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) and not is_system(actor) else None


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _move(actor, name: str, obj, fields: tuple, unit, **changes):
    """Write one step on the locked ``obj``: its fields, a new version, the audit event."""
    before = snapshot(obj, fields)
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.version += 1
    obj.save()
    record(actor=actor, action=name, obj=obj, unit=unit, changes=diff(before, snapshot(obj, fields)))
    return obj


def review_days(unit: Unit) -> int:
    """The review period of ``unit``: its own rule, else the nearest unit above with one, else the setting."""
    ancestors = [c for c in unit.path.strip("/").split("/") if c]
    rules_here = {r.unit.code: r.review_days for r in ReviewRule.objects.filter(unit__code__in=ancestors).select_related("unit")}
    for code in reversed(ancestors):
        if code in rules_here:
            return rules_here[code]
    return settings.DIEUHANH_INITIATIVE_REVIEW_DAYS


def scope_unit(initiative: Initiative, scope: str) -> Unit:
    """The level that recognises an initiative at ``scope``: its unit, the city, or the country."""
    from dieuhanh.units.selectors import city_code, unit_get

    if scope == Scope.CITY:
        return unit_get(city_code())
    if scope == Scope.NATIONAL:
        return unit_get("VN")
    return initiative.unit


# --- initiatives ------------------------------------------------------------------------------------------------

def _share(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return None


@action
def initiative_apply(*, actor, unit: Unit, title: str, field: str, substance: str, benefit_author: str, authors: list[dict],
                     investor: str = "", first_applied_on: dt.date | None = None, confidential: str = "", conditions: str = "",
                     benefit_users: str = "", on: dt.date | None = None, synthetic: bool = False) -> Initiative:
    """An application for recognition of an initiative, addressed to ``unit``; entered at once in the unit's intake
    register with the next receipt number of the year and the day the answer is due (receipt + review period).
    ``authors``: ``[{"name", "born_on", "workplace", "job_title", "qualification", "share"}]``, shares adding up to 100."""
    day = _day(actor, on)
    title, substance, benefit_author = _text(title), _text(substance), _text(benefit_author)
    problems = []
    if not title:
        problems.append(detail("title", "required"))
    elif len(title) > 300:
        problems.append(detail("title", "too_long", max_length=300))
    if field not in Field.values:
        problems.append(detail("field", "unknown_field"))
    if not substance:
        problems.append(detail("substance", "required"))
    if not benefit_author:
        problems.append(detail("benefit_author", "required"))
    if first_applied_on is not None and first_applied_on > day:
        problems.append(detail("first_applied_on", "date_in_future"))
    shares = [_share(a.get("share")) for a in authors]
    if any(not _text(a.get("name")) for a in authors):
        problems.append(detail("authors", "author_name_required"))
    if None in shares:
        problems.append(detail("authors", "share_out_of_range"))
    elif (code := rules.shares_problem(shares)) is not None:
        problems.append(detail("authors", code))
    if problems:
        raise Invalid("invalid initiative application", details=problems)
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one receipt number at a time per unit
    last = Initiative.objects.filter(unit=unit, receipt_year=day.year).aggregate(n=Max("receipt_no"))["n"] or 0
    item = insert_unique(Initiative(
        unit=unit, receipt_year=day.year, receipt_no=last + 1, received_on=day, answer_due=day + dt.timedelta(days=review_days(unit)),
        title=title, investor=_text(investor)[:300], field=field, first_applied_on=first_applied_on, substance=substance,
        confidential=_text(confidential), conditions=_text(conditions), benefit_author=benefit_author, benefit_users=_text(benefit_users),
        applied_by=_user(actor), synthetic=synthetic and is_system(actor)))
    Author.objects.bulk_create([
        Author(initiative=item, position=i, name=_text(a["name"])[:150], born_on=a.get("born_on"), workplace=_text(a.get("workplace"))[:200],
               job_title=_text(a.get("job_title"))[:120], qualification=_text(a.get("qualification"))[:120], share=share)
        for i, (a, share) in enumerate(zip(authors, shares), start=1)])
    record(actor=actor, action="initiative_apply", obj=item, unit=unit, changes=diff({}, snapshot(item, INITIATIVE_FIELDS)))
    return item


def _open(item: Initiative) -> None:
    if item.status in (InitiativeStatus.RECOGNISED, InitiativeStatus.REFUSED):
        raise Conflict(f"initiative {item.pk} is decided", code="initiative_decided")


@action
def initiative_council_name(*, actor, initiative: Initiative, expected_version: int | None, members: str,
                            on: dt.date | None = None) -> Initiative:
    """The unit names its initiative council (one member a line: name, position)."""
    day = _day(actor, on)
    item = lock_version(initiative, expected_version)
    _open(item)
    members = "\n".join(line.strip() for line in _text(members).splitlines() if line.strip())
    if not members:
        raise Invalid("no council member", details=[detail("members", "required")])
    return _move(actor, "initiative_council_name", item, INITIATIVE_FIELDS, item.unit, council=members, council_named_on=day,
                 status=InitiativeStatus.UNDER_REVIEW)


@action
def initiative_opinion_add(*, actor, initiative: Initiative, member: str, vote: str, text: str = "",
                           on: dt.date | None = None) -> Opinion:
    """A council member's opinion, recorded for the minutes."""
    day = _day(actor, on)
    item = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _open(item)
    if item.status != InitiativeStatus.UNDER_REVIEW:
        raise Conflict("no council yet", code="initiative_no_council")
    member = _text(member)
    problems = []
    if not member:
        problems.append(detail("member", "required"))
    if vote not in Vote.values:
        problems.append(detail("vote", "unknown_vote"))
    if problems:
        raise Invalid("invalid opinion", details=problems)
    opinion = Opinion.objects.create(initiative=item, member=member[:150], vote=vote, text=_text(text), given_on=day)
    record(actor=actor, action="initiative_opinion_add", obj=item, unit=item.unit, object_type="initiative",
           changes={"opinion": [None, f"{member}: {vote}"]})
    return opinion


@action
def initiative_decide(*, actor, initiative: Initiative, expected_version: int | None, recognise: bool, scope: str = "",
                      reasons: str = "", minutes: str = "", decision_no: str = "", on: dt.date | None = None) -> Initiative:
    """Recognise the initiative at ``scope`` (unit, city, national: decided by that level), or refuse it with reasons.
    The council must have been named; the minutes record its meeting."""
    day = _day(actor, on)
    item = lock_version(initiative, expected_version)
    _open(item)
    if item.status != InitiativeStatus.UNDER_REVIEW:
        raise Conflict("no council yet", code="initiative_no_council")
    problems = []
    reasons, minutes = _text(reasons), _text(minutes)
    if recognise and scope not in Scope.values:
        problems.append(detail("scope", "unknown_scope"))
    if not recognise and not reasons:
        problems.append(detail("reasons", "reasons_required"))
    if not minutes:
        problems.append(detail("minutes", "required"))
    if problems:
        raise Invalid("invalid decision", details=problems)
    if recognise:
        return _move(actor, "initiative_decide", item, INITIATIVE_FIELDS, item.unit, status=InitiativeStatus.RECOGNISED, scope=scope,
                     decided_by_unit=scope_unit(item, scope), decision_no=_text(decision_no)[:60], decided_on=day, minutes=minutes)
    return _move(actor, "initiative_decide", item, INITIATIVE_FIELDS, item.unit, status=InitiativeStatus.REFUSED, reasons=reasons,
                 decided_by_unit=item.unit, decision_no=_text(decision_no)[:60], decided_on=day, minutes=minutes)


@action
def initiative_rules_set(*, actor, unit: Unit, review_days: int) -> ReviewRule:
    """A unit's review period for applications it receives (and the units below that set none)."""
    if not isinstance(review_days, int) or not 1 <= review_days <= 365:
        raise Invalid("review period out of range", details=[detail("review_days", "out_of_range", min=1, max=365)])
    rule = ReviewRule.objects.select_for_update().filter(unit=unit).first()
    before = {"review_days": rule.review_days} if rule else {}
    if rule is None:
        rule = insert_unique(ReviewRule(unit=unit, review_days=review_days))
    else:
        rule.review_days, rule.version = review_days, rule.version + 1
        rule.save()
    record(actor=actor, action="initiative_rules_set", obj=rule, unit=unit, object_type="review_rule",
           changes=diff(before, {"review_days": review_days}))
    return rule


# --- the movement -----------------------------------------------------------------------------------------------

@action
def movement_launch(*, actor, unit: Unit, code: str, title: str, starts_on: dt.date, ends_on: dt.date, description: str = "",
                    source: str = "", synthetic: bool = False) -> Movement:
    title = _text(title)
    problems = []
    if not title:
        problems.append(detail("title", "required"))
    if ends_on < starts_on:
        problems.append(detail("ends_on", "end_before_start"))
    if problems:
        raise Invalid("invalid movement", details=problems)
    movement = insert_unique(Movement(unit=unit, code=_text(code)[:40], title=title[:300], starts_on=starts_on, ends_on=ends_on,
                                      description=_text(description), source=_text(source)[:300], synthetic=synthetic and is_system(actor)))
    record(actor=actor, action="movement_launch", obj=movement, unit=unit, changes={"title": [None, movement.title]})
    return movement


@action
def movement_register(*, actor, movement: Movement, unit: Unit, commitments: str, on: dt.date | None = None,
                      synthetic: bool = False) -> Registration:
    """A unit registers for the movement with its commitments (once)."""
    day = _day(actor, on)
    commitments = _text(commitments)
    if not commitments:
        raise Invalid("no commitment", details=[detail("commitments", "required")])
    if not movement.starts_on <= day <= movement.ends_on and not is_system(actor):
        raise Conflict("the movement is not running", code="movement_not_running")
    if Registration.objects.filter(movement=movement, unit=unit).exists():
        raise Conflict("registered already", code="already_registered")
    reg = insert_unique(Registration(movement=movement, unit=unit, commitments=commitments, registered_on=day, registered_by=_user(actor),
                                     synthetic=movement.synthetic or (synthetic and is_system(actor))))
    record(actor=actor, action="movement_register", obj=reg, unit=unit, object_type="registration",
           changes={"movement": [None, movement.code], "commitments": [None, commitments]})
    return reg


# --- award rounds and proposals ---------------------------------------------------------------------------------

@action
def award_round_open(*, actor, unit: Unit, title: str, year: int, movement: Movement | None = None,
                     synthetic: bool = False) -> AwardRound:
    """A deciding level opens a round of awards for a year; units send proposals into it."""
    title = _text(title)
    if not title:
        raise Invalid("no title", details=[detail("title", "required")])
    rnd = AwardRound.objects.create(unit=unit, title=title[:300], year=year, movement=movement, synthetic=synthetic and is_system(actor))
    record(actor=actor, action="award_round_open", obj=rnd, unit=unit, object_type="award_round", changes={"title": [None, rnd.title]})
    return rnd


@action
def award_propose(*, actor, award_round: AwardRound, unit: Unit, form: AwardForm, nominee_kind: str, nominee_name: str, period: int,
                  achievements: str, summary: str, initiatives: list[Initiative] = (), nominee_born_on: dt.date | None = None,
                  nominee_position: str = "", on: dt.date | None = None) -> Proposal:
    """A unit proposes a person or a collective for ``form`` in ``round``, resting on recognised ``initiatives``.
    Refused: a round no longer open, a form not for this kind of nominee, an initiative not recognised or of a
    scope below what the form needs, a second live proposal or award of the same form for the same nominee and year."""
    day = _day(actor, on)
    rnd = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    if rnd.status != RoundStatus.OPEN:
        raise Conflict("the round takes no more proposals", code="round_not_open")
    nominee_name, achievements, summary = _text(nominee_name), _text(achievements), _text(summary)
    problems = []
    if not unit.path.startswith(rnd.unit.path):
        problems.append(detail("unit", "proposal_unit_outside_round"))
    if nominee_kind not in Nominee.values or form.nominee not in ("both", nominee_kind):
        problems.append(detail("nominee_kind", "form_not_for_nominee"))
    if not nominee_name:
        problems.append(detail("nominee_name", "required"))
    if not achievements:
        problems.append(detail("achievements", "required"))
    if not summary:
        problems.append(detail("summary", "required"))
    elif len(summary) > 500:
        problems.append(detail("summary", "too_long", max_length=500))
    if not 1900 <= int(period) <= rnd.year:
        problems.append(detail("period", "out_of_range", min=1900, max=rnd.year))
    for initiative in initiatives:
        if initiative.status != InitiativeStatus.RECOGNISED:
            problems.append(detail("initiatives", "initiative_not_recognised", title=initiative.title))
        elif not rules.scope_satisfies(initiative.scope, form.needed_scope):
            problems.append(detail("initiatives", "initiative_scope_too_low", title=initiative.title,
                                   scope=str(Scope(initiative.scope).label), needed=str(Scope(form.needed_scope).label)))
    if form.needed_scope and not initiatives:
        problems.append(detail("initiatives", "initiative_required", needed=str(Scope(form.needed_scope).label)))
    if problems:
        raise Invalid("invalid award proposal", details=problems)
    key = rules.nominee_key(nominee_kind, nominee_name, unit.code)
    earlier = Proposal.objects.filter(form=form, nominee_key=key, period=period, status__in=LIVE).values_list("nominee_born_on", flat=True)
    if any(rules.same_nominee(nominee_born_on, born) for born in earlier):
        raise Conflict("awarded or proposed already", code="award_twice", params={"form": form.name_vi, "year": period})
    proposal = Proposal.objects.create(
        round=rnd, unit=unit, form=form, nominee_kind=nominee_kind, nominee_name=nominee_name[:200], nominee_born_on=nominee_born_on,
        nominee_position=_text(nominee_position)[:200], nominee_key=key, period=period, achievements=achievements, summary=summary,
        proposed_on=day, proposed_by=_user(actor), synthetic=rnd.synthetic)
    proposal.initiatives.set(initiatives)
    record(actor=actor, action="award_propose", obj=proposal, unit=unit, object_type="award_proposal",
           changes={**diff({}, snapshot(proposal, PROPOSAL_FIELDS)), "initiatives": [None, sorted(i.pk for i in initiatives)]})
    return proposal


@action
def award_file_add(*, actor, proposal: Proposal, filename: str, content: bytes, on: dt.date | None = None) -> ProposalFile:
    """A file of the proposal's dossier, checked as evidence is (type proven by content, size, SHA-256)."""
    day = _day(actor, on)
    item = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if item.status != ProposalStatus.PROPOSED or item.round.status != RoundStatus.OPEN:
        raise Conflict("the dossier is closed", code="round_not_open")
    stored = evidence.store(filename, content)
    f = ProposalFile.objects.create(proposal=item, filename=stored.filename, kind=stored.kind, content_type=stored.content_type,
                                    size=stored.size, sha256=stored.sha256, added_on=day)
    record(actor=actor, action="award_file_add", obj=item, unit=item.unit, object_type="award_proposal",
           changes={"file": [None, f"{stored.filename} {stored.sha256}"]})
    return f


@action
def award_round_post(*, actor, award_round: AwardRound, expected_version: int | None, on: dt.date | None = None) -> AwardRound:
    """Post the round's list publicly for comments: the consultation runs for the configured number of working days."""
    day = _day(actor, on)
    rnd = lock_version(award_round, expected_version)
    if rnd.status != RoundStatus.OPEN:
        raise Conflict("posted already", code="round_not_open")
    if not rnd.proposals.filter(status=ProposalStatus.PROPOSED).exists():
        raise Invalid("nothing to post", details=[detail("proposals", "round_empty")])
    ends = rules.consultation_end(day, settings.DIEUHANH_AWARD_CONSULTATION_WORKING_DAYS)
    return _move(actor, "award_round_post", rnd, ROUND_FIELDS, rnd.unit, status=RoundStatus.CONSULTATION, posted_on=day,
                 consultation_ends_on=ends)


@action
def award_comment_post(*, actor, award_round: AwardRound, body: str, name: str = "", proposal: Proposal | None = None) -> Comment:
    """Anyone comments on a posted list (no account; the name is optional) while the consultation runs."""
    rnd = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    today = timezone.localdate()
    if rnd.status != RoundStatus.CONSULTATION or today > rnd.consultation_ends_on:
        raise Conflict("the consultation is closed", code="consultation_closed")
    if proposal is not None and proposal.round_id != rnd.pk:
        raise Invalid("not in this round", details=[detail("proposal", "not_in_round")])
    body = _text(body)
    problems = []
    if not body:
        problems.append(detail("body", "required"))
    elif len(body) > 2000:
        problems.append(detail("body", "too_long", max_length=2000))
    if problems:
        raise Invalid("invalid comment", details=problems)
    comment = Comment.objects.create(round=rnd, proposal=proposal, name=_text(name)[:100], body=body, posted_at=timezone.now())
    record(actor=actor, action="award_comment_post", obj=comment, unit=rnd.unit, object_type="award_comment",
           changes={"body": [None, body], "name": [None, comment.name]})
    return comment


@action
def award_comment_hide(*, actor, comment: Comment, expected_version: int | None, reason: str) -> Comment:
    """Moderation hides a comment from the public page with its reason; it is kept, and goes to the minutes."""
    item = lock_version(comment, expected_version)
    reason = _text(reason)
    if not reason:
        raise Invalid("no reason", details=[detail("reason", "reason_required")])
    if item.hidden:
        raise Conflict("hidden already", code="comment_hidden")
    return _move(actor, "award_comment_hide", item, ("hidden", "hidden_reason"), item.round.unit, hidden=True, hidden_reason=reason[:300],
                 hidden_on=timezone.localdate())


@action
def award_round_decide(*, actor, award_round: AwardRound, expected_version: int | None, decisions: dict[int, bool], minutes: str,
                       decision_no: str, reasons: dict[int, str] | None = None, on: dt.date | None = None) -> AwardRound:
    """The council meets — only after the consultation ended — and decides every proposal of the round (approve or
    not); the public comments, shown and hidden, go into its minutes as they stand."""
    day = _day(actor, on)
    rnd = lock_version(award_round, expected_version)
    if rnd.status != RoundStatus.CONSULTATION:
        raise Conflict("the round is not posted", code="round_not_posted")
    if not rules.council_may_meet(day, rnd.consultation_ends_on):
        raise Conflict("consultation still running", code="consultation_running",
                       params={"until": rnd.consultation_ends_on.strftime("%d/%m/%Y")})
    pending = {p.pk: p for p in rnd.proposals.select_for_update().filter(status=ProposalStatus.PROPOSED)}
    problems = []
    if set(decisions) != set(pending):
        problems.append(detail("decisions", "decide_every_proposal"))
    if not _text(minutes):
        problems.append(detail("minutes", "required"))
    if not _text(decision_no):
        problems.append(detail("decision_no", "required"))
    if problems:
        raise Invalid("invalid council decision", details=problems)
    reasons = reasons or {}
    for pk, approve in decisions.items():
        _move(actor, "award_round_decide", pending[pk], PROPOSAL_FIELDS, pending[pk].unit,
              status=ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED, reasons=_text(reasons.get(pk)))
    consultation = [{"id": c.pk, "proposal": c.proposal_id, "name": c.name, "body": c.body, "posted_at": c.posted_at.isoformat(),
                     "hidden": c.hidden, "hidden_reason": c.hidden_reason} for c in rnd.comments.all()]
    return _move(actor, "award_round_decide", rnd, ROUND_FIELDS, rnd.unit, status=RoundStatus.DECIDED, council_on=day, decided_on=day,
                 decision_no=_text(decision_no)[:60], minutes=_text(minutes), consultation=consultation)


@action
def award_revoke(*, actor, proposal: Proposal, expected_version: int | None, reason: str, on: dt.date | None = None) -> Proposal:
    """Revoke an award (a false declaration, a forged dossier, …) with its reason; the register keeps it, marked."""
    day = _day(actor, on)
    item = lock_version(proposal, expected_version)
    if item.status != ProposalStatus.APPROVED:
        raise Conflict("not an award", code="not_awarded")
    reason = _text(reason)
    if not reason:
        raise Invalid("no reason", details=[detail("reason", "reason_required")])
    return _move(actor, "award_revoke", item, PROPOSAL_FIELDS, item.unit, status=ProposalStatus.REVOKED, revoked_on=day,
                 revoke_reason=reason)

