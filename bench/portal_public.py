"""Benchmark: the public portal under 50 concurrent anonymous clients, side by side with a static file.

Serves the platform with gunicorn through the project's launcher ``dieuhanh.web.gunicorn_main``, as in production
(no ``Server`` banner; 2 workers × 8 threads, WhiteNoise for static files, the default local-memory cache, the
per-address rate limit on but set high enough not to refuse) on a database holding a published release (the demo's:
``dieuhanh demo`` publishes one), then for each address runs ``--clients`` concurrent keep-alive clients for
``--seconds`` seconds and reports p50/p95 latency and requests per second; each address is measured right after a static
file (the portal's CSS) and its throughput is given as a share of that one, so both meet the same load. Targets (issue 12):
p95 ≤ 100 ms and ≥ 50 % of the static file's throughput.

Usage: ``DATABASE_URL=postgres://… python bench/portal_public.py [--port 8871] [--clients 50] [--seconds 5]``
(needs gunicorn, the production server).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = "/static/portal/portal.css"
PAGES = ["/cong-khai/", "/cong-khai/chi-tieu/", "/cong-khai/766/", "/cong-khai/chi-so/", "/cong-khai/du-lieu/tasks.csv",
         "/api/3/action/package_show?id=kpis"]
ADDRESSES = [STATIC, *PAGES]


def load(port: int, path: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        mine, bad = [], 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return {"path": path, "requests": len(latencies), "errors": errors[0], "rps": len(latencies) / elapsed,
            "p50": 1000 * statistics.median(latencies) if latencies else float("nan"), "p95": 1000 * p95}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8871)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIEUHANH_SECRET_KEY": os.environ.get("DIEUHANH_SECRET_KEY", "bench-only"),
           "DIEUHANH_DEBUG": "0", "DIEUHANH_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SETTINGS_MODULE": "dieuhanh.settings",
           "DIEUHANH_RATE_LIMIT": "1000000000"}
    # the project's launcher, as production runs it (`dieuhanh serve --gunicorn`): gunicorn without its Server banner
    server = subprocess.Popen([sys.executable, "-m", "dieuhanh.web.gunicorn_main", "dieuhanh.wsgi:application", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers),
                               "-k", "gthread", "--threads", "8", "--keep-alive", "30", "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                conn.request("GET", "/cong-khai/")
                first = conn.getresponse()
                if first.status == 200:
                    if first.getheader("Server"):  # production's launcher sends none; a banner means plain gunicorn
                        raise SystemExit(f"the server announces itself ({first.getheader('Server')}): not production's launcher")
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not answer /cong-khai/ (is a release published?)")
        for path in ADDRESSES:  # warm every worker's cache and the release tables
            load(args.port, path, args.workers * 4, 1.0)
        # Each address right after the static file, so that both meet the same load from other processes.
        pairs = [(load(args.port, STATIC, args.clients, args.seconds), load(args.port, path, args.clients, args.seconds)) for path in PAGES]
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{args.clients} clients, {args.seconds:.0f} s each, gunicorn {args.workers} workers × 8 threads; each address after the static file")
    print(f"{'address':40} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'static req/s':>13} {'vs static':>10}")
    for static, r in pairs:
        print(f"{r['path']:40} {r['requests']:>9} {r['errors']:>7} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
              f"{static['rps']:>13.0f} {100 * r['rps'] / static['rps']:>9.0f} %")


if __name__ == "__main__":
    main()
