"""Calls × roles × where the role is held, through the real actions and the real read.

The call is owned by Sở KH&CN (79.SKHCN). A role held on the department or above (the city) reaches it; a role on a
centre below it or on another department does not: the call answers "not found" as a missing one would. Within
reach every role sees the call (``call_view``); approvers and steering manage it (``call_manage``: create, edit
the draft, each step, the council); the others get "forbidden". Written out here from the rules, not read from
``access.policy.PERMISSIONS``. Refusals leave no trace."""

from __future__ import annotations

import pytest

from dieuhanh.access.models import Role
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.innovation import selectors, services
from dieuhanh.innovation.models import Call
from tests.conftest import DEPARTMENT, SYSTEM, D, allowed_table
from tests.innovation.conftest import CRITERIA

POSITIONS = {"own": DEPARTMENT, "above": "79", "below": "79.SKHCN.TTCDS", "other": "79.SYT"}
REACHES = {"own": True, "above": True, "below": False, "other": False}
# action -> (permission, what it does)
ACTIONS = {
    "call_view": ("call_view", "read"),
    "call_create": ("call_manage", "write"),
    "call_update": ("call_manage", "write"),
    "call_move": ("call_manage", "write"),
    "council_set": ("call_manage", "write"),
}
ALLOWED = allowed_table("""
               viewer  reporter  approver  steering  administrator
call_view      yes     yes       yes       yes       yes
call_create    no      no        yes       yes       no
call_update    no      no        yes       yes       no
call_move      no      no        yes       yes       no
council_set    no      no        yes       yes       no
""")


def expected(action: str, role: Role, position: str):
    if not REACHES[position]:
        return NotFound
    return None if role in ALLOWED[action] else Forbidden


@pytest.fixture
def draft(hcmc):
    return services.call_create(actor=SYSTEM, owner=hcmc[DEPARTMENT], title="Bài toán", need="Nhu cầu", criteria=CRITERIA,
                                closes_on=D(2026, 12, 31))


def attempt(action: str, actor, call: Call, hcmc, member):
    if action == "call_view":
        return selectors.call_get(actor, call.pk)
    if action == "call_create":
        return services.call_create(actor=actor, owner=hcmc[DEPARTMENT], title="Mới", need="N", criteria=CRITERIA)
    if action == "call_update":
        return services.call_update(actor=actor, call=call, expected_version=call.version, title="Đổi tên")
    if action == "call_move":
        return services.call_move(actor=actor, call=call, expected_version=call.version, to="published")
    return services.council_set(actor=actor, call=call, expected_version=call.version, members=[member])


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_call_actions(draft, hcmc, make_user, action, role, position):
    member = make_user("thanhvien", DEPARTMENT, "viewer")
    actor = make_user("actor", POSITIONS[position], role)
    outcome = expected(action, role, position)
    before = (AuditEvent.objects.count(), sorted(Call.objects.values_list("pk", "version")))
    if outcome is None:
        attempt(action, actor, draft, hcmc, member)
        if ACTIONS[action][1] == "write":
            assert AuditEvent.objects.count() == before[0] + 1
    else:
        with pytest.raises(outcome):
            attempt(action, actor, draft, hcmc, member)
        assert (AuditEvent.objects.count(), sorted(Call.objects.values_list("pk", "version"))) == before


def test_a_council_member_without_a_role_on_the_owner_sees_the_call_but_manages_nothing(draft, make_user):
    member = make_user("thanhvien", "79.SYT", "approver")  # another department
    services.council_set(actor=SYSTEM, call=draft, expected_version=draft.version, members=[member])
    assert selectors.call_get(member, draft.pk) == draft
    draft.refresh_from_db()
    with pytest.raises(Forbidden):
        services.call_move(actor=member, call=draft, expected_version=draft.version, to="published")


def test_every_call_permission_is_covered_by_this_matrix():
    from dieuhanh.access.policy import PERMISSIONS

    assert {p for p, _ in ACTIONS.values()} == {"call_view", "call_manage"} <= set(PERMISSIONS)
