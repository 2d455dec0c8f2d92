"""Initiative and award actions × roles × where the role is held, through the real actions.

The initiative is addressed to Phường Bến Thành (26743); the round of awards is the city's (79). Positions of the
actor's role: on the ward ("ward"), on the city ("city", above everything here), on a sibling ward ("other").
An initiative is seen from its unit or above; a proposal from its proposing unit or the round's unit or above; the
sibling sees nothing (NotFound, as for a missing object). The expected answers are written out here from the
documented rules (docs/ARCHITECTURE.md, "Initiatives and awards"), not read from ``access.policy.PERMISSIONS``.
"""

from __future__ import annotations

import pytest

from dieuhanh.access.models import Role
from dieuhanh.access.policy import PERMISSIONS
from dieuhanh.audit.models import AuditEvent
from dieuhanh.emulation import selectors, services
from dieuhanh.emulation.models import AwardForm, Comment, Initiative, Proposal
from dieuhanh.errors import Forbidden, NotFound
from tests.conftest import BEN_THANH, CITY, SAI_GON, SYSTEM, D, allowed_table
from tests.emulation.conftest import apply, recognise

POSITIONS = {"ward": BEN_THANH, "city": CITY, "other": SAI_GON}
# action -> (permission, the unit it is checked on, whether it acts on an object seen from the ward and the city)
ACTIONS = {
    "initiative_apply": ("initiative_apply", "ward", False),
    "initiative_council_name": ("initiative_review", "ward", True),
    "initiative_opinion_add": ("initiative_review", "ward", True),
    "initiative_decide": ("initiative_decide", "ward", True),
    "initiative_decide_city": ("initiative_decide", "city", True),
    "initiative_rules_set": ("initiative_rules_set", "ward", False),
    "movement_launch": ("movement_manage", "ward", False),
    "movement_register": ("movement_register", "ward", False),
    "award_round_open": ("award_round_manage", "city", False),
    "award_propose": ("award_propose", "ward", False),
    "award_file_add": ("award_propose", "ward", True),
    "award_round_post": ("award_round_manage", "city", False),
    "award_comment_hide": ("award_comment_moderate", "city", False),
    "award_round_decide": ("award_decide", "city", False),
    "award_revoke": ("award_revoke", "city", True),
}
# A unit's reporters and approvers apply; its approvers (and steering above) name the council, record opinions and
# recognise at the unit's scope, the city's approvers and steering at city scope; steering and administrators set
# the review period; steering launches movements, approvers and steering register their unit and propose awards;
# the round's steering opens, posts, decides and revokes, its approvers and steering moderate comments.
ALLOWED = allowed_table("""
                        viewer  reporter  approver  steering  administrator
initiative_apply        no      yes       yes       no        no
initiative_council_name no      no        yes       yes       no
initiative_opinion_add  no      no        yes       yes       no
initiative_decide       no      no        yes       yes       no
initiative_decide_city  no      no        yes       yes       no
initiative_rules_set    no      no        no        yes       yes
movement_launch         no      no        no        yes       no
movement_register       no      no        yes       yes       no
award_round_open        no      no        no        yes       no
award_propose           no      no        yes       yes       no
award_file_add          no      no        yes       yes       no
award_round_post        no      no        no        yes       no
award_comment_hide      no      no        yes       yes       no
award_round_decide      no      no        no        yes       no
award_revoke            no      no        no        yes       no
""")
COVERS = {"ward": {"ward"}, "city": {"ward", "city"}, "other": set()}
SEES = {"ward", "city"}


def expected(action: str, role: Role, position: str):
    _, checked_on, on_object = ACTIONS[action]
    if on_object and position not in SEES:
        return NotFound
    if not on_object and checked_on not in COVERS[position]:
        return NotFound
    return None if checked_on in COVERS[position] and role in ALLOWED[action] else Forbidden


@pytest.fixture
def world(hcmc, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ward, city = hcmc[BEN_THANH], hcmc[CITY]
    received = apply(SYSTEM, ward)
    reviewed = services.initiative_council_name(actor=SYSTEM, initiative=apply(SYSTEM, ward), expected_version=1, members="Ông A")
    recognised = recognise(apply(SYSTEM, ward))
    movement = services.movement_launch(actor=SYSTEM, unit=city, code="DMST", title="Phong trào", starts_on=D(2025, 7, 18),
                                        ends_on=D(2027, 12, 31))
    form = AwardForm.objects.get(code="bang_khen_chu_tich")

    def proposal(rnd, name):
        return services.award_propose(actor=SYSTEM, award_round=rnd, unit=ward, form=form, nominee_kind="person", nominee_name=name,
                                      period=2026, achievements="x", summary="y", initiatives=[recognised])

    open_round = services.award_round_open(actor=SYSTEM, unit=city, title="Đợt đang mở", year=2026)
    proposed = proposal(open_round, "Người đề nghị")
    posted = services.award_round_open(actor=SYSTEM, unit=city, title="Đợt đã công khai", year=2026)
    proposal(posted, "Người đã công khai")
    posted = services.award_round_post(actor=SYSTEM, award_round=posted, expected_version=1, on=D(2026, 11, 2))
    comment = Comment.objects.create(round=posted, body="Ý kiến", posted_at="2026-11-03T09:00:00+07:00")
    decided = services.award_round_open(actor=SYSTEM, unit=city, title="Đợt đã quyết định", year=2025)
    awarded = services.award_propose(actor=SYSTEM, award_round=decided, unit=ward, form=form, nominee_kind="person", nominee_name="Đã khen",
                                     period=2025, achievements="x", summary="y", initiatives=[recognised])
    decided = services.award_round_post(actor=SYSTEM, award_round=decided, expected_version=1, on=D(2026, 10, 1))
    services.award_round_decide(actor=SYSTEM, award_round=decided, expected_version=decided.version, decisions={awarded.pk: True},
                                minutes="Họp", decision_no="9/QĐ", on=D(2026, 10, 20))
    return {"ward": ward, "city": city, "received": received, "reviewed": reviewed, "recognised": recognised, "movement": movement,
            "form": form, "open_round": open_round, "proposed": proposed, "posted": posted, "comment": comment,
            "awarded": Proposal.objects.get(pk=awarded.pk)}


def attempt(action: str, actor, w):
    if action == "initiative_apply":
        return apply(actor, w["ward"])
    if action == "initiative_council_name":
        return services.initiative_council_name(actor=actor, initiative=w["received"], expected_version=1, members="Bà B")
    if action == "initiative_opinion_add":
        return services.initiative_opinion_add(actor=actor, initiative=w["reviewed"], member="Ông A", vote="for")
    if action in ("initiative_decide", "initiative_decide_city"):
        return services.initiative_decide(actor=actor, initiative=w["reviewed"], expected_version=2, recognise=True,
                                          scope="unit" if action == "initiative_decide" else "city", minutes="Họp")
    if action == "initiative_rules_set":
        return services.initiative_rules_set(actor=actor, unit=w["ward"], review_days=20)
    if action == "movement_launch":
        return services.movement_launch(actor=actor, unit=w["ward"], code="PHUONG", title="Phong trào phường", starts_on=D(2026, 1, 1),
                                        ends_on=D(2026, 12, 31))
    if action == "movement_register":
        return services.movement_register(actor=actor, movement=w["movement"], unit=w["ward"], commitments="Số hoá 100 % hồ sơ")
    if action == "award_round_open":
        return services.award_round_open(actor=actor, unit=w["city"], title="Đợt mới", year=2026)
    if action == "award_propose":
        return services.award_propose(actor=actor, award_round=w["open_round"], unit=w["ward"], form=w["form"], nominee_kind="person",
                                      nominee_name="Người khác", period=2026, achievements="x", summary="y", initiatives=[w["recognised"]])
    if action == "award_file_add":
        return services.award_file_add(actor=actor, proposal=w["proposed"], filename="hs.pdf", content=b"%PDF-1.7 hs")
    if action == "award_round_post":
        return services.award_round_post(actor=actor, award_round=w["open_round"], expected_version=1)
    if action == "award_comment_hide":
        return services.award_comment_hide(actor=actor, comment=w["comment"], expected_version=1, reason="Spam")
    if action == "award_round_decide":
        rnd = w["posted"]
        return services.award_round_decide(actor=actor, award_round=rnd, expected_version=rnd.version,
                                           decisions={p.pk: True for p in rnd.proposals.all()}, minutes="Họp", decision_no="1/QĐ")
    return services.award_revoke(actor=actor, proposal=w["awarded"], expected_version=w["awarded"].version, reason="Sai sự thật")


def state():
    return (AuditEvent.objects.count(), sorted(Initiative.objects.values_list("pk", "version")),
            sorted(Proposal.objects.values_list("pk", "version")), sorted(Comment.objects.values_list("pk", "version")))


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_initiative_and_award_actions(world, make_user, action, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    outcome = expected(action, role, position)
    before = state()
    if outcome is None:
        attempt(action, actor, world)
        assert AuditEvent.objects.count() > before[0]
    else:
        with pytest.raises(outcome):
            attempt(action, actor, world)
        assert state() == before


@pytest.mark.parametrize("position", list(POSITIONS))
def test_reading_an_initiative_and_a_proposal(world, make_user, position):
    actor = make_user("reader", POSITIONS[position], "viewer")
    if position == "other":
        with pytest.raises(NotFound):
            selectors.initiative_get(actor, world["received"].pk)
        with pytest.raises(NotFound):
            selectors.proposal_get(actor, world["proposed"].pk)
    else:
        assert selectors.initiative_get(actor, world["received"].pk).pk == world["received"].pk
        assert selectors.proposal_get(actor, world["proposed"].pk).pk == world["proposed"].pk


def test_every_permission_of_this_app_is_covered_by_this_matrix():
    ours = {"initiative_view", "initiative_apply", "initiative_review", "initiative_decide", "initiative_rules_set", "movement_manage",
            "movement_register", "award_view", "award_propose", "award_round_manage", "award_comment_moderate", "award_decide",
            "award_revoke"}
    assert {p for p, _, _ in ACTIONS.values()} | {"initiative_view", "award_view"} == ours
    assert ours <= set(PERMISSIONS)
