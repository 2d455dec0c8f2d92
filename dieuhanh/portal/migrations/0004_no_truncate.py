"""On PostgreSQL, refuse TRUNCATE on the published releases too (0002's row triggers do not see a TRUNCATE)."""

from django.db import migrations

from dieuhanh.audit.append_only import allow_truncate, forbid_truncate

TABLES = ("portal_release", "portal_releasetable")


def forwards(apps, schema_editor):
    forbid_truncate(schema_editor, TABLES)


def backwards(apps, schema_editor):
    allow_truncate(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_evidence_decision"), ("audit", "0003_no_truncate")]
    operations = [migrations.RunPython(forwards, backwards)]
