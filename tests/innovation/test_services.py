"""The life of a call through its actions, and the refusals the issue names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Conflict, Invalid, NotFound
from dieuhanh.innovation import selectors, services
from dieuhanh.innovation.models import Proposal, Stage
from dieuhanh.notifications.models import Notification
from tests.conftest import DEPARTMENT, PASSWORD, SYSTEM, D
from tests.innovation.conftest import CRITERIA, proposal_of

pytestmark = pytest.mark.django_db


def test_registration_leaves_the_account_inactive_until_the_signed_link_is_used(hcmc):

    p = services.proposer_register(actor=SYSTEM, email="Ceo@Startup.vn", password=PASSWORD, kind="startup", name="Startup Xanh",
                                   tax_code="0319999999")
    assert not p.user.is_active and p.user.email == "ceo@startup.vn" and p.verified_at is None
    token = services.verification_token(p.user)
    services.proposer_verify(actor=SYSTEM, token=token)
    p.refresh_from_db()
    p.user.refresh_from_db()
    assert p.user.is_active and p.verified_at is not None
    with pytest.raises(Conflict):
        services.proposer_verify(actor=SYSTEM, token=token)
    with pytest.raises(Invalid) as exc:
        services.proposer_verify(actor=SYSTEM, token=token[:-2] + "xx")
    assert exc.value.code == "verification_invalid"


@pytest.mark.parametrize(("tax_code", "code"), [("12345", "invalid_tax_code"), ("0312345678-1", "invalid_tax_code"), ("", "invalid_tax_code")])
def test_an_organisation_needs_a_valid_tax_code(hcmc, tax_code, code):
    with pytest.raises(Invalid) as exc:
        services.proposer_register(actor=SYSTEM, email="x@y.vn", password=PASSWORD, kind="enterprise", name="Công ty X", tax_code=tax_code)
    assert [d["code"] for d in exc.value.details] == [code]


def test_a_citizen_registers_without_a_tax_code_and_a_tax_code_is_taken_once(hcmc, proposers):
    assert proposers["citizen"].tax_code == ""
    with pytest.raises(Invalid) as exc:
        services.proposer_register(actor=SYSTEM, email="khac@congty.vn", password=PASSWORD, kind="enterprise", name="Công ty khác",
                                   tax_code="0312345678")
    assert [d["code"] for d in exc.value.details] == ["tax_code_taken"]


def test_weights_not_adding_up_to_100_are_refused(hcmc):
    with pytest.raises(Invalid) as exc:
        services.call_create(actor=SYSTEM, owner=hcmc[DEPARTMENT], title="X", need="Y", criteria=[("A", 60), ("B", 30)])
    assert exc.value.details[0]["code"] == "weights_not_100"


def test_a_proposal_after_the_deadline_is_refused(call, proposers, clock):
    clock.move_to("2026-12-16 09:00:00+07:00")
    with pytest.raises(Conflict) as exc:
        proposal_of(call, proposers["a"])
    assert exc.value.code == "proposal_deadline_passed"


def test_a_second_proposal_of_the_same_organisation_is_refused(call, proposers):
    proposal_of(call, proposers["a"])
    with pytest.raises(Conflict) as exc:
        proposal_of(call, proposers["a"], title="Lần hai")
    assert exc.value.code == "proposal_already_submitted"
    assert Proposal.objects.filter(call=call).count() == 1


def test_title_and_summary_limits_and_the_rules_must_be_accepted(call, proposers):
    with pytest.raises(Invalid) as exc:
        services.proposal_submit(actor=proposers["a"].user, call=call, title="T" * 201, summary="S" * 501, description="D",
                                 rules_accepted=False)
    assert {(d["field"], d["code"]) for d in exc.value.details} == {("title", "too_long"), ("summary", "too_long"),
                                                                  ("rules_accepted", "rules_not_accepted")}


def test_attachments_are_checked_like_evidence(call, proposers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(Invalid) as exc:
        services.proposal_submit(actor=proposers["a"].user, call=call, title="T", summary="S", description="D", rules_accepted=True,
                                 files=[("ho-so.pdf", b"MZ\x90\x00 not a pdf")])
    assert exc.value.code == "file_disguised"
    p = services.proposal_submit(actor=proposers["a"].user, call=call, title="T", summary="S", description="D", rules_accepted=True,
                                 files=[("ho-so.pdf", b"%PDF-1.7 hello")])
    assert [f.filename for f in p.files.all()] == ["ho-so.pdf"]


def test_edit_until_the_deadline_then_not(call, proposers, clock):
    p = proposal_of(call, proposers["a"])
    p = services.proposal_update(actor=proposers["a"].user, proposal=p, expected_version=p.version, title="Tên mới")
    assert p.title == "Tên mới"
    clock.move_to("2026-12-16 09:00:00+07:00")
    with pytest.raises(Conflict):
        services.proposal_update(actor=proposers["a"].user, proposal=p, expected_version=p.version, title="Quá hạn")


def test_another_proposers_proposal_answers_like_a_missing_one(call, proposers):
    p = proposal_of(call, proposers["a"])
    with pytest.raises(NotFound):
        selectors.my_proposal_get(proposers["b"].user, p.pk)
    with pytest.raises(NotFound):
        services.proposal_withdraw(actor=proposers["b"].user, proposal=p, expected_version=p.version)
    with pytest.raises(NotFound):
        selectors.proposal_get(proposers["b"].user, p.pk)  # the officials' side too


def _to_evaluation(call, make_user):
    members = [make_user("tv1", DEPARTMENT, "viewer"), make_user("tv2", "79", "viewer"), make_user("tv3", "79.STC", "approver")]
    call = services.call_move(actor=SYSTEM, call=call, expected_version=call.version, to="closed")
    call = services.council_set(actor=SYSTEM, call=call, expected_version=call.version, members=members)
    call = services.call_move(actor=SYSTEM, call=call, expected_version=call.version, to="evaluation")
    return call, members


def _scores(call, values):
    return dict(zip(call.criteria.values_list("pk", flat=True), values, strict=True))


def test_evaluation_conflicts_scores_progress_and_ranking(call, proposers, make_user):
    pa, pb = proposal_of(call, proposers["a"]), proposal_of(call, proposers["b"], title="Bản đồ ngập")
    call, (m1, m2, m3) = _to_evaluation(call, make_user)
    services.evaluation_submit(actor=m1, proposal=pa, scores=_scores(call, [8, 6, 10]))  # 78
    # m2 has seen nothing of m1's scores before handing in their own
    board = selectors.evaluation_board(m2, call)
    row = next(r for r in board["rows"] if r.proposal.pk == pa.pk)
    assert (row.done, row.expected, row.score, row.evaluations) == (1, 3, None, [])
    services.evaluation_submit(actor=m2, proposal=pa, scores=_scores(call, [7, 7, 3]))  # 62
    services.conflict_declare(actor=m3, proposal=pa, note="Từng làm cố vấn cho công ty")
    with pytest.raises(Conflict) as exc:
        services.evaluation_submit(actor=m3, proposal=pa, scores=_scores(call, [10, 10, 10]))
    assert exc.value.code == "evaluation_conflict_declared"
    services.evaluation_submit(actor=m3, proposal=pb, scores=_scores(call, [9, 9, 9]))  # 90
    board = selectors.evaluation_board(SYSTEM, call)
    assert (board["done"], board["expected"]) == (4, 6)
    assert [(r.proposal.pk, r.score, r.rank) for r in board["rows"]] == [(pa.pk, Decimal("70.00"), 2), (pb.pk, Decimal("90.00"), 1)]
    row = next(r for r in selectors.evaluation_board(m2, call)["rows"] if r.proposal.pk == pa.pk)
    assert len(row.evaluations) == 3 and row.score == Decimal("70.00")
    conflicted = next(r for r in selectors.evaluation_board(m3, call)["rows"] if r.proposal.pk == pa.pk)
    assert conflicted.score is None and [e.conflict for e in conflicted.evaluations] == [True]


def test_the_decision_answers_every_proposer_and_the_outcome_follows(call, proposers, make_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    pa, pb = proposal_of(call, proposers["a"]), proposal_of(call, proposers["b"], title="Bản đồ ngập")
    call, (m1, m2, _m3) = _to_evaluation(call, make_user)
    services.evaluation_submit(actor=m1, proposal=pa, scores=_scores(call, [8, 6, 10]))
    assert selectors.my_score(Proposal.objects.get(pk=pa.pk)) is None  # no score before the decision
    with pytest.raises(Invalid):
        services.call_select(actor=SYSTEM, call=call, expected_version=call.version, selected=[pa.pk], minutes="", reasons="")
    call = services.call_select(actor=SYSTEM, call=call, expected_version=call.version, selected=[pa.pk], minutes="Biên bản họp",
                                reasons="Điểm cao nhất")
    assert dict(Proposal.objects.values_list("pk", "status")) == {pa.pk: "selected", pb.pk: "not_selected"}
    assert sorted(Notification.objects.filter(kind="proposal_answered").values_list("recipient__email", flat=True)) == [
        "a@congty.vn", "b@daihoc.edu.vn"]
    assert selectors.my_score(Proposal.objects.get(pk=pa.pk)) == Decimal("78.00")
    call = services.call_move(actor=SYSTEM, call=call, expected_version=call.version, to="contracted")
    services.milestone_add(actor=SYSTEM, call=call, title="Thí điểm 3 phường", due_on=D(2027, 3, 31))
    call = services.call_accept(actor=SYSTEM, call=call, expected_version=call.version, passed=True, note="Đạt")
    call = services.adoption_add(actor=SYSTEM, call=call, expected_version=call.version, unit=call.owner, since=D(2027, 6, 1), result="Giảm 30% thời gian")
    assert call.stage == Stage.IN_USE
    outcome = selectors.public_outcome(call)
    assert [s["organisation"] for s in outcome["selected"]] == ["Công ty TNHH Giải Pháp Số"]
    assert AuditEvent.objects.filter(action="call_select").count() == 3  # two proposals and the call


def test_support_programme_amounts_are_kept_apart_and_the_register_lists_organisations_only(hcmc, proposers, make_user):
    c = services.call_create(actor=SYSTEM, owner=hcmc[DEPARTMENT], kind="grant", title="Hỗ trợ không hoàn lại 2027", need="Đổi mới",
                             criteria=CRITERIA, closes_on=D(2026, 12, 15))
    c = services.call_move(actor=SYSTEM, call=c, expected_version=c.version, to="published")
    pa, pc = proposal_of(c, proposers["a"]), proposal_of(c, proposers["citizen"], title="Sáng kiến cá nhân")
    c, _members = _to_evaluation(c, make_user)
    c = services.call_select(actor=SYSTEM, call=c, expected_version=c.version, selected=[pa.pk, pc.pk], minutes="BB", reasons="LD",
                             amounts={pa.pk: 300_000_000, pc.pk: 50_000_000})
    pa = Proposal.objects.get(pk=pa.pk)
    with pytest.raises(Invalid) as exc:
        services.support_amounts_set(actor=SYSTEM, proposal=pa, expected_version=pa.version, contracted=200_000_000, disbursed=250_000_000)
    assert exc.value.details[0]["code"] == "disbursed_above_contracted"
    pa = services.support_amounts_set(actor=SYSTEM, proposal=pa, expected_version=pa.version, contracted=280_000_000, disbursed=100_000_000)
    assert (pa.amount_decided, pa.amount_contracted, pa.amount_disbursed) == (300_000_000, 280_000_000, 100_000_000)
    assert [(p.proposer.name, p.amount_decided) for p in selectors.support_register()] == [("Công ty TNHH Giải Pháp Số", 300_000_000)]


def test_council_members_are_officials(call, proposers, make_user):
    with pytest.raises(Invalid) as exc:
        services.council_set(actor=SYSTEM, call=call, expected_version=call.version, members=[proposers["a"].user])
    assert exc.value.details[0]["code"] == "member_not_official"
