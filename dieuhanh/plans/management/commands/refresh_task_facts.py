"""``dieuhanh refresh_task_facts [--plan NUMBER]``: rebuild every task's stored status facts from its recorded history.

The actions keep the facts (``plans.facts``, ``TaskFactSpan``) up to date in their own transactions and the migration
back-fills them; this command rebuilds them after data was written around the actions (a restore, a manual fix)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dieuhanh.plans import facts
from dieuhanh.plans.models import Plan, Task
from dieuhanh.progress import progress_bar


class Command(BaseCommand):
    help = "Rebuild the stored status facts of every task (or of one plan's tasks) from the recorded history."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="only this plan's tasks (its document number)")

    def handle(self, *args, plan=None, **options):
        tasks = Task.objects.all()
        if plan:
            found = Plan.objects.filter(number=plan).first()
            if found is None:
                raise CommandError(f"no plan {plan}")
            tasks = tasks.filter(plan=found)
        ids = list(tasks.order_by("pk").values_list("pk", flat=True))
        with progress_bar(len(ids), "Task facts", stream=self.stderr._out) as progress, transaction.atomic():
            written = facts.refresh(ids, batch=1000, progress=progress)
        self.stdout.write(f"task facts: {written} spans for {len(ids)} tasks")
