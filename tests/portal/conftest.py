"""A small published world: the small 4354 plan with an approved extension and a completed task, city indicators
approved before the release date, one value approved after it, one never approved, and people whose names,
usernames and e-mails must never reach the public."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dieuhanh.indicators.services import indicator_create, target_set, value_set, values_approve, values_submit
from dieuhanh.plans.models import Task
from dieuhanh.plans.services import extension_decide, extension_request, report_approve, report_save
from dieuhanh.portal.services import release_publish
from tests.conftest import SYSTEM, at_nine

AS_OF = dt.date(2026, 6, 30)
UNAPPROVED = Decimal("777.77")  # entered for Bến Thành, never approved
LATE = Decimal("555.55")  # Sài Gòn's value, approved on 15/07/2026, after the release date
PEOPLE = [  # username, unit, role, full name, e-mail
    ("lanhdao.thanhpho", "79", "steering", "Trần Thị Chỉ Đạo", "chidao@tphcm.example.vn"),
    ("duyet.skhcn", "79.SKHCN", "approver", "Lê Văn Duyệt Riêng", "duyet.rieng@skhcn.example.vn"),
    ("baocao.benthanh", "26743", "reporter", "Phạm Thị Báo Cáo", "baocao.bt@benthanh.example.vn"),
]


@pytest.fixture
def people(make_user):
    return {u: make_user(u, unit, role, full_name=name, email=mail) for u, unit, role, name, mail in PEOPLE}


@pytest.fixture
def world(plan, hcmc, people, clock):
    """The data, built along the calendar (each fact on its day), then the clock back at 30/06/2026 09:00."""
    steering, reporter = people["lanhdao.thanhpho"], people["baocao.benthanh"]
    clock.move_to(at_nine(dt.date(2026, 1, 10)))
    city, ben_thanh, sai_gon = hcmc["79"], hcmc["26743"], hcmc["26740"]
    share = indicator_create(actor=SYSTEM, owner=hcmc["79.SKHCN"], code="KTS_GRDP", name="Tỷ trọng kinh tế số trong GRDP", kind="strategic",
                             measure="%", value_type="percent", aggregation="none", reporting_units=[city],
                             methodology="Giá trị tăng thêm của kinh tế số chia cho GRDP theo giá hiện hành", source="Cục Thống kê")
    target_set(actor=SYSTEM, indicator=share, unit=city, year=2030, value=Decimal(30), value_high=Decimal(40), label="30–40 %")
    target_set(actor=SYSTEM, indicator=share, unit=city, year=2024, value=Decimal(20), kind="baseline")
    value_set(actor=SYSTEM, indicator=share, unit=city, period="2025", value=Decimal("24.5"))
    values_submit(actor=SYSTEM, unit=city, period="2025")
    values_approve(actor=SYSTEM, unit=city, period="2025")
    wards = indicator_create(actor=SYSTEM, owner=hcmc["79.VP"], code="HS_TIEPNHAN", name="Số hồ sơ tiếp nhận", kind="operational",
                             measure="hồ sơ", value_type="number", aggregation="sum", communes_of=city)
    value_set(actor=SYSTEM, indicator=wards, unit=ben_thanh, period="2025", value=UNAPPROVED)
    value_set(actor=SYSTEM, indicator=wards, unit=sai_gon, period="2025", value=LATE)
    values_submit(actor=SYSTEM, unit=sai_gon, period="2025")
    # The fund's deadline moved on 20/03/2026 (approved extension); task 1.1 completed and approved on 05/01/2026.
    fund = Task.objects.get(code="4.1")
    clock.move_to(at_nine(dt.date(2026, 3, 15)))
    change = extension_request(actor=SYSTEM, task=fund, new_deadline=dt.date(2026, 9, 30), reason="Chờ ý kiến Bộ Tài chính")
    clock.move_to(at_nine(dt.date(2026, 3, 20)))
    extension_decide(actor=SYSTEM, change=change, approve=True, note="Đồng ý")
    first = Task.objects.get(code="1.1")
    report = report_save(actor=SYSTEM, task=first, period="2025-12", percent=Decimal(100), completed=True, completed_on=dt.date(2025, 12, 20),
                         submit=True)
    report_approve(actor=SYSTEM, report=report, expected_version=report.version, approved_on=dt.date(2026, 1, 5))
    clock.move_to(at_nine(dt.date(2026, 7, 15)))
    values_approve(actor=SYSTEM, unit=sai_gon, period="2025")
    clock.move_to(at_nine(dt.date(2026, 7, 20)))
    return {"steering": steering, "reporter": reporter, "fund": fund, "first": first}


@pytest.fixture
def release(world):
    return release_publish(actor=world["steering"], city=world["steering"].role_assignments.get().unit, as_of=AS_OF)
