"""``dieuhanh portal publish --as-of 30/11/2026 [--note …] [--period 2026 …] [--synthetic]``: publish a release of
the official numbers as the platform (the demo and scheduled publications)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.access.policy import SystemActor
from dieuhanh.core.common.periods import parse_date
from dieuhanh.core.common.errors import CoreError
from dieuhanh.errors import DomainError
from dieuhanh.messages import render
from dieuhanh.portal.services import release_publish
from dieuhanh.units.selectors import city_code, unit_get


class Command(BaseCommand):
    help = "Public portal: publish a release of the official numbers as of a date."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        publish = sub.add_parser("publish", help="publish a release as of a date (dd/mm/yyyy)")
        publish.add_argument("--as-of", required=True, help="the release's date, dd/mm/yyyy")
        publish.add_argument("--note", default="", help="what changed and why (needed after the first release)")
        publish.add_argument("--period", action="append", dest="periods", help="a Decision 766 period to publish (repeatable)")
        publish.add_argument("--synthetic", action="store_true", help="label the release synthetic (demo data)")

    def handle(self, *args, **options):
        try:
            release = release_publish(actor=SystemActor("portal"), city=unit_get(city_code()), as_of=parse_date(options["as_of"]),
                                      note=options["note"], periods=options["periods"], synthetic=options["synthetic"])
        except (DomainError, CoreError) as exc:
            raise CommandError(render(exc.code, exc.params)) from None
        self.stdout.write(f"release {release.pk} as of {release.as_of:%d/%m/%Y}: sha256 {release.sha256}"
                          + (" (synthetic)" if release.synthetic else ""))
