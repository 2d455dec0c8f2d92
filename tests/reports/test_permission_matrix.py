"""Building and reading official reports × roles × where the role is held: approver and steering on the issuing
unit (the city here) build; every other role there is refused; a role below does not reach the city ("not found").
Every role on the city reads a stored report. Refusals leave no report and no audit event. Written out here, not read
from ``access.policy.PERMISSIONS``."""

from __future__ import annotations

import datetime as dt

import pytest

from dieuhanh.access.models import Role
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.reports.models import GeneratedReport
from dieuhanh.reports.selectors import report_get
from dieuhanh.reports.services import report_build
from tests.conftest import SYSTEM, allowed_table

POSITIONS = {"city": "79", "ward": "26743", "department": "79.SKHCN"}
ACTIONS = {"report_build": ("report_build", "city"), "report_get": ("report_view", "city")}
ALLOWED = allowed_table("""
                     viewer  reporter  approver  steering  administrator
report_build         no      no        yes       yes       no
report_get           yes     yes       yes       yes       yes
""")


def _build(actor, plan, hcmc):
    return report_build(actor=actor, template="brief", plan=plan, unit=hcmc["79"], as_of=dt.date(2026, 11, 30),
                        issued_on=dt.date(2026, 12, 5))


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
def test_report_build_and_read(plan, hcmc, make_user, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    on_city = position == "city"
    if on_city and role in ALLOWED["report_build"]:
        _build(actor, plan, hcmc)
        assert GeneratedReport.objects.count() == 1 and AuditEvent.objects.filter(action="report_build").count() == 1
    else:
        with pytest.raises(Forbidden if on_city else NotFound):
            _build(actor, plan, hcmc)
        assert not GeneratedReport.objects.exists() and not AuditEvent.objects.filter(action="report_build").exists()
    stored = GeneratedReport.objects.first() or _build(SYSTEM, plan, hcmc)
    if on_city and role in ALLOWED["report_get"]:
        assert report_get(actor, stored.pk) == stored
    else:
        with pytest.raises(NotFound):
            report_get(actor, stored.pk)
