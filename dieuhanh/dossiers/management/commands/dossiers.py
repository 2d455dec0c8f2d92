"""``dieuhanh dossiers import PATH… [--procedures FILE…] [--feedback FILE…]`` and ``dieuhanh dossiers scorecard
--from … --to … --by month [--provinces] --out FILE.csv``.

Batch use from cron or data pipelines: import dossier logs, the procedure catalogue and feedback (PAKN) records
(CSV, Parquet, XLSX; every file all-or-nothing with a row-by-row error report; the command exits with status 1 when
any file was refused) and write the Decision 766 scorecard, one row per agency and period, with the catalogue and
feedback indicators when those tables hold data; with ``--provinces``, one row per province and period instead:
every province's pooled scorecard (all dossiers of its communes, departments and bodies, as the unit tree places
them) in one query.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dieuhanh.core.d766 import execute
from dieuhanh.core.d766.ingest import DOSSIERS, FEEDBACK, PROCEDURES, TableSpec, ingest
from dieuhanh.progress import progress_bar
from dieuhanh.dossiers.store import StoreBusy, connect, estimated_rows, known_agencies, open_published, published, writing
from dieuhanh.messages import render
from dieuhanh.units.models import Unit


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"dates are YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Import dossier logs and compute the Decision 766 scorecard (DuckDB)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="import dossier, procedure and feedback files (CSV, Parquet, XLSX)")
        imp.add_argument("paths", nargs="*", type=Path, help="dossier files")
        imp.add_argument("--procedures", nargs="+", type=Path, default=[], help="procedure catalogue files")
        imp.add_argument("--feedback", nargs="+", type=Path, default=[], help="feedback (PAKN) files")
        imp.add_argument("--db", type=Path, help="DuckDB file (default: DIEUHANH_DUCKDB_PATH)")
        card = sub.add_parser("scorecard", help="write the scorecard as CSV")
        card.add_argument("--from", dest="start", required=True)
        card.add_argument("--to", dest="end", required=True)
        card.add_argument("--by", choices=["month", "quarter", "year"], default=None)
        card.add_argument("--out", type=Path, required=True)
        card.add_argument("--provinces", action="store_true",
                          help="one pooled scorecard per province (agency_code = the province's code)")
        card.add_argument("--db", type=Path)

    def handle(self, *args, verb, **options):
        if verb == "import":
            return self._import(
                [(PROCEDURES, options["procedures"]), (DOSSIERS, options["paths"]), (FEEDBACK, options["feedback"])],
                options.get("db"),
            )
        return self._scorecard(_date(options["start"]), _date(options["end"]), options["by"], options["out"], options.get("db"),
                               provinces=options["provinces"])

    def _import(self, files: list[tuple[TableSpec, list[Path]]], db: Path | None) -> None:
        everything = [p for _, paths in files for p in paths]
        if not everything:
            raise CommandError("nothing to import: give dossier files, --procedures or --feedback")
        missing = [p for p in everything if not p.exists()]
        if missing:
            raise CommandError(f"no such file: {', '.join(map(str, missing))}")
        agencies = known_agencies()
        touched: set = set()
        try:
            with writing(db) as (con, touched):  # publishes the new copy for the pages on exit
                rejected = self._load(con, touched, files, agencies)
        except StoreBusy as exc:
            raise CommandError(str(exc)) from None
        if touched:
            from dieuhanh.dossiers.jobs import precompute_after_import

            precompute_after_import()
            self.stdout.write("scorecards: queued to be computed ahead (dossiers.precompute)")
        if rejected:
            sys.exit(1)

    def _load(self, con, touched: set, files: list[tuple[TableSpec, list[Path]]], agencies: set[str]) -> bool:
        """Import the files in order; what they change goes into ``touched``. True when a file was refused."""
        rejected = False
        for spec, paths in files:  # the catalogue first: dossiers and feedback refer to it
            if not paths:
                continue
            with progress_bar(estimated_rows(paths), spec.table.capitalize(), stream=self.stderr._out) as progress:
                result = ingest(con, paths, known_agencies=agencies, progress=progress, spec=spec)
            touched |= {None} if spec is PROCEDURES and result.inserted + result.updated else result.touched
            self.stdout.write(f"{spec.table}: {result.inserted} inserted, {result.updated} updated")
            for report in result.rejected_files:
                rejected = True
                self.stderr.write(f"REJECTED {report.path} ({report.rows} rows): nothing from it was kept")
                with translation.override("en"):  # the command speaks English, like the API
                    for e in report.errors[:50]:
                        self.stderr.write(f"  row {e.row} {e.column} {e.code}: {render(e.message_code, e.params)}")
                hidden = len(report.errors) - 50 + report.more_errors
                if hidden > 0:
                    self.stderr.write(f"  … {hidden} more")
        return rejected

    def _scorecard(self, start: dt.date, end: dt.date, by: str | None, out: Path, db: Path | None, *,
                   provinces: bool = False) -> None:
        if end < start:
            raise CommandError("--to is before --from")
        # Reading only: the published copy the pages read (never waits for an import), else the file read-only.
        from django.core.cache import cache

        execute.kept_sql = cache  # the statements the pages compiled serve the command too (Redis in production)
        copy = published(db) if Path(db or settings.DIEUHANH_DUCKDB_PATH).exists() else None
        con = open_published(copy) if copy else _open(db, read_only=False)
        try:
            if provinces:
                frame = execute.compute_groups(con, province_of_agencies(), start=start, end=end, by=by)
            else:
                frame = execute.compute(con, "dossiers", start=start, end=end, by=by)
        finally:
            con.close()
        # Ibis columns use "_" (engine-safe); the CSV uses the official ids: r_2.1, p_2.1.
        frame = frame.rename(columns=lambda c: c[:2] + c[2:].replace("_", ".") if c[:2] in ("r_", "p_") and c[2:3].isdigit() else c)
        frame.to_csv(out, index=False)
        self.stdout.write(f"scorecard: {len(frame)} rows → {out}")


def province_of_agencies() -> dict[str, str]:
    """The province of every unit that may receive dossiers (its nearest province ancestor in the unit tree)."""
    units = {code: (kind, parent) for code, kind, parent in Unit.objects.values_list("code", "kind", "parent__code")}
    found: dict[str, str] = {}
    for code, (kind, parent) in units.items():
        if kind not in ("commune", "department", "body"):
            continue
        seen = 0
        while parent is not None and units.get(parent, ("", None))[0] != "province" and seen < 10:
            parent, seen = units.get(parent, ("", None))[1], seen + 1
        if parent is not None and units.get(parent, ("", None))[0] == "province":
            found[code] = parent
    return found


def _open(db: Path | None, *, read_only: bool = False):
    try:
        return connect(db, read_only=read_only)
    except StoreBusy as exc:
        raise CommandError(str(exc)) from None
