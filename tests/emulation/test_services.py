"""Initiatives and awards through their actions: the receipt and its due day, recognition by the level of its
scope, the refusals the rules ask for (shares not adding up to 100, an award on an unrecognised or too-narrow
initiative, a council before the consultation ends, one achievement awarded twice), moderation that keeps."""

from __future__ import annotations

import datetime as dt

import pytest

from dieuhanh.audit.models import AuditEvent
from dieuhanh.emulation import services
from dieuhanh.emulation.models import Initiative, Proposal
from dieuhanh.errors import Conflict, Forbidden, Invalid
from tests.conftest import BEN_THANH, CITY, SAI_GON, SYSTEM, D
from tests.emulation.conftest import AUTHORS, apply, recognise

pytestmark = pytest.mark.django_db


def codes(exc) -> set[str]:
    return {d["code"] for d in exc.value.details}


def test_an_application_gets_the_next_receipt_number_and_its_answer_due_day(cast, hcmc, settings):
    settings.DIEUHANH_INITIATIVE_REVIEW_DAYS = 30
    first = apply(cast["official"], hcmc[BEN_THANH])
    second = apply(cast["official"], hcmc[BEN_THANH], title="Số hoá sổ hộ tịch")
    assert (first.receipt, second.receipt) == ("001/2026/SK", "002/2026/SK")
    assert first.received_on == D(2026, 11, 30) and first.answer_due == D(2026, 12, 30)  # 30/11 + 30 days
    assert [a.name for a in first.authors.all()] == ["Nguyễn Thị Lan", "Trần Văn Minh"]


def test_a_unit_sets_its_own_review_period_and_the_units_below_inherit_it(cast, hcmc):
    services.initiative_rules_set(actor=cast["city"], unit=hcmc[CITY], review_days=45)
    item = apply(cast["official"], hcmc[BEN_THANH])
    assert item.answer_due == D(2027, 1, 14)  # 30/11/2026 + 31 days = 31/12/2026, + 14 more = 14/01/2027


@pytest.mark.parametrize(("shares", "code"), [(["60", "30"], "shares_not_100"), (["70", "40"], "shares_not_100"),
                                              (["0", "100"], "share_out_of_range"), (["abc", "100"], "share_out_of_range")])
def test_shares_that_do_not_add_up_to_100_are_refused(cast, hcmc, shares, code):
    authors = [{**a, "share": s} for a, s in zip(AUTHORS, shares)]
    with pytest.raises(Invalid) as exc:
        apply(cast["official"], hcmc[BEN_THANH], authors=authors)
    assert code in codes(exc)
    assert not Initiative.objects.exists()


def test_a_city_scope_recognition_is_decided_by_the_city_not_the_ward(cast, hcmc):
    item = apply(cast["official"], hcmc[BEN_THANH])
    item = services.initiative_council_name(actor=cast["leader"], initiative=item, expected_version=1, members="Ông A\nBà B")
    services.initiative_opinion_add(actor=cast["leader"], initiative=item, member="Ông A", vote="for", text="Hiệu quả")
    with pytest.raises(Forbidden):  # the ward's approver sees it, but cannot recognise it for the city
        services.initiative_decide(actor=cast["leader"], initiative=item, expected_version=2, recognise=True, scope="city", minutes="x")
    item = services.initiative_decide(actor=cast["city"], initiative=item, expected_version=2, recognise=True, scope="city",
                                      minutes="Công nhận", decision_no="5/QĐ-UBND")
    assert (item.status, item.scope, item.decided_by_unit.code) == ("recognised", "city", CITY)


def test_a_refusal_needs_its_reasons(cast, hcmc):
    item = apply(cast["official"], hcmc[BEN_THANH])
    item = services.initiative_council_name(actor=cast["leader"], initiative=item, expected_version=1, members="Ông A")
    with pytest.raises(Invalid) as exc:
        services.initiative_decide(actor=cast["leader"], initiative=item, expected_version=2, recognise=False, minutes="Họp")
    assert "reasons_required" in codes(exc)


def test_an_award_cannot_rest_on_an_unrecognised_initiative(cast, hcmc, city_round, form):
    item = apply(cast["official"], hcmc[BEN_THANH])
    with pytest.raises(Invalid) as exc:
        services.award_propose(actor=cast["leader"], award_round=city_round, unit=hcmc[BEN_THANH], form=form("bang_khen_chu_tich"),
                               nominee_kind="person", nominee_name="Nguyễn Thị Lan", period=2026, achievements="x", summary="y",
                               initiatives=[item])
    assert "initiative_not_recognised" in codes(exc)
    assert not Proposal.objects.exists()


def test_an_award_needing_a_city_initiative_refuses_a_unit_scope_one(cast, hcmc, city_round, form):
    item = recognise(apply(cast["official"], hcmc[BEN_THANH]), scope="unit")
    with pytest.raises(Invalid) as exc:
        services.award_propose(actor=cast["leader"], award_round=city_round, unit=hcmc[BEN_THANH], form=form("cstd_cap_tinh"),
                               nominee_kind="person", nominee_name="Nguyễn Thị Lan", period=2026, achievements="x", summary="y",
                               initiatives=[item])
    assert "initiative_scope_too_low" in codes(exc)


def test_one_achievement_is_not_awarded_twice(cast, hcmc, city_round, form):
    item = recognise(apply(cast["official"], hcmc[BEN_THANH]))
    data = dict(award_round=city_round, unit=hcmc[BEN_THANH], form=form("bang_khen_chu_tich"), nominee_kind="person", period=2026,
                achievements="x", summary="y", initiatives=[item], nominee_born_on=D(1988, 5, 1))
    services.award_propose(actor=cast["leader"], nominee_name="Nguyễn Thị Lan", **data)
    with pytest.raises(Conflict) as exc:
        services.award_propose(actor=cast["leader"], nominee_name="nguyen thi  lan", **data)
    assert exc.value.code == "award_twice"
    with pytest.raises(Conflict):  # leaving the date of birth out does not make a second award possible
        services.award_propose(actor=cast["leader"], nominee_name="Nguyễn Thị Lan", **{**data, "nominee_born_on": None})
    services.award_propose(actor=cast["leader"], nominee_name="Nguyễn Thị Lan", **{**data, "period": 2025})  # another year: fine
    services.award_propose(actor=cast["leader"], nominee_name="Nguyễn Thị Lan", **{**data, "nominee_born_on": D(1990, 1, 2)})  # a namesake


def _posted(cast, hcmc, city_round, form):
    item = recognise(apply(cast["official"], hcmc[BEN_THANH]))
    proposal = services.award_propose(actor=cast["leader"], award_round=city_round, unit=hcmc[BEN_THANH], form=form("bang_khen_chu_tich"),
                                      nominee_kind="person", nominee_name="Nguyễn Thị Lan", period=2026, achievements="x", summary="y",
                                      initiatives=[item])
    rnd = services.award_round_post(actor=cast["city"], award_round=city_round, expected_version=1)
    return rnd, proposal


def test_the_council_cannot_meet_before_the_consultation_ends(cast, hcmc, city_round, form, clock):
    rnd, proposal = _posted(cast, hcmc, city_round, form)
    assert rnd.consultation_ends_on == D(2026, 12, 14)  # ten working days after Mon 30/11/2026, counted by hand
    clock.move_to(dt.datetime(2026, 12, 14, 16, 0))
    with pytest.raises(Conflict) as exc:
        services.award_round_decide(actor=cast["city"], award_round=rnd, expected_version=rnd.version, decisions={proposal.pk: True},
                                    minutes="Họp", decision_no="1/QĐ")
    assert exc.value.code == "consultation_running"
    clock.move_to(dt.datetime(2026, 12, 15, 9, 0))
    rnd = services.award_round_decide(actor=cast["city"], award_round=rnd, expected_version=rnd.version, decisions={proposal.pk: True},
                                      minutes="Họp", decision_no="1/QĐ")
    assert Proposal.objects.get(pk=proposal.pk).status == "approved"


def test_a_public_comment_is_moderated_kept_and_goes_to_the_minutes(cast, hcmc, city_round, form, clock):
    from django.contrib.auth.models import AnonymousUser

    rnd, proposal = _posted(cast, hcmc, city_round, form)
    comment = services.award_comment_post(actor=AnonymousUser(), award_round=rnd, body="Đề nghị xem lại", name="")
    assert AuditEvent.objects.filter(action="award_comment_post", actor_label="public").exists()
    services.award_comment_hide(actor=cast["city"], comment=comment, expected_version=1, reason="Ngôn từ không phù hợp")
    clock.move_to(dt.datetime(2026, 12, 15, 9, 0))
    with pytest.raises(Conflict):
        services.award_comment_post(actor=AnonymousUser(), award_round=rnd, body="Muộn")
    rnd = services.award_round_decide(actor=cast["city"], award_round=rnd, expected_version=rnd.version, decisions={proposal.pk: False},
                                      reasons={proposal.pk: "Chưa đủ"}, minutes="Họp", decision_no="1/QĐ")
    assert [(c["body"], c["hidden"], c["hidden_reason"]) for c in rnd.consultation] == [("Đề nghị xem lại", True, "Ngôn từ không phù hợp")]


def test_revoking_an_award_needs_a_reason_and_keeps_it(cast, hcmc, city_round, form, clock):
    rnd, proposal = _posted(cast, hcmc, city_round, form)
    clock.move_to(dt.datetime(2026, 12, 15, 9, 0))
    services.award_round_decide(actor=cast["city"], award_round=rnd, expected_version=rnd.version, decisions={proposal.pk: True},
                                minutes="Họp", decision_no="1/QĐ")
    proposal = Proposal.objects.get(pk=proposal.pk)
    with pytest.raises(Invalid):
        services.award_revoke(actor=cast["city"], proposal=proposal, expected_version=proposal.version, reason=" ")
    services.award_revoke(actor=cast["city"], proposal=proposal, expected_version=proposal.version, reason="Kê khai không trung thực")
    assert AuditEvent.objects.filter(action="award_revoke").count() == 1


def test_a_ward_proposes_only_into_a_round_above_it(cast, hcmc, form):
    other = services.award_round_open(actor=SYSTEM, unit=hcmc[SAI_GON], title="Khen thưởng phường Sài Gòn", year=2026)
    with pytest.raises(Invalid) as exc:
        services.award_propose(actor=cast["leader"], award_round=other, unit=hcmc[BEN_THANH], form=form("giay_khen"),
                               nominee_kind="person", nominee_name="A", period=2026, achievements="x", summary="y")
    assert "proposal_unit_outside_round" in codes(exc)


def test_a_dossier_file_is_checked_like_evidence(cast, hcmc, city_round, form, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    proposal = services.award_propose(actor=cast["leader"], award_round=city_round, unit=hcmc[BEN_THANH], form=form("giay_khen"),
                                      nominee_kind="person", nominee_name="A", period=2026, achievements="x", summary="y")
    with pytest.raises(Invalid) as exc:
        services.award_file_add(actor=cast["leader"], proposal=proposal, filename="bao-cao.pdf", content=b"MZ\x90 not a pdf")
    assert exc.value.code == "file_disguised"
    f = services.award_file_add(actor=cast["leader"], proposal=proposal, filename="bao-cao.pdf", content=b"%PDF-1.7 thanh tich")
    assert f.kind == "pdf" and len(f.sha256) == 64


def test_the_dossier_file_is_downloaded_only_within_reach(cast, hcmc, city_round, form, settings, tmp_path, web_client):
    settings.MEDIA_ROOT = tmp_path
    proposal = services.award_propose(actor=cast["leader"], award_round=city_round, unit=hcmc[BEN_THANH], form=form("giay_khen"),
                                      nominee_kind="person", nominee_name="A", period=2026, achievements="x", summary="y")
    f = services.award_file_add(actor=cast["leader"], proposal=proposal, filename="bao-cao.pdf", content=b"%PDF-1.7 thanh tich")
    url = f"/khen-thuong/de-nghi/{proposal.pk}/tep/{f.pk}/"
    own = web_client("lanhdao.tep", BEN_THANH, "viewer").get(url)
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"%PDF-1.7 thanh tich"
    assert web_client("saigon.tep", SAI_GON, "approver").get(url).status_code == 404
