"""One cache for every worker (issue 16, item 2): with Redis, as in production (``DIEUHANH_CACHE_URL``), a
Decision 766 result computed by one process is served to another without computing it again, and an import drops
exactly the cached results it touched (``test_kept_scorecards.py``, run on local memory and on Redis). ``make
test`` starts Redis (``make redis``); each test keeps its keys under a prefix of its own and removes them
(``conftest.redis_cache``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dossiers.conftest import REDIS_URL
from tests.dossiers.test_kept_scorecards import _spy, log_store  # noqa: F401 (the fixture)

ROOT = Path(__file__).resolve().parents[2]


_OTHER_WORKER = """
import json, os, sys
import django
django.setup()
from dieuhanh.dossiers import selectors
from dieuhanh.units.models import Unit
units = json.loads(sys.argv[1])
communes = [Unit(code=c, name=n) for c, n in units["communes"]]
departments = [Unit(code=c, name=n) for c, n in units["departments"]]
selectors.city_units = lambda: (communes, departments)  # this process reads no database
r = selectors.ranking(selectors.span_of("2026-10"))
print(json.dumps([r.city["n_received"], r.city["total"], [x["code"] for x in r.communes]]))
"""


def _other_worker(store: Path, prefix: str) -> list:
    """Run the ranking of October 2026 in another process (as another gunicorn worker would), on the same store
    and the same Redis; its numbers."""
    from dieuhanh.dossiers import selectors

    communes, departments = selectors.city_units()
    units = {"communes": [[u.code, u.name] for u in communes], "departments": [[u.code, u.name] for u in departments]}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "dieuhanh.settings",
           "DIEUHANH_CACHE_URL": REDIS_URL, "DIEUHANH_CACHE_PREFIX": prefix, "DIEUHANH_DUCKDB_PATH": str(store)}
    done = subprocess.run([sys.executable, "-c", _OTHER_WORKER, json.dumps(units)], capture_output=True, text=True,
                          env=env, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.today(dt.date(2026, 11, 30))
def test_a_ranking_one_worker_computed_is_served_to_another_from_redis(log_store, redis_cache, monkeypatch):  # noqa: F811
    from dieuhanh.dossiers import selectors

    theirs = _other_worker(log_store, redis_cache)
    seen = _spy(monkeypatch)
    ours = selectors.ranking(selectors.span_of("2026-10"))
    assert seen == []  # served from Redis: computed by the other process, not here
    assert [ours.city["n_received"], ours.city["total"], [x["code"] for x in ours.communes]] == theirs
    assert theirs[0] > 0
