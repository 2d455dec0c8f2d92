"""Who may see and act on initiatives and award proposals, and the authorisation functions of this app's actions.

An initiative is visible to anyone holding a role on the unit it is addressed to, or above; an award proposal to
anyone holding a role on the proposing unit or on the round's deciding unit, or above. Outside that they answer
"not found". A round itself (its title, year, status) is an announcement readable by every signed-in person; its
proposals are filtered as said. Each step needs its permission (``access/policy.py: PERMISSIONS``): applying on the
unit; naming the council and recording opinions on the unit; recognising or refusing on the level of the scope
(the unit, the city, the country); proposing on the proposing unit; opening, posting, moderating, deciding and
revoking on the round's unit. A public comment needs no account: it is refused (as missing) unless the round is
posted for comment.
"""

from __future__ import annotations

from django.db.models import Q

from dieuhanh.access.policy import can, can_see, is_system, reach_filter, require
from dieuhanh.actions import authorizes
from dieuhanh.emulation.models import RoundStatus
from dieuhanh.errors import Forbidden, NotFound


def can_see_initiative(actor, initiative) -> bool:
    return is_system(actor) or can_see(actor, initiative.unit)


def visible_initiatives_q(actor) -> Q:
    return reach_filter(actor, "initiative_view", "unit__")


def can_see_proposal(actor, proposal) -> bool:
    return is_system(actor) or can_see(actor, proposal.unit) or can_see(actor, proposal.round.unit)


def visible_proposals_q(actor) -> Q:
    return reach_filter(actor, "award_view", "unit__") | reach_filter(actor, "award_view", "round__unit__")


def _require_seen(actor, seen: bool, permission: str, unit) -> None:
    """NotFound when the object is out of sight; Forbidden when visible but ``permission`` is lacking on ``unit``."""
    if is_system(actor):
        return
    if not seen:
        raise NotFound("not found")
    if not can(actor, permission, unit):
        raise Forbidden(f"permission {permission} denied")


@authorizes
def initiative_apply(actor, *, unit, **_):
    require(actor, "initiative_apply", unit)


@authorizes
def initiative_council_name(actor, *, initiative, **_):
    _require_seen(actor, can_see_initiative(actor, initiative), "initiative_review", initiative.unit)


@authorizes
def initiative_opinion_add(actor, *, initiative, **_):
    _require_seen(actor, can_see_initiative(actor, initiative), "initiative_review", initiative.unit)


@authorizes
def initiative_decide(actor, *, initiative, recognise=True, scope="", **_):
    from dieuhanh.emulation.services import scope_unit

    level = scope_unit(initiative, scope) if recognise and scope else initiative.unit
    _require_seen(actor, can_see_initiative(actor, initiative), "initiative_decide", level)


@authorizes
def initiative_rules_set(actor, *, unit, **_):
    require(actor, "initiative_rules_set", unit)


@authorizes
def movement_launch(actor, *, unit, **_):
    require(actor, "movement_manage", unit)


@authorizes
def movement_register(actor, *, unit, **_):
    require(actor, "movement_register", unit)


@authorizes
def award_round_open(actor, *, unit, **_):
    require(actor, "award_round_manage", unit)


@authorizes
def award_propose(actor, *, unit, initiatives=(), **_):
    require(actor, "award_propose", unit)
    for initiative in initiatives:
        if not can_see_initiative(actor, initiative):
            raise NotFound("initiative not found")


@authorizes
def award_file_add(actor, *, proposal, **_):
    _require_seen(actor, can_see_proposal(actor, proposal), "award_propose", proposal.unit)


@authorizes
def award_round_post(actor, *, award_round, **_):
    require(actor, "award_round_manage", award_round.unit)


@authorizes
def award_comment_post(actor, *, award_round, **_):
    if award_round.status != RoundStatus.CONSULTATION:
        raise NotFound("no such posted list")


@authorizes
def award_comment_hide(actor, *, comment, **_):
    require(actor, "award_comment_moderate", comment.round.unit)


@authorizes
def award_round_decide(actor, *, award_round, **_):
    require(actor, "award_decide", award_round.unit)


@authorizes
def award_revoke(actor, *, proposal, **_):
    _require_seen(actor, can_see_proposal(actor, proposal), "award_revoke", proposal.round.unit)


@authorizes
def initiatives_feed(actor, *, indicator, **_):
    # Writing an indicator's values from the initiatives register is managing that indicator (as the 766 feed).
    require(actor, "indicator_manage", indicator.owner)
