"""The demo command builds the HCMC demo that `make demo` serves."""

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from dieuhanh.demo.people import DEMO_PASSWORD, DEMO_PEOPLE
from dieuhanh.units.models import Unit


@pytest.mark.django_db
def test_demo_loads_the_country_the_city_and_one_login_per_role():
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO())
    printed = out.getvalue()
    assert Unit.objects.filter(parent__code="79", kind="commune").count() == 168
    assert Unit.objects.filter(kind="commune").count() == 3321
    assert DEMO_PASSWORD in printed
    roles = {p.role for p in DEMO_PEOPLE}
    assert roles == {"viewer", "reporter", "approver", "steering", "administrator"}
    for person in DEMO_PEOPLE:
        assert person.username in printed
        client = Client()
        assert client.login(username=person.username, password=DEMO_PASSWORD), person.username
        me = client.get("/api/me").json()
        assert (person.unit_code, person.role) in {(r["unit_code"], r["role"]) for r in me["roles"]}


@pytest.mark.django_db
def test_running_the_demo_twice_is_harmless():
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO())
    assert "0 created, 0 updated" in out.getvalue()


def test_the_console_command_wraps_the_management_commands():
    result = subprocess.run([sys.executable, "-m", "dieuhanh", "help", "demo"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Ho Chi Minh City demo" in result.stdout
