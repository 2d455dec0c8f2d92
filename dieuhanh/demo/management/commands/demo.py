"""``dieuhanh demo``: migrate, load the units and create the HCMC demo (idempotent)."""

from __future__ import annotations

from django.core.management import call_command
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from dieuhanh.access.models import RoleAssignment
from dieuhanh.access.policy import SystemActor
from dieuhanh.accounts.models import User
from dieuhanh.accounts.services import role_grant, user_create
from dieuhanh.demo.difficulties import load_difficulties
from dieuhanh.demo.dossiers import load_dossiers
from dieuhanh.demo.emulation import load_emulation
from dieuhanh.demo.indicators import load_indicators
from dieuhanh.demo.indices import load_indices
from dieuhanh.demo.innovation import load_innovation
from dieuhanh.demo.people import DEMO_PASSWORD, DEMO_PEOPLE
from dieuhanh.demo.plans import SYNTHETIC_NUMBER, load_plan_4354
from dieuhanh.plans.models import Plan
from dieuhanh.portal.models import Release
from dieuhanh.units.selectors import unit_get


class Command(BaseCommand):
    help = "Create the Ho Chi Minh City demo: national units, HCMC bodies and one demo login per role."

    def add_arguments(self, parser):
        parser.add_argument("--synthetic", type=int, default=None, metavar="N",
                            help="the labelled synthetic plan over every HCMC unit: N tasks with 12 months of reports "
                                 "(default DIEUHANH_DEMO_TASKS, 340: two for each ward and department, so the ward "
                                 "index has task data; 0: none)")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compile_catalogues", verbosity=0)
        call_command("load_units", stdout=self.stdout, stderr=self.stderr)
        actor = SystemActor("demo")
        for person in DEMO_PEOPLE:
            unit = unit_get(person.unit_code)
            user = User.objects.filter(username=person.username).first()
            if user is None:
                user_create(actor=actor, username=person.username, password=DEMO_PASSWORD, unit=unit, role=person.role,
                            full_name=person.full_name, position=person.position, email=person.email)
            elif not RoleAssignment.objects.filter(user=user, unit=unit, role=person.role, revoked_at__isnull=True).exists():
                role_grant(actor=actor, user=user, unit=unit, role=person.role)
        plan = load_plan_4354(actor=actor)
        if plan is not None:
            self.stdout.write(f"plan {plan.number}: {plan.tasks.count()} tasks with a synthetic reporting history")
        indicators = load_indicators(actor=actor)
        if indicators:
            self.stdout.write(f"indicators: {indicators} with targets, city values and synthetic ward values")
        difficulties = load_difficulties(actor=actor)
        if difficulties:
            self.stdout.write(f"difficulties register: {difficulties} synthetic items at every step")
        initiatives = load_emulation(actor=actor)
        if initiatives:
            self.stdout.write(f"initiatives and awards: {initiatives} synthetic initiatives, a decided round and one posted for comment")
        calls = load_innovation(actor=actor)
        if calls:
            self.stdout.write(f"ordered problems and support programmes: {calls} synthetic calls at several stages")
        load_dossiers(actor=actor, out=self.stdout)
        synthetic = settings.DIEUHANH_DEMO_TASKS if options["synthetic"] is None else options["synthetic"]
        if synthetic and not Plan.objects.filter(number=SYNTHETIC_NUMBER).exists():
            call_command("generate_tasks", tasks=synthetic, months=12, stdout=self.stdout, stderr=self.stderr)
        for line in load_indices(actor=actor):
            self.stdout.write(line)
        if not Release.objects.exists():  # the public portal shows the demo's first release, labelled synthetic
            call_command("portal", "publish", "--as-of", f"{timezone.localdate():%d/%m/%Y}", "--synthetic", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo ready."))
        self.stdout.write(logins_text())


def logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for p in DEMO_PEOPLE:
        lines.append(f"  {p.username:<18} {p.role:<14} {p.unit_code:<10} {p.position}")
    return "\n".join(lines)
