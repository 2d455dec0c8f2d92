"""A small plan whose status on 30/11/2026 (the tests' today) is worked out by hand:

    code  lead            key  deadline    what happened                       official on 30/11/2026
    1     Sở KH&CN        yes  30/06/2026  completed 20/06, approved 25/06     completed on time
    2     P. Bến Thành    no   31/05/2026  completed 10/08, approved 12/08     completed late
    3     P. Bến Thành    yes  31/10/2026  nothing reported                    overdue, 30 days
    3.1   P. Bến Thành    no   15/10/2026  (sub-task of 3) nothing             overdue, 46 days (not counted in statistics)
    4     Sở KH&CN        no   30/09/2026  nothing reported                    overdue, 61 days
    5     P. Bến Thành    no   20/12/2026  nothing reported                    within deadline, due in 20 days
    6     Sở Tài chính    no   30/06/2027  nothing reported                    within deadline

So the plan's top-level split is 1 on time, 1 late, 2 within deadline, 2 overdue; of its 2 key tasks, 1 on time and
1 overdue. Red (at risk) are the three overdue tasks, the latest first: 4 (61 days), 3.1 (46), 3 (30). Since the last
report (31/10/2026) one task became overdue: 3. The steering committee asked for an explanation of 3 due 20/11/2026,
not answered (overdue); Bến Thành asked to extend 5 (waiting for a decision).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dieuhanh.plans.services import (
    explanation_request,
    extension_request,
    group_create,
    plan_create,
    report_approve,
    report_save,
    task_create,
)
from tests.conftest import SYSTEM

D = dt.date


def _complete(task, period: str, completed_on: dt.date, approved_on: dt.date) -> None:
    r = report_save(actor=SYSTEM, task=task, period=period, percent=Decimal(100), completed=True, completed_on=completed_on, submit=True)
    report_approve(actor=SYSTEM, report=r, approved_on=approved_on, expected_version=r.version)


@pytest.fixture
def small_plan(hcmc, make_user):
    steering = make_user("bcd", "79", "steering")
    p = plan_create(actor=SYSTEM, issuer=hcmc["79"], number="99/KH-UBND", title="Kế hoạch thử nghiệm buồng lái",
                    issued_on=D(2026, 1, 15), period_start=D(2026, 1, 1), period_end=D(2027, 12, 31))
    g = group_create(actor=SYSTEM, plan=p, number=1, title="Nhiệm vụ chung")

    def task(code, lead, deadline, key=False, parent=None):
        return task_create(actor=SYSTEM, plan=p, group=g, code=code, title=f"Nhiệm vụ {code}", lead_unit=hcmc[lead], parent=parent,
                           start_date=D(2026, 2, 1), deadline=deadline, key=key)

    t1 = task("1", "79.SKHCN", D(2026, 6, 30), key=True)
    t2 = task("2", "26743", D(2026, 5, 31))
    t3 = task("3", "26743", D(2026, 10, 31), key=True)
    task("3.1", "26743", D(2026, 10, 15), parent=t3)
    task("4", "79.SKHCN", D(2026, 9, 30))
    t5 = task("5", "26743", D(2026, 12, 20))
    task("6", "79.STC", D(2027, 6, 30))
    _complete(t1, "2026-06", D(2026, 6, 20), D(2026, 6, 25))
    _complete(t2, "2026-08", D(2026, 8, 10), D(2026, 8, 12))
    explanation_request(actor=steering, task=t3, message="Vì sao chậm?", due_on=D(2026, 11, 20))
    extension_request(actor=SYSTEM, task=t5, new_deadline=D(2027, 3, 31), reason="Chờ kinh phí")
    return p
