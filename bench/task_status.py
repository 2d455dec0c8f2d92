"""Benchmark: the official status split of a whole plan as of a date (3,000 tasks, 24 months of reports).

Compares, in the same run on the same data:
- ``bulk``: what the platform does — ``task_views`` loads the dated facts of all tasks in three queries and
  computes each status with the pure core;
- ``baseline``: the naive way — three queries per task (state changes, extensions, reports), then the same core.

Usage: ``DATABASE_URL=... .venv/bin/python bench/task_status.py [repeats]``. Generates the synthetic plan
(``dieuhanh generate_tasks``) first if the database has none.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402  (reset_queries keeps DEBUG runs lean)
from django.utils import timezone  # noqa: E402

from dieuhanh.core.tasks.status import State, TaskFacts, status_as_of  # noqa: E402
from dieuhanh.demo.plans import SYNTHETIC_NUMBER  # noqa: E402
from dieuhanh.plans.models import Plan, ProgressReport, Task  # noqa: E402
from dieuhanh.plans.selectors import statistics as official_split  # noqa: E402
from dieuhanh.plans.selectors import task_views  # noqa: E402


def baseline(tasks, day):
    counts = {}
    for t in tasks:
        states = [(c.effective_on, State(c.state)) for c in t.state_changes.filter(recorded_on__lte=day)]
        deadlines = [(c.effective_on, c.new_deadline) for c in t.deadline_changes.filter(status="approved", effective_on__lte=day)]
        progress = [(timezone.localdate(r.reviewed_at), float(r.percent)) for r in t.reports.filter(status="approved")
                    if timezone.localdate(r.reviewed_at) <= day]
        s = status_as_of(TaskFacts(t.assigned_on, t.original_deadline, deadlines, states, progress), day)
        if t.parent_id is None:
            counts[s.official.value] = counts.get(s.official.value, 0) + 1
    counts.pop("excluded", None)
    return counts


def bulk(tasks, day):
    total, _ = official_split(task_views(tasks, day), "group")
    return {k: v for k, v in total.counts.items() if v}


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    call_command("migrate", verbosity=0)
    if not Plan.objects.filter(number=SYNTHETIC_NUMBER).exists():
        call_command("load_units", "--province", "79")
        call_command("generate_tasks", tasks=3000, months=24)
    plan = Plan.objects.get(number=SYNTHETIC_NUMBER)
    tasks = list(Task.objects.filter(plan=plan).select_related("plan", "group", "lead_unit"))
    reports = ProgressReport.objects.filter(task__plan=plan).count()
    print(f"official split of {len(tasks)} tasks ({reports} reports), {connection.vendor}, median of {repeats} runs")
    print(f"{'as of':<12}{'bulk (s)':>10}{'queries':>9}{'baseline (s)':>14}{'queries':>9}{'speed-up':>10}")
    today = timezone.localdate()
    for day in (today - dt.timedelta(days=365), today - dt.timedelta(days=90), today):
        results = {}
        for name, fn in (("bulk", bulk), ("baseline", baseline)):
            samples = []
            for _ in range(repeats):
                reset_queries()
                start = time.perf_counter()
                counts = fn(tasks, day)
                samples.append(time.perf_counter() - start)
            results[name] = (statistics.median(samples), counts)
        assert results["bulk"][1] == results["baseline"][1], (results["bulk"][1], results["baseline"][1])
        b, n = results["bulk"][0], results["baseline"][0]
        print(f"{day:%d/%m/%Y}  {b:>10.3f}{3:>9}{n:>14.3f}{3 * len(tasks):>9}{n / b:>9.1f}x")


if __name__ == "__main__":
    main()
