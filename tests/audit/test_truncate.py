"""The audit log and the published releases cannot be emptied with TRUNCATE, and the application's own database
role (``dieuhanh app_role``) cannot change audit rows even with the triggers disabled (PostgreSQL)."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from dieuhanh.audit.models import AuditEvent
from dieuhanh.units.services import unit_update


@pytest.fixture
def audited(hcmc, make_user):
    admin = make_user("admin", "79", "administrator")
    unit = hcmc["26743"]
    unit_update(actor=admin, unit=unit, expected_version=unit.version, short_name="P. Bến Thành")
    return AuditEvent.objects.count()


@pytest.mark.parametrize("table", ["audit_auditevent", "portal_release", "portal_releasetable"])
def test_truncate_is_refused(audited, table):
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own deferred checks, not a pending event
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET note = 'sửa lén'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent CASCADE",
    "ALTER TABLE audit_auditevent ENABLE TRIGGER ALL",
])
def test_the_application_role_cannot_change_the_audit_log_even_with_the_triggers_off(audited, statement):
    role = f"{connection.settings_dict['NAME']}_app"[:60]
    sql = io.StringIO()
    call_command("app_role", role, stdout=sql)
    with transaction.atomic(), connection.cursor() as cursor:  # all undone at the end: role, grants, disabled triggers
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(sql.getvalue())
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")  # as if the owner had been fooled
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute("SELECT count(*) FROM audit_auditevent")  # the application reads …
        cursor.execute("INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, changes, note) "
                       "VALUES (now(), 'x', 'probe', 'x', '1', 'x', '{}', '')")  # … and appends
        with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic():
            cursor.execute(statement)
        transaction.set_rollback(True)
    assert AuditEvent.objects.count() == audited
