"""`make demo` serves the embedded SQLite database, which no other test touches (the suite runs on PostgreSQL): build
the demo on SQLite in a process of its own and open, as every demo person, the home page and every page the main
navigation links to. None may fail (a PostgreSQL-only collation once made the steering committee's home a 500 there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CRAWL = r"""
import json, re
import django
django.setup()
from django.test import Client
from dieuhanh.demo.people import DEMO_PASSWORD, DEMO_PEOPLE

answers = {}
for person in DEMO_PEOPLE:
    client = Client()
    assert client.login(username=person.username, password=DEMO_PASSWORD), person.username
    home = client.get("/")
    nav = home.content.decode().split("<main", 1)[0]
    links = sorted({href for href in re.findall(r'href="(/[^"#?]*)', nav) if not href.startswith("/static/")})
    answers[person.username] = {"/": home.status_code, **{href: client.get(href).status_code for href in links}}
print(json.dumps(answers))
"""


def test_the_sqlite_demo_serves_every_navigation_page_to_every_demo_person(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIEUHANH_") and k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="dieuhanh.settings", DIEUHANH_VAR_DIR=str(tmp_path / "var"),
               DIEUHANH_DEMO_DOSSIERS="2000", DIEUHANH_DEMO_TASKS="0", DIEUHANH_ALLOWED_HOSTS="testserver")
    built = subprocess.run([sys.executable, "-m", "dieuhanh", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    assert (tmp_path / "var" / "dieuhanh.sqlite3").stat().st_size > 0, "the demo did not use the embedded database"
    crawl = subprocess.run([sys.executable, "-c", CRAWL], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    answers = json.loads(crawl.stdout.strip().splitlines()[-1])
    assert set(answers) >= {"bcd.thuongtruc", "skhcn.lanhdao", "benthanh.canbo", "giamsat.xem"}
    for person, pages in answers.items():
        assert pages["/"] == 200, person
        assert len(pages) > 8, (person, pages)  # the navigation was found
        failed = {path: status for path, status in pages.items() if status >= 500}
        assert not failed, (person, failed)
