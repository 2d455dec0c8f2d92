"""A small plan of the city: two groups, tasks led by a department and by a ward, one with sub-tasks."""

import datetime as dt
from decimal import Decimal

import pytest

from dieuhanh.plans.services import group_create, plan_create, task_create
from tests.conftest import SYSTEM

D = dt.date


@pytest.fixture
def plan(hcmc):
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
