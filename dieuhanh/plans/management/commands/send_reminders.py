"""``dieuhanh send_reminders [--date dd/mm/yyyy]``: the daily reminder run (for cron)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.access.policy import SystemActor
from dieuhanh.plans.reminders import reminders_send


class Command(BaseCommand):
    help = "Send due-soon and overdue reminders and the daily digest to unit leaders (once per day and person)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to remind for (dd/mm/yyyy); default today")

    def handle(self, *args, date=None, **options):
        day = None
        if date:
            try:
                day = dt.datetime.strptime(date, "%d/%m/%Y").date()
            except ValueError:
                raise CommandError("--date takes dd/mm/yyyy") from None
        result = reminders_send(actor=SystemActor("send_reminders"), day=day)
        self.stdout.write(f"reminders: {result.due_soon} due soon, {result.overdue} overdue, {result.digests} digests")
