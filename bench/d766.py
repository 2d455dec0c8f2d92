"""Benchmark: the Decision 766 scorecard from dossier logs at 1 M and 10 M dossiers (issue 5, item 7).

For each size, in the same run and on the same data (SYNTHETIC dossiers from ``core/d766/generate.py`` for the
168 wards of Ho Chi Minh City and 12 departments, received 01/01/2025–30/12/2025):

- ``ingest CSV`` / ``ingest Parquet``: ``ingest.ingest`` of the whole file into an empty DuckDB file (staging,
  every row check, the merge by dossier_id, and the ``dossier_facts`` table the scorecard reads, built from it),
  closing the file included;
- ``bare CSV`` / ``bare Parquet``: DuckDB's own load of the same file into an empty DuckDB file, ``CREATE TABLE t
  AS SELECT * FROM read_csv(...)`` / ``read_parquet(...)``, closing included: the floor any import pays. Measured
  alternately with the ingest (bare, ingest, bare, ingest…) so that both see the same machine load; the ratio
  ingest ÷ bare is given for wall and CPU time;
- ``scorecard``: ``execute.compute`` for 2025 by month, every agency, on the ingested DuckDB file, into a pandas
  DataFrame (the median of the calls after the first; the first call, which reads the file from disk and compiles
  the Ibis expression, and the CPU time of building and compiling the expression alone are printed beside it);
- ``pandas``: ``reference.scorecard_pandas`` for the same year by month, on the same dossiers already in a
  DataFrame (loading them from DuckDB is not counted); vectorised NumPy/pandas that pairs each dossier only with
  the periods it counts in, as the Ibis version does. Its result must equal the scorecard to 1e-9, or the run
  stops;
- ``floor``: DuckDB's bare scan and group of the same columns the scorecard reads (count and sum of each,
  grouped by agency and month of receipt) — what any scorecard must at least cost;
- ``from dossiers``: the same scorecard derived from every dossier instead of the kept ``dossier_facts`` (what
  ``compute`` does for an expression, or when the facts are missing or stale), one run;
- ``incremental``: a day's 50,000 new dossiers (received 31/12/2025): ``ingest`` of the day's Parquet file into a
  copy of the ingested database, then ``execute.compute`` of the months those dossiers can change (their month
  of receipt to the end of the year: December) on the same connection (opening and closing the file are not
  timed), wall and CPU time. Checked once against a full recompute.

``--ingest-only`` measures the ingest, the bare loads and the increment only (no scorecard, pandas or floor).

Times are medians of ``--runs`` runs (ingest: ``--ingest-runs``; pandas: ``--pandas-runs``, default 1 because it
is slow at 10 M). The machine is shared: the load average is printed next to each figure.

Usage: ``.venv/bin/python bench/d766.py [--rows 1000000 10000000] [--runs 5]``. Generated files and DuckDB
databases are cached under ``var/bench/d766/`` (not committed; delete the folder to regenerate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import ibis
import pandas as pd
from vietnam_provinces import Ward

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dieuhanh.core.d766 import execute, metrics  # noqa: E402
from dieuhanh.core.d766.workdays import default_calendar  # noqa: E402
from dieuhanh.demo.synthetic_dossiers import HCMC_PROVINCE_CODE, generate  # noqa: E402
from dieuhanh.core.d766.ingest import TABLE, ingest  # noqa: E402
from dieuhanh.core.d766.reference import scorecard_pandas  # noqa: E402

WARDS = sorted(f"{int(w.code):05d}" for w in Ward.iter_by_province(HCMC_PROVINCE_CODE))
DEPARTMENTS = [f"79.{code}" for code in ("STP", "SXD", "SYT", "SKHCN", "SCT", "SNV", "STC", "SGDDT", "SVHTT",
                                          "SNNMT", "SDT", "SKHDT")]
AGENCIES = WARDS + DEPARTMENTS
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
LAST_DAY = dt.date(2025, 12, 30)  # the big file's last day of receipt; the day file adds the 31st
DAY = dt.date(2025, 12, 31)
DAY_ROWS = 50_000
SEED = 766

# The floor: one scan of every column the scorecard reads, grouped by agency and month of receipt.
FLOOR_SQL = f"""
SELECT agency_code, date_trunc('month', received_at) AS month, count(*) AS n,
       count(due_at), count(finished_at), sum(supplement_requests), sum(supplement_hours), sum(statutory_days),
       sum(fee_total), sum(paid_online), sum(channel), count(applicant_ward_code), count(rating),
       count_if(e_result), count_if(digitised_components), count_if(reused_data), count_if(personal_store),
       count_if(vneid_verified), count_if(synced), count_if(has_feedback),
       max(due_at), max(finished_at)
FROM {TABLE}
WHERE received_at >= TIMESTAMP '{START}' AND received_at < TIMESTAMP '{END + dt.timedelta(days=1)}'
GROUP BY ALL
"""


def load() -> str:
    """The one-minute load average (2 cores: above 2 means other work was waiting for the CPU too)."""
    return f"{os.getloadavg()[0]:.1f}"


CPU: dict[str, float] = {}  # figure -> median CPU seconds of the process (all threads), beside the wall time


def median_time(fn: Callable[[], object], runs: int, before: Callable[[], None] | None = None,
                name: str | None = None) -> tuple[float, object]:
    """Median wall time of ``runs`` calls of ``fn`` (``before`` runs untimed ahead of each), and the last result;
    with ``name``, the median CPU time too (``CPU[name]``): on a shared machine, wall time also counts the time
    spent waiting for a core, CPU time does not."""
    samples, cpu, result = [], [], None
    for _ in range(runs):
        if before is not None:
            before()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    if name is not None:
        CPU[name] = statistics.median(cpu)
    return statistics.median(samples), result


def files(cache: Path, rows: int) -> tuple[Path, Path, Path]:
    """The size's Parquet and CSV files and the day file, generated once into ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    parquet = cache / f"dossiers-{rows}.parquet"
    csv = cache / f"dossiers-{rows}.csv"
    day = cache / f"day-{DAY}-{DAY_ROWS}.parquet"
    if not parquet.exists():
        started = time.perf_counter()
        generate(parquet.with_suffix(".tmp"), rows=rows, agencies=AGENCIES, start=START, end=LAST_DAY, seed=SEED)
        parquet.with_suffix(".tmp").rename(parquet)
        print(f"  generated {parquet.name} in {time.perf_counter() - started:.0f} s", flush=True)
    if not csv.exists():
        duckdb.sql(f"COPY (SELECT * FROM '{parquet}') TO '{csv}.tmp' (FORMAT csv, HEADER)")
        Path(f"{csv}.tmp").rename(csv)
    if not day.exists():
        generate(day, rows=DAY_ROWS, agencies=AGENCIES, start=DAY, end=DAY, seed=SEED + 1)
    return parquet, csv, day


def bare_into(database: Path, source: Path) -> None:
    """DuckDB's own load of ``source`` into a new database file: the floor of any import."""
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    try:
        reader = "read_csv" if source.suffix == ".csv" else "read_parquet"
        con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}('{source}')")
    finally:
        con.close()
    database.unlink()


def ingest_into(database: Path, source: Path) -> None:
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    try:
        result = ingest(con, [source], known_agencies=set(AGENCIES))
        if result.rejected_files:
            errors = result.rejected_files[0].errors[:5]
            raise SystemExit(f"{source} was rejected: {errors}")
    finally:
        con.close()


def scorecard(con: duckdb.DuckDBPyConnection, start: dt.date = START, end: dt.date = END) -> pd.DataFrame:
    return execute.compute(con, TABLE, start=start, end=end, by="month")


def pandas_scorecard(dossiers: pd.DataFrame) -> pd.DataFrame:
    return scorecard_pandas(dossiers, start=START, end=END, by="month")


def assert_same(ours: pd.DataFrame, reference: pd.DataFrame, what: str) -> None:
    try:
        pd.testing.assert_frame_equal(ours.reset_index(drop=True), reference.reset_index(drop=True),
                                      check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-9)
    except AssertionError as error:
        raise SystemExit(f"{what} differs:\n{error}") from None


def affected_months(con: duckdb.DuckDBPyConnection, day_file: Path) -> tuple[dt.date, dt.date]:
    """From the first day of the earliest month the day's dossiers were received in, to the end of the range."""
    earliest = con.execute(f"SELECT min(received_at) FROM '{day_file}'").fetchone()[0]
    return max(START, earliest.date().replace(day=1)), END


def bench(rows: int, cache: Path, runs: int, ingest_runs: int, pandas_runs: int, reuse_db: bool,
          ingest_only: bool = False) -> dict[str, object]:
    print(f"\n== {rows:,} dossiers", flush=True)
    parquet, csv, day = files(cache, rows)
    db_csv, db = cache / f"from-csv-{rows}.duckdb", cache / f"dossiers-{rows}.duckdb"
    figures: dict[str, object] = {"rows": rows}

    if reuse_db and db.exists():
        figures["ingest_csv"] = figures["ingest_parquet"] = float("nan")
        print(f"  ingest          not measured: {db.name} reused (--reuse-db)", flush=True)
    else:
        floor = cache / f"bare-{rows}.duckdb"
        for kind, source, target in (("csv", csv, db_csv), ("parquet", parquet, db)):
            bare, ours, bare_cpu, ours_cpu = [], [], [], []
            for _ in range(ingest_runs):  # alternately, so that both see the same machine load
                for fn, wall, cpu in ((functools.partial(bare_into, floor, source), bare, bare_cpu),
                                      (functools.partial(ingest_into, target, source), ours, ours_cpu)):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    fn()
                    wall.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
            for name, values in ((f"bare_{kind}", bare), (f"ingest_{kind}", ours), (f"bare_{kind}_cpu", bare_cpu),
                                 (f"ingest_{kind}_cpu", ours_cpu)):
                figures[name] = statistics.median(values)
            print(f"  ingest {kind:8} {figures[f'ingest_{kind}']:8.2f} s   (CPU {figures[f'ingest_{kind}_cpu']:.2f} s;"
                  f" bare load {figures[f'bare_{kind}']:.2f} s, CPU {figures[f'bare_{kind}_cpu']:.2f} s: "
                  f"{figures[f'ingest_{kind}'] / figures[f'bare_{kind}']:.1f}× wall, "
                  f"{figures[f'ingest_{kind}_cpu'] / figures[f'bare_{kind}_cpu']:.1f}× CPU; load {load()})", flush=True)
        db_csv.unlink(missing_ok=True)
    if ingest_only:
        figures |= incremental_figures(rows, cache, db, day, runs)
        return figures

    writer = duckdb.connect(str(db))
    if not execute.facts_current(writer, default_calendar()):  # a database reused from before dossier_facts
        started = time.perf_counter()
        writer.begin()
        execute.refresh_facts(writer)
        writer.commit()
        print(f"  dossier_facts   {time.perf_counter() - started:8.2f} s   (built for the reused database;"
              f" load {load()})", flush=True)
    writer.close()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == rows
    assert execute.facts_current(con, default_calendar())  # so the scorecard adds up dossier_facts
    started = time.perf_counter()
    scorecard(con)  # the first call reads the file from disk and builds and compiles the expression
    figures["first"] = time.perf_counter() - started
    figures["scorecard"], ours = median_time(lambda: scorecard(con), runs, name="scorecard")
    figures["scorecard_cpu"] = CPU["scorecard"]
    backend = ibis.duckdb.from_connection(con)
    median_time(lambda: ibis.to_sql(metrics.scorecard(backend.table(TABLE), start=START, end=END, by="month")),
                runs, name="compile")
    figures["compile"] = CPU["compile"]  # Python, one thread: its CPU time is what it costs on a free core
    print(f"  scorecard       {figures['scorecard']:8.3f} s   (CPU {CPU['scorecard']:.3f} s; {len(ours)} rows;"
          f" first call {figures['first']:.3f} s; building and compiling the expression alone"
          f" {figures['compile']:.3f} s CPU, paid once per process: compute keeps the SQL;"
          f" load {load()})", flush=True)
    figures["raw"], _ = median_time(
        lambda: execute.compute(con, backend.table(TABLE), start=START, end=END, by="month"), 1, name="raw")
    figures["raw_cpu"] = CPU["raw"]
    print(f"  from dossiers   {figures['raw']:8.3f} s   (CPU {CPU['raw']:.3f} s: facts derived from every dossier,"
          f" expression compiled; load {load()})", flush=True)
    con.execute(FLOOR_SQL).df()
    figures["floor"], _ = median_time(lambda: con.execute(FLOOR_SQL).df(), runs, name="floor")
    figures["floor_cpu"] = CPU["floor"]
    print(f"  floor           {figures['floor']:8.3f} s   (CPU {CPU['floor']:.3f} s; load {load()})", flush=True)

    started = time.perf_counter()
    dossiers = con.execute(f"SELECT * FROM {TABLE}").df()
    print(f"  (pandas: {rows:,} dossiers loaded in {time.perf_counter() - started:.1f} s, not counted)", flush=True)
    con.close()
    figures["pandas"], reference = median_time(lambda: pandas_scorecard(dossiers), pandas_runs, name="pandas")
    dossiers = None  # free the frame before the next measurements
    assert_same(ours, reference, "the pandas reference")
    figures["pandas_cpu"] = CPU["pandas"]
    print(f"  pandas          {figures['pandas']:8.2f} s   (CPU {CPU['pandas']:.2f} s; identical to the scorecard;"
          f" load {load()})", flush=True)

    figures |= incremental_figures(rows, cache, db, day, runs)
    return figures


def incremental_figures(rows: int, cache: Path, db: Path, day: Path, runs: int) -> dict[str, float]:
    """The day's 50,000 dossiers ingested into a copy of the size's database, and the months they change
    recomputed: wall time (ingest + recompute) and CPU time."""
    figures: dict[str, float] = {}
    working = cache / f"incremental-{rows}.duckdb"
    parts: dict[str, list[float]] = {"ingest": [], "scorecard": [], "cpu": []}

    def incremental() -> pd.DataFrame:
        con = duckdb.connect(str(working))
        try:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = ingest(con, [day], known_agencies=set(AGENCIES))
            assert result.inserted == DAY_ROWS and not result.rejected_files, result
            parts["ingest"].append(time.perf_counter() - started)
            assert execute.facts_current(con, default_calendar())  # ingest kept dossier_facts in step
            started = time.perf_counter()
            months = scorecard(con, *affected_months(con, day))
            parts["scorecard"].append(time.perf_counter() - started)
            parts["cpu"].append(time.process_time() - cpu_started)
            return months
        finally:
            con.close()

    # Timed: the day's ingest and the recompute, not opening and closing the database file around them (a
    # service keeps its connection open; closing checkpoints the write-ahead log to the file).
    _, months = median_time(incremental, runs, before=lambda: shutil.copyfile(db, working))
    figures["incremental"] = statistics.median(i + s for i, s in zip(parts["ingest"], parts["scorecard"], strict=True))
    figures["incremental_ingest"] = statistics.median(parts["ingest"])
    figures["incremental_scorecard"] = statistics.median(parts["scorecard"])
    figures["incremental_cpu"] = statistics.median(parts["cpu"])
    con = duckdb.connect(str(working), read_only=True)
    full = scorecard(con)
    con.close()
    assert_same(months, full[full["period_start"] >= pd.Timestamp(DAY.replace(day=1))], "the incremental months")
    working.unlink()
    print(f"  incremental     {figures['incremental']:8.3f} s   (ingest {figures['incremental_ingest']:.3f} s + "
          f"December {figures['incremental_scorecard']:.3f} s; CPU {figures['incremental_cpu']:.3f} s;"
          f" equal to a full recompute; load {load()})", flush=True)
    return figures


def table(results: list[dict[str, object]]) -> str:
    lines = [
        "| dossiers | ingest CSV | ingest Parquet | scorecard (year by month) | pandas reference | floor (scan + group)"
        " | pandas ÷ scorecard | scorecard ÷ floor | incremental (+50,000) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['ingest_csv']:.1f} s | {r['ingest_parquet']:.1f} s"
            f" | {r['scorecard']:.2f} s (CPU {r['scorecard_cpu']:.2f} s; first call {r['first']:.2f} s)"
            f" | {r['pandas']:.1f} s"
            f" | {r['floor']:.2f} s (CPU {r['floor_cpu']:.2f} s) | {r['pandas'] / r['scorecard']:.1f}×"
            f" | {r['scorecard'] / r['floor']:.1f}× (CPU {r['scorecard_cpu'] / r['floor_cpu']:.1f}×)"
            f" | {r['incremental']:.2f} s ({r['incremental_ingest']:.2f} + {r['incremental_scorecard']:.2f}) |"
        )
    return "\n".join(lines)


def ingest_table(results: list[dict[str, object]]) -> str:
    lines = [
        "| dossiers | file | bare load (DuckDB) | ingest | ingest ÷ bare |",
        "|---:|---|---:|---:|---:|",
    ]
    for r in results:
        for kind, label in (("parquet", "Parquet"), ("csv", "CSV")):
            if f"bare_{kind}" not in r:
                continue
            lines.append(
                f"| {r['rows']:,} | {label} | {r[f'bare_{kind}']:.2f} s (CPU {r[f'bare_{kind}_cpu']:.2f} s)"
                f" | {r[f'ingest_{kind}']:.2f} s (CPU {r[f'ingest_{kind}_cpu']:.2f} s)"
                f" | {r[f'ingest_{kind}'] / r[f'bare_{kind}']:.1f}× (CPU {r[f'ingest_{kind}_cpu'] / r[f'bare_{kind}_cpu']:.1f}×) |")
        lines.append(f"| {r['rows']:,} + 50,000 | day file (Parquet) | | {r['incremental']:.2f} s"
                     f" (ingest {r['incremental_ingest']:.2f} + recompute {r['incremental_scorecard']:.2f}; CPU"
                     f" {r['incremental_cpu']:.2f} s) | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=5, help="runs per timed figure (median)")
    parser.add_argument("--ingest-runs", type=int, default=1)
    parser.add_argument("--pandas-runs", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench" / "d766")
    parser.add_argument("--ingest-only", action="store_true",
                        help="measure the ingest against the bare load and the day's increment only")
    parser.add_argument("--reuse-db", action="store_true",
                        help="skip the ingest figures and reuse the DuckDB file of an earlier run, if there is one")
    args = parser.parse_args()
    print(f"DuckDB {duckdb.__version__}, pandas {pd.__version__}, {os.cpu_count()} cores, "
          f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}; medians of {args.runs} runs", flush=True)
    results = [bench(rows, args.cache, args.runs, args.ingest_runs, args.pandas_runs, args.reuse_db, args.ingest_only)
               for rows in args.rows]
    print()
    print(ingest_table(results) if args.ingest_only else table(results))


if __name__ == "__main__":
    main()
