"""The web form for tasks: a plan's manager creates a task in a group (lead unit, coordinating units, product,
deadline, money, key flag) and edits it with the version read — a change made meanwhile by someone else is a
conflict said on the page, never overwritten; the deadline is not on the edit form (it moves by extension only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dieuhanh.audit.models import AuditEvent
from dieuhanh.plans.models import Task
from dieuhanh.plans.services import task_update
from tests.conftest import SYSTEM

D = dt.date

NEW = {"group": "4", "code": "4.3", "stt": "3", "title": "Xây dựng sàn giao dịch công nghệ", "lead_unit": "79.SKHCN",
       "coordinating_units": ["79.STC", "26743"], "product": "Sàn giao dịch vận hành", "start_date": "01/01/2026",
       "deadline": "31/12/2027", "deadline_text": "Năm 2027", "key": "on", "budget_planned": "2.500.000.000", "budget_allocated": ""}


def test_a_manager_creates_a_task_in_a_group(plan, web_client):
    client = web_client("bcd.form", "79", "steering")
    assert f'href="/plans/{plan.pk}/tasks/new/"' in client.get(f"/plans/{plan.pk}/").content.decode()
    form = client.get(f"/plans/{plan.pk}/tasks/new/").content.decode()
    assert 'name="deadline"' in form and "Sở Khoa học và Công nghệ" in form
    response = client.post(f"/plans/{plan.pk}/tasks/new/", NEW)
    task = Task.objects.get(plan=plan, code="4.3")
    assert response.status_code == 302 and response.url == f"/tasks/{task.pk}/"
    assert (task.group.number, task.title, task.lead_unit.code, task.product, task.key) == (
        4, "Xây dựng sàn giao dịch công nghệ", "79.SKHCN", "Sàn giao dịch vận hành", True)
    assert sorted(u.code for u in task.coordinating_units.all()) == ["26743", "79.STC"]
    assert (task.start_date, task.deadline, task.original_deadline, task.deadline_text) == (D(2026, 1, 1), D(2027, 12, 31), D(2027, 12, 31), "Năm 2027")
    assert (task.budget_planned, task.budget_allocated) == (Decimal(2_500_000_000), None)
    event = AuditEvent.objects.get(action="task_create", object_id=str(task.pk))
    assert event.actor.username == "bcd.form"


def test_a_form_with_errors_creates_nothing(plan, web_client):
    client = web_client("bcd.form", "79", "steering")
    before = Task.objects.count()
    response = client.post(f"/plans/{plan.pk}/tasks/new/", {**NEW, "title": "", "budget_planned": "nhiều"})
    assert response.status_code == 200 and Task.objects.count() == before
    page = response.content.decode()
    assert 'id="task-form"' in page and "Sàn giao dịch vận hành" in page  # what was typed stays
    # a code the plan already has: the action refuses, the person is sent back to the form with the sentence
    response = client.post(f"/plans/{plan.pk}/tasks/new/", {**NEW, "code": "4.2"}, follow=True)
    assert "Kế hoạch đã có nhiệm vụ mang mã này." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/plans/{plan.pk}/tasks/new/"
    assert Task.objects.count() == before


def test_editing_saves_with_the_version_and_a_stale_form_is_a_conflict_not_an_overwrite(plan, web_client):
    client = web_client("bcd.form", "79", "steering")
    task = Task.objects.get(plan=plan, code="4.2")
    page = client.get(f"/tasks/{task.pk}/edit/").content.decode()
    assert 'name="deadline"' not in page and f'name="version" value="{task.version}"' in page
    assert "31/12/2026" in page  # the deadline in force, shown, with the way to move it
    read = task.version
    fields = {"version": read, "stt": "", "title": "Phổ cập kỹ năng số cho mọi người dân", "lead_unit": "26743",
              "coordinating_units": ["79.SKHCN"], "product": "", "start_date": "01/07/2025", "deadline_text": "",
              "budget_planned": "", "budget_allocated": "", "deadline": "31/12/2030"}
    response = client.post(f"/tasks/{task.pk}/edit/", fields)
    assert response.status_code == 302 and response.url == f"/tasks/{task.pk}/"
    task.refresh_from_db()
    assert (task.title, task.version, task.deadline) == ("Phổ cập kỹ năng số cho mọi người dân", read + 1, D(2026, 12, 31))  # no deadline moved
    # someone else saves meanwhile; the form read before is refused, their title stays
    task_update(actor=SYSTEM, task=task, expected_version=task.version, title="Tiêu đề của người khác")
    response = client.post(f"/tasks/{task.pk}/edit/", {**fields, "version": read + 1, "title": "Tiêu đề cũ"}, follow=True)
    assert "Bản ghi này đã được người khác cập nhật" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/tasks/{task.pk}/edit/"
    task.refresh_from_db()
    assert (task.title, task.version) == ("Tiêu đề của người khác", read + 2)


def test_only_a_manager_of_the_plan_finds_the_forms(plan, web_client):
    ward = web_client("benthanh.form", "26743", "reporter")
    task = Task.objects.get(plan=plan, code="4.2")  # led by the ward: visible to it, not managed by it
    assert ward.get(f"/tasks/{task.pk}/").status_code == 200
    assert ward.get(f"/tasks/{task.pk}/edit/").status_code == 404
    assert ward.get(f"/plans/{plan.pk}/tasks/new/").status_code == 404
    assert ward.post(f"/plans/{plan.pk}/tasks/new/", NEW).status_code == 404
    assert not Task.objects.filter(code="4.3").exists()
