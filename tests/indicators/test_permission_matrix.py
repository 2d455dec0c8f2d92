"""Indicator actions × roles × where the role is held: on the ward the value is for ("ward"), above it ("city"),
on an unrelated ward ("other"); the registry itself is owned by the city's Văn phòng (reached from "city").

The expected answers are written out here, not read from ``access.policy.PERMISSIONS``: indicator definitions and
targets are managed by steering/administrators of the owner; values are entered and submitted by the unit's
reporters/approvers, approved by its approvers, and unapproved (with a reason) by its approvers or steering above."""

from decimal import Decimal

import pytest

from dieuhanh.access.models import Role
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.indicators import services
from dieuhanh.indicators.models import Indicator
from tests.conftest import SYSTEM, allowed_table

POSITIONS = {"ward": "26743", "city": "79", "other": "26740"}
# action -> (permission, the unit it is checked on)
ACTIONS = {
    "indicator_update": ("indicator_manage", "owner"),
    "target_set": ("indicator_manage", "owner"),
    "value_set": ("value_enter", "ward"),
    "values_submit": ("value_enter", "ward"),
    "values_approve": ("value_approve", "ward"),
    "values_unapprove": ("value_unapprove", "ward"),
}
ALLOWED = allowed_table("""
                     viewer  reporter  approver  steering  administrator
indicator_update     no      no        no        yes       yes
target_set           no      no        no        yes       yes
value_set            no      yes       yes       no        no
values_submit        no      yes       yes       no        no
values_approve       no      no        yes       no        no
values_unapprove     no      no        yes       yes       no
""")
COVERS = {"ward": {"ward"}, "city": {"ward", "owner"}, "other": set()}


def expected(action, role, position):
    _, on = ACTIONS[action]
    if on not in COVERS[position]:
        # Outside reach: the unit (or the owner) is not theirs at all.
        return NotFound
    return None if role in ALLOWED[action] else Forbidden


@pytest.fixture
def scene(registry):
    ward = registry["26743"]
    services.value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_TIEPNHAN"), unit=ward, period="2024", value=Decimal(900))
    for period in ("2024",):
        services.values_submit(actor=SYSTEM, unit=ward, period=period)
    services.value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="HS_TIEPNHAN"), unit=ward, period="2023", value=Decimal(800))
    services.values_submit(actor=SYSTEM, unit=ward, period="2023")
    services.values_approve(actor=SYSTEM, unit=ward, period="2023")
    return registry


def attempt(action, actor, units):
    ward, hs = units["26743"], Indicator.objects.get(code="HS_TIEPNHAN")
    if action == "indicator_update":
        return services.indicator_update(actor=actor, indicator=hs, expected_version=hs.version, methodology="Đếm theo ngày tiếp nhận")
    if action == "target_set":
        return services.target_set(actor=actor, indicator=hs, unit=ward, year=2026, value=Decimal(1500))
    if action == "value_set":
        return services.value_set(actor=actor, indicator=hs, unit=ward, period="2025", value=Decimal(1000))
    if action == "values_submit":
        services.value_set(actor=SYSTEM, indicator=hs, unit=ward, period="2025", value=Decimal(1000))
        return services.values_submit(actor=actor, unit=ward, period="2025", expected_version=1)
    if action == "values_approve":
        return services.values_approve(actor=actor, unit=ward, period="2024", expected_version=2)
    if action == "values_unapprove":
        return services.values_unapprove(actor=actor, unit=ward, period="2023", reason="Sai số liệu", expected_version=3)
    raise AssertionError(action)


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_indicator_actions(scene, make_user, action, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    outcome = expected(action, role, position)
    before = AuditEvent.objects.filter(actor=actor).count()
    if outcome is None:
        attempt(action, actor, scene)
        assert AuditEvent.objects.filter(actor=actor).count() > before
    else:
        with pytest.raises(outcome):
            attempt(action, actor, scene)
        assert AuditEvent.objects.filter(actor=actor).count() == before
