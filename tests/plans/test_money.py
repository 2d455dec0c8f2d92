"""A task's money in its stages (planned, allocated, disbursed) and its funding source: validation by the service,
the API, the task page, the audit trail, and the appendix's optional columns both ways (older files without them
still import and change nothing they do not name)."""

import io
import json
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Invalid
from dieuhanh.messages import render
from dieuhanh.plans.excel import appendix_xlsx, plan_import
from dieuhanh.plans.models import Task
from dieuhanh.plans.services import plan_create, task_update
from tests.conftest import SYSTEM

D = Decimal
BILLION = D(1_000_000_000)


def update(code, **changes):
    task = Task.objects.get(code=code)
    return task_update(actor=SYSTEM, task=task, expected_version=task.version, **changes)


def problems(code, **changes):
    with pytest.raises(Invalid) as raised:
        update(code, **changes)
    return [(d["field"], d["code"]) for d in raised.value.details]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"budget_allocated": D(-1)}, [("budget_allocated", "negative")]),
    ({"budget_disbursed": D(-5)}, [("budget_disbursed", "negative")]),
    # 1 tỷ allocated, 1,2 tỷ disbursed: money is disbursed only once it is allocated.
    ({"budget_allocated": BILLION, "budget_disbursed": D("1200000000")}, [("budget_disbursed", "disbursed_over_allocated")]),
    ({"funding_source": "ngân sách tỉnh"}, [("funding_source", "unknown_funding_source")]),
])
def test_amounts_that_cannot_be_are_refused_naming_the_field(plan, changes, expected):
    assert problems("1.1", **changes) == expected
    assert Task.objects.get(code="1.1").budget_allocated is None  # nothing saved


@pytest.mark.parametrize("changes", [
    {"budget_allocated": BILLION, "budget_disbursed": BILLION},  # all of it disbursed
    {"budget_disbursed": D(300_000_000)},  # nothing allocated recorded: disbursed cannot be compared
    {"budget_allocated": D(0), "funding_source": "socialised"},
    {"budget_allocated": D(2) * BILLION},  # more allocated than planned (a supplementary allocation) is allowed
])
def test_amounts_that_can_be_are_saved(plan, changes):
    task = update("1.1", **changes)
    assert {name: getattr(Task.objects.get(pk=task.pk), name) for name in changes} == changes


def test_the_refusal_is_said_in_vietnamese():
    with translation.override("vi"):
        assert render("disbursed_over_allocated", {}) == ("Số kinh phí đã giải ngân lớn hơn số kinh phí được giao/phân bổ: "
                                                          "kinh phí chỉ được giải ngân khi đã được phân bổ.")


def test_a_change_of_allocation_or_source_is_audited(plan):
    update("1.1", budget_allocated=D(1_200_000_000), funding_source="city")
    event = AuditEvent.objects.filter(action="task_update").latest("id")
    assert event.changes["budget_allocated"] == [None, "1200000000"]
    assert event.changes["funding_source"] == ["", "city"]


def patch(client, path, body):
    return client.patch(path, data=json.dumps(body), content_type="application/json")


def test_the_api_reads_and_writes_the_three_stages_and_the_source(plan, api_client):
    city = api_client("bcd", "79", "steering")
    task = Task.objects.get(code="4.1")
    body = patch(city, f"/api/tasks/{task.pk}", {"version": task.version, "budget_planned": 3_000_000_000,
                                                  "budget_allocated": 2_000_000_000, "budget_disbursed": 500_000_000,
                                                  "funding_source": "central"}).json()
    assert (body["budget_planned"], body["budget_allocated"], body["budget_disbursed"], body["funding_source"]) == (
        "3000000000", "2000000000", "500000000", "central")
    over = patch(city, f"/api/tasks/{task.pk}", {"version": body["version"], "budget_disbursed": 2_500_000_000})
    # The rule of the domain: 422 with its code; the column's limits: 400 naming the field.
    assert over.status_code == 422 and [d["code"] for d in over.json()["error"]["details"]] == ["disbursed_over_allocated"]
    unknown = patch(city, f"/api/tasks/{task.pk}", {"version": body["version"], "funding_source": "tinh"})
    assert unknown.status_code == 422 and [d["code"] for d in unknown.json()["error"]["details"]] == ["unknown_funding_source"]
    for bad in ({"budget_allocated": -1}, {"budget_allocated": 1e30}, {"funding_source": "x" * 13}):
        response = patch(city, f"/api/tasks/{task.pk}", {"version": body["version"], **bad})
        assert response.status_code == 400, (bad, response.content)
        assert [d["field"].split(".")[0] for d in response.json()["error"]["details"]] == [next(iter(bad))]
    created = city.post(f"/api/plans/{plan.pk}/tasks", data=json.dumps({
        "group": 4, "code": "4.9", "title": "Trung tâm dữ liệu", "lead_unit": "79.SKHCN", "budget_planned": 100,
        "budget_allocated": 80, "funding_source": "oda"}), content_type="application/json")
    assert created.status_code == 201 and (created.json()["budget_allocated"], created.json()["funding_source"]) == ("80", "oda")


def test_the_task_page_shows_the_three_stages_and_the_source(plan, web_client):
    update("1.1", budget_allocated=D(1_200_000_000), budget_disbursed=D(800_000_000), funding_source="city")
    client = web_client("bcd", "79", "steering")
    page = client.get(f"/tasks/{Task.objects.get(code='1.1').pk}/").content.decode()
    assert "1.500.000.000 đ / 1.200.000.000 đ / 800.000.000 đ" in page
    assert "<dt>Nguồn kinh phí</dt><dd>ngân sách thành phố</dd>" in page


# ---------------------------------------------------------------- the appendix

def test_the_appendix_carries_allocation_and_source_both_ways(plan, hcmc):
    update("1.1", budget_allocated=D(1_200_000_000), funding_source="city")
    update("4.1", budget_planned=D(3_000_000_000), budget_allocated=D(2_500_000_000), funding_source="central")
    content = appendix_xlsx(plan)
    ws = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in ws[5]]
    rows = {r[header.index("Mã nhiệm vụ")]: r for r in ws.iter_rows(min_row=6, values_only=True)}
    allocated, source = header.index("Kinh phí được giao/phân bổ (triệu đồng)"), header.index("Nguồn kinh phí")
    assert (rows["1.1"][allocated], rows["1.1"][source]) == (1200, "ngân sách thành phố")  # million VND
    assert (rows["4.1"][allocated], rows["4.1"][source]) == (2500, "ngân sách trung ương")
    assert (rows["4.2"][allocated], rows["4.2"][source]) == (None, None)
    copy = plan_create(actor=SYSTEM, issuer=hcmc["79"], number="99/KH-UBND", title="Bản sao", issued_on=plan.issued_on,
                       period_start=plan.period_start, period_end=plan.period_end)
    plan_import(actor=SYSTEM, plan=copy, content=content)
    assert sorted(copy.tasks.exclude(budget_allocated=None).values_list("code", "budget_allocated", "funding_source")) == [
        ("1.1", D(1_200_000_000), "city"), ("4.1", D(2_500_000_000), "central")]


def test_an_older_appendix_without_the_money_columns_still_imports_and_keeps_them(plan):
    content = appendix_xlsx(plan)
    update("1.1", budget_allocated=D(1_200_000_000), funding_source="city")  # recorded after the file was made
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    header = [c.value for c in ws[5]]
    for name in ("Nguồn kinh phí", "Kinh phí được giao/phân bổ (triệu đồng)"):  # the layout before these columns
        ws.delete_cols(header.index(name) + 1)
        header.remove(name)
    buf = io.BytesIO()
    wb.save(buf)
    result = plan_import(actor=SYSTEM, plan=plan, content=buf.getvalue())
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    task = Task.objects.get(code="1.1")
    assert (task.budget_planned, task.budget_allocated, task.funding_source) == (D(1_500_000_000), D(1_200_000_000), "city")
