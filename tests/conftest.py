"""Shared fixtures: a real HCMC unit tree in the real database, and people holding roles on it."""

from __future__ import annotations

import pytest

from dieuhanh.access.models import Role
from dieuhanh.access.policy import SystemActor
from dieuhanh.accounts.services import user_create
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
def _fast_password_hashing(settings):
    """Hashing strength is Django's business, not what these tests check; keep the suite fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
