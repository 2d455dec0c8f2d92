"""Who may see and act on calls, proposals and evaluations, and the authorisation functions of their actions.

Officials: a call is seen by anyone holding a role on its owner unit (or above) and by the members of its council;
outside that it answers "not found". Managing it — every transition of the stage machine, the council, the
decision, milestones, acceptance, adoption, support amounts — needs ``call_manage`` on the owner unit
(``access/policy.py``). Evaluating needs a seat on the call's council, nothing else.

Proposers (accounts with a ``Proposer`` profile) hold no role: they act only on their own proposals and see calls
only once published; any other proposal is "not found" to them. Registration and e-mail verification are open to
anyone (the signed token is the proof).
"""

from __future__ import annotations

from django.db.models import Q

from dieuhanh.access.policy import can, can_see, is_system, reach_filter, require
from dieuhanh.actions import authorizes
from dieuhanh.errors import Forbidden, NotFound


def proposer_of(actor):
    """The actor's proposer profile, or ``None`` (an official, the system, an anonymous visitor)."""
    if actor is None or is_system(actor) or not getattr(actor, "is_authenticated", False):
        return None
    try:
        return actor.proposer
    except Exception:  # RelatedObjectDoesNotExist: an official
        return None


def is_member(actor, call) -> bool:
    return not is_system(actor) and getattr(actor, "pk", None) is not None and call.council.filter(user_id=actor.pk).exists()


def can_see_call(actor, call) -> bool:
    """Officials' view of a call (its proposals included)."""
    if is_system(actor):
        return True
    if proposer_of(actor) is not None:
        return False
    return can_see(actor, call.owner) or is_member(actor, call)


def can_manage_call(actor, call) -> bool:
    return is_system(actor) or (proposer_of(actor) is None and can(actor, "call_manage", call.owner))


def visible_calls_q(actor) -> Q:
    """A ``Q`` on ``Call`` for the calls an official sees (none for a proposer)."""
    if is_system(actor):
        return Q()
    if proposer_of(actor) is not None:
        return Q(pk__in=[])
    return reach_filter(actor, "call_view", "owner__") | Q(council__user_id=actor.pk)


def require_call_manage(actor, call) -> None:
    """NotFound when the call is out of sight; Forbidden when seen (a council member, a viewer) without
    ``call_manage`` on the owner unit."""
    if is_system(actor):
        return
    if not can_see_call(actor, call):
        raise NotFound("call not found")
    if not can(actor, "call_manage", call.owner):
        raise Forbidden("permission call_manage denied")


def require_member(actor, proposal) -> None:
    if is_system(actor):
        return
    if not can_see_call(actor, proposal.call):
        raise NotFound("proposal not found")
    if not is_member(actor, proposal.call):
        raise Forbidden("not a member of the council")


def require_own_proposal(actor, proposal) -> None:
    me = proposer_of(actor)
    if me is None or proposal.proposer_id != me.pk:
        raise NotFound("proposal not found")


@authorizes
def call_create(actor, *, owner, **_):
    if proposer_of(actor) is not None:
        raise NotFound("not found")
    require(actor, "call_manage", owner)


def _manage(actor, call) -> None:
    require_call_manage(actor, call)


@authorizes
def call_update(actor, *, call, **_):
    _manage(actor, call)


@authorizes
def call_move(actor, *, call, **_):
    _manage(actor, call)


@authorizes
def council_set(actor, *, call, **_):
    _manage(actor, call)


@authorizes
def call_select(actor, *, call, **_):
    _manage(actor, call)


@authorizes
def milestone_add(actor, *, call, **_):
    _manage(actor, call)


@authorizes
def milestone_done(actor, *, milestone, **_):
    _manage(actor, milestone.call)


@authorizes
def call_accept(actor, *, call, **_):
    _manage(actor, call)


@authorizes
def adoption_add(actor, *, call, **_):
    _manage(actor, call)


@authorizes
def support_amounts_set(actor, *, proposal, **_):
    _manage(actor, proposal.call)


@authorizes
def conflict_declare(actor, *, proposal, **_):
    require_member(actor, proposal)


@authorizes
def evaluation_submit(actor, *, proposal, **_):
    require_member(actor, proposal)


@authorizes
def proposer_register(actor, **_):
    """Open to anyone: the account stays inactive until its e-mail is verified."""


@authorizes
def proposer_verify(actor, **_):
    """Open to anyone holding the signed link."""


@authorizes
def proposal_submit(actor, *, call, **_):
    me = proposer_of(actor)
    if me is None or me.verified_at is None or not call.is_public:
        raise NotFound("call not found")


@authorizes
def proposal_update(actor, *, proposal, **_):
    require_own_proposal(actor, proposal)


@authorizes
def proposal_withdraw(actor, *, proposal, **_):
    require_own_proposal(actor, proposal)


@authorizes
def calls_feed(actor, *, indicator, **_):
    # Writing an indicator's values from the calls is managing that indicator (as the dossiers' feed).
    require(actor, "indicator_manage", indicator.owner)
