"""Reading initiatives and awards with the reader's reach, the counts the cockpit shows, and what public pages may
show: recognised initiatives without their confidential part or any author, and posted award lists with the
nominee's name, unit, form and summary only (the law's public posting; no date of birth)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from dieuhanh.access.policy import can, held_roles, is_system
from dieuhanh.core.common.text import collation_key
from dieuhanh.emulation.auth import can_see_initiative, can_see_proposal, visible_initiatives_q, visible_proposals_q
from dieuhanh.emulation.models import (
    AwardForm, AwardRound, Comment, Initiative, InitiativeStatus, Movement, Proposal, ProposalStatus, RoundStatus,
)
from dieuhanh.errors import NotFound
from dieuhanh.units.models import Unit


def initiative_get(actor, pk: int) -> Initiative:
    item = Initiative.objects.select_related("unit", "decided_by_unit").filter(pk=pk).first()
    if item is None or not can_see_initiative(actor, item):
        raise NotFound("initiative not found")
    return item


def initiatives(actor, *, status: str | None = None, field: str | None = None, year: int | None = None,
                unit: str | None = None) -> QuerySet[Initiative]:
    qs = Initiative.objects.filter(visible_initiatives_q(actor)).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    if field:
        qs = qs.filter(field=field)
    if year:
        qs = qs.filter(receipt_year=year)
    if unit:
        qs = qs.filter(unit__code=unit)
    return qs


@dataclass
class Counts:
    by_status: Counter
    by_unit: list[tuple[str, int]]
    by_field: Counter
    by_year: list[tuple[int, int]]
    recognised_by_scope: Counter
    proposals_by_status: Counter
    total: int


def counts(actor) -> Counts:
    """Initiatives by stage, unit, field and year; recognitions by scope; award proposals by stage — within reach."""
    rows = list(Initiative.objects.filter(visible_initiatives_q(actor)).values_list("status", "unit__name", "field", "receipt_year", "scope"))
    units = Counter(r[1] for r in rows)
    proposals = Counter(Proposal.objects.filter(visible_proposals_q(actor)).values_list("status", flat=True))
    return Counts(by_status=Counter(r[0] for r in rows), by_unit=sorted(units.items(), key=lambda kv: collation_key(kv[0])),
                  by_field=Counter(r[2] for r in rows), by_year=sorted(Counter(r[3] for r in rows).items()),
                  recognised_by_scope=Counter(r[4] for r in rows if r[0] == InitiativeStatus.RECOGNISED),
                  proposals_by_status=proposals, total=len(rows))


def units_with(actor, permission: str) -> list[Unit]:
    """The units where the actor holds ``permission`` (their own units; a role reaches below, these are the roots)."""
    if is_system(actor):
        return []
    paths = {path for path, _role in held_roles(actor)}
    units = [u for u in Unit.objects.filter(path__in=paths) if can(actor, permission, u)]
    return sorted(units, key=lambda u: collation_key(u.name))


# --- awards -----------------------------------------------------------------------------------------------------

def rounds() -> QuerySet[AwardRound]:
    """Rounds are announcements: every signed-in person reads them (their proposals go by reach)."""
    return AwardRound.objects.select_related("unit", "movement")


def round_get(pk: int) -> AwardRound:
    rnd = rounds().filter(pk=pk).first()
    if rnd is None:
        raise NotFound("round not found")
    return rnd


def proposals(actor, award_round: AwardRound | None = None) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(visible_proposals_q(actor)).select_related("unit", "form", "round").prefetch_related("initiatives")
    return qs.filter(round=award_round) if award_round is not None else qs


def proposal_get(actor, pk: int) -> Proposal:
    item = Proposal.objects.select_related("unit", "form", "round", "round__unit").filter(pk=pk).first()
    if item is None or not can_see_proposal(actor, item):
        raise NotFound("proposal not found")
    return item


def proposal_file_get(actor, proposal_id: int, **lookup):
    """A file of a proposal's dossier (``lookup``: its ``pk`` or ``sha256``), within the proposal's reach."""
    f = proposal_get(actor, proposal_id).files.filter(**lookup).first()
    if f is None:
        raise NotFound("file not found")
    return f


def comment_get(actor, pk: int) -> Comment:
    item = Comment.objects.select_related("round", "round__unit").filter(pk=pk).first()
    if item is None or not (is_system(actor) or can(actor, "award_view", item.round.unit)):
        raise NotFound("comment not found")
    return item


def award_register(actor, *, unit: str | None = None, year: int | None = None, form: str | None = None) -> QuerySet[Proposal]:
    """The award register: proposals the council approved (revoked ones stay, marked), by unit, year and form."""
    qs = proposals(actor).filter(status__in=(ProposalStatus.APPROVED, ProposalStatus.REVOKED)).order_by("-round__year", "unit__name", "id")
    if unit:
        qs = qs.filter(Q(unit__code=unit))
    if year:
        qs = qs.filter(round__year=year)
    if form:
        qs = qs.filter(form__code=form)
    return qs


def forms() -> list[AwardForm]:
    return list(AwardForm.objects.all())


def movements() -> QuerySet[Movement]:
    return Movement.objects.select_related("unit").prefetch_related("registrations__unit")


# --- public pages -----------------------------------------------------------------------------------------------

PUBLIC_INITIATIVE_FIELDS = ("pk", "title", "field", "unit__name", "scope", "decided_on", "substance", "benefit_author", "benefit_users",
                            "synthetic")


def public_initiatives() -> list[dict]:
    """Recognised initiatives as the public sees them: never the confidential part, never an author."""
    return list(Initiative.objects.filter(status=InitiativeStatus.RECOGNISED).order_by("-decided_on", "-id").values(*PUBLIC_INITIATIVE_FIELDS))


def public_rounds() -> QuerySet[AwardRound]:
    return rounds().filter(status__in=(RoundStatus.CONSULTATION, RoundStatus.DECIDED))


def public_round(pk: int) -> AwardRound:
    rnd = public_rounds().filter(pk=pk).first()
    if rnd is None:
        raise NotFound("round not found")
    return rnd


PUBLIC_PROPOSAL_FIELDS = ("pk", "nominee_kind", "nominee_name", "unit__name", "form__name_vi", "form__name_en", "summary", "status",
                          "synthetic")


def public_proposals(award_round: AwardRound) -> list[dict]:
    """What the law's public posting shows of each proposal: name, unit, form, a summary of achievements."""
    return list(award_round.proposals.order_by("id").values(*PUBLIC_PROPOSAL_FIELDS))


def public_comments(award_round: AwardRound) -> list[Comment]:
    return list(award_round.comments.filter(hidden=False))
