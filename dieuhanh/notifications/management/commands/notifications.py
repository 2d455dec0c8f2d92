"""``dieuhanh notifications daily [--date dd/mm/yyyy]``: the daily run (for cron): due-soon and overdue
notifications, then the digest e-mails. Re-running it the same day creates and sends nothing twice."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.access.policy import SystemActor
from dieuhanh.core.common.periods import parse_date
from dieuhanh.notifications.services import notifications_daily


class Command(BaseCommand):
    help = "Notifications: `daily` creates due-soon and overdue notifications and e-mails the daily digests."

    def add_arguments(self, parser):
        parser.add_argument("step", choices=["daily"])
        parser.add_argument("--date", help="the day to run for (dd/mm/yyyy); default today")

    def handle(self, *args, **options):
        try:
            day = parse_date(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        result = notifications_daily(actor=SystemActor("notifications daily"), day=day)
        made = ", ".join(f"{count} {name}" for name, count in result.created.items()) or "nothing to produce"
        self.stdout.write(f"notifications: {made}; {result.digests} digests")
