"""The Decision 766 pages, API and CLI give the same numbers as the pandas reference; an import drops exactly the
cached results it touched; pages keep answering, old or new numbers and never a mix, while an import runs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from django.core.management import call_command

from dieuhanh.core.d766.reference import scorecard_pandas
from dieuhanh.demo.synthetic_dossiers import generate, write_catalogue, write_feedback
from tests.conftest import BEN_THANH, DEPARTMENT, SAI_GON

AGENCIES = [BEN_THANH, SAI_GON, DEPARTMENT]
ELSEWHERE = "~elsewhere"


@pytest.fixture
def api(api_client):
    return api_client("api.d766", BEN_THANH, "viewer")


@pytest.fixture
def viewer(web_client):
    return web_client("xem.d766", BEN_THANH, "viewer")


@pytest.fixture
def log_store(tmp_path, settings, hcmc):
    """2,000 synthetic dossiers of August–October 2026 at two wards and a department, with the made-up catalogue
    and 300 feedback records, imported by the command line (as an operator would)."""
    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "store.duckdb"
    log = generate(tmp_path / "log.parquet", rows=2000, agencies=AGENCIES, start=dt.date(2026, 8, 1),
                   end=dt.date(2026, 10, 31), seed=11, home_province=79)
    catalogue = write_catalogue(tmp_path / "catalogue.parquet", seed=11)
    feedback = write_feedback(tmp_path / "feedback.parquet", rows=300, agencies=AGENCIES, start=dt.date(2026, 8, 1),
                              end=dt.date(2026, 10, 31), seed=11)
    call_command("dossiers", "import", str(log), "--procedures", str(catalogue), "--feedback", str(feedback),
                 stdout=io.StringIO(), stderr=io.StringIO())
    return settings.DIEUHANH_DUCKDB_PATH


def _tables(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return tuple(con.execute(f"SELECT * FROM {t}").df() for t in ("dossiers", "procedures", "feedback"))
    finally:
        con.close()


def _reference(path: Path, start: dt.date, end: dt.date, pools: dict[str, list[str]], by=None) -> dict[str, list[dict]]:
    """The pandas reference per pool: a pool's dossiers relabelled with its name, the applicant's ward still compared
    with the receiving agency (the rule written here, not taken from the code under test)."""
    dossiers, procedures, feedback = _tables(path)
    out = {}
    for label, members in pools.items():
        d = dossiers[dossiers.agency_code.isin(members)].copy()
        ward = d.applicant_ward_code
        d["applicant_ward_code"] = ward.where(ward.isna(), ward.where(ward != d.agency_code, label).where(ward == d.agency_code, ELSEWHERE))
        d["agency_code"] = label
        f = feedback[feedback.agency_code.isin(members)].copy()
        f["agency_code"] = label
        frame = scorecard_pandas(d, start=start, end=end, by=by, procedures=procedures, feedback=f)
        out[label] = frame.to_dict("records")
    return out


def _close(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(float(a) - float(b)) < 1e-9)


def test_pages_api_and_cli_give_the_reference_numbers(log_store, api, viewer, tmp_path):
    start, end = dt.date(2026, 8, 1), dt.date(2026, 10, 31)
    pools = {a: [a] for a in AGENCIES} | {"city": AGENCIES, "communes": [BEN_THANH, SAI_GON], "departments": [DEPARTMENT]}
    expected = {k: v[0] for k, v in _reference(log_store, start, end, pools).items()}
    assert expected["city"]["n_received"] == 2000 and expected["city"]["total"] is not None

    # The API's ranking (a quarter is not a month: no trend row is reused) and its pooled totals.
    got = api.get("/api/d766/ranking?from=01/08/2026&to=31/10/2026").json()
    rows = {r["code"]: r for r in got["communes"] + got["departments"]}
    for code in AGENCIES:
        for column in ("total", "r_2_1", "r_outside_ward"):
            assert _close(rows[code][column], expected[code][column]), (code, column)
        assert rows[code]["n_received"] == expected[code]["n_received"]
    for pool, key in (("city", "city"), ("communes", "communes_total"), ("departments", "departments_total")):
        for column in ("total", "r_2_1", "r_outside_ward", "n_received"):
            assert _close(got[key][column], expected[pool][column]), (pool, column)

    # The unit's scorecard: every indicator's rate and points, and the monthly trend.
    card = api.get(f"/api/d766/units/{BEN_THANH}/scorecard?from=01/08/2026&to=31/10/2026").json()
    assert _close(card["total"]["total"], expected[BEN_THANH]["total"])
    for row in card["indicators"]:
        column = row["id"].replace(".", "_")
        assert _close(row["rate"], expected[BEN_THANH].get(f"r_{column}")), row["id"]
        assert _close(row["earned"], expected[BEN_THANH].get(f"p_{column}")), row["id"]
    monthly = _reference(log_store, dt.date(2025, 11, 1), end, {BEN_THANH: [BEN_THANH]}, by="month")[BEN_THANH]
    by_month = {f"{pd.Timestamp(r['period_start']):%Y-%m}": r for r in monthly}
    for m in card["monthly"]:
        assert _close(m["total"], by_month[m["period"]]["total"]) and m["n_received"] == by_month[m["period"]]["n_received"]

    # The page shows the same total (two decimals, Vietnamese writing).
    html = viewer.get("/d766/?from=01/08/2026&to=31/10/2026").content.decode()
    city_total = f"{expected['city']['total']:.2f}".replace(".", ",")
    assert f'<span class="total">{city_total}</span>' in html

    # The command line's scorecard of every agency.
    target = tmp_path / "card.csv"
    call_command("dossiers", "scorecard", "--from", "2026-08-01", "--to", "2026-10-31", "--out", str(target), stdout=io.StringIO())
    cli = {r["agency_code"]: r for r in csv.DictReader(target.open())}
    for code in AGENCIES:
        assert _close(cli[code]["total"], rows[code]["total"]) and _close(cli[code]["r_2.1"], rows[code]["r_2_1"])


def _spy(monkeypatch):
    """Count the computations each cached read does (a read served from the cache does none)."""
    from dieuhanh.dossiers import selectors

    seen: list[tuple] = []
    real = selectors._compute
    monkeypatch.setattr(selectors, "_compute", lambda con, span, pools, **kw: seen.append((span, tuple(sorted(pools)))) or
                        real(con, span, pools, **kw))
    return seen


@pytest.mark.parametrize("backend", ["local memory", "redis"])
def test_an_import_drops_exactly_the_cached_scorecards_it_touched(log_store, hcmc, tmp_path, monkeypatch, request, backend):
    from dieuhanh.dossiers import selectors

    if backend == "redis":  # one cache for every worker, as in production
        request.getfixturevalue("redis_cache")

    october, september = selectors.span_of("2026-10"), selectors.span_of("2026-09")
    reads = {
        "ranking october": lambda: selectors.ranking(october),
        "ranking september": lambda: selectors.ranking(september),
        "ben thanh october": lambda: selectors.unit_scorecard(hcmc[BEN_THANH], october),
        "sai gon october": lambda: selectors.unit_scorecard(hcmc[SAI_GON], october),
        "ben thanh september": lambda: selectors.unit_scorecard(hcmc[BEN_THANH], september),
        "ben thanh october by channel": lambda: selectors.drilldown(hcmc[BEN_THANH], october, "channel"),
        "sai gon october by channel": lambda: selectors.drilldown(hcmc[SAI_GON], october, "channel"),
    }
    before = {name: read() for name, read in reads.items()}
    seen = _spy(monkeypatch)
    for read in reads.values():
        read()
    assert seen == []  # all of it cached

    # One dossier received and finished at Bến Thành in October: it touches (Bến Thành, October) only.
    day = tmp_path / "day.csv"
    day.write_text("dossier_id,procedure_code,agency_code,channel,received_at,due_at,finished_at\n"
                   f"NEW-1,1.000001,{BEN_THANH},2,2026-10-20 08:00:00,2026-10-23 17:00:00,2026-10-21 08:00:00\n", encoding="utf-8")
    call_command("dossiers", "import", str(day), stdout=io.StringIO(), stderr=io.StringIO())
    computed = set()
    for name, read in reads.items():
        n = len(seen)
        after = read()
        if len(seen) > n:
            computed.add(name)
        if name == "ranking october":
            bt = next(r for r in after.communes if r["code"] == BEN_THANH)
            was = next(r for r in before[name].communes if r["code"] == BEN_THANH)
            assert bt["n_received"] == was["n_received"] + 1 and after.city["n_received"] == before[name].city["n_received"] + 1
    assert computed == {"ranking october", "ben thanh october", "ben thanh october by channel"}


def test_after_an_import_the_job_computes_what_the_steering_home_shows(log_store, hcmc, monkeypatch):
    from dieuhanh.cockpit.widgets import last_complete_month
    from dieuhanh.dossiers import selectors
    from dieuhanh.jobs.models import Job
    from dieuhanh.jobs.runner import run_queued

    assert Job.objects.filter(kind="dossiers.precompute").exists()  # queued by the import
    run_queued()
    job = Job.objects.filter(kind="dossiers.precompute").latest("id")
    assert job.status == "succeeded" and job.result["rankings"] == 3
    seen = _spy(monkeypatch)
    month = last_complete_month(selectors.today())
    assert month.key == "2026-10"  # today is 30/11/2026
    selectors.ranking(selectors.span_of(month))
    selectors.ranking(selectors.span_of("2026-09"))
    selectors.ranking(selectors.span_of("2026-11"))
    for code in AGENCIES:
        selectors.unit_scorecard(hcmc[code], selectors.span_of(month))
    assert seen == []


_WRITER = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
django.setup()
from dieuhanh.core.d766.ingest import ingest
from dieuhanh.dossiers.store import writing
with writing(sys.argv[1]) as (con, touched):
    print("writing", flush=True)
    result = ingest(con, [sys.argv[2]], known_agencies=set(sys.argv[3].split(",")))
    assert not result.rejected_files
    touched |= result.touched
print("done", result.inserted, flush=True)
"""


@pytest.mark.today(dt.date(2026, 11, 30))
def test_pages_keep_answering_during_an_import_with_old_or_new_numbers_never_a_mix(log_store, hcmc, tmp_path, monkeypatch, api):
    from dieuhanh.dossiers import selectors

    big = generate(tmp_path / "big.parquet", rows=2_000_000, agencies=AGENCIES, start=dt.date(2026, 10, 1),
                   end=dt.date(2026, 10, 31), seed=12, home_province=79)
    october = selectors.span_of("2026-10")
    communes, departments = selectors.city_units()
    monkeypatch.setattr(selectors, "city_units", lambda: (communes, departments))  # the reader threads use no database
    monkeypatch.setattr(selectors, "cache", _NoCache())  # every read goes to the store

    def numbers() -> tuple:
        r = selectors.ranking(october)
        card = selectors.unit_scorecard(hcmc[BEN_THANH], october)
        bt = next(x for x in r.communes if x["code"] == BEN_THANH)
        return (r.city["n_received"], r.city["total"], bt["n_received"], bt["total"]), (card.row["n_received"], card.row["total"])

    old = numbers()
    answers, errors, stop = [], [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                answers.append((time.monotonic(), numbers()))
            except Exception as exc:  # every failure is counted
                errors.append(repr(exc))

    env = {**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(log_store), str(big), ",".join(AGENCIES)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert writer.stdout.readline().strip() == "writing"
    started = time.monotonic()
    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    pages = []
    while writer.poll() is None:
        response = api.get("/api/d766/ranking?period=2026-10")
        pages.append(response.status_code)
    finished = time.monotonic()
    out, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    new = numbers()
    inserted = int(out.split()[-1])  # some generated ids repeat the first log's: those rows are updates
    assert inserted > 1_900_000 and new[0][0] > old[0][0] + 1_900_000 and new != old
    assert errors == [] and set(pages) == {200}
    during = [a for at, a in answers if started <= at <= finished]
    assert during, "no read ran while the import did"
    # Each answer (the ranking with its totals; the unit's page) is all old or all new numbers.
    assert all(a[0] in (old[0], new[0]) and a[1] in (old[1], new[1]) for _, a in answers)
    assert old in during  # read during the import: the numbers before it


class _NoCache:
    def get(self, key, default=None):
        return default

    def set(self, *args, **kwargs):
        pass


@pytest.mark.today(dt.date(2026, 11, 30))
def test_a_served_worker_prepares_the_pages_statements_so_no_visitor_waits_for_a_compilation(
        log_store, hcmc, viewer, api, monkeypatch):
    """After a deployment nothing is kept: no compiled statement in the new worker nor in the shared cache. gunicorn's
    hook compiles the pages' statements before the worker's first request, and then no page compiles one,
    whatever its period or unit: the dates and the units are data, not SQL."""
    from django.core.cache import cache

    from dieuhanh.core.d766 import execute
    from dieuhanh.web import gunicorn_conf

    cache.clear()
    execute._compiled.cache_clear()
    compiled = []
    real = execute._compile
    monkeypatch.setattr(execute, "_compile", lambda *args: compiled.append(args) or real(*args))
    gunicorn_conf.post_worker_init(None)
    # The ranking and a unit's period, a unit's trend by month, the drill-downs by procedure and by channel.
    assert len(compiled) == 4
    compiled.clear()
    pages = [f"/d766/?period={p}" for p in ("2026-10", "2026-09", "2026-Q3", "2026")]
    pages += [f"/d766/units/{code}/?period={p}" for code in AGENCIES for p in ("2026-10", "2026-Q3", "2026-08")]
    pages += [f"/d766/units/{BEN_THANH}/drilldown/?period={p}&by={by}" for p in ("2026-10", "2026-Q3")
              for by in ("procedure", "channel")]
    for page in pages:
        assert viewer.get(page).status_code == 200, page
    for url in ("/api/d766/ranking?period=2026-09", f"/api/d766/units/{SAI_GON}/scorecard?period=2026-Q3",
                f"/api/d766/units/{SAI_GON}/drilldown?period=2026-08&by=channel"):
        assert api.get(url).status_code == 200, url
    for day in ("15", "16"):  # a date range from any day
        assert api.get(f"/api/d766/ranking?from={day}/08/2026&to=20/10/2026").status_code == 200
        assert viewer.get(f"/d766/units/{SAI_GON}/?from={day}/08/2026&to=20/10/2026").status_code == 200
    assert compiled == []


def test_the_writer_holds_the_store_until_readers_are_pointed_at_its_copy(tmp_path, settings, monkeypatch):
    """Until the readers' pointer names the new copy, no other process can open the store file. A reader that found
    it free before then would take it for a store written by other means and publish it itself, racing the writer
    for the same copy (a read failed in the benchmark when that happened)."""
    import os

    from dieuhanh.dossiers import store

    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "store.duckdb"
    probes = []
    real_replace = os.replace

    def replace(source, target):
        if Path(target).name == store._POINTER:  # the moment readers start seeing the new copy
            probe = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])",
                                    str(settings.DIEUHANH_DUCKDB_PATH)], capture_output=True, text=True)
            probes.append(probe.returncode == 0 or probe.stderr.splitlines()[-1])
        return real_replace(source, target)

    monkeypatch.setattr(store.os, "replace", replace)
    for generation in (1, 2):
        with store.writing() as (con, touched):
            con.execute(f"CREATE TABLE t{generation} (i INTEGER)")
            touched.add((BEN_THANH, "2026-10"))
        assert store.published().generation == generation
    assert len(probes) == 2 and all("lock" in str(p).lower() for p in probes), probes
    # Once published, the file is free again (the next import, or a reader publishing a store written otherwise).
    duckdb.connect(str(settings.DIEUHANH_DUCKDB_PATH)).close()
