"""``dieuhanh worker [--concurrency N] [--queue NAME …]``: run background jobs (django-tasks' database worker),
with the scheduler of periodic jobs and the reaper of jobs whose worker died.

Run as many as wanted, on as many machines as share the database: each job is claimed by one worker
(``SELECT … FOR UPDATE SKIP LOCKED``); periodic runs are started once a day whichever scheduler comes first."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from dieuhanh.jobs.runner import reap_stale, worker_name
from dieuhanh.jobs.scheduler import due_periodic

log = logging.getLogger("dieuhanh.jobs")


def housekeeping() -> None:
    close_old_connections()
    try:
        reap_stale()
        due_periodic()
    except Exception:  # a failed round is logged and retried next minute; the worker keeps working
        log.exception("job housekeeping failed")
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = "Run background jobs: N processes taking jobs from the queues, plus periodic jobs and the dead-worker reaper."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=1, help="worker processes (default 1)")
        parser.add_argument("--queue", action="append", dest="queues", help="queue(s) to take jobs from (default all)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls of an empty queue")
        parser.add_argument("--no-scheduler", action="store_true", help="no periodic jobs nor reaping in this worker")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit (tests, one-off runs)")
        parser.add_argument("--tick", type=float, default=60.0, help="seconds between scheduler rounds")

    def handle(self, *args, concurrency, queues, interval, no_scheduler, batch, tick, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        queues = queues or ["*"]
        stop = threading.Event()
        if not no_scheduler and not batch:
            housekeeping()
            threading.Thread(target=self._schedule, args=(stop, tick), daemon=True, name="scheduler").start()
        try:
            if concurrency > 1:
                self._children(concurrency, queues, interval)
            else:
                self.stdout.write(f"worker {worker_name()} on queues {', '.join(queues)}")
                worker = Worker(queue_names=queues, interval=interval, batch=batch, backend_name="default",
                                startup_delay=not batch, max_tasks=None, worker_id=worker_name()[:64], excluded_queue_names=[])
                worker.configure_signals()
                worker.run()
        finally:
            stop.set()

    def _schedule(self, stop: threading.Event, tick: float) -> None:
        while not stop.wait(tick):
            housekeeping()

    def _children(self, concurrency: int, queues: list[str], interval: float) -> None:
        command = [sys.executable, "-m", "dieuhanh", "worker", "--no-scheduler", "--interval", str(interval)]
        for queue in queues:
            command += ["--queue", queue]
        children = [subprocess.Popen(command) for _ in range(concurrency)]
        self.stdout.write(f"{concurrency} worker processes on queues {', '.join(queues)}")

        def stop_children(signum, frame):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop_children)
        try:
            for child in children:
                child.wait()
        except KeyboardInterrupt:
            stop_children(signal.SIGINT, None)
            for child in children:
                child.wait()
