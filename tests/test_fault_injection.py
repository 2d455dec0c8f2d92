"""Fault injection (issue 14, "tests the project keeps"): a process killed with -9 in the middle of an import leaves
nothing half-written, and the retry completes.

- the web server: production's gunicorn launcher (``dieuhanh.web.gunicorn_main``) on the test database, killed with
  its workers in the middle of an appendix import (an inline one: the server's job threshold is set above the
  file) → the plan's tasks and the audit log are as before; restarted, the same confirmation imports everything;
- ``dieuhanh dossiers import`` (the command line) killed in the middle of a large CSV → the Decision 766 scorecard is
  as before; run again, the file is imported whole.
The worker killed in the middle of a job is in tests/test_jobs.py.

The server listens on ``DIEUHANH_TEST_SERVER_PORT`` when set (an engineer's own port), else on a free port."""

from __future__ import annotations

import csv
import datetime as dt
import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from dieuhanh.audit.models import AuditEvent
from dieuhanh.core.tasks.appendix_sheet import Appendix, AppendixGroup, AppendixTask, write_appendix
from dieuhanh.plans.models import Task
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
SERVER_APP = "dieuhanh-fault-server"  # the application_name of the served processes' PostgreSQL sessions
ROWS = 100_000  # dossiers in the large CSV: an import of about a second or two
LEADS = ["Sở Tài chính", "Sở Nội vụ", "Sở Khoa học và Công nghệ"]


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIEUHANH_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "dieuhanh.settings", "PYTHONPATH": str(ROOT),
            "DIEUHANH_DEBUG": "1", "DIEUHANH_VAR_DIR": str(tmp_path / "var"), "DIEUHANH_RATE_LIMIT": "0",
            "DIEUHANH_DUCKDB_PATH": str(tmp_path / "dossiers.duckdb"), **extra}


def _port() -> int:
    if os.environ.get("DIEUHANH_TEST_SERVER_PORT"):
        return int(os.environ["DIEUHANH_TEST_SERVER_PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


class Server:
    """Production's gunicorn launcher in its own process group (the master and its workers die together)."""

    def __init__(self, tmp_path: Path, port: int):
        from dieuhanh.web.management.commands.serve import gunicorn_argv

        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(gunicorn_argv(f"127.0.0.1:{port}", 1), cwd=ROOT, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env=_env(tmp_path, DIEUHANH_IMPORT_JOB_MIN_ROWS=str(10**9), DIEUHANH_IMPORT_JOB_MIN_BYTES=str(10**12),
                                                 PGAPPNAME=SERVER_APP))
        _wait_for(self._answers, what="gunicorn to answer")

    def _answers(self) -> bool:
        assert self.process.poll() is None, "gunicorn stopped"
        try:
            return urllib.request.urlopen(self.base + "/login/", timeout=2).status == 200
        except OSError:
            return False

    def kill(self) -> None:
        """kill -9 of the master and every worker (a worker left alone would finish the request)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


class Browser:
    """A signed-in person over HTTP: cookies, the CSRF token of each form."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())
        self.post("/login/", {"username": username, "password": PASSWORD}, form="/login/")

    def csrf(self, path: str) -> str:
        page = self.opener.open(self.base + path, timeout=30).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path: str, fields: dict, *, form: str | None = None, files: dict | None = None, timeout: float = 120):
        fields = {**fields, "csrfmiddlewaretoken": self.csrf(form or path)}
        if files:
            boundary = "----dieuhanh-fault"
            body = io.BytesIO()
            for name, value in fields.items():
                body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
            for name, (filename, content) in files.items():
                body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                           f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
            body.write(f"--{boundary}--\r\n".encode())
            data, kind = body.getvalue(), f"multipart/form-data; boundary={boundary}"
        else:
            data, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, headers={"Content-Type": kind, "Referer": self.base + path})
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:  # a redirect (not followed) or an error page
            return exc.code, exc.headers.get("Location", ""), exc.read().decode()
        return response.status, "", response.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _appendix(count: int) -> bytes:
    tasks = tuple(AppendixTask(row=0, stt=str(i), depth=0, code=f"3.{i}", title=f"Nhiệm vụ thử số {i}", lead=LEADS[i % 3],
                               coordinators=(), product="", deadline_text="31/12/2027", deadline=dt.date(2027, 12, 31), key=False,
                               budget_million_vnd=None)
                  for i in range(1, count + 1))
    buf = io.BytesIO()
    write_appendix(Appendix(title="", groups=(AppendixGroup(0, "III", "Nhóm thử", tasks),)), buf)
    return buf.getvalue()


def _writing_tasks() -> bool:
    """Another session holds a transaction that has written into the tasks table and not yet ended."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'plans_task' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")
        return cur.fetchone()[0] > 0


def _server_sessions() -> int:
    """The killed servers' sessions still open (named by PGAPPNAME: not the suite's live servers, nor autovacuum)."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s", [SERVER_APP])
        return cur.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_server_killed_mid_import_leaves_nothing_and_the_retry_completes(plan, make_user, tmp_path, settings):
    from django.conf import global_settings

    count = 400
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # a hash the server (default settings) can check
    make_user("bcd.import", "79", "steering")
    server = Server(tmp_path, _port())
    try:
        person = Browser(server.base, "bcd.import")
        status, _, page = person.post(f"/plans/{plan.pk}/import/", {}, files={"file": ("phu-luc.xlsx", _appendix(count))})
        assert status == 200, page[:500]
        token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
        before = (Task.objects.count(), AuditEvent.objects.count())
        confirm = threading.Thread(target=lambda: _swallow(person.post, f"/plans/{plan.pk}/import/", {"token": token},
                                                           form=f"/plans/{plan.pk}/import/"), daemon=True)
        confirm.start()
        _wait_for(_writing_tasks, what="the import to write tasks")
        time.sleep(0.3)  # well inside it: hundreds of tasks to go
        assert _writing_tasks(), "the import ended before the kill: make the appendix larger"
        assert _server_sessions() > 0  # the server's sessions carry its name (the wait below counts them)
        server.kill()
        confirm.join(30)
        _wait_for(lambda: not _writing_tasks(), what="PostgreSQL to roll back the dead server's transaction")
        assert (Task.objects.count(), AuditEvent.objects.count()) == before  # nothing half-written
        assert not Task.objects.filter(code__startswith="3.").exists()

        server = Server(tmp_path, int(server.base.rsplit(":", 1)[1]))
        person = Browser(server.base, "bcd.import")
        status, location, _ = person.post(f"/plans/{plan.pk}/import/", {"token": token})  # the kept upload, confirmed again
        assert (status, location) == (302, f"/plans/{plan.pk}/")
        assert Task.objects.filter(plan=plan, code__startswith="3.").count() == count
    finally:
        server.stop()
    _wait_for(lambda: _server_sessions() == 0, what="the server's sessions to close")


def _swallow(fn, *args, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except OSError:  # the connection dies with the server
        pass


def _dossiers_csv(path: Path, rows: int, agencies: list[str]) -> Path:
    """A large dossier log as CSV (the synthetic generator's Parquet, written out as text)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from dieuhanh.demo.synthetic_dossiers import generate

    parquet = generate(path.with_suffix(".parquet"), rows=rows, agencies=agencies, start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30), seed=11)
    pacsv.write_csv(pq.read_table(parquet), path)
    parquet.unlink()
    return path


def _cli(tmp_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dieuhanh", "dossiers", *args], cwd=ROOT, env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _scorecard(tmp_path: Path) -> list[dict]:
    """The Decision 766 scorecard by month of the store (read here: no process of the command is running)."""
    from django.core.management import call_command

    out = tmp_path / "scorecard.csv"
    call_command("dossiers", "scorecard", "--from", "2026-01-01", "--to", "2026-06-30", "--by", "month", "--out", str(out),
                 stdout=io.StringIO())
    return list(csv.DictReader(out.open(encoding="utf-8")))


@pytest.mark.django_db(transaction=True)
def test_the_dossier_import_killed_mid_file_keeps_nothing_and_the_retry_completes(hcmc, tmp_path, settings):
    from django.core.management import call_command

    from dieuhanh.demo.synthetic_dossiers import generate

    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "dossiers.duckdb"  # the store the command's processes use (_env)
    wards = ["26743", "26740", "26732"]
    first = generate(tmp_path / "q1.parquet", rows=2000, agencies=wards, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), seed=7)
    call_command("dossiers", "import", str(first), stdout=io.StringIO(), stderr=io.StringIO())
    before = _scorecard(tmp_path)
    assert {r["agency_code"] for r in before} == set(wards)
    large = _dossiers_csv(tmp_path / "q2.csv", ROWS, wards)

    running = _cli(tmp_path, "import", str(large))
    progress = []
    reader = threading.Thread(target=lambda: progress.extend(iter(lambda: running.stderr.read(1), "")), daemon=True)
    reader.start()
    _wait_for(lambda: "Dossiers" in "".join(progress) or running.poll() is not None, what="the import to start")
    time.sleep(0.5)  # into the file
    assert running.poll() is None, "the import ended before the kill: make the file larger"
    running.send_signal(signal.SIGKILL)
    assert running.wait(10) == -signal.SIGKILL
    assert _scorecard(tmp_path) == before  # nothing of the killed import was kept

    retry = _cli(tmp_path, "import", str(large))
    out, err = retry.communicate(timeout=300)
    assert retry.returncode == 0, err
    assert f"dossiers: {ROWS} inserted, 0 updated" in out
    received = sum(int(r["n_received"] or 0) for r in _scorecard(tmp_path))
    assert received == sum(int(r["n_received"] or 0) for r in before) + ROWS
