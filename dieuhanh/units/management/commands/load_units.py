"""``dieuhanh load_units``: load or refresh the national list of units (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.access.policy import SystemActor
from dieuhanh.progress import progress_bar
from dieuhanh.errors import DomainError
from dieuhanh.units.official import HCMC_CODE, hcmc_body_rows, national_rows
from dieuhanh.units.services import units_load_official


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 commune-level units (vietnam-provinces) and HCMC's departments."

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", dest="provinces", metavar="CODE",
                            help="load only this province (repeatable), e.g. --province 79")
        parser.add_argument("--no-hcmc-bodies", action="store_true", help="skip HCMC's departments and other bodies")

    def handle(self, *args, provinces=None, no_hcmc_bodies=False, **options):
        rows = national_rows(set(provinces) if provinces else None)
        if not no_hcmc_bodies and (provinces is None or HCMC_CODE in provinces):
            rows += hcmc_body_rows()
        try:
            with progress_bar(len(rows), "Units", stream=self.stderr._out) as progress:
                result = units_load_official(actor=SystemActor("load_units"), rows=rows, progress=progress)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.details}") from exc
        self.stdout.write(f"units: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")
