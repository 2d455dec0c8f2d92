"""``dieuhanh serve [ADDR:PORT]``: serve the platform and print where, with the demo logins if any.

Django's development server by default (``make demo``); ``--gunicorn`` serves with gunicorn, the production server
(``--workers`` processes, default 2), as ``make serve-gunicorn`` does."""

from __future__ import annotations

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dieuhanh.accounts.models import User
from dieuhanh.demo.management.commands.demo import logins_text
from dieuhanh.demo.people import DEMO_PEOPLE


def gunicorn_argv(addrport: str, workers: int) -> list[str]:
    """The gunicorn command line serving ``dieuhanh.wsgi`` on ``addrport`` (through the launcher that drops
    gunicorn's ``Server`` banner, ``dieuhanh.web.gunicorn_main``), with the hooks of ``dieuhanh.web.gunicorn_conf``."""
    return [sys.executable, "-m", "dieuhanh.web.gunicorn_main", "dieuhanh.wsgi:application", "--bind", addrport, "--workers", str(workers),
            "--access-logfile", "-", "--timeout", "120", "--config", "python:dieuhanh.web.gunicorn_conf"]


class Command(BaseCommand):
    help = "Serve dieuhanh: Django's server with static files from WhiteNoise, or gunicorn (production) with --gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--gunicorn", action="store_true", help="serve with gunicorn, the production server")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")

    def handle(self, *args, addrport, **options):
        host, _, port = addrport.rpartition(":")
        self.stdout.write(self.style.SUCCESS(f"dieuhanh is served at http://{host or '127.0.0.1'}:{port}/"))
        if User.objects.filter(username=DEMO_PEOPLE[0].username).exists():
            self.stdout.write(logins_text())
        self.stdout.write("Stop with Ctrl+C.")
        if options["gunicorn"]:
            self.stdout.flush()
            argv = gunicorn_argv(addrport if host else f"127.0.0.1:{port}", options["workers"])
            os.execv(argv[0], argv)
        call_command("runserver", addrport, use_reloader=False, skip_checks=False)
