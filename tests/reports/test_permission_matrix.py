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
ACTIONS = {"report_build": ("report_build", "city"), "report_get": ("report_view", "city"),
           "report_template_upload": ("report_template_upload", "city"), "round_open": ("round_manage", "city"),
           "round_report_submit": ("round_report_write", "ward"), "round_report_approve": ("round_report_approve", "ward")}
ALLOWED = allowed_table("""
                       viewer  reporter  approver  steering  administrator
report_build           no      no        yes       yes       no
report_get             yes     yes       yes       yes       yes
report_template_upload no      no        no        yes       yes
round_open             no      no        no        yes       no
round_report_submit    no      yes       yes       no        no
round_report_approve   no      no        yes       no        no
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


# Report rounds: opened by the steering committee on the city; a ward's report is written and submitted by its
# reporters and approvers and approved by its approvers. A role on the city reaches the ward (roles reach down) but
# steering holds neither writing nor approving there; a role on another ward or a department reaches nothing.
ROUND_POSITIONS = {"own": "26743", "above": "79", "other": "26740", "department": "79.SKHCN"}


def _round(plan, hcmc):
    from dieuhanh.reports.services import round_open

    return round_open(actor=SYSTEM, unit=hcmc["79"], plan=plan, template="city-periodic", period="2026-11",
                      deadline=dt.date(2026, 11, 20), units=[hcmc["26743"]])


def _expected(role, action, reaches):
    if not reaches:
        return NotFound
    return None if role in ALLOWED[action] else Forbidden


@pytest.mark.parametrize("position", list(ROUND_POSITIONS))
@pytest.mark.parametrize("role", list(Role))
def test_round_actions(plan, hcmc, make_user, role, position):
    from dieuhanh.reports.models import ReportRound, RoundReport
    from dieuhanh.reports.services import round_report_approve, round_report_submit

    actor = make_user("actor", ROUND_POSITIONS[position], role)
    rnd = _round(plan, hcmc)
    events = AuditEvent.objects.count()
    on_city, on_ward = position == "above", position in ("own", "above")
    outcome = _expected(role, "round_open", on_city)
    if outcome is None:
        _round_as(actor, plan, hcmc)
        assert ReportRound.objects.count() == 2
    else:
        with pytest.raises(outcome):
            _round_as(actor, plan, hcmc)
        assert ReportRound.objects.count() == 1 and AuditEvent.objects.count() == events
    ward = RoundReport.objects.get(round=rnd)
    outcome = _expected(role, "round_report_submit", on_ward)
    if outcome is None:
        ward = round_report_submit(actor=actor, round_report=ward, expected_version=ward.version)
        assert ward.status == "submitted"
    else:
        with pytest.raises(outcome):
            round_report_submit(actor=actor, round_report=ward, expected_version=ward.version)
        assert RoundReport.objects.get(pk=ward.pk).status == "draft"
        ward = round_report_submit(actor=SYSTEM, round_report=ward, expected_version=ward.version)
    outcome = _expected(role, "round_report_approve", on_ward)
    if outcome is None:
        assert round_report_approve(actor=actor, round_report=ward, expected_version=ward.version).status == "approved"
    else:
        with pytest.raises(outcome):
            round_report_approve(actor=actor, round_report=ward, expected_version=ward.version)
        assert RoundReport.objects.get(pk=ward.pk).status == "submitted"


def _round_as(actor, plan, hcmc):
    from dieuhanh.reports.services import round_open

    return round_open(actor=actor, unit=hcmc["79"], plan=plan, template="city-periodic", period="2026-10",
                      deadline=dt.date(2026, 10, 20), units=[hcmc["26743"]])


@pytest.mark.parametrize("position", ["city", "ward"])
@pytest.mark.parametrize("role", list(Role))
def test_template_upload(hcmc, make_user, role, position):
    from dieuhanh.reports.models import ReportTemplate
    from dieuhanh.reports.selectors import shipped_bytes
    from dieuhanh.reports.services import report_template_upload

    actor = make_user("actor", POSITIONS[position], role)
    outcome = _expected(role, "report_template_upload", position == "city")
    upload = {"key": "brief", "filename": "brief.docx", "content": shipped_bytes("brief")}
    if outcome is None:
        assert report_template_upload(actor=actor, **upload).version == 1
    else:
        with pytest.raises(outcome):
            report_template_upload(actor=actor, **upload)
        assert not ReportTemplate.objects.exists()
