"""The register's workflow as actions: submitted → assigned → answered → closed, audited, versioned, aged."""

from __future__ import annotations

import pytest

from dieuhanh.access.policy import SystemActor
from dieuhanh.audit.models import AuditEvent
from dieuhanh.difficulties.models import Difficulty
from dieuhanh.difficulties.selectors import difficulty_view
from dieuhanh.difficulties.services import (
    difficulties_raise_from_report,
    difficulty_assign,
    difficulty_close,
    difficulty_raise,
)
from dieuhanh.errors import Conflict, Invalid
from dieuhanh.plans.services import report_save
from tests.conftest import BEN_THANH, D, DEPARTMENT

SYSTEM = SystemActor("tests")


def _actions(item) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="difficulty", object_id=str(item.pk)).order_by("id").values_list("action", flat=True))


def test_a_raised_item_is_submitted_today_by_its_unit_and_audited(raised, cast):
    assert (raised.status, raised.raised_on, raised.unit.code, raised.raised_by) == ("submitted", D(2026, 11, 30), BEN_THANH, cast["ward"])
    assert raised.version == 1
    assert _actions(raised) == ["difficulty_raise"]


def test_the_whole_walk_moves_the_version_and_leaves_one_audit_event_per_step(answered, cast):
    closed = difficulty_close(actor=cast["steering"], difficulty=answered, expected_version=3, outcome="resolved", note="Đã bố trí vốn")
    assert (closed.status, closed.outcome, closed.closed_on, closed.version) == ("closed", "resolved", D(2026, 11, 30), 4)
    assert closed.handling_unit.code == DEPARTMENT and closed.deadline == D(2026, 12, 15)
    assert closed.answer == "Sở đã đề xuất bổ sung vào dự toán 2027."
    assert _actions(closed) == ["difficulty_raise", "difficulty_assign", "difficulty_answer", "difficulty_close"]
    event = AuditEvent.objects.get(action="difficulty_assign", object_id=str(closed.pk))
    assert event.changes["status"] == ["submitted", "assigned"] and event.changes["handling_unit"] == [None, DEPARTMENT]


def test_an_item_cannot_be_addressed_to_its_own_unit(cast, hcmc):
    with pytest.raises(Invalid) as err:
        difficulty_raise(actor=cast["ward"], unit=hcmc[BEN_THANH], category="land", content="Vướng mặt bằng", addressed_to=hcmc[BEN_THANH])
    assert [d["field"] for d in err.value.details] == ["addressed_to"]
    assert not Difficulty.objects.exists()


def test_an_empty_difficulty_or_an_unknown_category_is_refused_field_by_field(cast, hcmc):
    with pytest.raises(Invalid) as err:
        difficulty_raise(actor=cast["ward"], unit=hcmc[BEN_THANH], category="weather", content="  ", addressed_to=hcmc["79"])
    assert sorted(d["field"] for d in err.value.details) == ["category", "content"]


def test_a_stale_or_missing_version_changes_nothing(raised, cast, hcmc):
    with pytest.raises(Conflict) as err:
        difficulty_assign(actor=cast["steering"], difficulty=raised, expected_version=7, handling_unit=hcmc[DEPARTMENT], deadline=D(2026, 12, 15))
    assert err.value.code == "stale_version"
    with pytest.raises(Invalid) as err:
        difficulty_assign(actor=cast["steering"], difficulty=raised, expected_version=None, handling_unit=hcmc[DEPARTMENT], deadline=D(2026, 12, 15))
    assert err.value.code == "version_required"
    raised.refresh_from_db()
    assert (raised.status, raised.version, raised.handling_unit) == ("submitted", 1, None)


def test_a_handling_deadline_cannot_be_in_the_past(raised, cast, hcmc):
    with pytest.raises(Invalid) as err:
        difficulty_assign(actor=cast["steering"], difficulty=raised, expected_version=1, handling_unit=hcmc[DEPARTMENT], deadline=D(2026, 11, 29))
    assert [(d["field"], d["code"]) for d in err.value.details] == [("deadline", "deadline_in_past")]


def test_only_an_answered_item_closes_resolved_but_any_open_item_may_be_escalated(assigned, cast):
    with pytest.raises(Conflict) as err:
        difficulty_close(actor=cast["steering"], difficulty=assigned, expected_version=2, outcome="resolved")
    assert err.value.code == "difficulty_not_answered"
    closed = difficulty_close(actor=cast["steering"], difficulty=assigned, expected_version=2, outcome="escalated",
                              note="Kiến nghị Bộ Tài chính")
    assert (closed.status, closed.outcome) == ("closed", "escalated")
    with pytest.raises(Conflict) as err:
        difficulty_close(actor=cast["steering"], difficulty=closed, expected_version=3, outcome="resolved")
    assert err.value.code == "difficulty_closed"


def test_an_answered_item_cannot_be_reassigned(answered, cast, hcmc):
    with pytest.raises(Conflict) as err:
        difficulty_assign(actor=cast["steering"], difficulty=answered, expected_version=3, handling_unit=hcmc["79.STC"], deadline=D(2026, 12, 31))
    assert err.value.code == "difficulty_not_assignable"


def test_a_person_cannot_backdate_a_step(cast, hcmc):
    with pytest.raises(Invalid) as err:
        difficulty_raise(actor=cast["ward"], unit=hcmc[BEN_THANH], category="land", content="Vướng mặt bằng", addressed_to=hcmc["79"],
                         on=D(2026, 1, 1))
    assert err.value.code == "backdating_not_allowed"


def test_ageing_counts_days_since_raised_and_days_past_the_handling_deadline(cast, hcmc):
    # Raised 01/07/2026, assigned 01/08 with a deadline of 31/10; today is 30/11/2026. By hand: 01/07 → 01/11 is
    # 31 + 31 + 30 + 31 = 123 days, → 30/11 another 29: age 152 (> 90); 31/10 → 30/11 is 30 days past the deadline.
    item = difficulty_raise(actor=SYSTEM, unit=hcmc[BEN_THANH], category="personnel", content="Thiếu cán bộ CNTT", addressed_to=hcmc["79"],
                            on=D(2026, 7, 1))
    difficulty_assign(actor=SYSTEM, difficulty=item, expected_version=1, handling_unit=hcmc["79.SNV"], deadline=D(2026, 10, 31), on=D(2026, 8, 1))
    view = difficulty_view(cast["steering"], item.pk)
    assert (view.age_days, view.age_bucket, view.days_past_deadline, view.overdue) == (152, "gt_90", 30, True)


def test_a_reports_difficulties_and_proposals_become_items_of_its_task_and_lead_unit(plan, cast, hcmc):
    task = plan.tasks.get(code="4.2")  # led by Phường Bến Thành
    report = report_save(actor=cast["ward"], task=task, period="2026-11", percent=40,
                         difficulties="- Thiếu kinh phí mua thiết bị\n- Người dân lớn tuổi ngại dùng ứng dụng",
                         proposals="- Bổ sung kinh phí\n- Tăng cường tổ công nghệ số cộng đồng")
    items = difficulties_raise_from_report(actor=cast["ward"], report=report, items=[
        {"category": "funding", "content": "Thiếu kinh phí mua thiết bị", "proposal": "Bổ sung kinh phí", "addressed_to": hcmc["79.STC"]},
        {"category": "technology", "content": "Người dân lớn tuổi ngại dùng ứng dụng", "proposal": "Tăng cường tổ công nghệ số cộng đồng",
         "addressed_to": hcmc["79.BCD57"]},
    ])
    assert [(i.unit.code, i.task_id, i.report_id, i.category, i.addressed_to.code) for i in items] == [
        (BEN_THANH, task.pk, report.pk, "funding", "79.STC"), (BEN_THANH, task.pk, report.pk, "technology", "79.BCD57")]
    assert AuditEvent.objects.filter(action="difficulty_raise").count() == 2


def test_only_the_reports_lead_unit_raises_items_from_it(plan, cast, make_user, hcmc):
    from dieuhanh.errors import Forbidden, NotFound

    task = plan.tasks.get(code="4.2")  # led by Bến Thành, coordinated by Sở KH&CN
    report = report_save(actor=cast["ward"], task=task, period="2026-11", percent=40, difficulties="Thiếu thiết bị")
    items = [{"category": "technology", "content": "Thiếu thiết bị", "addressed_to": hcmc["79.BCD57"]}]
    with pytest.raises(Forbidden):  # the coordinating department sees the task but does not raise for the ward
        difficulties_raise_from_report(actor=cast["dept"], report=report, items=items)
    with pytest.raises(NotFound):  # another ward does not see the task at all
        difficulties_raise_from_report(actor=make_user("saigon", "26740", "reporter"), report=report, items=items)
    with pytest.raises(Invalid):
        difficulties_raise_from_report(actor=cast["ward"], report=report, items=[])
    assert not Difficulty.objects.exists()


def _told(kind: str) -> set[str]:
    from dieuhanh.notifications.models import Notification

    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_the_handling_unit_is_told_of_the_assignment_and_the_raiser_and_the_closers_of_the_answer(raised, cast, make_user, hcmc):
    make_user("phuong.khac", BEN_THANH, "approver")  # Bến Thành, but did not raise it
    make_user("so.khac", "79.STC", "reporter")  # another department
    assigned = difficulty_assign(actor=cast["steering"], difficulty=raised, expected_version=1, handling_unit=hcmc[DEPARTMENT],
                                 deadline=D(2026, 12, 15))
    assert _told("difficulty_assigned") == {"so"}  # the department that answers; not the steering user who assigned
    from dieuhanh.difficulties.services import difficulty_answer

    difficulty_answer(actor=cast["dept"], difficulty=assigned, expected_version=2, answer="Đã bố trí kinh phí.")
    # The person who raised it, and the steering committee that closes it; not the department that answered.
    assert _told("difficulty_answered") == {"phuong", "bcd"}
