from django.db import migrations, models


class Migration(migrations.Migration):
    """Targets carry the version an edit read (optimistic concurrency, like every editable row)."""

    dependencies = [("indicators", "0001_initial")]

    operations = [
        migrations.AddField(model_name="target", name="version", field=models.PositiveIntegerField(default=1)),
    ]
