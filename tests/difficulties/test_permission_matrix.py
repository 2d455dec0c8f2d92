"""Register actions × roles × where the role is held, through the real actions.

Items are raised by Phường Bến Thành (26743) and addressed to the city's steering committee (79.BCD57, below the
city 79); the handling unit is Sở KH&CN (79.SKHCN). Positions of the actor's role: on the raising ward ("ward"),
on the city ("city", above everything here), on the handling department ("handler"), on a sibling ward ("other").
An item is seen by whoever holds a role on the raising unit, the addressed body or the handling unit (or above):
the handler does not see an item before it is assigned to it, the sibling ward sees nothing — both get NotFound,
as for a missing item. The expected answers are written out here from the documented rules (docs/ARCHITECTURE.md,
"Who may do what"), not read from ``access.policy.PERMISSIONS``.
"""

from __future__ import annotations

import pytest

from dieuhanh.access.models import Role
from dieuhanh.access.policy import PERMISSIONS
from dieuhanh.audit.models import AuditEvent
from dieuhanh.difficulties import services
from dieuhanh.difficulties.models import Difficulty
from dieuhanh.errors import Forbidden, NotFound
from tests.conftest import BEN_THANH, CITY, DEPARTMENT, SAI_GON, SYSTEM, D, allowed_table

POSITIONS = {"ward": BEN_THANH, "city": CITY, "handler": DEPARTMENT, "other": SAI_GON}
# action -> (permission, the unit it is checked on, the item it acts on)
ACTIONS = {
    "difficulty_raise": ("difficulty_raise", "raising", None),
    "difficulty_assign": ("difficulty_assign", "addressed", "submitted"),
    "difficulty_answer": ("difficulty_answer", "handling", "assigned"),
    "difficulty_close": ("difficulty_close", "addressed", "answered"),
}
# A unit raises through its reporters and approvers; the addressed body's approvers and the steering committee
# assign and close; the handling unit's reporters and approvers answer.
ALLOWED = allowed_table("""
                   viewer  reporter  approver  steering  administrator
difficulty_raise   no      yes       yes       no        no
difficulty_assign  no      no        yes       yes       no
difficulty_answer  no      yes       yes       no        no
difficulty_close   no      no        yes       yes       no
""")
# Which checked units each position holds a role on (roles reach down: the city covers every unit here).
COVERS = {"ward": {"raising"}, "city": {"raising", "addressed", "handling"}, "handler": {"handling"}, "other": set()}
# Which items each position sees (None: raising a new item needs a role on the raising unit).
SEES = {"ward": {None, "submitted", "assigned", "answered"}, "city": {None, "submitted", "assigned", "answered"},
        "handler": {"assigned", "answered"}, "other": set()}


def expected(action: str, role: Role, position: str):
    _, checked_on, item = ACTIONS[action]
    if item not in SEES[position]:
        return NotFound
    return None if checked_on in COVERS[position] and role in ALLOWED[action] else Forbidden


@pytest.fixture
def items(hcmc):
    def raise_one():
        return services.difficulty_raise(actor=SYSTEM, unit=hcmc[BEN_THANH], category="technology", content="Thiếu đường truyền",
                                         addressed_to=hcmc["79.BCD57"])

    submitted, assigned, answered = raise_one(), raise_one(), raise_one()
    for item in (assigned, answered):
        services.difficulty_assign(actor=SYSTEM, difficulty=item, expected_version=1, handling_unit=hcmc[DEPARTMENT], deadline=D(2026, 12, 31))
    services.difficulty_answer(actor=SYSTEM, difficulty=Difficulty.objects.get(pk=answered.pk), expected_version=2, answer="Đã bố trí")
    return {"submitted": submitted.pk, "assigned": assigned.pk, "answered": answered.pk}


def attempt(action: str, actor, items, hcmc):
    if action == "difficulty_raise":
        return services.difficulty_raise(actor=actor, unit=hcmc[BEN_THANH], category="land", content="Vướng mặt bằng", addressed_to=hcmc[CITY])
    item = Difficulty.objects.get(pk=items[ACTIONS[action][2]])
    if action == "difficulty_assign":
        return services.difficulty_assign(actor=actor, difficulty=item, expected_version=item.version, handling_unit=hcmc["79.STC"],
                                          deadline=D(2026, 12, 31))
    if action == "difficulty_answer":
        return services.difficulty_answer(actor=actor, difficulty=item, expected_version=item.version, answer="Đã xử lý")
    return services.difficulty_close(actor=actor, difficulty=item, expected_version=item.version, outcome="resolved")


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_register_actions(items, hcmc, make_user, action, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    outcome = expected(action, role, position)
    before = (AuditEvent.objects.count(), Difficulty.objects.count(), sorted(Difficulty.objects.values_list("version", flat=True)))
    if outcome is None:
        attempt(action, actor, items, hcmc)
        assert AuditEvent.objects.count() == before[0] + 1
    else:
        with pytest.raises(outcome):
            attempt(action, actor, items, hcmc)
        assert (AuditEvent.objects.count(), Difficulty.objects.count(),
                sorted(Difficulty.objects.values_list("version", flat=True))) == before


def test_every_register_permission_is_covered_by_this_matrix():
    register_permissions = {"difficulty_view", "difficulty_raise", "difficulty_assign", "difficulty_answer", "difficulty_close"}
    assert {p for p, _, _ in ACTIONS.values()} | {"difficulty_view"} == register_permissions
    assert register_permissions <= set(PERMISSIONS)
