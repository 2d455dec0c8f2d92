"""Shared fixtures: a fixed "today", a real HCMC unit tree in the real database, people holding roles on it, and a
small plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from typing import NamedTuple

import pandas as pd
import pytest
import time_machine
import yaml

from dieuhanh.access.models import Role
from dieuhanh.access.policy import SystemActor
from dieuhanh.accounts.services import user_create
from dieuhanh.core import coin
from dieuhanh.core.coin.examples import ASEM_IDATA, ASEM_IMETA, ASEM_PIPELINE
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


# "Today" for every test: no test reads the machine's clock. The clock still runs from this instant (tick), so
# timeouts, durations and the live server behave; a test that depends on the day says so with
# ``@pytest.mark.today(dt.date(…))`` (09:00 in Ho Chi Minh City on that day), or moves with the ``clock`` fixture.
HCMC_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 11, 30)


def at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=HCMC_TIME)


def pytest_configure(config):
    config.addinivalue_line("markers", "today(date): the day the test runs on, 09:00 in Ho Chi Minh City (default 30/11/2026)")


@pytest.fixture(autouse=True)
def clock(request):
    """Travels the test to its day (the ``today`` marker, else ``TODAY``) with the clock ticking; yields the
    time-machine traveller (``clock.move_to(...)``, ``clock.shift(...)``)."""
    marker = request.node.get_closest_marker("today")
    day = marker.args[0] if marker else TODAY
    with time_machine.travel(at_nine(day), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _private_dossier_store(settings, tmp_path_factory):
    """Each test gets its own DuckDB dossier store (never var/dossiers.duckdb, which a developer's demo may hold
    open), and the demo generates a small synthetic log and no synthetic plan."""
    settings.DIEUHANH_DUCKDB_PATH = tmp_path_factory.mktemp("store") / "dossiers.duckdb"
    settings.DIEUHANH_DEMO_DOSSIERS = 20_000
    settings.DIEUHANH_DEMO_TASKS = 0


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """A test client makes hundreds of requests a minute from one address; tests/portal/test_rate_limit.py sets its own."""
    settings.DIEUHANH_RATE_LIMIT = 0


@pytest.fixture(autouse=True, scope="session")
def _flush_passes_the_truncate_guard():
    """Tests on a live server end with Django's ``flush`` (TRUNCATE of every table), which the append-only tables
    refuse (``audit/append_only.py``): in tests only, flush lifts that guard for its own statement and puts it back."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    from dieuhanh.audit.append_only import APPEND_ONLY_TABLES

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements:
            return statements
        guarded = [t for t in APPEND_ONLY_TABLES if t in tables]
        return ([f"ALTER TABLE {t} DISABLE TRIGGER {t}_no_truncate" for t in guarded] + statements
                + [f"ALTER TABLE {t} ENABLE TRIGGER {t}_no_truncate" for t in guarded])

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(autouse=True)
def _no_sign_in_locks():
    """Each test starts with no failed sign-in counted (accounts/lockout.py keeps them in the cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _jobs_side_connection_closed():
    """Background jobs run in a test write their progress through a second connection (dieuhanh/jobs/runner.py);
    close it so the test database can be dropped."""
    yield
    from dieuhanh.jobs.runner import close_side_connection

    close_side_connection()


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


def allowed_table(text: str) -> dict[str, frozenset[Role]]:
    """A permission table written out in a test: a header naming every role, then one line per action with
    ``yes``/``no`` under each role → {action: the roles allowed}. Lines starting with # are comments."""
    rows = [line.split() for line in text.strip().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    roles = [Role(name) for name in rows[0]]
    assert sorted(roles) == sorted(Role), "the table must have a column for every role"
    table = {}
    for action, *cells in rows[1:]:
        assert len(cells) == len(roles) and set(cells) <= {"yes", "no"}, f"bad row {action}"
        table[action] = frozenset(role for role, cell in zip(roles, cells) if cell == "yes")
    return table


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


class AsemEngine(NamedTuple):
    framework: coin.Framework
    data: coin.UnitData
    steps: list[coin.Step]
    result: coin.Result


@pytest.fixture(scope="module")
def asem_engine() -> AsemEngine:
    """COINr's ASEM example through the engine alone, no database: its framework, data, example pipeline and result."""
    framework = coin.Framework.from_imeta(ASEM_IMETA)
    data = coin.read_idata(ASEM_IDATA, framework)
    steps = coin.load_pipeline(ASEM_PIPELINE)
    return AsemEngine(framework, data, steps, coin.run(framework, data, steps))


@pytest.fixture
def asem(hcmc):
    """The ASEM framework, its 2018 data and COINr's example pipeline, imported as a city administrator would:
    (framework, dataset, methodology)."""
    from dieuhanh.indices.services import dataset_import, framework_import, methodology_save

    framework = framework_import(actor=SYSTEM, owner=hcmc[CITY], code="ASEM", name="ASEM", imeta=pd.read_csv(ASEM_IMETA, dtype=object))
    dataset = dataset_import(actor=SYSTEM, framework=framework, code="ASEM2018", name="ASEM 2018", idata=pd.read_csv(ASEM_IDATA, dtype=object))
    methodology = methodology_save(actor=SYSTEM, framework=framework, code="COINR", name="COINr example",
                                   steps=yaml.safe_load(ASEM_PIPELINE.read_text(encoding="utf-8")))
    return framework, dataset, methodology


@pytest.fixture
def asem_run(asem):
    """The stored run of COINr's example pipeline on ASEM 2018."""
    from dieuhanh.indices.services import index_run

    framework, dataset, methodology = asem
    return index_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=2018)


@pytest.fixture
def store(tmp_path, settings):
    """The hand-made Decision 766 dossier log (tests/dossiers/hand_made.py, scores computed by hand there) as the
    dossier store."""
    from tests.dossiers.hand_made import write_store

    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "dossiers.duckdb"
    write_store(settings.DIEUHANH_DUCKDB_PATH)
    return settings.DIEUHANH_DUCKDB_PATH


@pytest.fixture
def synthetic_store(tmp_path, settings, hcmc):
    """Sixty synthetic dossiers of October 2026 at Bến Thành, Sài Gòn and the science department, with the made-up
    catalogue their procedure codes come from, loaded through the import as the demo loads them."""
    from dieuhanh.core.d766.ingest import PROCEDURES, ingest
    from dieuhanh.demo.synthetic_dossiers import generate, write_catalogue
    from dieuhanh.dossiers.store import connect

    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "dossiers.duckdb"
    agencies = [BEN_THANH, SAI_GON, DEPARTMENT]
    log = generate(tmp_path / "log.parquet", rows=60, agencies=agencies, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31),
                   seed=7, home_province=79)
    con = connect()
    try:
        assert not ingest(con, [log], known_agencies=set(agencies)).rejected_files
        assert not ingest(con, [write_catalogue(tmp_path / "catalogue.parquet", seed=7)], known_agencies=set(), spec=PROCEDURES).rejected_files
    finally:
        con.close()
    return settings.DIEUHANH_DUCKDB_PATH


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
