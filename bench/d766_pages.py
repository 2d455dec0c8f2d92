"""Benchmark: the Decision 766 pages against the CLI scorecard, side by side in one run (issue 16, items 1–3 and 6).

On the SYNTHETIC log of ``bench/d766.py`` (168 wards of Ho Chi Minh City and 12 departments, received in 2025;
generated once under ``var/bench/d766/``), imported through ``store.writing()`` into a store of its own (the
import time and the time to publish the readers' copy are printed), with the city's units in the PostgreSQL
database ``--database`` (migrated and loaded with the official units when empty):

- ``CLI scorecard``: ``execute.compute`` of the year on the published copy, as ``dieuhanh dossiers scorecard``
  runs it, every agency, the year as one period and by month; *cold* is the first call in a fresh process
  (compiling the statement, reading the file), *warm* the median of the next five;
- the pages, each in a process of its own as a served worker: the first request with an empty cache and no
  compiled statement (compiling, reading, rendering: what a statement of a shape no page prepares costs), the
  median of five more (*warm*: the scorecards come from the cache); then as a worker started after a deployment
  (cache and statements emptied again, gunicorn's ``post_worker_init`` hook timed, then the first request); then,
  after a new copy is published with every stamp changed (an import), the first request again (the compiled
  statements are kept) and five more: the ranking of the year and of December, a unit's page (December, with its
  twelve-month trend), its drill-down by procedure, the API ranking of the year; *render share* is the part of a
  warm ranking request not spent in the selector (template and response);
- ``precompute``: what the ``dossiers.precompute`` job does after an import (three monthly rankings and the 180
  units' scorecards for two months), one run;
- ``during import``: a reader process asks for the ranking of December (cache off) while a 2,000,000-row file is
  imported by another process: answers, failures, slowest answer.

Targets (issue 16, at 10 M dossiers): a year's ranking ≤ 1.5× the CLI scorecard cold and ≤ 50 ms warm; a unit's
page ≤ 300 ms cold. The machine is shared (2 cores): the load average is printed beside every figure.

Usage: ``python bench/d766_pages.py [--rows 1000000] [--database postgres://postgres@127.0.0.1:5432/dh_d766]
[--write docs/BENCHMARKS.md]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MARK = "<!-- bench/d766_pages.py -->"
YEAR = "2025"
MONTH = "2025-12"
UNIT = "26743"  # Phường Bến Thành
DURING_ROWS = 2_000_000  # the import readers keep reading through (issue 16: 2 M)
USER = "bench.d766"


def load() -> float:
    return os.getloadavg()[0]


# ---------------------------------------------------------------- the parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/dh_d766")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/14", help="DIEUHANH_CACHE_URL (flushed by the run)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("extra", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cache = ROOT / "var" / "bench" / "d766"
    store = cache / f"pages-{args.rows}" / "store.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "dieuhanh.settings", "DATABASE_URL": args.database,
           "DIEUHANH_DUCKDB_PATH": str(store), "DIEUHANH_SECRET_KEY": "bench-only", "DIEUHANH_CACHE_URL": args.cache,
           "DIEUHANH_ALLOWED_HOSTS": "testserver,localhost"}
    if args.child:
        return child(args)

    def run(mode: str, *extra: str) -> dict:
        out = subprocess.run([sys.executable, __file__, "--child", mode, "--rows", str(args.rows), *extra], env=env,
                             check=True, stdout=subprocess.PIPE, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    import d766 as bench_d766

    parquet, _csv, _day = bench_d766.files(cache, args.rows)
    name = args.database.rsplit("/", 1)[-1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], stderr=subprocess.DEVNULL)  # once; fails when it exists
    subprocess.run([sys.executable, "-m", "dieuhanh", "migrate", "--no-input"], env=env, check=True, stdout=subprocess.DEVNULL)
    setup = run("setup", str(parquet))
    print(f"setup: {setup}", file=sys.stderr)
    results = {"rows": args.rows, "setup": setup}
    results["cli"] = run("cli")
    print(f"cli: {results['cli']}", file=sys.stderr)
    pages = ("ranking_year", "ranking_month", "unit", "drilldown", "api_year")
    for name in pages:
        # In one worker process: nothing kept (the cache flushed, the statement compiled), warm; a worker started
        # after a deployment (nothing kept, its start prepares the statements); then an import (a new copy, every
        # stamp changed: results dropped, compiled statements kept), its first request, warm.
        both = run(name)
        results[f"{name}_first"], results[f"{name}_started"], results[name] = both["first"], both["started"], both["after"]
        print(f"{name}: {both}", file=sys.stderr)
    results["precompute"] = run("precompute")
    results["during_import"] = run("during_import", str(cache))
    print(f"during import: {results['during_import']}", file=sys.stderr)
    text = report(results)
    print(text)
    if args.write:
        write(args.write, text)


def report(r: dict) -> str:
    cli = r["cli"]
    pages = [
        ("ranking_year", "ranking page, the year (`/d766/?period=2025`)"),
        ("ranking_month", "ranking page, December (`/d766/?period=2025-12`)"),
        ("unit", "unit page, December with its 12-month trend (`/d766/units/26743/`)"),
        ("drilldown", "drill-down by procedure, December"),
        ("api_year", "API ranking, the year (`/api/d766/ranking?period=2025`)"),
    ]
    lines = ["| what | first request, nothing kept, compiled by the request (ms) | first request of a worker started "
             "after a deployment (ms) | first request after an import (ms) | warm (ms) | load |",
             "|---|---:|---:|---:|---:|---:|",
             f"| CLI scorecard, the year as one period, every agency | {cli['year_cold'] * 1000:,.0f} (compiling) | — | "
             f"{cli['year_warm'] * 1000:,.0f} (compiled) | — | {cli['load']:.1f} |",
             f"| CLI scorecard, the year by month, every agency | {cli['month_cold'] * 1000:,.0f} (compiling) | — | "
             f"{cli['month_warm'] * 1000:,.0f} (compiled) | — | {cli['load']:.1f} |"]
    for key, name in pages:
        first, started, after = r[f"{key}_first"], r[f"{key}_started"], r[key]
        lines.append(f"| {name} | {first['cold'] * 1000:,.0f} | {started['cold'] * 1000:,.0f} | {after['cold'] * 1000:,.0f} | "
                     f"{after['warm'] * 1000:,.1f} | {max(first['load'], started['load'], after['load']):.1f} |")
    warmups = sorted(r[f"{key}_started"]["warmup"] for key, _ in pages)
    year = r["ranking_year"]
    d = r["during_import"]
    s = r["setup"]
    day = time.strftime("%d/%m/%Y")
    return "\n".join([
        MARK,
        "## Decision 766 pages against the CLI scorecard (`bench/d766_pages.py`)",
        "",
        f"`python bench/d766_pages.py --rows {r['rows']}` ({day}; {r['rows']:,} SYNTHETIC dossiers of 2025, 180 agencies; "
        "2 shared cores, the one-minute load average beside each figure; one Redis cache as in production). Each page "
        "in a process of its own, as a served worker (the modules, the URLconf and the base templates loaded first, not "
        "timed): *nothing kept* — the cache flushed and no statement compiled, so the request compiles it, then runs it "
        "(what a period of a shape no page prepares costs, e.g. a date range from the 15th); *a worker started after a "
        "deployment* — nothing kept again, and gunicorn's `post_worker_init` hook (`selectors.prepare_statements`) "
        "compiles the pages' statements before the first request, as `dieuhanh serve --gunicorn` does; *after an import* — then a "
        "new copy is published with every stamp changed, so no result is kept but the compiled statements are "
        "(`execute.kept_sql`): what the first visitor after an import waits for; *warm* — the median of the next five "
        "requests (results from the cache). The CLI scorecard in a process of its own: its first call compiles, later "
        "calls only run the statement.",
        "",
        *lines,
        "",
        f"- a year's ranking, first request after an import ÷ the CLI scorecard of the year (compiled): **{year['cold'] / cli['year_warm']:.2f}×** "
        f"(÷ by month: {year['cold'] / cli['month_warm']:.2f}×); nothing kept ÷ the CLI's first call: "
        f"{r['ranking_year_first']['cold'] / cli['year_cold']:.2f}× compiled by the request, "
        f"{r['ranking_year_started']['cold'] / cli['year_cold']:.2f}× on a worker started after a deployment "
        f"(target ≤ 1.5× at 10 M); warm **{year['warm'] * 1000:.1f} ms** "
        f"(target ≤ 50 ms) against {year['baseline_warm'] * 1000:.1f} ms for a signed-in page that reads no scorecard "
        f"(`/me/roles/`, same menu and base template): the ranking adds "
        f"{(year['warm'] - year['baseline_warm']) * 1000:.1f} ms, of which the selector's cached answer "
        f"{year['selector_warm'] * 1000:.1f} ms (the two 180-row tables come rendered from the cache)",
        f"- a unit's page after an import **{r['unit']['cold'] * 1000:,.0f} ms**, first request of a worker started after "
        f"a deployment **{r['unit_started']['cold'] * 1000:,.0f} ms**, compiled by the request "
        f"{r['unit_first']['cold'] * 1000:,.0f} ms (target ≤ 300 ms cold at 10 M)",
        f"- a worker's start, preparing the pages' {r['unit_started']['prepared']} statements with nothing kept: "
        f"{warmups[0]:.1f}–{warmups[-1]:.1f} s (before it serves; a later worker finds them in the shared cache)",
        f"- import of the {r['rows']:,}-row Parquet file {s['import_s']:.1f} s, then publishing the readers' copy "
        f"{s['publish_s']:.1f} s ({s['store_mb']:,.0f} MB file copied and swapped in)",
        f"- `dossiers.precompute` after an import (3 rankings, {r['precompute']['units']} unit scorecards in "
        f"{r['precompute']['unit_spans']} computations): {r['precompute']['seconds']:.1f} s",
        f"- during a {DURING_ROWS:,}-row import by another process: {d['answers']} ranking answers, {d['errors']} failed, "
        f"slowest {d['slowest'] * 1000:,.0f} ms, {d['old']} with the numbers before the import and {d['new']} after, "
        f"{d['other']} other (import {d['import_s']:.1f} s)",
        MARK,
    ])


def write(path: Path, text: str) -> None:
    current = path.read_text(encoding="utf-8")
    if MARK in current:
        before, _, rest = current.partition(MARK)
        _, _, after = rest.partition(MARK)
        current = before.rstrip() + "\n\n" + text + after
    else:
        current = current.rstrip() + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")


# ---------------------------------------------------------------- the children


def child(args) -> None:
    import django

    django.setup()
    result = globals()[f"_{args.child}"](*args.extra)
    print(json.dumps(result, default=str))


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _cold_warm(fn, runs: int = 5) -> dict:
    before = load()
    cold = _timed(fn)
    warm = statistics.median(_timed(fn) for _ in range(runs)) if runs else None
    return {"cold": cold, "warm": warm, "load": max(before, load())}


def _setup(parquet: str) -> dict:
    from django.conf import settings

    from dieuhanh.access.models import Role
    from dieuhanh.accounts.models import User
    from dieuhanh.core.d766.ingest import ingest
    from dieuhanh.dossiers import store
    from dieuhanh.units.models import Unit

    if not Unit.objects.filter(code="79").exists():
        from dieuhanh.access.policy import SystemActor
        from dieuhanh.units.official import hcmc_body_rows, national_rows
        from dieuhanh.units.services import units_load_official

        units_load_official(actor=SystemActor("bench"), rows=national_rows({"79"}) + hcmc_body_rows())
    user = User.objects.filter(username=USER).first()
    if user is None:
        from dieuhanh.access.policy import SystemActor
        from dieuhanh.accounts.services import user_create

        user = user_create(actor=SystemActor("bench"), username=USER, email="bench.d766@example.org", password="Bench-only-766!",
                           unit=Unit.objects.get(code="79"), role=Role.VIEWER)
    path = Path(settings.DIEUHANH_DUCKDB_PATH)
    import_s = publish_s = 0.0
    if store.published() is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = store.connect(path)
        started = time.perf_counter()
        import d766 as bench_d766

        known = set(Unit.objects.values_list("code", flat=True)) | set(bench_d766.AGENCIES)
        result = ingest(con, [Path(parquet)], known_agencies=known)
        assert not result.rejected_files, result.rejected_files[0].errors[:3]
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        store.publish(con, path, touched=None)
        publish_s = time.perf_counter() - started
    kept = path.parent / "setup.json"
    if import_s:
        kept.write_text(json.dumps({"import_s": import_s}))
    elif kept.exists():
        import_s = json.loads(kept.read_text())["import_s"]
    started = time.perf_counter()
    store.publish(store.connect(path), path, touched=None)  # what every import adds: the copy for readers
    publish_s = time.perf_counter() - started
    return {"import_s": import_s, "publish_s": publish_s, "store_mb": path.stat().st_size / 1e6, "load": load()}


def _cli() -> dict:
    from dieuhanh.core.d766 import execute
    from dieuhanh.dossiers import store

    con = store.open_published(store.published())
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    out = {"load": load()}
    for name, by in (("year", None), ("month", "month")):
        measured = _cold_warm(lambda by=by: execute.compute(con, "dossiers", start=start, end=end, by=by))
        out[f"{name}_cold"], out[f"{name}_warm"] = measured["cold"], measured["warm"]
    out["load"] = max(out["load"], load())
    return out


def _both(fn) -> dict:
    """In this process: the first request with nothing kept and the warm ones; then the first request after an
    import (a new copy published with every stamp changed) and the warm ones."""
    _prepare("flush")
    first = _cold_warm(fn)
    _prepare("flush")
    from dieuhanh.web import gunicorn_conf
    from dieuhanh.dossiers import selectors

    counted = {}
    prepare = selectors.prepare_statements
    selectors.prepare_statements = lambda: counted.setdefault("n", prepare())
    warmup = _timed(lambda: gunicorn_conf.post_worker_init(None))
    selectors.prepare_statements = prepare
    started = {**_cold_warm(fn, runs=0), "warmup": warmup, "prepared": counted["n"]}
    _prepare("import")
    return {"first": first, "started": started, "after": _cold_warm(fn)}


def _prepare(mode: str) -> None:
    """Import what a served worker has imported before timing; then ``flush``: empty the cache, or ``import``: publish
    a new copy with every stamp changed (what an import does to the kept results)."""
    from django.conf import settings
    from django.core.cache import cache

    from dieuhanh.core.d766 import execute
    from dieuhanh.dossiers import store, views  # noqa: F401

    import ibis.backends.duckdb  # noqa: F401
    from django.urls import resolve

    resolve("/d766/")  # the URLconf, with the API's schemas: seconds a served worker spends once, at its start
    _client().get("/d766/nhap-tep/")  # the base templates (a viewer is answered "not found")

    if mode == "flush":  # nothing kept: no result, no compiled statement, in the shared cache or this process
        cache.clear()
        execute._compiled.cache_clear()
    else:
        store.publish(store.connect(Path(settings.DIEUHANH_DUCKDB_PATH)), touched=None)


def _client():
    from django.test import Client

    from dieuhanh.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=USER))
    return client


def _get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _ranking_year() -> dict:
    from dieuhanh.dossiers import selectors

    client = _client()
    out = _both(lambda: _get(client, f"/d766/?period={YEAR}"))
    span = selectors.span_of(YEAR)
    out["after"]["selector_warm"] = statistics.median(_timed(lambda: selectors.ranking(span)) for _ in range(5))
    out["after"]["render_share"] = 1 - out["after"]["selector_warm"] / out["after"]["warm"]
    # The baseline: a signed-in page that reads no scorecard (the same middleware, session, menu and base template).
    out["after"]["baseline_warm"] = statistics.median(_timed(lambda: _get(client, "/me/roles/")) for _ in range(9))
    return out


def _ranking_month() -> dict:
    client = _client()
    return _both(lambda: _get(client, f"/d766/?period={MONTH}"))


def _unit() -> dict:
    client = _client()
    return _both(lambda: _get(client, f"/d766/units/{UNIT}/?period={MONTH}"))


def _drilldown() -> dict:
    client = _client()
    return _both(lambda: _get(client, f"/d766/units/{UNIT}/drilldown/?by=procedure&period={MONTH}"))


def _api_year() -> dict:
    from dieuhanh.accounts.models import User
    from dieuhanh.accounts.services import token_create
    from django.test import Client

    user = User.objects.get(username=USER)
    _, token = token_create(actor=user, user=user, name=f"bench-{time.time_ns()}")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return _both(lambda: _get(client, f"/api/d766/ranking?period={YEAR}"))


def _precompute() -> dict:
    _prepare("import")
    from dieuhanh.core.common.periods import parse_period
    from dieuhanh.dossiers import selectors

    communes, departments = selectors.city_units()
    started = time.perf_counter()
    for month in ("2025-12", "2025-11", "2025-10"):
        selectors.ranking(selectors.span_of(month))
    n = 0
    for month in ("2025-12", "2025-11"):
        n += selectors.cache_unit_scorecards(communes + departments, selectors.span_of(parse_period(month)))
    return {"seconds": time.perf_counter() - started, "units": n, "unit_spans": 2, "load": load()}


def _during_import(cache: str) -> dict:
    """A reader asks for December's ranking (no cache) while another process imports ``DURING_ROWS`` dossiers."""
    import duckdb
    from django.conf import settings

    import d766 as bench_d766
    from dieuhanh.demo.synthetic_dossiers import generate
    from dieuhanh.dossiers import selectors

    extra = Path(cache) / f"during-import-{DURING_ROWS}.parquet"
    if not extra.exists():
        raw = generate(Path(cache) / f"during-import-raw-{DURING_ROWS}.parquet", rows=DURING_ROWS, agencies=bench_d766.AGENCIES,
                       start=dt.date(2025, 12, 1), end=dt.date(2025, 12, 30), seed=4242)
        # Ids of their own (the generator numbers rows per file): every row is a new dossier, removed afterwards.
        duckdb.sql(f"COPY (SELECT * REPLACE ('X-' || dossier_id AS dossier_id) FROM read_parquet('{raw}')) TO '{extra}' (FORMAT parquet)")
    span = selectors.span_of(MONTH)
    selectors.city_units = (lambda units: (lambda: units))(selectors.city_units())

    class NoResults:  # every read goes to the store (the compiled statements stay kept)
        def get(self, key, default=None):
            return default

        def set(self, *args, **kwargs):
            pass

    selectors.cache = NoResults()

    def numbers():
        r = selectors.ranking(span)
        return (r.city["n_received"], r.city["total"])

    old = numbers()
    script = ("import os, sys, django\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dieuhanh.settings')\ndjango.setup()\n"
              "from dieuhanh.core.d766.ingest import ingest\nfrom dieuhanh.dossiers.store import writing\n"
              "agencies = set(sys.argv[2].split(','))\n"
              "with writing() as (con, touched):\n    print('writing', flush=True)\n"
              "    result = ingest(con, [sys.argv[1]], known_agencies=agencies)\n    touched |= result.touched\n")
    started = time.perf_counter()
    writer = subprocess.Popen([sys.executable, "-c", script, str(extra), ",".join(bench_d766.AGENCIES)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    answers, errors, slowest, first_error = [], 0, 0.0, None
    while writer.poll() is None:
        t = time.perf_counter()
        try:
            answers.append(numbers())
        except Exception as e:  # counted: the benchmark reports failures
            errors += 1
            first_error = first_error or f"{type(e).__name__}: {e}"
        slowest = max(slowest, time.perf_counter() - t)
    import_s = time.perf_counter() - started
    writer.wait()
    new = numbers()
    # Put the store back as it was for the next run: the imported dossiers are deleted and the copy published.
    from dieuhanh.core.d766 import execute
    from dieuhanh.core.d766.workdays import default_calendar
    from dieuhanh.dossiers import store

    con = store.connect(Path(settings.DIEUHANH_DUCKDB_PATH))
    con.execute(f"DELETE FROM dossiers WHERE dossier_id IN (SELECT dossier_id FROM read_parquet('{extra}'))")
    con.execute(f"DELETE FROM {execute.FACTS_TABLE} WHERE {execute.FACTS_KEY} IN "
                f"(SELECT {execute.id_hash('dossier_id')} FROM read_parquet('{extra}'))")
    if not execute.facts_current(con, default_calendar()):  # a hash shared with a dossier kept: all again
        execute.refresh_facts(con)
    store.publish(con, Path(settings.DIEUHANH_DUCKDB_PATH), touched=None)
    return {"answers": len(answers), "errors": errors, "slowest": slowest, "old": sum(a == old for a in answers),
            "new": sum(a == new for a in answers), "other": sum(a not in (old, new) for a in answers),
            "import_s": import_s, "first_error": first_error, "load": load()}


if __name__ == "__main__":
    main()
