"""``dieuhanh send_indicator_reminders --period 2026``: remind units of indicator values still missing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.access.policy import SystemActor
from dieuhanh.core.common.periods import parse_period
from dieuhanh.indicators.reminders import indicator_reminders_send


class Command(BaseCommand):
    help = "E-mail the reporters of every unit whose indicator values for a period are still missing (once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="period key: 2026, 2026-Q2, 2026-06 …")

    def handle(self, *args, period, **options):
        try:
            parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        sent = indicator_reminders_send(actor=SystemActor("send_indicator_reminders"), period=period)
        self.stdout.write(f"indicator reminders: {sent} e-mails")
