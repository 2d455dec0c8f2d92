"""Pages kept in the cache show a change at once: every cached part is keyed on a stamp of the data it shows
(``plans.facts.stamp``, the newest audit event, indicator data), so the request after an action computes it again.
Figures from the small plan of ``conftest.py`` (30/11/2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from dieuhanh.plans.models import DeadlineChange, ExplanationRequest, Task
from dieuhanh.plans.services import explanation_answer, extension_decide, extension_request, task_update
from tests.cockpit.pages import get, links, section
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db
D = dt.date


def _counts(page: str, widget: str, marker: str = "data-count") -> list[int]:
    return [int(t) for _u, t in links(section(page, widget), marker)]


def test_the_steering_cockpit_shows_an_approved_extension_and_an_answer_at_once(small_plan, web_client):
    client = web_client("lanhdao", "79", "steering")
    get(client, "/")
    page = get(client, "/")  # the second visit reads the kept blocks
    assert _counts(page, "red_list") == [3] and _counts(page, "decisions", 'data-count="explanations"') == [1]
    # Task 4 (overdue 61 days) gets until 31/03/2027: two red tasks are left, 3.1 and 3; task 4 has no report, so grey.
    change = extension_request(actor=SYSTEM, task=Task.objects.get(code="4"), new_deadline=D(2027, 3, 31), reason="Chờ kinh phí")
    extension_decide(actor=SYSTEM, change=change, approve=True, decided_on=D(2026, 11, 30))
    page = get(client, "/")
    assert _counts(page, "red_list") == [2]
    assert [t for u, t in links(section(page, "red_list")) if u.startswith("/tasks/") and "?" not in u] == ["3.1", "3"]
    # The ward answers the explanation asked about task 3: none is overdue any more.
    explanation_answer(actor=SYSTEM, explanation=ExplanationRequest.objects.get(), response="Đang chờ kinh phí")
    assert _counts(get(client, "/"), "decisions", 'data-count="explanations"') == [0]


def test_a_ward_sees_its_deadline_move_out_of_the_next_30_days_at_once(small_plan, web_client):
    client = web_client("benthanh.lanhdao", "26743", "approver")
    get(client, "/")
    assert _counts(get(client, "/"), "deadlines") == [1]  # task 5, due 20/12/2026
    extension_decide(actor=SYSTEM, change=DeadlineChange.objects.get(), approve=True, decided_on=D(2026, 11, 30))  # → 31/03/2027
    assert _counts(get(client, "/"), "deadlines") == [0]


def test_the_task_list_and_the_inbox_show_a_change_at_once(small_plan, web_client):
    client = web_client("benthanh.canbo", "26743", "reporter")
    url = f"/tasks/?plan={small_plan.pk}"
    get(client, url)
    assert "Nhiệm vụ 5" in get(client, url)
    task = Task.objects.get(code="5")
    task_update(actor=SYSTEM, task=task, expected_version=task.version, title="Nhiệm vụ 5 đã đổi tên")
    assert "Nhiệm vụ 5 đã đổi tên" in get(client, url)
    get(client, "/inbox/")
    assert "Vì sao chậm?" in get(client, "/inbox/")  # the explanation asked about task 3 of Bến Thành
    explanation_answer(actor=SYSTEM, explanation=ExplanationRequest.objects.get(), response="Đang chờ kinh phí")
    assert "Vì sao chậm?" not in get(client, "/inbox/")
