"""The permission matrix: every role × every action × where the role is held relative to the target.

The expected answers are written out here, as the rules say them, not read from ``access.policy.PERMISSIONS``:
the unit directory's data (members, roles) is readable by every role held on the unit; its history by approvers,
steering and administrators; the unit tree, people and roles are managed by administrators only.

Positions: the role is held on the target unit itself ("own"), on a unit above it ("above": roles reach
down), on a unit below it ("below": roles never reach up) or on a sibling ("other"). Outside reach the
answer is NotFound, exactly as for a unit that does not exist; inside reach without the role it is
Forbidden. A refused action leaves no trace: no row, no audit event.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dieuhanh.access.models import Role, RoleAssignment
from dieuhanh.access.policy import PERMISSIONS, require
from dieuhanh.accounts.models import User
from dieuhanh.accounts.selectors import unit_members
from dieuhanh.accounts.services import login_unlock, token_create, role_grant, role_revoke, tokens_revoke_all, user_create
from dieuhanh.audit.models import AuditEvent
from dieuhanh.audit.selectors import history_of_unit_data
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.units.models import Unit
from dieuhanh.units.services import unit_close, unit_create, unit_update
from tests.conftest import DEPARTMENT, PASSWORD, SYSTEM, allowed_table

# Target: Sở KH&CN (79.SKHCN). Where the actor's role is held, relative to it, and whether that reaches it:
POSITIONS = {
    "own": DEPARTMENT,
    "above": "79",  # the city
    "below": "79.SKHCN.TTCDS",  # a centre under the department
    "other": "79.SYT",  # another department
}
REACHES = {"own": True, "above": True, "below": False, "other": False}

ALLOWED = allowed_table("""
                     viewer  reporter  approver  steering  administrator
unit_data_view       yes     yes       yes       yes       yes
unit_history_view    no      no        yes       yes       yes
unit_create          no      no        no        no        yes
unit_update          no      no        no        no        yes
unit_close           no      no        no        no        yes
user_create          no      no        no        no        yes
role_grant           no      no        no        no        yes
role_revoke          no      no        no        no        yes
login_unlock         no      no        no        no        yes
token_revoke_any     no      no        no        no        yes
""")

# The permission each action is checked against (for the coverage test below).
PERMISSION_OF = {action: action for action in ALLOWED}


# Actions on a person (not on a unit): whoever may not act on them does not learn the person exists.
ON_A_PERSON = {"login_unlock", "token_revoke_any"}


def expected(role: Role, action: str, position: str):
    if not REACHES[position] or (action in ON_A_PERSON and role not in ALLOWED[action]):
        return NotFound
    return None if role in ALLOWED[action] else Forbidden


def _attempt_write(action: str, actor, target: Unit):
    """Run one real write action against the target unit."""
    if action == "unit_create":
        return unit_create(actor=actor, parent=target, code="79.SKHCN.NEW", name="Phòng mới", kind="body")
    if action == "unit_update":
        return unit_update(actor=actor, unit=target, expected_version=target.version, short_name="Đổi tên")
    if action == "unit_close":
        return unit_close(actor=actor, unit=target, valid_to=dt.date(2031, 1, 1), expected_version=target.version)
    if action == "user_create":
        return user_create(actor=actor, username="nguoi.moi", password=PASSWORD, unit=target, role="reporter")
    if action == "role_grant":
        someone = User.objects.get(username="someone")
        return role_grant(actor=actor, user=someone, unit=target, role="viewer")
    if action == "role_revoke":
        assignment = RoleAssignment.objects.get(user__username="someone", unit=target)
        return role_revoke(actor=actor, assignment=assignment)
    if action == "login_unlock":
        return login_unlock(actor=actor, user=User.objects.get(username="locked.out"))
    if action == "token_revoke_any":
        return tokens_revoke_all(actor=actor, user=User.objects.get(username="locked.out"))
    raise AssertionError(action)


WRITE_ACTIONS = ["unit_create", "unit_update", "unit_close", "user_create", "role_grant", "role_revoke", "login_unlock",
                 "token_revoke_any"]


@pytest.fixture
def scene(hcmc, make_user):
    make_user("someone", "79.SYT", "viewer")
    locked = make_user("locked.out", DEPARTMENT, "reporter")  # whose sign-in lock is lifted and tokens revoked: a role on the target only
    token_create(actor=locked, user=locked, name="tests")
    # A role on the target to revoke; the target for unit_close must have no open units below it,
    # so close the department's bodies first (as the platform, recorded like any write).
    role_grant(actor=SYSTEM, user=User.objects.get(username="someone"), unit=hcmc[DEPARTMENT], role="reporter")
    for code in ("79.SKHCN.TTCDS", "79.SKHCN.SIHUB"):
        unit = Unit.objects.get(code=code)
        unit_close(actor=SYSTEM, unit=unit, valid_to=dt.date(2031, 1, 1), expected_version=unit.version)
    return hcmc


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_write_actions(scene, make_user, action, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    target = Unit.objects.get(code=DEPARTMENT)
    outcome = expected(role, action, position)
    events_before = AuditEvent.objects.count()
    rows_before = (Unit.objects.count(), User.objects.count(), RoleAssignment.objects.filter(revoked_at__isnull=True).count())
    if outcome is None:
        _attempt_write(action, actor, target)
        assert AuditEvent.objects.count() > events_before
    else:
        with pytest.raises(outcome):
            _attempt_write(action, actor, target)
        assert AuditEvent.objects.count() == events_before
        assert (Unit.objects.count(), User.objects.count(), RoleAssignment.objects.filter(revoked_at__isnull=True).count()) == rows_before
        assert Unit.objects.get(code=DEPARTMENT).version == target.version


READERS = {
    "unit_data_view": lambda actor, unit: list(unit_members(actor=actor, unit=unit)),
    "unit_history_view": lambda actor, unit: list(history_of_unit_data(actor=actor, unit=unit)),
}


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(READERS))
def test_read_permissions(scene, make_user, permission, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    target = Unit.objects.get(code=DEPARTMENT)
    outcome = expected(role, permission, position)
    if outcome is None:
        assert READERS[permission](actor, target)  # the department has a member and a history (the scene's grant)
    else:
        with pytest.raises(outcome):
            READERS[permission](actor, target)


def test_every_permission_in_the_table_is_covered_by_a_matrix():
    from tests.difficulties.test_permission_matrix import ACTIONS as DIFFICULTY_ACTIONS
    from tests.emulation.test_permission_matrix import ACTIONS as EMULATION_ACTIONS
    from tests.cockpit.test_dashboards import ACTIONS as DASHBOARD_ACTIONS
    from tests.indicators.test_permission_matrix import ACTIONS as INDICATOR_ACTIONS
    from tests.indices.test_permission_matrix import ACTIONS as INDEX_ACTIONS
    from tests.innovation.test_permission_matrix import ACTIONS as CALL_ACTIONS
    from tests.plans.test_permission_matrix import ACTIONS as TASK_ACTIONS
    from tests.portal.test_permission_matrix import ACTIONS as PORTAL_ACTIONS
    from tests.reports.test_permission_matrix import ACTIONS as REPORT_ACTIONS

    task_permissions = {p for p, _ in TASK_ACTIONS.values()} | {"task_view"}
    indicator_permissions = {p for p, _ in INDICATOR_ACTIONS.values()}
    index_permissions = {p for p, _ in INDEX_ACTIONS.values()}
    difficulty_permissions = {p for p, _, _ in DIFFICULTY_ACTIONS.values()} | {"difficulty_view"}
    dashboard_permissions = {p for p, _ in DASHBOARD_ACTIONS.values()}
    emulation_permissions = {p for p, _, _ in EMULATION_ACTIONS.values()} | {"initiative_view", "award_view"}
    portal_permissions = {p for p, _ in PORTAL_ACTIONS.values()}
    report_permissions = {p for p, _ in REPORT_ACTIONS.values()}
    call_permissions = {p for p, _ in CALL_ACTIONS.values()}
    assert set(WRITE_ACTIONS) | set(READERS) == set(ALLOWED)
    assert set(PERMISSIONS) == (
        set(PERMISSION_OF.values()) | task_permissions | indicator_permissions | index_permissions | difficulty_permissions
        | dashboard_permissions | portal_permissions | report_permissions | emulation_permissions | call_permissions
    )


def test_a_revoked_role_grants_nothing(scene, make_user):
    actor = make_user("actor", DEPARTMENT, "administrator")
    target = Unit.objects.get(code=DEPARTMENT)
    role_revoke(actor=SYSTEM, assignment=actor.role_assignments.get())
    actor = User.objects.get(pk=actor.pk)
    with pytest.raises(NotFound):
        require(actor, "unit_update", target)


def test_a_deactivated_account_reaches_nothing(scene, make_user):
    actor = make_user("actor", "79", "administrator")
    User.objects.filter(pk=actor.pk).update(is_active=False)
    with pytest.raises(NotFound):
        require(User.objects.get(pk=actor.pk), "unit_data_view", Unit.objects.get(code=DEPARTMENT))
