"""Where the dossier logs live: an embedded DuckDB file next to the database (``DIEUHANH_DUCKDB_PATH``).

Dossier-scale analytics (millions of rows) stay out of PostgreSQL: DuckDB scans them in columnar form; the
metric definitions (``core/d766/metrics.py``) are Ibis expressions, so a national deployment can point the same
code at Spark or Trino instead. Beside ``dossiers`` the file holds ``dossier_facts``, the per-dossier facts the
scorecard adds up, which ``ingest`` keeps in step with every dossier file (``execute.refresh_facts``); write
dossiers through ``ingest`` only, or ``execute.compute`` falls back to deriving the facts from every dossier.

One process writes at a time, and not while another reads: DuckDB locks the file. The pages read through
short-lived read-only connections, so a writer (an import) waits for them: ``connect(read_only=False)`` retries
with backoff for ``DIEUHANH_DUCKDB_LOCK_WAIT`` seconds (30 by default) before raising ``StoreBusy``
(``store_busy``).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from openpyxl import load_workbook
from django.conf import settings

from dieuhanh.core.d766.ingest import create_schema
from dieuhanh.errors import DomainError
from dieuhanh.units.models import Unit


class StoreBusy(DomainError):
    """Another connection holds the store's lock for longer than the writer waits."""

    code = "store_busy"
    http_status = 503


def _held_elsewhere(exc: duckdb.Error) -> bool:
    """The file is locked by another process, or opened in this one with another mode (read-only vs read-write)."""
    text = str(exc)
    return "Could not set lock" in text or "different configuration" in text


def connect(path: str | Path | None = None, *, read_only: bool = False, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the store; a writing one waits up to ``wait`` seconds (default ``DIEUHANH_DUCKDB_LOCK_WAIT``)
    for the readers holding the file, then raises ``StoreBusy``. A read-only one never waits."""
    path = Path(path or settings.DIEUHANH_DUCKDB_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = float(getattr(settings, "DIEUHANH_DUCKDB_LOCK_WAIT", 30) if wait is None else wait)
    deadline, pause = time.monotonic() + wait, 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if read_only or not _held_elsewhere(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(f"the dossier store is busy: {path} is held by another connection "
                                f"(waited {wait:g} s): {exc}") from None
            time.sleep(min(pause, max(deadline - time.monotonic(), 0.0)))
            pause = min(pause * 2, 1.0)
    if not read_only:
        create_schema(con)
    return con


def known_agencies() -> set[str]:
    """Codes that may receive dossiers: every commune-level unit and every department or body."""
    return set(Unit.objects.filter(kind__in=["commune", "department", "body", "province"]).values_list("code", flat=True))


def estimated_rows(paths: list[Path]) -> int:
    """Rows in the files, for the progress bar: from the metadata of Parquet and XLSX files, estimated for CSV
    from the size of the file and of its first lines."""
    total = 0
    for path in paths:
        if path.suffix.lower() in (".parquet", ".pq"):
            try:
                total += pq.ParquetFile(path).metadata.num_rows
                continue
            except Exception:  # not readable as Parquet: ingest reports it; the bar just guesses
                pass
        if path.suffix.lower() == ".xlsx":
            try:
                workbook = load_workbook(path, read_only=True)
                total += max((workbook.worksheets[0].max_row or 1) - 1, 1)  # the sheet's declared size
                workbook.close()
                continue
            except Exception:  # not a workbook: ingest reports it
                pass
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(1 << 20)
        lines = max(head.count(b"\n"), 1)
        total += max(int(size / (len(head) / lines)) - 1, 1)
    return total
