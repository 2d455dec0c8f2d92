"""Background jobs (dieuhanh/jobs): enqueue → a worker runs it → its result; failure and retry; cancellation;
progress on the page and the API; another person's job answers like a missing one; a worker killed with -9 in the
middle of a job leaves nothing written, and the retried job completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

import tests.jobs_sample  # noqa: F401  registers the job "tests.accounts"
from dieuhanh.errors import Conflict
from dieuhanh.jobs.models import Job
from dieuhanh.jobs.runner import JobCancelled, JobContext, execute, reap_stale
from dieuhanh.jobs.services import job_cancel, job_retry, job_start

ROOT = Path(__file__).resolve().parent.parent


def usernames(prefix: str) -> list[str]:
    return sorted(get_user_model().objects.filter(username__startswith=prefix + "-").values_list("username", flat=True))


def start(user, **params) -> Job:
    return job_start(actor=user, kind="tests.accounts", params=params)


def test_a_queued_job_runs_to_its_result_and_a_failed_one_is_retried(make_user, tmp_path):
    lan = make_user("lan", "79", "reporter")
    job = start(lan, prefix="ok", count=3)
    assert (job.status, job.owner, job.attempts) == ("queued", lan, 0)
    assert execute(job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.result, job.attempts) == ("succeeded", 3, 3, {"label": "3 accounts"}, 1)
    assert usernames("ok") == ["ok-0", "ok-1", "ok-2"]

    fail = tmp_path / "fail"
    fail.touch()
    job = start(lan, prefix="bad", count=2, fail_if=str(fail))
    assert execute(job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "invalid")
    assert usernames("bad") == []  # the two accounts written before the failure were rolled back
    fail.unlink()
    job = job_retry(actor=lan, job=job, expected_version=job.version)
    assert job.status == "queued"
    assert execute(job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error_code) == ("succeeded", 2, "")
    assert usernames("bad") == ["bad-0", "bad-1"]
    with pytest.raises(Conflict):
        job_retry(actor=lan, job=job, expected_version=job.version)


def test_cancelling_a_queued_job_stops_it_and_a_running_one_at_its_next_step(make_user):
    lan = make_user("lan", "79", "reporter")
    job = start(lan, prefix="never")
    job = job_cancel(actor=lan, job=job, expected_version=job.version)
    assert job.status == "cancelled"
    assert execute(job.pk) == "skipped"
    assert usernames("never") == []

    running = start(lan, prefix="run")
    Job.objects.filter(pk=running.pk).update(status="running")
    running.refresh_from_db()
    running = job_cancel(actor=lan, job=running, expected_version=running.version)
    assert (running.status, running.cancel_requested) == ("running", True)
    with pytest.raises(JobCancelled):
        JobContext(job=running, actor=lan).check_cancelled()


def test_the_jobs_page_and_api_show_progress_and_hide_other_peoples_jobs(make_user, web_client, api_client):
    lan = make_user("lan", "79", "reporter")
    job = start(lan, prefix="seen", count=4)
    Job.objects.filter(pk=job.pk).update(status="running", done=1, total=4, message="accounts")
    page = web_client("hoa", "79", "reporter")
    mine = web_client("lan2", "79", "reporter")
    assert page.get(f"/cong-viec/{job.pk}/").status_code == 404  # someone else's job: like a missing one
    lan_client = web_client("lan3", "79", "reporter")
    Job.objects.filter(pk=job.pk).update(owner=get_user_model().objects.get(username="lan3"))
    html = lan_client.get("/cong-viec/").content.decode()
    assert 'role="progressbar"' in html and 'aria-valuenow="25"' in html and "1 / 4" in html
    assert "Công việc nền" in html
    detail = lan_client.get(f"/cong-viec/{job.pk}/").content.decode()
    assert "hx-trigger" in detail  # polls while running
    fragment = lan_client.get(f"/cong-viec/{job.pk}/?detail=1", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div class="job job-running"') and "<html" not in fragment and 'aria-valuenow="25"' in fragment
    assert mine.get("/cong-viec/").content.decode().count('role="progressbar"') == 0
    job.refresh_from_db()
    assert mine.post(f"/cong-viec/{job.pk}/huy/", {"version": job.version}).status_code == 404
    answer = lan_client.post(f"/cong-viec/{job.pk}/huy/", {"version": job.version}, follow=True).content.decode()
    assert "Đã yêu cầu hủy" in answer

    api = api_client("minh", "79", "reporter")
    assert api.get(f"/api/jobs/{job.pk}").status_code == 404
    owner_api = api_client("khoa", "79", "reporter")
    Job.objects.filter(pk=job.pk).update(owner=get_user_model().objects.get(username="khoa"))
    body = owner_api.get(f"/api/jobs/{job.pk}").json()
    assert (body["status"], body["done"], body["total"], body["percent"]) == ("running", 1, 4, 25)
    assert [j["id"] for j in owner_api.get("/api/jobs").json()["items"]] == [job.pk]
    cancelled = owner_api.post(f"/api/jobs/{job.pk}/cancel", {"expected_version": body["version"]},
                               content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["cancel_requested"] is True


def _worker(*args: str) -> subprocess.Popen:
    """A real worker process on the test database, knowing the test job."""
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    code = ("import django; django.setup(); import tests.jobs_sample; from django.core.management import call_command; "
            f"call_command('worker', *{list(args)!r})")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "dieuhanh.settings", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)


def _wait_for(predicate, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_nothing_written_and_the_retry_completes(make_user, tmp_path):
    lan = make_user("lan", "79", "reporter")
    hold = tmp_path / "hold"
    job = start(lan, prefix="kill", count=3, hold=str(hold))
    worker = _worker("--no-scheduler", "--interval", "0.1")
    try:
        _wait_for(Path(str(hold) + ".started").exists)
        job.refresh_from_db()
        # the first account is written inside the job's transaction; its progress is already visible outside
        assert (job.status, job.done, job.total) == ("running", 1, 3)
        assert usernames("kill") == []
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert usernames("kill") == []
    Job.objects.create(kind="tests.accounts", owner=lan, status="running", worker="elsewhere:1", heartbeat_at=job.heartbeat_at)
    assert reap_stale() == 1  # the killed one; another machine's with a fresh heartbeat is left alone
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "job_interrupted")

    hold.touch()
    job_retry(actor=lan, job=job, expected_version=job.version)
    finished = _worker("--batch", "--interval", "0.1")
    assert finished.wait(60) == 0
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == ("succeeded", 2, 3)
    assert usernames("kill") == ["kill-0", "kill-1", "kill-2"]


def test_the_daily_notifications_are_started_once_a_day_from_seven_in_the_morning(hcmc):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from dieuhanh.jobs.scheduler import due_periodic

    saigon = ZoneInfo("Asia/Ho_Chi_Minh")
    assert due_periodic(dt.datetime(2026, 12, 1, 6, 59, tzinfo=saigon)) == []
    started = due_periodic(dt.datetime(2026, 12, 1, 7, 0, tzinfo=saigon))
    assert [(j.kind, j.periodic_key, j.owner) for j in started] == [("notifications.daily", "notifications-daily:2026-12-01", None)]
    assert due_periodic(dt.datetime(2026, 12, 1, 18, 0, tzinfo=saigon)) == []  # another worker later that day: nothing
    assert execute(started[0].pk) == "succeeded"
    assert [j.periodic_key for j in due_periodic(dt.datetime(2026, 12, 2, 7, 5, tzinfo=saigon))] == ["notifications-daily:2026-12-02"]
