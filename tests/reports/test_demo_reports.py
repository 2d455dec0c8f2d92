"""The shipped templates generate for the demo as of 30/11/2026 and pass the Decree 30 checker; Phụ lục I lists
exactly the tasks the statistics count, in the same official columns."""

import datetime as dt
import io
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from docx import Document

from dieuhanh.core.reports import decree30
from dieuhanh.plans import selectors as plans
from dieuhanh.plans.models import Plan
from dieuhanh.reports.services import report_build
from tests.conftest import SYSTEM
from tests.reports.test_reports import appendix_table


@pytest.mark.django_db
def test_the_demo_reports_pass_the_checker_and_agree_with_the_statistics():
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    plan = Plan.objects.get(number="4354/KH-UBND")
    as_of = dt.date(2026, 11, 30)
    built = {}
    for template in ("city-periodic", "brief"):
        report = report_build(actor=SYSTEM, template=template, plan=plan, unit=plan.issuer, as_of=as_of, number=12,
                              issued_on=dt.date(2026, 12, 5))
        built[template] = bytes(report.content)
        assert decree30.check(io.BytesIO(built[template])) == [], template
    total, _rows = plans.statistics(plans.task_queryset(SYSTEM, plans.TaskFilter(plan=plan)), "group", as_of)
    doc = Document(io.BytesIO(built["city-periodic"]))
    rows = appendix_table(doc, "I")[1:]
    assert len(rows) == total.total
    labels = {"Hoàn thành đúng hạn": "completed_on_time", "Hoàn thành quá hạn": "completed_late",
              "Đang thực hiện trong hạn": "within_deadline", "Quá hạn": "overdue"}
    assert Counter(labels[r[6]] for r in rows) == Counter({k: v for k, v in total.counts.items() if v})
