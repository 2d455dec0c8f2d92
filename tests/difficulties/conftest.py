"""Fixtures of the difficulties register: the demo's cast on real HCMC units (a ward that raises, the city's
steering committee that assigns and closes, a department that answers) and an item at each step."""

from __future__ import annotations

import pytest

from dieuhanh.difficulties.services import difficulty_answer, difficulty_assign, difficulty_raise
from tests.conftest import BEN_THANH, CITY, D, DEPARTMENT


@pytest.fixture
def cast(make_user):
    """ward: reporter of Phường Bến Thành; steering: the city's steering committee; dept: reporter of Sở KH&CN."""
    return {"ward": make_user("phuong", BEN_THANH, "reporter"), "steering": make_user("bcd", CITY, "steering"),
            "dept": make_user("so", DEPARTMENT, "reporter")}


@pytest.fixture
def raised(cast, hcmc):
    """An item raised today by Bến Thành, addressed to the city's steering committee (79.BCD57)."""
    return difficulty_raise(actor=cast["ward"], unit=hcmc[BEN_THANH], category="funding", content="Thiếu kinh phí mua máy chủ",
                            proposal="Đề nghị bổ sung kinh phí năm 2027", addressed_to=hcmc["79.BCD57"])


@pytest.fixture
def assigned(raised, cast, hcmc):
    """The raised item assigned to Sở KH&CN, to answer by 15/12/2026."""
    return difficulty_assign(actor=cast["steering"], difficulty=raised, expected_version=1, handling_unit=hcmc[DEPARTMENT],
                             deadline=D(2026, 12, 15))


@pytest.fixture
def answered(assigned, cast):
    return difficulty_answer(actor=cast["dept"], difficulty=assigned, expected_version=2, answer="Sở đã đề xuất bổ sung vào dự toán 2027.")
