"""Any province can run dieuhanh: the city it serves is configuration (``DIEUHANH_CITY_CODE``, read through
``units.selectors.city_code()``), not the literal "79". Here the core flows run for Hà Nội ("01", 126 commune-level
units since 01/07/2025) with no Ho Chi Minh City unit loaded at all: its units, a plan with tasks led by its wards,
a progress report, an indicator value entered, submitted and approved, the official status split, the home, plan
and due pages, and the demo's generic loaders (the labelled synthetic plan, the synthetic dossier log, the shipped
index frameworks, the ward index's wards).

What stays Ho Chi Minh City's is content, not code: the demo's Kế hoạch 4354 (``demo/data/plan_4354.json``), the
programme's indicator figures (``demo/indicators.py``), the demo logins (``demo/people.py``) and the city's own
departments (``units/data/hcmc_units.csv``); ``dieuhanh demo`` loads them for HCMC whatever the setting says.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from dieuhanh.accounts.services import user_create
from dieuhanh.units.models import Unit
from dieuhanh.units.official import national_rows
from dieuhanh.units.services import units_load_official
from tests.conftest import PASSWORD, SYSTEM

HANOI, HOAN_KIEM, BA_DINH = "01", "00070", "00004"  # Thành phố Hà Nội, Phường Hoàn Kiếm, Phường Ba Đình
D = dt.date


@pytest.fixture
def hanoi(db, settings):
    settings.DIEUHANH_CITY_CODE = HANOI
    units_load_official(actor=SYSTEM, rows=national_rows({HANOI}))
    return {u.code: u for u in Unit.objects.all()}


def person(units, username, code, role) -> Client:
    user_create(actor=SYSTEM, username=username, password=PASSWORD, unit=units[code], role=role)
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_city_is_the_configured_province(hanoi):
    from dieuhanh.units.selectors import city_code

    assert city_code() == HANOI
    assert hanoi[HANOI].name == "Thành phố Hà Nội"
    assert Unit.objects.filter(parent__code=HANOI, kind="commune").count() == 126
    assert not Unit.objects.filter(code="79").exists()


@pytest.mark.today(D(2026, 11, 30))
def test_a_plan_its_reports_and_the_official_split_for_hanoi(hanoi):
    from dieuhanh.plans.models import Task
    from dieuhanh.plans.services import group_create, plan_create, report_approve, task_create

    plan = plan_create(actor=SYSTEM, issuer=hanoi[HANOI], number="12/KH-UBND", title="Kế hoạch chuyển đổi số",
                       issued_on=D(2025, 8, 1), period_start=D(2025, 8, 1), period_end=D(2027, 12, 31))
    group = group_create(actor=SYSTEM, plan=plan, number=1, title="Hạ tầng số")
    task_create(actor=SYSTEM, plan=plan, group=group, code="1.1", title="Số hóa hồ sơ một cửa", lead_unit=hanoi[HOAN_KIEM],
                start_date=D(2025, 8, 1), deadline=D(2025, 12, 31))
    task_create(actor=SYSTEM, plan=plan, group=group, code="1.2", title="Phổ cập kỹ năng số", lead_unit=hanoi[BA_DINH],
                start_date=D(2025, 8, 1), deadline=D(2026, 12, 31))
    ward_reporter = person(hanoi, "canbo.badinh", BA_DINH, "reporter")
    steering = person(hanoi, "bcd.hanoi", HANOI, "steering")

    task = Task.objects.get(code="1.2")
    answer = ward_reporter.post(f"/tasks/{task.pk}/report/", {"period": "2026-11", "percent": "40", "submit": "1"})
    assert answer.status_code == 302
    report = task.reports.get(period="2026-11")
    assert (report.status, report.percent) == ("submitted", Decimal(40))
    report_approve(actor=SYSTEM, report=report, expected_version=report.version)

    split = steering.get(f"/api/plans/{plan.pk}/statistics", {"as_of": "2026-06-30"}).json()
    assert split["total"]["counts"] == {"completed_on_time": 0, "completed_late": 0, "within_deadline": 1, "overdue": 1}
    home = steering.get("/")
    assert home.status_code == 200 and "Thành phố Hà Nội" in home.content.decode()
    page = steering.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200 and "Kế hoạch chuyển đổi số" in page.content.decode() and "(12/KH-UBND)" in page.content.decode()


@pytest.mark.today(D(2026, 11, 30))
def test_an_indicator_of_hanoi_is_due_at_its_wards_entered_and_approved(hanoi):
    from dieuhanh.indicators.selectors import cell, due_and_missing
    from dieuhanh.indicators.services import indicator_create, value_set, values_approve, values_submit

    received = indicator_create(actor=SYSTEM, owner=hanoi[HANOI], code="HS_TIEPNHAN", name="Số hồ sơ tiếp nhận", kind="operational",
                                value_type="count", aggregation="sum", period_type="yearly", communes_of=hanoi[HANOI])
    due = [d.unit.code for d in due_and_missing(period="2026") if d.indicator == received]
    assert len(due) == 126 and HOAN_KIEM in due
    reporter = user_create(actor=SYSTEM, username="canbo.hoankiem", password=PASSWORD, unit=hanoi[HOAN_KIEM], role="reporter")
    approver = user_create(actor=SYSTEM, username="lanhdao.hoankiem", password=PASSWORD, unit=hanoi[HOAN_KIEM], role="approver")
    value_set(actor=reporter, indicator=received, unit=hanoi[HOAN_KIEM], period="2026", value=Decimal(1500))
    from dieuhanh.indicators.models import Approval

    opened = Approval.objects.get(unit=hanoi[HOAN_KIEM], period="2026")
    submitted = values_submit(actor=reporter, unit=hanoi[HOAN_KIEM], period="2026", expected_version=opened.version)
    values_approve(actor=approver, unit=hanoi[HOAN_KIEM], period="2026", expected_version=submitted.version)
    official = cell(received, hanoi[HOAN_KIEM], "2026", official_only=True)
    assert (official.value, official.official) == (1500, True)

    steering = person(hanoi, "bcd.hanoi", HANOI, "steering")
    page = steering.get("/indicators/due/", {"period": "2026"})  # no unit given: the configured city
    assert page.status_code == 200 and "Phường Hoàn Kiếm" in page.content.decode()


@pytest.mark.today(D(2026, 11, 30))
def test_the_demos_generic_loaders_work_for_hanoi(hanoi, settings):
    import duckdb

    from dieuhanh.demo.dossiers import load_dossiers
    from dieuhanh.demo.plans import generate_synthetic_plan
    from dieuhanh.indices.models import Framework
    from dieuhanh.indices.shipped import load_shipped
    from dieuhanh.indices.ward import wards

    plan = generate_synthetic_plan(actor=SYSTEM, tasks=20, months=3)
    assert plan.issuer.code == HANOI and plan.tasks.count() == 20
    assert set(plan.tasks.values_list("lead_unit__parent__code", flat=True)) == {HANOI}

    assert load_dossiers(actor=SYSTEM, rows=2000) == 2000
    con = duckdb.connect(str(settings.DIEUHANH_DUCKDB_PATH), read_only=True)
    agencies = {row[0] for row in con.execute("SELECT DISTINCT agency_code FROM dossiers").fetchall()}
    con.close()
    communes = set(Unit.objects.filter(parent__code=HANOI, kind="commune").values_list("code", flat=True))
    assert agencies and agencies <= communes

    load_shipped(actor=SYSTEM)
    assert set(Framework.objects.values_list("owner__code", flat=True)) == {HANOI}
    assert wards(D(2026, 11, 30)).count() == 126
