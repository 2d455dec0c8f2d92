"""Task actions × roles × where the role is held, through the real actions.

The task is 4.2 of the test plan: led by Phường Bến Thành (26743), coordinated by Sở KH&CN, in a plan issued
by the city (79). Positions of the actor's role: on the lead unit ("lead"), above it ("city", which is also
the issuer), on the coordinating unit ("coordinator"), on an unrelated unit ("other"). A task is visible to
all but "other", which gets NotFound as for a missing task. The expected answers are written out here from the
documented rules, not read from ``access.policy.PERMISSIONS``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dieuhanh.access.models import Role
from dieuhanh.access.policy import PERMISSIONS
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.plans import services
from dieuhanh.plans.models import Task
from dieuhanh.units.models import Unit
from tests.conftest import SYSTEM, allowed_table

POSITIONS = {"lead": "26743", "city": "79", "coordinator": "79.SKHCN", "other": "26740"}
# action -> (permission, the unit it is checked on)
ACTIONS = {
    "task_update": ("plan_manage", "issuer"),
    "report_save": ("report_submit", "lead"),
    "report_approve": ("report_approve", "lead"),
    "extension_request": ("extension_request", "lead"),
    "extension_decide": ("extension_decide", "issuer"),
    "explanation_request": ("explanation_request", "lead"),
    "explanation_answer": ("explanation_answer", "lead"),
    "contribution_save": ("contribution_submit", "coordinator"),
}
# Which roles may, held on the unit the action is checked on (or above), as docs/ARCHITECTURE.md "Who may do
# what" says: reports are written by reporters/approvers of the lead unit and approved by its approvers;
# extensions are requested by the lead unit and decided by approvers/steering of the issuer; explanations are
# requested by steering and answered by the lead unit; contributions come from the coordinating units' reporters
# and approvers; plans and tasks are managed by steering/administrators of the issuer.
ALLOWED = allowed_table("""
                     viewer  reporter  approver  steering  administrator
task_update          no      no        no        yes       yes
report_save          no      yes       yes       no        no
report_approve       no      no        yes       no        no
extension_request    no      yes       yes       no        no
extension_decide     no      no        yes       yes       no
explanation_request  no      no        no        yes       no
explanation_answer   no      yes       yes       no        no
contribution_save    no      yes       yes       no        no
""")
# Which positions hold a role on which checked unit (roles reach down: the city covers the lead unit).
COVERS = {
    "lead": {"lead"},
    "city": {"lead", "issuer", "coordinator"},
    "coordinator": {"coordinator"},
    "other": set(),
}


def expected(action: str, role: Role, position: str):
    if position == "other":  # no role on the lead unit, a coordinating unit or the issuer: the task is not there
        return NotFound
    _, checked_on = ACTIONS[action]
    return None if checked_on in COVERS[position] and role in ALLOWED[action] else Forbidden


@pytest.fixture
def scene(plan):
    task = Task.objects.get(code="4.2")
    report = services.report_save(actor=SYSTEM, task=task, period="2025-09", percent=Decimal(30), submit=True)
    change = services.extension_request(actor=SYSTEM, task=task, new_deadline=dt.date(2027, 6, 30), reason="Chờ kinh phí")
    explanation = services.explanation_request(actor=SYSTEM, task=task, message="Vì sao chậm?")
    return {"task": task, "report": report, "change": change, "explanation": explanation}


def attempt(action: str, actor, s):
    task = Task.objects.get(pk=s["task"].pk)
    if action == "task_update":
        return services.task_update(actor=actor, task=task, expected_version=task.version, product="Lớp học kỹ năng số")
    if action == "report_save":
        return services.report_save(actor=actor, task=task, period="2025-10", percent=Decimal(40))
    if action == "report_approve":
        return services.report_approve(actor=actor, report=s["report"], expected_version=s["report"].version)
    if action == "extension_request":
        s["change"].status = "approved"
        s["change"].save()  # let a new request through the "one pending at a time" rule
        return services.extension_request(actor=actor, task=task, new_deadline=dt.date(2027, 12, 31), reason="Thêm thời gian")
    if action == "extension_decide":
        return services.extension_decide(actor=actor, change=s["change"], approve=True)
    if action == "explanation_request":
        return services.explanation_request(actor=actor, task=task, message="Đề nghị giải trình")
    if action == "explanation_answer":
        return services.explanation_answer(actor=actor, explanation=s["explanation"], response="Do thiếu kinh phí")
    if action == "contribution_save":
        return services.contribution_save(actor=actor, task=task, unit=Unit.objects.get(code="79.SKHCN"), period="2025-10", text="Hỗ trợ giảng viên")
    raise AssertionError(action)


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_task_actions(scene, make_user, action, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    outcome = expected(action, role, position)
    before = AuditEvent.objects.count()
    if outcome is None:
        attempt(action, actor, scene)
        assert AuditEvent.objects.count() > before
    else:
        with pytest.raises(outcome):
            attempt(action, actor, scene)
        assert AuditEvent.objects.count() == before


def test_every_plan_permission_is_covered_by_this_matrix():
    plan_permissions = {"plan_manage", "task_view", "report_submit", "report_approve", "contribution_submit", "extension_request",
                        "extension_decide", "explanation_request", "explanation_answer"}
    assert {p for p, _ in ACTIONS.values()} | {"task_view"} == plan_permissions
    assert plan_permissions <= set(PERMISSIONS)
