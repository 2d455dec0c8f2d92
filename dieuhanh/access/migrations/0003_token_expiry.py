"""API tokens expire: tokens issued before this migration get 30 days from the upgrade (never an endless token)."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def expire_old_tokens(apps, schema_editor):
    apps.get_model("access", "ApiToken").objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + dt.timedelta(days=30))


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(expire_old_tokens, migrations.RunPython.noop),
    ]
