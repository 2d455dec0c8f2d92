"""``dieuhanh generate_tasks --tasks 3000 --months 24``: a labelled synthetic plan for realism and load."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dieuhanh.access.policy import SystemActor
from dieuhanh.progress import progress_bar
from dieuhanh.demo.plans import SYNTHETIC_NUMBER, generate_synthetic_plan
from dieuhanh.plans.models import Plan, ProgressReport


class Command(BaseCommand):
    help = "Generate a synthetic plan (labelled as such) with tasks over every HCMC unit and months of approved reports."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=3000)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--seed", type=int, default=57)

    def handle(self, *args, tasks, months, seed, **options):
        if Plan.objects.filter(number=SYNTHETIC_NUMBER).exists():
            raise CommandError(f"the synthetic plan {SYNTHETIC_NUMBER} exists already")
        with progress_bar(tasks, "Synthetic tasks", stream=self.stderr._out) as progress:
            plan = generate_synthetic_plan(actor=SystemActor("generate_tasks"), tasks=tasks, months=months, seed=seed,
                                           progress=progress)
        if connection.vendor == "postgresql":  # fresh planner statistics for the pages over the new rows
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        reports = ProgressReport.objects.filter(task__plan=plan).count()
        self.stdout.write(f"synthetic plan {plan.number}: {plan.tasks.count()} tasks, {reports} approved reports")
