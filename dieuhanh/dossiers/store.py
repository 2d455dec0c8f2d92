"""Where the dossier logs live: an embedded DuckDB file next to the database (``DIEUHANH_DUCKDB_PATH``).

Dossier-scale analytics (millions of rows) stay out of PostgreSQL: DuckDB scans them in columnar form; the
metric definitions (``core/d766/metrics.py``) are Ibis expressions, so a national deployment can point the same
code at Spark or Trino instead.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from django.conf import settings

from dieuhanh.core.d766.ingest import create_schema
from dieuhanh.units.models import Unit


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path or settings.DIEUHANH_DUCKDB_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        create_schema(con)
    return con


def known_agencies() -> set[str]:
    """Codes that may receive dossiers: every commune-level unit and every department or body."""
    return set(Unit.objects.filter(kind__in=["commune", "department", "body", "province"]).values_list("code", flat=True))
