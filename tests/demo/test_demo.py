"""The demo command builds the HCMC demo that `make demo` serves."""

import datetime as dt
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from dieuhanh.accounts.models import User
from dieuhanh.demo.people import DEMO_PASSWORD, DEMO_PEOPLE
from dieuhanh.units.models import Unit

# The demo's synthetic history runs up to today: these tests run on 30/11/2026.
pytestmark = pytest.mark.today(dt.date(2026, 11, 30))


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


@pytest.mark.django_db
def test_demo_includes_plan_4354_with_its_ten_groups_and_a_history():
    from django.db.models import F

    from dieuhanh.plans.models import Plan, ProgressReport

    call_command("demo", stdout=StringIO(), stderr=StringIO())
    plan = Plan.objects.get(number="4354/KH-UBND")
    assert list(plan.groups.values_list("number", flat=True)) == list(range(1, 11))
    assert plan.tasks.filter(lead_unit__code="26743").exists()  # a ward user has something to report
    assert ProgressReport.objects.filter(task__plan=plan, status="approved").count() > 100
    assert plan.tasks.filter(source__startswith="synthetic").count() < plan.tasks.count() / 4  # mostly sourced tasks
    # Every task with a planned budget has an allocation and a source, invented and so labelled synthetic in its source;
    # 12.705 tỷ đồng for S&T in 2026 (seed 002) is planned and allocated from the city's budget.
    funded = plan.tasks.exclude(budget_planned=None)
    assert funded.count() == 6 and not funded.filter(budget_allocated=None).exists() and not funded.filter(funding_source="").exists()
    assert all("synthetic" in t.source for t in funded)
    science = plan.tasks.get(code="4354.3.4")
    assert (science.budget_planned, science.budget_allocated, science.funding_source) == (12_705 * 10**9, 12_705 * 10**9, "city")
    assert not plan.tasks.filter(budget_disbursed__gt=F("budget_allocated")).exists()


@pytest.mark.django_db
def test_the_generator_builds_a_labelled_synthetic_plan_over_every_unit():
    from dieuhanh.plans.models import Plan, ProgressReport

    call_command("load_units", "--province", "79", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("generate_tasks", tasks=200, months=6, stdout=out, stderr=StringIO())
    plan = Plan.objects.get(number="DEMO-TH/2025")
    assert "GIẢ LẬP" in plan.title and plan.tasks.count() == 200
    leaders = Unit.objects.filter(parent__code="79", kind__in=["commune", "department"]).count()
    assert leaders == 187  # 168 wards, communes and the special zone + 19 departments and boards
    assert plan.tasks.values("lead_unit").distinct().count() == leaders
    assert ProgressReport.objects.filter(task__plan=plan).count() > 200
    assert "200 tasks" in out.getvalue()


@pytest.mark.django_db
def test_the_daily_notifications_command_runs_without_duplicates_and_the_demo_people_have_synthetic_addresses():
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    assert sorted(User.objects.filter(username__in=[p.username for p in DEMO_PEOPLE]).values_list("email", flat=True)) \
        == sorted(f"{p.username}@example.gov.vn" for p in DEMO_PEOPLE)
    first, second = StringIO(), StringIO()
    call_command("notifications", "daily", "--date", "01/12/2026", stdout=first)
    call_command("notifications", "daily", "--date", "01/12/2026", stdout=second)
    assert first.getvalue().startswith("notifications: ") and first.getvalue() != second.getvalue()
    assert second.getvalue().strip() == "notifications: 0 tasks_due, 0 rounds_due; 0 digests"


@pytest.mark.django_db
def test_demo_indicators_carry_the_programme_figures_with_sources_and_labelled_synthetic_ward_values():
    from dieuhanh.indicators.models import Indicator, Value
    from dieuhanh.indicators.selectors import cell

    call_command("demo", stdout=StringIO(), stderr=StringIO())
    city = Unit.objects.get(code="79")
    tfp = Value.objects.get(indicator__code="TFP_GRDP", unit=city, period="2025")
    assert tfp.value == 59 and "Seed 000" in tfp.source
    share = cell(Indicator.objects.get(code="NS_KHCN_TYLE_DT"), city, "2026", official_only=True)
    assert share.source == "formula" and round(share.value, 2) == 4.16  # 12.705 ÷ 305.606 × 100
    wards = Value.objects.filter(indicator__code="HS_DUNGHAN_XA", period="2025")
    assert wards.count() == 168 and all(v.comment == "DỮ LIỆU GIẢ LẬP" for v in wards)
    assert Indicator.objects.get(code="XH_KHOINGHIEP").targets.filter(year=2030, value=100).exists()
    # Every indicator has a target but the volumes that are no goal (the budget total, dossiers received and online);
    # a target the seed articles do not give is labelled synthetic.
    without = set(Indicator.objects.exclude(targets__kind="target").values_list("code", flat=True))
    assert without == {"NS_TONG_DUTOAN", "HS_TIEPNHAN", "HS_TRUCTUYEN"}
    from dieuhanh.indicators.models import Target

    invented = Target.objects.filter(source="synthetic")
    assert invented.count() >= 20 and all("DỮ LIỆU GIẢ LẬP" in t.label for t in invented)
