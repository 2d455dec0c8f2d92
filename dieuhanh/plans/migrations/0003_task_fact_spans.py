# Each task's status facts by span of days (plans.facts), back-filled from the recorded facts.

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    from dieuhanh.plans import facts

    names = ("Task", "TaskStateChange", "DeadlineChange", "ProgressReport")
    history = tuple(apps.get_model("plans", n) for n in names)
    ids = list(history[0].objects.values_list("pk", flat=True))
    facts.refresh(ids, models=history, span_model=apps.get_model("plans", "TaskFactSpan"))


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0002_delete_reminderlog'),
    ]

    operations = [
        migrations.CreateModel(
            name='TaskFactSpan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField()),
                ('valid_to', models.DateField(blank=True, null=True)),
                ('assigned_day', models.IntegerField()),
                ('start_day', models.IntegerField()),
                ('deadline_day', models.IntegerField(blank=True, null=True)),
                ('state', models.CharField(choices=[('open', 'open'), ('paused', 'paused'), ('cancelled', 'cancelled'), ('completed', 'completed')], max_length=12)),
                ('since_day', models.IntegerField(blank=True, null=True)),
                ('deadline_at_since_day', models.IntegerField(blank=True, null=True)),
                ('progress', models.FloatField(blank=True, null=True)),
                ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fact_spans', to='plans.task')),
            ],
            options={
                'ordering': ['task', 'valid_from'],
                'indexes': [models.Index(fields=['valid_from', 'valid_to'], name='plans_taskf_valid_f_7ee439_idx')],
                'constraints': [models.UniqueConstraint(fields=('task', 'valid_from'), name='fact_span_one_start')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
