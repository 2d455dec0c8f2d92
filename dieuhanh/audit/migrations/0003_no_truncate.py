"""On PostgreSQL, refuse TRUNCATE on the audit log too (the row triggers of 0002 do not see a TRUNCATE).

SQLite has no TRUNCATE (its ``DELETE FROM`` without WHERE fires the row triggers of 0002)."""

from django.db import migrations

from dieuhanh.audit.append_only import allow_truncate, forbid_truncate

TABLES = ("audit_auditevent",)


def forwards(apps, schema_editor):
    forbid_truncate(schema_editor, TABLES)


def backwards(apps, schema_editor):
    allow_truncate(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
