"""Benchmark: one province's Decision 766 pages whatever the national volume (issue 16, item 5).

A SYNTHETIC national log (``demo/synthetic_dossiers.generate_national``: the 3,321 commune-level units of the 34
provinces, received 01/01/2025–30/12/2025) of each ``--rows`` size is imported with ``ingest`` into a DuckDB store
of its own, as a national deployment's store would be, and the statements of Ho Chi Minh City's pages are run on
it (``execute.compute`` over the kept facts, the units as pools, as ``dossiers/selectors.py`` runs them):

- ``ranking``: the province's 168 communes and their pooled total for December, and for the year;
- ``unit``: a commune's page — its year by month (the trend) and December;
- each compiled first (not timed: a served worker prepares its statements before it serves), then the first run on
  a new connection (*first*: what the first visitor after an import waits for, the copy's catalogue read) and the
  median of five more (*warm*, no result cache).

The sizes run side by side in one process, so the figures compare: the target is that the province's pages do not
grow with the national volume. The load average is printed beside each figure.

Usage: ``.venv/bin/python bench/d766_province.py [--rows 10000000 100000000]``; logs and stores are kept under
``var/bench/d766-national/`` (a 100 M store takes about 8 GB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dieuhanh.core.d766 import execute  # noqa: E402
from dieuhanh.core.d766.ingest import ingest  # noqa: E402
from dieuhanh.demo.synthetic_dossiers import generate_national, national_communes  # noqa: E402

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
DECEMBER = (dt.date(2025, 12, 1), END)
SEED = 3321
PROVINCE = "79"  # Ho Chi Minh City
UNIT = "26743"  # Phường Bến Thành


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def store_of(cache: Path, rows: int) -> Path:
    """The size's national log imported into a store of its own (generated and imported once)."""
    log = cache / f"national-{rows}.parquet"
    if not log.exists():
        started = time.perf_counter()
        generate_national(log.with_suffix(".tmp"), rows=rows, start=START, end=END - dt.timedelta(days=1), seed=SEED)
        log.with_suffix(".tmp").rename(log)
        print(f"  generated {log.name} in {time.perf_counter() - started:.0f} s", flush=True)
    store = cache / f"province-store-{rows}.duckdb"
    if not store.exists():
        partial = store.with_suffix(".part")
        partial.unlink(missing_ok=True)
        communes = {c for cs in national_communes().values() for c in cs}
        con = duckdb.connect(str(partial))
        started = time.perf_counter()
        result = ingest(con, [log], known_agencies=communes)
        con.close()
        assert not result.rejected_files, result.rejected_files[0].errors[:3]
        partial.rename(store)
        print(f"  imported {rows:,} dossiers in {time.perf_counter() - started:.0f} s "
              f"({store.stat().st_size / 1e9:.1f} GB; load {load()})", flush=True)
    return store


def statements() -> dict[str, list[dict]]:
    """The statements of the province's pages, as ``dossiers/selectors.py`` asks for them."""
    communes = national_communes()[PROVINCE]
    pools = {c: [c] for c in communes} | {"city": communes}
    unit = {UNIT: [UNIT]}
    common = {"facts_known_current": True, "keys": ("agency_code",)}
    return {
        "ranking, December": [dict(start=DECEMBER[0], end=DECEMBER[1], pools=pools, **common)],
        "ranking, the year": [dict(start=START, end=END, pools=pools, **common)],
        "unit page, December with its trend": [dict(start=START, end=END, by="month", pools=unit, **common),
                                                dict(start=DECEMBER[0], end=DECEMBER[1], pools=unit, **common)],
    }


def measure(store: Path) -> dict[str, tuple[float, float, str]]:
    out = {}
    con = duckdb.connect(str(store), read_only=True)
    for calls in statements().values():
        for kw in calls:  # compiled (prepared), not timed
            execute.prepare(con, "dossiers", **kw)
    con.close()
    for name, calls in statements().items():
        con = duckdb.connect(str(store), read_only=True)  # a new copy's first reader
        started = time.perf_counter()
        for kw in calls:
            execute.compute(con, "dossiers", **kw)
        first = time.perf_counter() - started
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            for kw in calls:
                execute.compute(con, "dossiers", **kw)
            runs.append(time.perf_counter() - started)
        con.close()
        out[name] = (first, statistics.median(runs), load())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000_000, 100_000_000])
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench" / "d766-national")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"DuckDB {duckdb.__version__}, {os.cpu_count()} cores, load {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
          flush=True)
    stores = {rows: store_of(args.cache, rows) for rows in args.rows}
    figures = {rows: measure(store) for rows, store in stores.items()}
    sizes = " | ".join(f"{rows:,} dossiers: first / warm (ms)" for rows in args.rows)
    print(f"\n| statement (province {PROVINCE}, 168 communes) | {sizes} | load |")
    print("|---|" + "---:|" * len(args.rows) + "---:|")
    for name in statements():
        cells = " | ".join(f"{figures[r][name][0] * 1000:,.0f} / {figures[r][name][1] * 1000:,.0f}" for r in args.rows)
        print(f"| {name} | {cells} | {max(figures[r][name][2] for r in args.rows)} |")


if __name__ == "__main__":
    main()
