"""Status as of a date from the database, extensions, explanations, reminders and statistics."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from dieuhanh.access.policy import SystemActor
from dieuhanh.core.tasks.status import Official
from dieuhanh.errors import Conflict, Forbidden, Invalid, NotFound
from dieuhanh.notifications.services import notification_preference_set, notifications_daily
from dieuhanh.plans.models import Task
from dieuhanh.plans.selectors import changes_between, statistics, task_views
from dieuhanh.plans.services import (
    explanation_answer,
    explanation_request,
    extension_decide,
    extension_request,
    report_approve,
    report_save,
    task_set_state,
)
from tests.conftest import SYSTEM

D = dt.date


def task(code):
    return Task.objects.get(code=code)


def official(code, day):
    return task_views([task(code)], day)[0].official


def test_the_deadline_moves_only_through_an_approved_extension_and_both_stay_visible(plan, make_user):
    lead = make_user("lanhdao.skhcn", "79.SKHCN", "approver")
    steering = make_user("bcd", "79", "steering")
    change = extension_request(actor=lead, task=task("1.1"), new_deadline=D(2026, 6, 30), reason="Chờ ý kiến Bộ")
    with pytest.raises(Forbidden):
        extension_decide(actor=lead, change=change, approve=True)
    extension_decide(actor=steering, change=change, approve=True, note="Đồng ý")
    t = task("1.1")
    assert (t.original_deadline, t.deadline) == (D(2025, 12, 31), D(2026, 6, 30))
    with pytest.raises(Conflict):
        extension_decide(actor=steering, change=change, approve=False, note="x")


def test_an_extension_must_be_later_and_one_at_a_time(plan, make_user):
    lead = make_user("lanhdao.skhcn", "79.SKHCN", "approver")
    with pytest.raises(Invalid):
        extension_request(actor=lead, task=task("1.1"), new_deadline=D(2025, 6, 30), reason="sớm hơn")
    extension_request(actor=lead, task=task("1.1"), new_deadline=D(2026, 6, 30), reason="Chờ ý kiến Bộ")
    with pytest.raises(Conflict):
        extension_request(actor=lead, task=task("1.1"), new_deadline=D(2026, 9, 30), reason="thêm")


def test_as_of_uses_only_what_was_known_on_the_date_and_the_deadline_in_force(plan):
    # Back-filled history: approved on 15/01/2026 (after the 31/12/2025 deadline) for a completion on 20/12/2025.
    r = report_save(actor=SYSTEM, task=task("1.1"), period="2025-12", percent=Decimal(100), completed=True,
                    completed_on=D(2025, 12, 20), submit=True)
    report_approve(actor=SYSTEM, report=r, approved_on=D(2026, 1, 15), expected_version=r.version)
    assert official("1.1", D(2025, 12, 31)) is Official.WITHIN_DEADLINE  # the 31/12 report did not know yet
    assert official("1.1", D(2026, 1, 10)) is Official.OVERDUE
    assert official("1.1", D(2026, 1, 15)) is Official.COMPLETED_ON_TIME
    # An extension decided on 10/04/2026 does not change what the 31/03/2026 report said about 4.1.
    change = extension_request(actor=SYSTEM, task=task("4.1"), new_deadline=D(2026, 9, 30), reason="Chờ góp vốn")
    extension_decide(actor=SYSTEM, change=change, approve=True, decided_on=D(2026, 4, 10))
    assert official("4.1", D(2026, 4, 5)) is Official.OVERDUE
    assert official("4.1", D(2026, 4, 10)) is Official.WITHIN_DEADLINE


def test_statistics_count_top_level_tasks_by_group_and_unit(plan):
    task_set_state(actor=SYSTEM, task=task("4.2"), state="cancelled", note="Gộp vào nhiệm vụ khác", effective_on=D(2026, 2, 1),
                   expected_version=task("4.2").version)
    views = task_views(Task.objects.filter(plan=plan), D(2026, 6, 30))
    total, by_group = statistics(views, "group")
    assert total.counts == {"completed_on_time": 0, "completed_late": 0, "within_deadline": 0, "overdue": 2}
    assert [(r.key, r.total) for r in by_group] == [("1", 1), ("4", 1)]
    _, by_key = statistics(views, "key")
    assert [(r.key, r.total) for r in by_key] == [("key", 2)]
    assert set(total.task_ids["overdue"]) == {task("1.1").pk, task("4.1").pk}


def test_changes_since_the_last_report(plan):
    change = extension_request(actor=SYSTEM, task=task("4.1"), new_deadline=D(2026, 9, 30), reason="Chờ góp vốn")
    extension_decide(actor=SYSTEM, change=change, approve=True, decided_on=D(2026, 3, 20))
    c = changes_between(list(Task.objects.filter(plan=plan)), D(2025, 12, 31), D(2026, 6, 30))
    assert {t.code for t in c.newly_overdue} == {"1.1", "4.1.1", "4.1.2"}  # 4.1 was extended to 30/09/2026
    assert [d.task.code for d in c.deadline_moved] == ["4.1"]


def test_steering_requests_an_explanation_the_unit_answers_and_is_emailed(plan, make_user, django_capture_on_commit_callbacks):
    steering = make_user("bcd", "79", "steering")
    reporter = make_user("canbo.benthanh", "26743", "reporter", email="canbo@benthanh.gov.vn")
    other = make_user("canbo.saigon", "26740", "reporter")
    with django_capture_on_commit_callbacks(execute=True):
        req = explanation_request(actor=steering, task=task("4.2"), message="Vì sao chậm tiến độ?", due_on=D(2026, 12, 1))
    assert [m.to for m in mail.outbox] == [["canbo@benthanh.gov.vn"]] and "4.2" in mail.outbox[0].subject
    with pytest.raises(Forbidden):
        explanation_request(actor=reporter, task=task("4.2"), message="tự hỏi")
    with pytest.raises(NotFound):
        explanation_answer(actor=other, explanation=req, response="không phải việc của tôi")
    explanation_answer(actor=reporter, explanation=req, response="Do thiếu kinh phí")
    with pytest.raises(Conflict):
        explanation_answer(actor=reporter, explanation=req, response="lần hai")


def test_due_soon_and_overdue_go_once_per_deadline_immediately_or_in_the_digest(plan, make_user, django_capture_on_commit_callbacks):
    make_user("canbo.stc", "79.STC", "reporter", email="canbo@stc.gov.vn")  # never chose: immediate e-mails
    leader = make_user("lanhdao.stc", "79.STC", "approver", email="lanhdao@stc.gov.vn")
    notification_preference_set(actor=leader, email="digest")
    system = SystemActor("notifications daily")
    with django_capture_on_commit_callbacks(execute=True):
        result = notifications_daily(actor=system, day=D(2026, 3, 28))  # 4.1 and 4.1.2 due 31/03; 4.1.1 overdue
    assert result.created == {"tasks_due": 6, "rounds_due": 0} and result.digests == 1  # 3 tasks of Sở Tài chính × 2 people
    subjects = sorted(m.subject for m in mail.outbox)
    assert [m.to for m in mail.outbox].count(["canbo@stc.gov.vn"]) == 3 and sum("quá hạn" in s and "4.1.1" in s for s in subjects) == 1
    digest = next(m for m in mail.outbox if m.to == ["lanhdao@stc.gov.vn"])
    assert digest.subject == "[dieuhanh] Thông báo ngày 28/03/2026" and digest.body.count("/tasks/") == 3
    sent = len(mail.outbox)
    for day in (D(2026, 3, 28), D(2026, 3, 29)):  # the same day again, and the next day: nothing new
        with django_capture_on_commit_callbacks(execute=True):
            again = notifications_daily(actor=system, day=day)
        assert again.created == {"tasks_due": 0, "rounds_due": 0} and again.digests == 0 and len(mail.outbox) == sent
