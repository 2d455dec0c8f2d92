"""Benchmark: Decision 766 at national scale on Spark (issue 16, item 5).

A SYNTHETIC national log (``demo/synthetic_dossiers.generate_national``: the 3,321 commune-level units of the 34
provinces, dossiers received 01/01/2025–30/12/2025, ``--rows`` of them) is scored by the same Ibis definitions
(``core/d766/metrics.py``) on PySpark in local mode (``--cores`` worker threads) and on DuckDB, in the same run:

- ``communes``: ``metrics.scorecard`` for the year, every commune, then the national ranking of all communes
  (total descending, ties by code) — into a pandas DataFrame;
- ``provinces``: ``metrics.grouped_scorecard`` — the pooled scorecards of all 34 provinces, by month, in one call;
- the Spark and DuckDB results must be equal (1e-9) or the run stops.

Rows per second per core = dossiers ÷ wall time ÷ cores (the log is read from Parquet each time; Spark's first
query, which starts the JVM's work and compiles, is run and timed apart). The machine's load average is printed
beside each figure.

Usage: ``.venv/bin/python bench/d766_national.py [--rows 1000000] [--cores 2] [--once]`` (needs Java: ``make java``, and
pyspark: the test extras). The generated log is cached under ``var/bench/d766-national/``. To run the same
definitions on a Spark or Trino cluster, see docs/ARCHITECTURE.md, "Running the metrics on Spark or Trino".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import duckdb
import ibis
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dieuhanh.core.d766 import metrics  # noqa: E402
from dieuhanh.demo.synthetic_dossiers import generate_national, national_communes  # noqa: E402

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
SEED = 3321


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def ranking(card: pd.DataFrame) -> pd.DataFrame:
    """Every commune ranked nationally by its total (descending; ties by code)."""
    ranked = card.sort_values(["total", "agency_code"], ascending=[False, True], na_position="last")
    return ranked.assign(rank=range(1, len(ranked) + 1)).reset_index(drop=True)


def timed(fn):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - started, time.process_time() - cpu, result


def spark_session(cores: int, memory: str):
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("dieuhanh-d766-national")
        .config("spark.sql.session.timeZone", "UTC")  # naive local wall-clock times, never shifted
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cores", type=int, default=2, help="Spark local[N] worker threads")
    parser.add_argument("--memory", default="3g", help="Spark driver memory")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench" / "d766-national")
    parser.add_argument("--once", action="store_true",
                        help="run each query once (its first run, compiling included): for 100 M rows on a small machine")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    log = args.cache / f"national-{args.rows}.parquet"
    if not log.exists():
        started = time.perf_counter()
        generate_national(log.with_suffix(".tmp"), rows=args.rows, start=START, end=END - dt.timedelta(days=1),
                          seed=SEED)
        log.with_suffix(".tmp").rename(log)
        print(f"generated {log.name} in {time.perf_counter() - started:.0f} s", flush=True)
    provinces = {c: p for p, communes in national_communes().items() for c in communes}
    print(f"{args.rows:,} dossiers, {len(provinces):,} communes in {len(set(provinces.values()))} provinces; "
          f"{os.cpu_count()} cores, load {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    spark = spark_session(args.cores, args.memory)
    import pyspark

    spark.read.parquet(str(log)).createOrReplaceTempView("dossiers")
    engines = {"spark": ibis.pyspark.connect(spark).table("dossiers"),
               "duckdb": ibis.duckdb.from_connection(duckdb.connect()).read_parquet(log)}
    queries = {
        "communes": lambda t: ranking(metrics.scorecard(t, start=START, end=END).execute()),
        "provinces": lambda t: metrics.grouped_scorecard(t, provinces, start=START, end=END, by="month").execute(),
    }
    rows: list[tuple[str, str, float, float]] = []
    results: dict[tuple[str, str], pd.DataFrame] = {}
    for engine, table in engines.items():
        for name, query in queries.items():
            first, cpu, frame = timed(lambda: query(table))  # noqa: B023 (called at once)
            wall = first
            if not args.once:
                wall, cpu, frame = timed(lambda: query(table))  # noqa: B023
            results[engine, name] = frame
            rows.append((engine, name, wall, first))
            print(f"  {engine:7} {name:10} {wall:7.2f} s  (first run {first:.2f} s;"
                  f" {args.rows / wall / (args.cores if engine == 'spark' else os.cpu_count()):,.0f} rows/s/core;"
                  f" {len(frame):,} rows; load {load()})", flush=True)
    for name in queries:
        pd.testing.assert_frame_equal(results["spark", name], results["duckdb", name], check_dtype=False,
                                      check_exact=False, rtol=1e-9, atol=1e-9)
    top = results["spark", "communes"].head(3)[["rank", "agency_code", "total", "n_received"]]
    print(f"Spark and DuckDB agree (pyspark {pyspark.__version__}, DuckDB {duckdb.__version__}). Top of the "
          f"national ranking:\n{top.to_string(index=False)}")
    print()
    print(f"| engine | query | wall ({'one run, compiling included' if args.once else 'second run'}) | first run | rows/s/core |")
    print("|---|---|---:|---:|---:|")
    for engine, name, wall, first in rows:
        cores = args.cores if engine == "spark" else os.cpu_count()
        print(f"| {engine} | {name} | {wall:.2f} s | {first:.2f} s | {args.rows / wall / cores:,.0f} |")
    spark.stop()


if __name__ == "__main__":
    main()
