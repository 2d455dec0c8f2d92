"""Shared fixtures: a real HCMC unit tree in the real database, people holding roles on it, and a small plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dieuhanh.access.models import Role
from dieuhanh.access.policy import SystemActor
from dieuhanh.accounts.services import user_create
from dieuhanh.indicators.services import indicator_create, rule_create, target_set
from dieuhanh.plans.services import group_create, plan_create, task_create
from dieuhanh.units.models import Unit
from dieuhanh.units.official import hcmc_body_rows, national_rows
from dieuhanh.units.services import units_load_official

PASSWORD = "mat-khau-thu-nghiem-2026"
SYSTEM = SystemActor("tests")

# Codes used throughout the tests.
CITY = "79"
DEPARTMENT = "79.SKHCN"  # Sở Khoa học và Công nghệ
BODY_UNDER_DEPARTMENT = "79.SKHCN.TTCDS"  # Trung tâm Chuyển đổi số
BEN_THANH = "26743"  # Phường Bến Thành
SAI_GON = "26740"  # Phường Sài Gòn
CON_DAO = "26732"  # Đặc khu Côn Đảo


@pytest.fixture(autouse=True)
def _private_dossier_store(settings, tmp_path_factory):
    """Each test gets its own DuckDB dossier store (never var/dossiers.duckdb, which a developer's demo may hold
    open), and the demo generates a small synthetic log and no synthetic plan."""
    settings.DIEUHANH_DUCKDB_PATH = tmp_path_factory.mktemp("store") / "dossiers.duckdb"
    settings.DIEUHANH_DEMO_DOSSIERS = 20_000
    settings.DIEUHANH_DEMO_TASKS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing strength is Django's business, not what these tests check; keep the suite fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client(make_user):
    """``api_client("name", "26743", "reporter")`` → an HTTP client sending that new person's bearer token."""
    from django.test import Client

    from dieuhanh.accounts.services import token_create

    def make(username: str, unit_code: str, role: str):
        user = make_user(username, unit_code, role)
        _, secret = token_create(actor=user, user=user, name="tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


@pytest.fixture
def web_client(make_user):
    """``web_client("name", "26743", "reporter")`` → a browser-like client signed in as that new person."""
    from django.test import Client

    def make(username: str, unit_code: str, role: str):
        make_user(username, unit_code, role)
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        return client

    return make


@pytest.fixture
def hcmc(db) -> dict[str, Unit]:
    """Viet Nam, Ho Chi Minh City with its 168 commune-level units, and the city's departments and bodies."""
    units_load_official(actor=SYSTEM, rows=national_rows({CITY}) + hcmc_body_rows())
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def make_user(hcmc):
    """``make_user("name", "26743", "reporter")``: an account holding one role on one unit."""

    def make(username: str, unit_code: str, role: str | Role, **extra):
        return user_create(actor=SYSTEM, username=username, password=PASSWORD, unit=hcmc[unit_code], role=str(role), **extra)

    return make


D = dt.date


@pytest.fixture
def plan(hcmc):
    """Kế hoạch 4354 in small: two groups; tasks led by departments and by Phường Bến Thành; one with sub-tasks."""
    p = plan_create(actor=SYSTEM, issuer=hcmc["79"], number="4354/KH-UBND", title="Kế hoạch thực hiện Nghị quyết 57",
                    issued_on=D(2025, 3, 1), period_start=D(2025, 1, 1), period_end=D(2030, 12, 31))
    g1 = group_create(actor=SYSTEM, plan=p, number=1, title="Lãnh đạo, chỉ đạo")
    g4 = group_create(actor=SYSTEM, plan=p, number=4, title="Hạ tầng số, nền tảng và dịch vụ số")
    task_create(actor=SYSTEM, plan=p, group=g1, code="1.1", title="Ban hành khung quản trị thực hiện Nghị quyết 57",
                lead_unit=hcmc["79.SKHCN"], coordinating_units=[hcmc["79.SNV"], hcmc["79.STC"]], product="Quyết định ban hành",
                start_date=D(2025, 3, 1), deadline=D(2025, 12, 31), key=True, budget_planned=Decimal("1500000000"))
    fund = task_create(actor=SYSTEM, plan=p, group=g4, code="4.1", title="Thành lập Quỹ đầu tư mạo hiểm",
                       lead_unit=hcmc["79.STC"], product="Quỹ hoạt động", start_date=D(2025, 6, 1), deadline=D(2026, 3, 31), key=True)
    task_create(actor=SYSTEM, plan=p, group=g4, parent=fund, code="4.1.1", title="Xây dựng điều lệ quỹ", lead_unit=hcmc["79.STC"],
                start_date=D(2025, 6, 1), deadline=D(2025, 12, 31), weight=Decimal(1))
    task_create(actor=SYSTEM, plan=p, group=g4, parent=fund, code="4.1.2", title="Góp vốn và vận hành quỹ", lead_unit=hcmc["79.STC"],
                start_date=D(2026, 1, 1), deadline=D(2026, 3, 31), weight=Decimal(3))
    task_create(actor=SYSTEM, plan=p, group=g4, code="4.2", title="Phổ cập kỹ năng số cho người dân phường",
                lead_unit=hcmc["26743"], coordinating_units=[hcmc["79.SKHCN"]], start_date=D(2025, 7, 1), deadline=D(2026, 12, 31))
    return p


@pytest.fixture
def registry(hcmc):
    """A small indicator registry: ward dossier counts and rates, a formula, the start-up ecosystem rank."""
    office, city = hcmc["79.VP"], hcmc["79"]
    common = {"actor": SYSTEM, "owner": office, "kind": "operational", "period_type": "yearly", "communes_of": city}
    received = indicator_create(code="HS_TIEPNHAN", name="Số hồ sơ tiếp nhận", value_type="count", aggregation="sum", **common)
    online = indicator_create(code="HS_TRUCTUYEN", name="Số hồ sơ trực tuyến", value_type="count", aggregation="sum", **common)
    indicator_create(code="HS_DUNGHAN", name="Tỷ lệ đúng hạn", value_type="percent", aggregation="weighted_mean", weight_indicator=received, **common)
    indicator_create(code="TYLE_TT", name="Tỷ lệ trực tuyến", value_type="percent", aggregation="none",
                     formula="HS_TRUCTUYEN / HS_TIEPNHAN * 100", **common)
    rank = indicator_create(actor=SYSTEM, owner=hcmc["79.SKHCN"], code="XH_KN", name="Xếp hạng hệ sinh thái khởi nghiệp", kind="strategic",
                            value_type="rank", aggregation="none", reporting_units=[city])
    rule_create(actor=SYSTEM, indicator=online, kind="compare", params={"op": "<=", "expression": "HS_TIEPNHAN"})
    rule_create(actor=SYSTEM, indicator=received, kind="jump", params={"max_change": 0.5}, severity="comment")
    target_set(actor=SYSTEM, indicator=rank, unit=city, year=2025, value=Decimal(110), kind="baseline")
    target_set(actor=SYSTEM, indicator=rank, unit=city, year=2030, value=Decimal(100), label="Top 100")
    return hcmc
