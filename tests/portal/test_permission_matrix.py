"""Publishing × roles × where the role is held: steering on the city (or above it, none here) publishes; every other
role on the city is refused; a role on a ward or department below does not reach the city ("not found"). Refusals
leave no release and no audit event. Written out here, not read from ``access.policy.PERMISSIONS``."""

from __future__ import annotations

import datetime as dt

import pytest

from dieuhanh.access.models import Role
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.portal.models import Release
from dieuhanh.portal.services import release_publish
from tests.conftest import allowed_table

POSITIONS = {"city": "79", "ward": "26743", "department": "79.SKHCN"}
REACHES_CITY = {"city": True, "ward": False, "department": False}
ACTIONS = {"release_publish": ("release_publish", "city")}
ALLOWED = allowed_table("""
                     viewer  reporter  approver  steering  administrator
release_publish      no      no        no        yes       no
""")


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
def test_release_publish(hcmc, make_user, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    if not REACHES_CITY[position]:
        outcome = NotFound
    else:
        outcome = None if role in ALLOWED["release_publish"] else Forbidden
    if outcome is None:
        release_publish(actor=actor, city=hcmc["79"], as_of=dt.date(2026, 11, 30))
        assert Release.objects.count() == 1 and AuditEvent.objects.filter(action="release_publish").count() == 1
    else:
        with pytest.raises(outcome):
            release_publish(actor=actor, city=hcmc["79"], as_of=dt.date(2026, 11, 30))
        assert not Release.objects.exists() and not AuditEvent.objects.filter(action="release_publish").exists()
