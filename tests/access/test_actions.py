"""The action framework: no write without its authorisation function and its audit event."""

import importlib
import os
import subprocess
import sys
import textwrap

import pytest

from dieuhanh.actions import (
    ACTIONS,
    AUTH_FUNCTIONS,
    DuplicateName,
    UncheckedAction,
    action,
    authorizes,
    missing_auth_functions,
)
from dieuhanh.audit.services import record
from dieuhanh.units.models import Unit
from tests.conftest import SYSTEM

# Every module that defines actions.
ACTION_MODULES = [
    "dieuhanh.units.services",
    "dieuhanh.accounts.services",
    "dieuhanh.notifications.services",
    "dieuhanh.plans.services",
    "dieuhanh.plans.excel",
    "dieuhanh.indicators.services",
    "dieuhanh.indicators.reminders",
    "dieuhanh.dossiers.services",
    "dieuhanh.indices.services",
    "dieuhanh.indices.audit",
    "dieuhanh.demo.history",
    "dieuhanh.jobs.services",
    "dieuhanh.difficulties.services",
    "dieuhanh.emulation.services",
    "dieuhanh.emulation.feed",
    "dieuhanh.innovation.services",
    "dieuhanh.innovation.feed",
    "dieuhanh.cockpit.services",
    "dieuhanh.portal.services",
    "dieuhanh.reports.services",
]
APPS_WITH_ACTIONS = ["units", "accounts", "notifications", "plans", "indicators", "dossiers", "indices", "demo", "jobs",
                     "difficulties", "emulation", "innovation", "cockpit", "portal", "reports"]


def test_every_registered_action_has_an_authorisation_function_of_the_same_name():
    for module in ACTION_MODULES:
        importlib.import_module(module)

    assert len(ACTIONS) >= 40, "actions missing from the registry"
    assert missing_auth_functions() == []
    assert sorted(set(AUTH_FUNCTIONS) - set(ACTIONS)) == [], "authorisation functions without an action"


def test_authorisation_functions_are_registered_when_the_apps_are_ready_before_any_service_is_imported():
    # A fresh interpreter: django.setup() runs every AppConfig.ready(); no services module is imported.
    script = textwrap.dedent(
        """
        import sys, django
        django.setup()
        from dieuhanh.actions import AUTH_FUNCTIONS
        print(sorted(m for m in sys.modules if m.startswith("dieuhanh.") and m.endswith(".services")))
        print(sorted(AUTH_FUNCTIONS))
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dieuhanh.settings"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    services_imported, registered = eval(out[0]), set(eval(out[1]))

    assert [m for m in services_imported if m.split(".")[1] in APPS_WITH_ACTIONS and m != "dieuhanh.audit.services"] == []
    for app in APPS_WITH_ACTIONS:
        auth = importlib.import_module(f"dieuhanh.{app}.auth")
        own = {name for name, fn in vars(auth).items() if AUTH_FUNCTIONS.get(name) is fn}
        assert own, f"dieuhanh.{app}.auth registers nothing"
        assert own <= registered, f"not registered by {app}'s ready(): {sorted(own - registered)}"
    # the auth functions that used to sit beside their actions
    assert {"on_time_feed", "indicator_reminders_send", "audit_sensitivity_store", "history_load"} <= registered


def test_a_second_authorisation_function_of_an_existing_name_is_refused():
    with pytest.raises(DuplicateName, match="unit_update"):

        @authorizes
        def unit_update(actor, **_):  # anyone may update any unit: must never replace units/auth.py's
            return None

    assert AUTH_FUNCTIONS["unit_update"].__module__ == "dieuhanh.units.auth"


def test_a_second_action_of_an_existing_name_is_refused():
    import dieuhanh.units.services  # noqa: F401

    with pytest.raises(DuplicateName, match="unit_update"):

        @action
        def unit_update(*, actor, unit):
            return None

    assert ACTIONS["unit_update"].__module__ == "dieuhanh.units.services"


def test_a_module_imported_again_registers_the_same_functions_without_tripping_the_check():
    import dieuhanh.units.auth
    import dieuhanh.units.services

    importlib.reload(dieuhanh.units.auth)  # new function objects, same module and qualname
    action(ACTIONS["unit_update"])  # the same action registered once more

    assert AUTH_FUNCTIONS["unit_update"] is dieuhanh.units.auth.unit_update


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
