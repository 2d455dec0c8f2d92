"""``dieuhanh dossiers_feed --period 2026-03 [--indicator CODE …] [--overwrite]``: the Decision 766 on-time rate
into indicators.

For cron after each import: writes the on-time rate (2.1) of every reporting unit into the configured on-time
indicators (``DIEUHANH_D766_ON_TIME_INDICATORS``) for the periods of each indicator's type that overlap
``--period``; locked (submitted or approved) data is skipped and listed, values typed by hand are kept and listed
as ``manual`` unless ``--overwrite``. ``--indicator`` names one of the configured on-time indicators; any other is
refused. Runs as the platform (``system:dossiers_feed``), audited.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.access.policy import SystemActor
from django.utils import translation

from dieuhanh.core.common.errors import CoreError
from dieuhanh.dossiers.selectors import StoreUnavailable, on_time_indicators
from dieuhanh.dossiers.services import on_time_feed
from dieuhanh.errors import DomainError
from dieuhanh.messages import render


class Command(BaseCommand):
    help = "Feed the Decision 766 on-time rate (2.1) from the dossier logs into the on-time indicators."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026, 2026-Q1, 2026-H1 or 2026-03")
        parser.add_argument("--indicator", action="append", dest="indicators", metavar="CODE",
                            help="a configured on-time indicator to feed (repeatable; default: all of "
                                 "DIEUHANH_D766_ON_TIME_INDICATORS)")
        parser.add_argument("--as-of", help="compute as of this day, YYYY-MM-DD (default: today)")
        parser.add_argument("--overwrite", action="store_true",
                            help="also replace values typed by hand (never submitted or approved ones)")

    def handle(self, *args, period, indicators=None, as_of=None, overwrite=False, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of is YYYY-MM-DD, not {as_of!r}") from None
        configured = on_time_indicators()
        if indicators:
            found = {i.code: i for i in configured}
            refused = [c for c in indicators if c not in found]
            if refused:
                raise CommandError(f"not an on-time indicator (DIEUHANH_D766_ON_TIME_INDICATORS: "
                                   f"{', '.join(found) or 'none defined'}): {', '.join(refused)}")
            targets = [found[c] for c in indicators]
        else:
            targets = configured
            if not targets:
                raise CommandError("no on-time indicator is configured or defined (DIEUHANH_D766_ON_TIME_INDICATORS)")
        feed(self.stdout, targets, period, day, actor=SystemActor("dossiers_feed"), overwrite=overwrite)


def feed(out, targets, period: str, as_of: dt.date | None, *, actor, overwrite: bool = False) -> list:
    results = []
    for indicator in targets:
        try:
            result = on_time_feed(actor=actor, indicator=indicator, period=period, as_of=as_of, overwrite=overwrite)
        except StoreUnavailable as exc:
            raise CommandError(f"the dossier store is busy: {exc.log_message}") from None
        except (DomainError, CoreError) as exc:
            with translation.override("en"):
                raise CommandError(f"{indicator.code}: {exc.code}: {render(exc.code, exc.params)}") from None
        s = result.summary()
        out.write(f"{indicator.code} {', '.join(result.periods) or '(no period)'}: {s['written']} written, "
                  f"{s['unchanged']} unchanged, {s['skipped']} skipped (locked), {s['manual']} kept as typed by hand, "
                  f"{s['no_data']} without dossiers")
        for code, key, status in result.skipped:
            out.write(f"  skipped {code} {key}: data {status}")
        for code, key in result.manual:
            out.write(f"  kept {code} {key}: typed by hand (--overwrite replaces it)")
        results.append(result)
    return results
