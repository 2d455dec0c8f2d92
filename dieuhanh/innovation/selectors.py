"""Reading calls, proposals and evaluations, each with the reach of the person asking.

Officials see the calls of units they hold a role on (and calls whose council they sit on); proposers see their own
proposals and published calls; the public sees published calls (``PUBLIC_STAGES``) with no person's data. What an
evaluator sees of the scores: their own always; the others' on a proposal only once their own is in (never on a
proposal they declared a conflict on); the owner's managers see every score. Ranking: ``core/innovation/rules.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from dieuhanh.core.common.text import collation_key
from dieuhanh.core.innovation import rules
from dieuhanh.errors import NotFound
from dieuhanh.innovation.auth import can_manage_call, can_see_call, is_member, proposer_of, visible_calls_q
from dieuhanh.innovation.models import (
    PUBLIC_STAGES, SUPPORT_KINDS, Call, CouncilMember, Evaluation, Kind, Proposal, ProposalStatus, ProposerKind, Stage,
)


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- officials

def calls_visible(actor, *, kind: str | None = None, stage: str | None = None, support: bool | None = None):
    qs = Call.objects.filter(visible_calls_q(actor)).distinct().select_related("owner")
    if kind:
        qs = qs.filter(kind=kind)
    if support is True:
        qs = qs.filter(kind__in=SUPPORT_KINDS)
    elif support is False:
        qs = qs.filter(kind=Kind.PROBLEM)
    if stage:
        qs = qs.filter(stage=stage)
    return qs.annotate(n_proposals=Count("proposals", filter=~Q(proposals__status=ProposalStatus.WITHDRAWN), distinct=True))


def call_get(actor, call_id: int) -> Call:
    """An official's call: NotFound when missing or out of sight."""
    call = Call.objects.select_related("owner").filter(pk=call_id).first()
    if call is None or not can_see_call(actor, call):
        raise NotFound("call not found")
    return call


def proposal_get(actor, proposal_id: int) -> Proposal:
    """A proposal seen from the officials' side (the owner's people, the council)."""
    p = Proposal.objects.select_related("call__owner", "proposer").filter(pk=proposal_id).first()
    if p is None or not can_see_call(actor, p.call):
        raise NotFound("proposal not found")
    return p


def call_proposals(call: Call):
    return call.proposals.exclude(status=ProposalStatus.WITHDRAWN).select_related("proposer").order_by("submitted_on", "id")


@dataclass
class ProposalRow:
    proposal: Proposal
    done: int  # evaluations handed in (scores or a declared conflict)
    expected: int
    score: object = None  # the mean weighted score, once shown
    rank: int | None = None
    mine: Evaluation | None = None
    others_visible: bool = False
    evaluations: list = field(default_factory=list)


def evaluation_board(actor, call: Call) -> dict:
    """The council's progress ("2 of 4 evaluations done"), per proposal and in all, the ranking (shown to the
    owner's managers, and to a member only on proposals they have scored), and each row's own evaluation."""
    members = list(call.council.select_related("user"))
    proposals = list(call_proposals(call))
    evaluations = list(Evaluation.objects.filter(proposal__in=proposals, submitted_on__isnull=False).select_related("member__user"))
    by_proposal: dict[int, list[Evaluation]] = {}
    for e in evaluations:
        by_proposal.setdefault(e.proposal_id, []).append(e)
    manager = can_manage_call(actor, call)
    me = next((m for m in members if m.user_id == getattr(actor, "pk", None)), None)
    ranked = {r.key: r for r in rules.rank((p.pk, i, [e.weighted for e in by_proposal.get(p.pk, []) if e.weighted is not None])
                                           for i, p in enumerate(proposals))}
    rows = []
    for p in proposals:
        evs = by_proposal.get(p.pk, [])
        mine = next((e for e in evs if me is not None and e.member_id == me.pk), None)
        visible = manager or (mine is not None and not mine.conflict)
        r = ranked.get(p.pk)
        rows.append(ProposalRow(p, len(evs), len(members), score=r.score if r and visible else None,
                                rank=r.rank if r and visible else None, mine=mine, others_visible=visible,
                                evaluations=evs if visible else ([mine] if mine else [])))
    done = sum(r.done for r in rows)
    return {"members": members, "rows": rows, "done": done, "expected": len(members) * len(proposals), "manager": manager,
            "me": me, "blind": call.blind and not manager}


def proposer_shown(actor, proposal: Proposal) -> bool:
    """Whether the official looking may see who proposed (blind evaluation hides it from council members who do
    not manage the call)."""
    return not proposal.call.blind or can_manage_call(actor, proposal.call) or proposal.call.reached(Stage.SELECTED)


def member_evaluation(actor, proposal: Proposal) -> Evaluation | None:
    return Evaluation.objects.filter(proposal=proposal, member__user_id=getattr(actor, "pk", None)).first()


def can_evaluate(actor, call: Call) -> bool:
    return call.stage == Stage.EVALUATION and is_member(actor, call)


def officials_for_council(call: Call):
    """People who may sit on the council: active officials holding a role on the owner unit or above or below."""
    from dieuhanh.accounts.models import User

    path = call.owner.path
    city = "/".join(path.split("/")[:3]) + "/"
    qs = User.objects.filter(is_active=True, role_assignments__revoked_at__isnull=True,
                             role_assignments__unit__path__startswith=city).distinct()
    return sorted(qs, key=lambda u: collation_key(u.display_name))


# ---------------------------------------------------------------- proposers

def open_calls(day: dt.date | None = None):
    day = day or today()
    return (Call.objects.filter(stage=Stage.PUBLISHED).filter(Q(closes_on__isnull=True) | Q(closes_on__gte=day))
            .filter(Q(opens_on__isnull=True) | Q(opens_on__lte=day)).select_related("owner").order_by("closes_on", "id"))


def my_proposals(actor):
    me = proposer_of(actor)
    if me is None:
        return Proposal.objects.none()
    return Proposal.objects.filter(proposer=me).select_related("call__owner").order_by("-submitted_on", "-id")


def my_proposal_get(actor, proposal_id: int) -> Proposal:
    """One's own proposal; anyone else's answers like a missing one."""
    p = my_proposals(actor).filter(pk=proposal_id).first()
    if p is None:
        raise NotFound("proposal not found")
    return p


def my_score(proposal: Proposal):
    """The proposer's own score, only once the call is decided."""
    if not proposal.call.reached(Stage.SELECTED):
        return None
    return rules.proposal_score([e.weighted for e in proposal.evaluations.filter(weighted__isnull=False)])


# ---------------------------------------------------------------- public

def public_calls(*, support: bool | None = None):
    qs = Call.objects.filter(stage__in=PUBLIC_STAGES).select_related("owner")
    if support is True:
        qs = qs.filter(kind__in=SUPPORT_KINDS)
    elif support is False:
        qs = qs.filter(kind=Kind.PROBLEM)
    return qs.order_by("-opens_on", "-id")


def public_call_get(call_id: int) -> Call:
    call = Call.objects.select_related("owner").filter(pk=call_id, stage__in=PUBLIC_STAGES).first()
    if call is None:
        raise NotFound("call not found")
    return call


def public_outcome(call: Call) -> dict:
    """What the public page shows at the end: the selected solutions' organisations (a citizen's name never), the
    acceptance, the adoptions."""
    selected = []
    if call.reached(Stage.SELECTED):
        for p in call.proposals.filter(status=ProposalStatus.SELECTED).select_related("proposer"):
            selected.append({"title": p.title, "summary": p.summary,
                             "organisation": p.proposer.name if p.proposer.kind != ProposerKind.CITIZEN else None,
                             "amount_decided": p.amount_decided, "amount_contracted": p.amount_contracted,
                             "amount_disbursed": p.amount_disbursed, "result": p.result})
    return {"selected": selected, "n_proposals": call.proposals.exclude(status=ProposalStatus.WITHDRAWN).count(),
            "milestones": list(call.milestones.all()), "adoptions": list(call.adoptions.select_related("unit"))}


def support_register():
    """The public register of support recipients: organisations only (never a citizen), the amounts decided,
    contracted and disbursed, and the result."""
    return (Proposal.objects.filter(call__kind__in=SUPPORT_KINDS, status=ProposalStatus.SELECTED, call__stage__in=PUBLIC_STAGES)
            .exclude(proposer__kind=ProposerKind.CITIZEN).select_related("call__owner", "proposer").order_by("-call__decided_on", "id"))


# ---------------------------------------------------------------- figures

@dataclass
class Figures:
    total: int
    by_stage: list
    by_unit: list
    by_field: list
    by_year: list
    solved: int  # accepted or in use
    in_use: int


def figures(actor, *, support: bool | None = None) -> Figures:
    """Counts of the calls the person sees, by stage, owner unit, field and year (of creation)."""
    calls = list(calls_visible(actor, support=support).values_list("stage", "owner__name", "field", "created_on", "synthetic"))
    from dieuhanh.innovation.models import Field as CallField

    stages, units, fields, years = Counter(), Counter(), Counter(), Counter()
    for stage, unit, fld, created, _s in calls:
        stages[stage] += 1
        units[unit] += 1
        fields[fld] += 1
        years[created.year] += 1
    return Figures(
        total=len(calls),
        by_stage=[(s, Stage(s).label, stages[s]) for s in Stage.values if stages[s]],
        by_unit=sorted(units.items(), key=lambda kv: (-kv[1], collation_key(kv[0]))),
        by_field=[(f, CallField(f).label, fields[f]) for f in CallField.values if fields[f]],
        by_year=sorted(years.items()),
        solved=stages[Stage.ACCEPTED] + stages[Stage.IN_USE],
        in_use=stages[Stage.IN_USE],
    )


def members_of(call: Call):
    return CouncilMember.objects.filter(call=call).select_related("user")
