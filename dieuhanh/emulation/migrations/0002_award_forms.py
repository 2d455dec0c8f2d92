"""The forms of award, loaded from data/award_forms.json (the rules there are data, not constants)."""

import json
from pathlib import Path

from django.db import migrations

FORMS = Path(__file__).resolve().parent.parent / "data" / "award_forms.json"


def load(apps, schema_editor):
    AwardForm = apps.get_model("emulation", "AwardForm")
    for position, row in enumerate(json.loads(FORMS.read_text(encoding="utf-8"))["forms"], start=1):
        AwardForm.objects.update_or_create(code=row["code"], defaults={
            "name_vi": row["name_vi"], "name_en": row["name_en"], "nominee": row["nominee"], "decided_by": row["decided_by"],
            "level": row["level"], "needed_scope": row["needed_scope"], "confirmed": row["confirmed"], "position": position})


class Migration(migrations.Migration):
    dependencies = [("emulation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
