"""The action framework: no write without its authorisation function and its audit event."""

import pytest

from dieuhanh.access.actions import ACTIONS, AUTH_FUNCTIONS, UncheckedAction, action, authorizes
from dieuhanh.audit.services import record
from dieuhanh.units.models import Unit
from tests.conftest import SYSTEM


def test_every_registered_action_has_an_authorisation_function_of_the_same_name():
    import dieuhanh.accounts.services
    import dieuhanh.units.services  # noqa: F401

    assert ACTIONS, "no actions registered"
    assert sorted(set(ACTIONS) - set(AUTH_FUNCTIONS)) == []


def test_an_action_without_an_authorisation_function_refuses_to_run(db):
    @action
    def unit_rename_everything(*, actor):
        Unit.objects.update(name="x")

    try:
        with pytest.raises(UncheckedAction):
            unit_rename_everything(actor=SYSTEM)
    finally:
        ACTIONS.pop("unit_rename_everything")


def test_an_action_that_records_no_audit_event_is_rolled_back(hcmc):
    @authorizes
    def unit_silent_rename(actor, **_):
        return None

    @action
    def unit_silent_rename(*, actor):  # noqa: F811  (the action, with the auth function of the same name)
        Unit.objects.filter(code="26743").update(name="Đổi tên lặng lẽ")

    try:
        with pytest.raises(UncheckedAction):
            unit_silent_rename(actor=SYSTEM)
        assert Unit.objects.get(code="26743").name == "Phường Bến Thành"
    finally:
        ACTIONS.pop("unit_silent_rename")
        AUTH_FUNCTIONS.pop("unit_silent_rename")


def test_a_failure_after_the_audit_event_rolls_back_both(hcmc):
    from dieuhanh.audit.models import AuditEvent

    @authorizes
    def unit_half_write(actor, **_):
        return None

    @action
    def unit_half_write(*, actor):  # noqa: F811
        unit = Unit.objects.get(code="26743")
        Unit.objects.filter(pk=unit.pk).update(short_name="nửa chừng")
        record(actor=actor, action="unit_half_write", obj=unit, unit=unit, changes={"short_name": ["", "nửa chừng"]})
        raise ValueError("disk full")

    before = AuditEvent.objects.count()
    try:
        with pytest.raises(ValueError):
            unit_half_write(actor=SYSTEM)
        assert AuditEvent.objects.count() == before
        assert Unit.objects.get(code="26743").short_name == ""
    finally:
        ACTIONS.pop("unit_half_write")
        AUTH_FUNCTIONS.pop("unit_half_write")
