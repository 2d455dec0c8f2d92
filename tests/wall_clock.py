"""``pytest -p tests.wall_clock``: the whole test process runs with its wall clock moved, as if the machine's
clock said ``DIEUHANH_TEST_WALL_CLOCK`` (ISO date-time; default 2028-06-01 09:00 in Ho Chi Minh City) — used by
``make test-clock`` to show that no test depends on the machine's date.

Loaded as a plugin, this module starts travelling when pytest reads its options, before Django, the conftests and
the test modules are imported, so import-time code, session fixtures (the test database, the live server thread)
and every test see that clock; each test then travels to its own fixed day (``tests/conftest.py: clock``) on top
of it, and comes back to the moved clock afterwards. The clock keeps running (tick), so timeouts behave.
Chromium, started by the browser tests, gets the same date through libfaketime when it is installed
(``tests/browser/conftest.py``); the page's scripts never read the date, but they run under it.
"""

from __future__ import annotations

import datetime as dt
import os

import time_machine

DEFAULT = "2028-06-01T09:00:00+07:00"
WALL_CLOCK = dt.datetime.fromisoformat(os.environ.get("DIEUHANH_TEST_WALL_CLOCK") or DEFAULT)
if WALL_CLOCK.tzinfo is None:
    raise SystemExit("DIEUHANH_TEST_WALL_CLOCK needs a UTC offset, e.g. 2028-06-01T09:00:00+07:00")
os.environ["DIEUHANH_TEST_WALL_CLOCK"] = WALL_CLOCK.isoformat()  # for the browser tests' Chromium

_travel = time_machine.travel(WALL_CLOCK, tick=True)
_travel.start()


def pytest_report_header(config):
    return f"wall clock moved to {dt.datetime.now(dt.UTC).astimezone(WALL_CLOCK.tzinfo):%Y-%m-%d %H:%M %z} (tests.wall_clock)"


def pytest_unconfigure(config):
    _travel.stop()
