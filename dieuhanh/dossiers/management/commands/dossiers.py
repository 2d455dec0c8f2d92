"""``dieuhanh dossiers import PATH…`` and ``dieuhanh dossiers scorecard --from … --to … --by month --out FILE.csv``.

Batch use from cron or data pipelines: import dossier logs (CSV, Parquet, XLSX; every file all-or-nothing with a
row-by-row error report) and write the Decision 766 scorecard, one row per agency and period.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.core.d766 import metrics
from dieuhanh.core.d766.ingest import ingest
from dieuhanh.core.progress import ProgressBar
from dieuhanh.dossiers.store import connect, known_agencies


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"dates are YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Import dossier logs and compute the Decision 766 scorecard (DuckDB)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="import dossier files (CSV, Parquet, XLSX)")
        imp.add_argument("paths", nargs="+", type=Path)
        imp.add_argument("--db", type=Path, help="DuckDB file (default: DIEUHANH_DUCKDB_PATH)")
        card = sub.add_parser("scorecard", help="write the scorecard as CSV")
        card.add_argument("--from", dest="start", required=True)
        card.add_argument("--to", dest="end", required=True)
        card.add_argument("--by", choices=["month", "quarter", "year"], default=None)
        card.add_argument("--out", type=Path, required=True)
        card.add_argument("--db", type=Path)

    def handle(self, *args, verb, **options):
        if verb == "import":
            return self._import(options["paths"], options.get("db"))
        return self._scorecard(_date(options["start"]), _date(options["end"]), options["by"], options["out"], options.get("db"))

    def _import(self, paths: list[Path], db: Path | None) -> None:
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file: {', '.join(map(str, missing))}")
        con = connect(db)
        bar = ProgressBar(0, "Dossiers", stream=self.stderr._out)
        result = ingest(con, paths, known_agencies=known_agencies(), progress=bar.update)
        con.close()
        self.stdout.write(f"dossiers: {result.inserted} inserted, {result.updated} updated")
        for report in result.rejected_files:
            self.stderr.write(f"REJECTED {report.path} ({report.rows} rows): nothing from it was kept")
            for e in report.errors[:50]:
                self.stderr.write(f"  row {e.row} {e.column} {e.code}: {e.message}")
            if len(report.errors) > 50:
                self.stderr.write(f"  … {len(report.errors) - 50} more")
        if result.rejected_files:
            sys.exit(1)

    def _scorecard(self, start: dt.date, end: dt.date, by: str | None, out: Path, db: Path | None) -> None:
        if end < start:
            raise CommandError("--to is before --from")
        con = connect(db)
        frame = metrics.compute(con, "dossiers", start=start, end=end, by=by)
        con.close()
        # Ibis columns use "_" (engine-safe); the CSV uses the official ids: r_2.1, p_2.1.
        frame = frame.rename(columns=lambda c: c[:2] + c[2:].replace("_", ".") if c[:2] in ("r_", "p_") and c[2:3].isdigit() else c)
        frame.to_csv(out, index=False)
        self.stdout.write(f"scorecard: {len(frame)} rows → {out}")
