"""Benchmark: diacritic-free unit search over the national list (3,383 units).

Compares, in the same run and on the same database:
- ``stored key``: what the platform does — a folded ``search_key`` column matched in the database;
- ``baseline``: fold every unit's name in Python at query time (what search costs without the stored key).

Usage: ``DATABASE_URL=... .venv/bin/python bench/unit_search.py [repeats]`` (default: the demo's SQLite file).
Loads the national list first if the database has none.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from dieuhanh.core.common.text import fold, search_terms  # noqa: E402
from dieuhanh.units.models import Unit  # noqa: E402
from dieuhanh.units.selectors import unit_search  # noqa: E402

QUERIES = ["phuong ben thanh", "con dao", "xa", "thanh pho ho chi minh", "so khoa hoc", "tan", "phuong 1"]


def stored_key(query: str) -> list[str]:
    return list(unit_search(query=query).values_list("code", flat=True))


def baseline(query: str) -> list[str]:
    terms = search_terms(query)
    hits = []
    for code, name, short in Unit.objects.values_list("code", "name", "short_name"):
        words = fold(f"{name} {short}").split(" ")
        if all(any(w.startswith(t) for w in words) for t in terms):
            hits.append(code)
    return hits


def timed(fn, query: str, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(query)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    call_command("migrate", verbosity=0)
    if Unit.objects.count() < 3000:
        call_command("load_units")
    vendor = django.db.connection.vendor
    print(f"unit search, {Unit.objects.count()} units, {vendor}, median of {repeats} runs (ms)")
    print(f"{'query':<26}{'hits':>6}{'stored key':>12}{'baseline':>12}{'speed-up':>10}")
    for q in QUERIES:
        assert sorted(stored_key(q)) == sorted(baseline(q)), q
        a, b = timed(stored_key, q, repeats), timed(baseline, q, repeats)
        print(f"{q:<26}{len(stored_key(q)):>6}{a:>12.2f}{b:>12.2f}{b / a:>9.1f}x")


if __name__ == "__main__":
    main()
