"""``dieuhanh serve [ADDR:PORT]``: serve the platform and print where, with the demo logins if any."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dieuhanh.accounts.models import User
from dieuhanh.demo.management.commands.demo import logins_text
from dieuhanh.demo.people import DEMO_PEOPLE


class Command(BaseCommand):
    help = "Serve dieuhanh (Django's server with static files from WhiteNoise; use gunicorn dieuhanh.wsgi in production)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        host, _, port = addrport.rpartition(":")
        self.stdout.write(self.style.SUCCESS(f"dieuhanh is served at http://{host or '127.0.0.1'}:{port}/"))
        if User.objects.filter(username=DEMO_PEOPLE[0].username).exists():
            self.stdout.write(logins_text())
        self.stdout.write("Stop with Ctrl+C.")
        call_command("runserver", addrport, use_reloader=False, skip_checks=False)
