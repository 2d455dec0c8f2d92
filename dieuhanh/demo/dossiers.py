"""The demo's dossier logs: a labelled SYNTHETIC one-stop-shop log (``core/d766/generate.py``) for the city's 168
commune-level units and its departments over the last twelve months, loaded into the DuckDB store with the made-up
procedure catalogue its codes come from (both recorded as synthetic in the store's ``sources``), and the on-time
rate fed into the on-time indicators for the current year.

Every dossier is synthetic (``generate.SYNTHETIC_LABEL``); shares are chosen to look like the city's public
reporting (about 99.4 % on time at wards, 93 % at departments), not measured. Idempotent: a store that already
holds dossiers is left as it is (the feed still runs, and writes nothing when nothing changed).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from django.conf import settings

from dieuhanh.demo.synthetic_dossiers import SYNTHETIC_LABEL, generate, write_catalogue
from dieuhanh.core.d766.ingest import PROCEDURES, ingest
from dieuhanh.core.common.periods import period_containing
from dieuhanh.dossiers.selectors import city_units, today
from dieuhanh.dossiers.services import on_time_feed, on_time_indicators
from dieuhanh.dossiers.store import writing
from dieuhanh.units.selectors import city_code

DEMO_SEED = 766


def load_dossiers(*, actor, out=None, rows: int | None = None, seed: int = DEMO_SEED, as_of: dt.date | None = None) -> int:
    """Generate and import the synthetic log unless the store holds dossiers; feed the current year. Returns the
    number of dossiers imported (0 when the store was already loaded)."""
    as_of = as_of or today()
    rows = rows or settings.DIEUHANH_DEMO_DOSSIERS
    communes, departments = city_units()
    agencies = [u.code for u in communes + departments]
    started = time.monotonic()
    with writing() as (con, touched):
        loaded = con.execute("SELECT count(*) FROM dossiers").fetchone()[0]
        imported = 0
        if not loaded:
            # Twelve calendar months: from the first day of the month eleven months back, to today.
            first = period_containing(as_of, "monthly").start
            for _ in range(11):
                first = period_containing(first - dt.timedelta(days=1), "monthly").start
            with tempfile.TemporaryDirectory() as tmp:
                path = generate(Path(tmp) / "demo-dossiers.parquet", rows=rows, agencies=agencies, start=first, end=as_of, seed=seed,
                                home_province=int(city_code()))
                result = ingest(con, [path], known_agencies=set(agencies))
                # The made-up catalogue the log's procedure codes come from: the drill-down shows their names.
                catalogue = ingest(con, [write_catalogue(Path(tmp) / "demo-procedures.parquet", seed=seed)], known_agencies=set(),
                                   spec=PROCEDURES)
            if result.rejected_files or catalogue.rejected_files:
                refused = (result.rejected_files or catalogue.rejected_files)[0]
                raise RuntimeError(f"the synthetic dossier log was refused: {refused.errors[:3]}")
            imported = result.inserted
            touched.add(None)  # a new store: everything
    fed = []
    for indicator in on_time_indicators():
        r = on_time_feed(actor=actor, indicator=indicator, period=str(as_of.year), as_of=as_of)
        s = r.summary()
        fed.append(f"{indicator.code}: {s['written']} written, {s['skipped']} locked, {s['manual']} kept as typed by hand")
    if out is not None:
        if imported:
            out.write(f"dossiers: {imported:,} synthetic dossiers for {len(agencies)} units in {time.monotonic() - started:.1f} s "
                      f"({SYNTHETIC_LABEL})")
        if fed:
            out.write(f"on-time rate {as_of.year} → {'; '.join(fed)}")
    return imported
