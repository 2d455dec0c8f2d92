"""The forms of award, loaded from data/award_forms.json (the rules there are data, not constants)."""

from django.db import migrations

from dieuhanh.emulation.award_forms import load_forms


def load(apps, schema_editor):
    load_forms(apps.get_model("emulation", "AwardForm"))


class Migration(migrations.Migration):
    dependencies = [("emulation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
