"""Indicator actions × roles × where the role is held: on the ward the value is for ("ward"), above it ("city"),
on an unrelated ward ("other"); the registry itself is owned by the city's Văn phòng (reached from "city")."""

from decimal import Decimal

import pytest

from dieuhanh.access.models import Role
from dieuhanh.access.policy import PERMISSIONS
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.indicators import services
from dieuhanh.indicators.models import Indicator
from tests.conftest import SYSTEM

POSITIONS = {"ward": "26743", "city": "79", "other": "26740"}
ACTIONS = {
    "indicator_update": ("indicator_manage", "owner"),
    "target_set": ("indicator_manage", "owner"),
    "value_set": ("value_enter", "ward"),
    "values_submit": ("value_enter", "ward"),
    "values_approve": ("value_approve", "ward"),
    "values_unapprove": ("value_unapprove", "ward"),
}
COVERS = {"ward": {"ward"}, "city": {"ward", "owner"}, "other": set()}


def expected(action, role, position):
    permission, on = ACTIONS[action]
    if on not in COVERS[position]:
        # Outside reach: the unit (or the owner) is not theirs at all.
        return NotFound
    return None if role in PERMISSIONS[permission] else Forbidden


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
