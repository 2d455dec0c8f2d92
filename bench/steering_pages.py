"""Benchmark: the steering pages served by gunicorn at city scale, side by side with a trivial page.

For each size (default 3,000 and 30,000 tasks) this builds a PostgreSQL database with ``dieuhanh demo --synthetic N``
(kept between runs: ``<prefix><N>``), serves it with gunicorn (2 workers, ``dieuhanh serve --gunicorn``) and, signed
in as the demo steering committee (``bcd.thuongtruc``), measures:

- *queries*: the SQL queries of one request to each page (Django's test client in this process, same database);
- *cold*: the first request to each page after gunicorn starts (three fresh starts: median and worst);
- *warm*: ``--clients`` concurrent clients requesting the page for ``--seconds`` seconds (p50, p95, requests/s),
  right after the same clients on the trivial page (the sign-in form, no query): the throughput ratio is
  page ÷ trivial page of the same run, so machine and load cancel out.

Pages: the plan overview, its statistics, the task list, the steering inbox, the API task list and statistics of
the synthetic plan, the city's indicator scorecard and the home page.

Usage: ``python bench/steering_pages.py [--sizes 3000 30000] [--port 8810] [--write docs/BENCHMARKS.md]``
(PostgreSQL on 127.0.0.1:5432 as ``postgres``; ``--db-prefix``, default ``dh_perf_bench``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432/"
STEERING = "bcd.thuongtruc"
# The cockpit home of three roles: the steering committee, a department leader, a ward reporter.
HOMES = (("home: steering", STEERING), ("home: department leader", "skhcn.lanhdao"), ("home: ward reporter", "benthanh.canbo"))
TRIVIAL = "/login/"
MARK = "<!-- bench/steering_pages.py -->"


# ---------------------------------------------------------------- the parent: databases, runs, report

def psql(db: str, sql: str) -> str:
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql], capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else ""


def database(size: int, prefix: str, env: dict, reuse: bool = False) -> tuple[str, float | None]:
    """The database of ``size`` tasks, built unless it holds the synthetic plan of that size (``reuse``: used as it
    is whenever it exists, only migrated); (URL, seconds to build)."""
    name = f"{prefix}{size}"
    if reuse and psql(name, "select 1") == "1":
        subprocess.run([sys.executable, "-m", "dieuhanh", "migrate", "--no-input"], env={**env, "DATABASE_URL": PG + name},
                       check=True, stdout=subprocess.DEVNULL)
        return PG + name, None
    have = psql(name, "select count(*) from plans_task t join plans_plan p on p.id = t.plan_id where p.number = 'DEMO-TH/2025'")
    if have == str(size):
        return PG + name, None
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dieuhanh", "demo", "--synthetic", str(size)], env={**env, "DATABASE_URL": PG + name},
                   check=True, stdout=subprocess.DEVNULL)
    return PG + name, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--port", type=int, default=8810)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--db-prefix", default="dh_perf_bench")
    parser.add_argument("--reuse", action="store_true", help="use the databases as they are when they exist (migrated, not rebuilt)")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/5",
                        help="DIEUHANH_CACHE_URL of the served pages (one cache for both workers, as in production; flushed before each cold start)")
    parser.add_argument("--write", type=Path, help="put the results table into this Markdown file (docs/BENCHMARKS.md)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIEUHANH_SECRET_KEY": "bench-only", "DIEUHANH_DEBUG": "0",
           "DIEUHANH_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
           "DJANGO_SETTINGS_MODULE": "dieuhanh.settings", "DIEUHANH_CACHE_URL": args.cache,
           "DIEUHANH_RATE_LIMIT": "0"}  # four clients from one address would be throttled on /api/ (portal/middleware.py)
    results = []
    for size in args.sizes:
        url, built = database(size, args.db_prefix, env, args.reuse)
        print(f"{size} tasks: {url}" + (f" (built in {built:.0f} s)" if built else ""), file=sys.stderr)
        out = subprocess.run([sys.executable, __file__, "--child", "--port", str(args.port), "--clients", str(args.clients),
                              "--seconds", str(args.seconds)], env={**env, "DATABASE_URL": url}, check=True, stdout=subprocess.PIPE, text=True)
        result = json.loads(out.stdout)
        result.update(size=size, built=built)
        results.append(result)
        print(table([result]), file=sys.stderr)
    text = report(results, args)
    print(text)
    if args.write:
        write(args.write, text)


def table(results: list[dict]) -> str:
    lines = ["| tasks | page | queries | cold median / worst (ms) | cold, cache flushed (ms) | warm p50 (ms) | warm p95 (ms) | req/s | trivial req/s | ratio |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for p in r["pages"]:
            lines.append(f"| {r['size']:,} | {p['name']} | {p['queries']} | {p['cold_median']:.0f} / {p['cold_worst']:.0f} | {p['cold_flushed']:.0f} | "
                         f"{p['p50']:.0f} | {p['p95']:.0f} | {p['rps']:.1f} | {p['trivial_rps']:.1f} | {100 * p['ratio']:.0f} % |")
    return "\n".join(lines)


def verdict(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        pages = r["pages"]
        worst95 = max(p["p95"] for p in pages)
        worst_cold = max(p["cold_worst"] for p in pages)
        worst_flushed = max(p["cold_flushed"] for p in pages)
        least = min(p["ratio"] for p in pages)
        most_q = max(p["queries"] for p in pages)
        out.append(f"- {r['size']:,} tasks: worst warm p95 {worst95:.0f} ms (target ≤ 300), worst cold {worst_cold:.0f} ms (≤ 1,000; {worst_flushed:.0f} ms "
                   "with the cache flushed), "
                   f"lowest throughput ratio {100 * least:.0f} % (≥ 20 %), most queries {most_q} (≤ 30)"
                   + (f"; database built by `dieuhanh demo --synthetic {r['size']}` in {r['built']:.0f} s" if r.get("built") else ""))
    if len(results) > 1:
        same = all(p["queries"] == q["queries"] for p, q in zip(results[0]["pages"], results[-1]["pages"]))
        out.append(f"- queries per page the same at {results[0]['size']:,} and {results[-1]['size']:,} tasks: {'yes' if same else 'NO'}")
    return out


def report(results: list[dict], args) -> str:
    day = time.strftime("%d/%m/%Y")
    return "\n".join([
        MARK,
        "## Steering pages at city scale (`bench/steering_pages.py`)",
        "",
        "The pages the steering committee opens and the cockpit home of three roles (the steering committee "
        "`bcd.thuongtruc`, a department leader `skhcn.lanhdao`, a ward reporter `benthanh.canbo`), served by gunicorn (2 "
        "workers) from PostgreSQL with the demo and its synthetic plan (`dieuhanh demo --synthetic N`) and one Redis cache "
        f"for both workers (`DIEUHANH_CACHE_URL`, as in production); {args.clients} concurrent clients for {args.seconds:g} s "
        "a page, right after the same clients on a trivial page (the anonymous sign-in form, no query) whose throughput is "
        "the baseline of the ratio. Cold: the first request to each page after gunicorn starts, with the shared cache as "
        "earlier requests left it (three starts: median and worst), and once more after flushing the cache too. Queries: "
        "one warm request, counted by Django.",
        "",
        f"`python bench/steering_pages.py --sizes {' '.join(str(s) for s in args.sizes)}` ({day}):",
        "",
        table(results),
        "",
        *verdict(results),
        "",
        "Each task's status facts are stored by span of days (`plans/facts.py`, `TaskFactSpan`) and rewritten in the "
        "transaction of every action that changes them; pages count, filter and order in SQL on them and only the rows "
        "shown go through the core. What a page shows is kept in Django's cache under stamps of the data it shows: counts "
        "and page ids under the facts' stamp, rendered parts (`pages.cached_fragment`: the task list's rows, the inbox's "
        "lists, the scorecard's table, each cockpit block, the API task page's JSON) under the facts' stamp, the newest "
        "audit event, the indicator data's stamp, the index runs and the 766 store, for the person's reach, the filters "
        "and the language; a change shows at once (tests/cockpit/test_cached_pages.py).",
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


# ---------------------------------------------------------------- the child: one database

def child(args) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dieuhanh.accounts.models import User
    from dieuhanh.accounts.services import token_create
    from dieuhanh.demo.plans import SYNTHETIC_NUMBER
    from dieuhanh.plans.models import Plan
    from dieuhanh.units.selectors import city_code

    from django.core.cache import cache

    user = User.objects.get(username=STEERING)
    plan = Plan.objects.get(number=SYNTHETIC_NUMBER)
    clients = {}
    for _name, username in HOMES:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    sessions = {username: c.cookies["sessionid"].value for username, c in clients.items()}
    _, token = token_create(actor=user, user=user, name="bench")
    pages = [
        ("plan overview", f"/plans/{plan.pk}/", STEERING),
        ("statistics", f"/plans/{plan.pk}/statistics/", STEERING),
        ("task list", f"/tasks/?plan={plan.pk}", STEERING),
        ("steering inbox", "/inbox/", STEERING),
        ("API task list", f"/api/tasks?plan={plan.pk}", "api"),
        ("API statistics", f"/api/plans/{plan.pk}/statistics", "api"),
        ("indicator scorecard", f"/units/{city_code()}/scorecard/", STEERING),
        *((name, "/", username) for name, username in HOMES),
    ]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    queries = {}
    for name, url, kind in pages:
        c = api if kind == "api" else clients[kind]
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[name] = len(ctx.captured_queries)
    connection.close()

    headers = {username: {"Cookie": f"sessionid={session}"} for username, session in sessions.items()}
    headers["api"] = {"Authorization": f"Bearer {token}"}
    cold: dict[str, list[float]] = {name: [] for name, _u, _k in pages}
    for _ in range(3):  # a fresh process, the shared cache as the requests above left it (a restart in production)
        with Server(args.port):
            for name, url, kind in pages:
                cold[name].append(fetch(args.port, url, headers[kind]))
    flushed: dict[str, float] = {}
    cache.clear()  # a fresh process and an empty cache: everything computed from the database
    with Server(args.port):
        for name, url, kind in pages:
            flushed[name] = fetch(args.port, url, headers[kind])
    out = []
    with Server(args.port):
        for _ in range(3):
            fetch(args.port, TRIVIAL, {})
        for name, url, kind in pages:
            for _ in range(2):
                fetch(args.port, url, headers[kind])
            trivial = burst(args.port, TRIVIAL, {}, args.clients, args.seconds)
            page = burst(args.port, url, headers[kind], args.clients, args.seconds)
            out.append({"name": name, "url": url, "queries": queries[name],
                        "cold_median": statistics.median(cold[name]), "cold_worst": max(cold[name]), "cold_flushed": flushed[name],
                        "p50": percentile(page["times"], 50), "p95": percentile(page["times"], 95), "rps": page["rps"],
                        "trivial_rps": trivial["rps"], "ratio": page["rps"] / trivial["rps"]})
    print(json.dumps({"pages": out}))


class Server:
    """gunicorn (2 workers) serving this database on ``port`` while the block runs."""

    def __init__(self, port: int):
        self.port = port

    def __enter__(self):
        from dieuhanh.web.management.commands.serve import gunicorn_argv

        argv = gunicorn_argv(f"127.0.0.1:{self.port}", 2)
        argv = [a for a in argv if a not in ("--access-logfile", "-")]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("HEAD", "/static/none")
                conn.getresponse().read()
                conn.close()
                time.sleep(1.0)  # both workers booted
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def fetch(port: int, url: str, headers: dict) -> float:
    """One request; its time in ms (the body read)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", url, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{url}: HTTP {response.status}")
    return 1000 * (time.perf_counter() - started)


def burst(port: int, url: str, headers: dict, clients: int, seconds: float) -> dict:
    times: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work():
        mine = []
        while time.perf_counter() < stop:
            mine.append(fetch(port, url, headers))
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"times": times, "rps": len(times) / (time.perf_counter() - started)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


if __name__ == "__main__":
    main()
