"""Steering pages at scale: each makes at most 30 queries, and the same number whatever the number of tasks; the
steering inbox counts the overdue tasks of the units one steers (it said "Quá hạn (0)" for the steering
committee while the plan had overdue tasks)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dieuhanh.indicators.services import indicator_create, target_set, value_set, values_approve, values_submit, values_unapprove
from dieuhanh.plans.models import Task
from dieuhanh.plans.selectors import inbox
from dieuhanh.plans.services import report_approve, report_save, task_create, task_set_state
from tests.conftest import SYSTEM

D = dt.date
UNITS = ["79.SKHCN", "79.STC", "26743", "79.SNV", "26740"]


def add_tasks(plan, hcmc, first: int, n: int) -> None:
    """``n`` more tasks over five units: some overdue, one completed late, one cancelled, some with approved reports."""
    group = plan.groups.get(number=4)
    for i in range(first, first + n):
        t = task_create(actor=SYSTEM, plan=plan, group=group, code=f"9.{i}", title=f"Nhiệm vụ {i}", lead_unit=hcmc[UNITS[i % 5]],
                        start_date=D(2025, 6, 1), deadline=D(2026, 6, 30) if i % 3 else D(2027, 6, 30), key=i % 4 == 0)
        if i % 7 == 0:
            report = report_save(actor=SYSTEM, task=t, period="2026-10", percent=Decimal(40), submit=True)
            report_approve(actor=SYSTEM, report=report, expected_version=report.version, approved_on=D(2026, 11, 5))
        if i % 10 == 1:
            t.refresh_from_db()
            task_set_state(actor=SYSTEM, task=t, state="cancelled", note="không còn phù hợp", expected_version=t.version)


def indicators(hcmc) -> None:
    city, skhcn = hcmc["79"], hcmc["79.SKHCN"]
    grdp = indicator_create(actor=SYSTEM, owner=skhcn, code="KTS_GRDP", name="Tỷ trọng kinh tế số trong GRDP", kind="strategic",
                            value_type="percent", aggregation="none", reporting_units=[city])
    target_set(actor=SYSTEM, indicator=grdp, unit=city, year=2030, value=Decimal(40))
    target_set(actor=SYSTEM, indicator=grdp, unit=city, year=2024, value=Decimal(20), kind="baseline")
    value_set(actor=SYSTEM, indicator=grdp, unit=city, period="2025", value=Decimal(23))
    values_submit(actor=SYSTEM, unit=city, period="2025")
    values_approve(actor=SYSTEM, unit=city, period="2025")
    received = indicator_create(actor=SYSTEM, owner=hcmc["79.VP"], code="HS_TIEPNHAN", name="Hồ sơ tiếp nhận", kind="operational",
                                value_type="count", aggregation="sum", communes_of=city)
    for code in ("26740", "26743"):
        value_set(actor=SYSTEM, indicator=received, unit=hcmc[code], period="2025", value=Decimal(1000))
        values_submit(actor=SYSTEM, unit=hcmc[code], period="2025")
        values_approve(actor=SYSTEM, unit=hcmc[code], period="2025")


def queries(client, url: str) -> int:
    client.get(url)  # sessions, caches: what a warm page does
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_every_steering_page_makes_at_most_30_queries_whatever_the_number_of_tasks(plan, hcmc, web_client, api_client):
    indicators(hcmc)
    web = web_client("bcd", "79", "steering")
    api = api_client("bcd.api", "79", "steering")
    ward = web_client("benthanh.canbo", "26743", "reporter")
    leader = web_client("skhcn.lanhdao", "79.SKHCN", "approver")
    pages = {
        "plan overview": (web, f"/plans/{plan.pk}/"),
        "statistics": (web, f"/plans/{plan.pk}/statistics/?since=01/01/2026"),
        "statistics by unit": (web, f"/plans/{plan.pk}/statistics/?by=unit"),
        "task list": (web, f"/tasks/?plan={plan.pk}"),
        "red tasks": (web, f"/tasks/?plan={plan.pk}&colour=red"),
        "overdue tasks": (web, "/tasks/?official=overdue"),
        "steering inbox": (web, "/inbox/"),
        "ward inbox": (ward, "/inbox/"),
        "API task list": (api, f"/api/tasks?plan={plan.pk}"),
        "API statistics": (api, f"/api/plans/{plan.pk}/statistics?by=unit"),
        "indicator scorecard": (web, "/units/79/scorecard/"),
        "home: steering": (web, "/"),
        "home: department leader": (leader, "/"),
        "home: ward reporter": (ward, "/"),
    }
    add_tasks(plan, hcmc, 1, 5)  # 10 tasks in all
    few = {name: queries(client, url) for name, (client, url) in pages.items()}
    add_tasks(plan, hcmc, 6, 50)  # 60
    many = {name: queries(client, url) for name, (client, url) in pages.items()}
    assert many == few
    assert max(many.values()) <= 30, many


@pytest.mark.today(D(2026, 11, 30))
def test_the_steering_inbox_counts_the_overdue_tasks_of_the_plan(plan, hcmc, make_user, web_client):
    # On 30/11/2026 (deadlines: 1.1 and 4.1.1 on 31/12/2025, 4.1 and 4.1.2 on 31/03/2026, 4.2 on 31/12/2026) four
    # tasks are open past their deadline; 4.2 is within its deadline. A cancelled overdue task does not count.
    group = plan.groups.get(number=1)
    dropped = task_create(actor=SYSTEM, plan=plan, group=group, code="1.2", title="Nhiệm vụ đã hủy", lead_unit=hcmc["79.SKHCN"],
                          start_date=D(2025, 3, 1), deadline=D(2025, 9, 30))
    task_set_state(actor=SYSTEM, task=dropped, state="cancelled", note="không còn phù hợp", expected_version=dropped.version)
    steering = make_user("bcd", "79", "steering")
    box = inbox(steering)
    assert box.overdue.total == 4
    assert sorted(v.task.code for v in box.overdue) == ["1.1", "4.1", "4.1.1", "4.1.2"]
    assert {v.task.code: v.as_of.days_overdue for v in box.overdue}["1.1"] == 334  # 31/12/2025 → 30/11/2026
    # The ward's reporter sees only what its ward leads (4.2, within its deadline).
    assert inbox(make_user("benthanh.canbo", "26743", "reporter")).overdue.total == 0
    page = web_client("bcd.web", "79", "steering").get("/inbox/").content.decode()
    assert "Quá hạn (4)" in page
    assert Task.objects.filter(plan=plan).count() == 6


def test_the_scorecard_read_once_shows_what_the_indicator_pages_read_cell_by_cell(hcmc):
    from dieuhanh.indicators.models import Indicator
    from dieuhanh.indicators.selectors import Preloaded, on_track, scorecard_rows, series

    indicators(hcmc)
    indicator_create(actor=SYSTEM, owner=hcmc["79.VP"], code="HS_GAPDOI", name="Gấp đôi hồ sơ tiếp nhận", kind="operational",
                     value_type="count", aggregation="none", communes_of=hcmc["79"], formula="HS_TIEPNHAN * 2")
    for code in ("79", "26743"):
        unit, store = hcmc[code], Preloaded(hcmc[code])
        for indicator in Indicator.objects.all():
            assert series(indicator, unit, official_only=True, store=store) == series(indicator, unit, official_only=True)
            assert on_track(indicator, unit, official_only=True, store=store) == on_track(indicator, unit, official_only=True)
    rows = {r["indicator"].code: r for r in scorecard_rows(hcmc["79"])}
    assert sorted(rows) == ["HS_GAPDOI", "HS_TIEPNHAN", "KTS_GRDP"]
    assert rows["HS_TIEPNHAN"]["last"][1].value == 2000  # two wards of 1.000 each, rolled up
    assert rows["HS_GAPDOI"]["last"][1].value == 4000
    assert rows["KTS_GRDP"]["last"][1].value == 23


def test_the_kept_scorecard_shows_a_corrected_value_at_once(hcmc, web_client):
    from dieuhanh.indicators.models import Indicator, Value

    indicators(hcmc)
    client = web_client("bcd", "79", "steering")

    def grdp() -> str:  # the latest value in the row of KTS_GRDP
        page = client.get("/units/79/scorecard/").content.decode()
        return re.search(r'KTS_GRDP/.*?<td class="num">([^<]*)</td>', page, re.S).group(1).strip()

    grdp()
    assert grdp() == "23"
    city = hcmc["79"]
    values_unapprove(actor=SYSTEM, unit=city, period="2025", reason="Số liệu Cục Thống kê điều chỉnh")
    value = Value.objects.get(unit=city, period="2025", indicator__code="KTS_GRDP")
    value_set(actor=SYSTEM, indicator=Indicator.objects.get(code="KTS_GRDP"), unit=city, period="2025", value=Decimal(25),
              expected_version=value.version)
    values_submit(actor=SYSTEM, unit=city, period="2025")
    values_approve(actor=SYSTEM, unit=city, period="2025")
    assert grdp() == "25"


def test_counts_kept_between_requests_follow_every_change(plan, hcmc, make_user):
    from dieuhanh.plans.selectors import TaskFilter, colour_counts, statistics, task_list, task_queryset
    from dieuhanh.plans.services import extension_decide, extension_request, plan_update

    steering = make_user("bcd", "79", "steering")
    day = D(2026, 11, 30)

    def overdue():
        total, _ = statistics(task_queryset(steering, TaskFilter(plan=plan)), "group", day)
        listed = task_list(steering, TaskFilter(plan=plan, official="overdue"), day)
        return total.counts["overdue"], len(listed), inbox(steering, day=day).overdue.total

    assert overdue() == (2, 4, 4)  # top-level 1.1 and 4.1; with the sub-tasks 4.1.1 and 4.1.2
    change = extension_request(actor=SYSTEM, task=Task.objects.get(code="1.1"), new_deadline=D(2026, 12, 31), reason="Chờ ý kiến Bộ")
    extension_decide(actor=SYSTEM, change=change, approve=True, decided_on=day)
    assert overdue() == (1, 3, 3)
    # 4.2 (Bến Thành, 01/07/2025 → 31/12/2026) has no approved report: grey; the rule's thresholds do not matter for it,
    # but for a task with a report they do: 40 % approved on 05/11/2026 for 4.2, 94 % of its time elapsed on 30/11.
    report = report_save(actor=SYSTEM, task=Task.objects.get(code="4.2"), period="2026-10", percent=Decimal(40), submit=True)
    report_approve(actor=SYSTEM, report=report, expected_version=report.version, approved_on=D(2026, 11, 5))
    tasks = task_queryset(steering, TaskFilter(plan=plan))
    assert colour_counts(tasks, day).get("red") == 2  # 4.1 overdue, 4.2 54 points behind (517 of 548 days)
    plan_update(actor=SYSTEM, plan=plan, expected_version=plan.version, warning_rule={"green_gap": 10, "red_gap": 60})
    assert colour_counts(tasks, day).get("red") == 1 and colour_counts(tasks, day).get("orange") == 1


@pytest.mark.today(D(2026, 11, 30))
def test_the_inbox_links_a_long_list_to_all_of_it_paged(plan, hcmc, web_client):
    # The plan's four overdue tasks (1.1, 4.1, 4.1.1, 4.1.2) and 60 more, all past 31/03/2026 and open: 64.
    group = plan.groups.get(number=4)
    for i in range(60):
        task_create(actor=SYSTEM, plan=plan, group=group, code=f"8.{i}", title=f"Nhiệm vụ quá hạn {i}", lead_unit=hcmc["79.STC"],
                    start_date=D(2025, 6, 1), deadline=D(2026, 3, 31))
    client = web_client("bcd.all", "79", "steering")
    page = client.get("/inbox/").content.decode()
    overdue = page[page.index("Quá hạn (64)"):]
    overdue = overdue[:overdue.index("</section>")]
    assert overdue.count("<li>") == 50  # the inbox shows the first 50
    assert 'href="/inbox/overdue/">Xem tất cả (64)' in overdue
    assert "Xem tất cả" not in page[:page.index("Quá hạn (64)")]  # the short lists link nowhere
    rows = []
    for number in (1, 2, 3):  # 30 a page
        listed = client.get(f"/inbox/overdue/?page={number}").content.decode()
        items = listed[listed.index('id="inbox-items"'):]
        rows += re.findall(r'<a href="/tasks/\d+/">([\d.]+)</a>', items[:items.index("</ul>")])
    assert len(rows) == 64 and len(set(rows)) == 64
    assert "Hiển thị 61–64 trong 64" in listed
    found = client.get("/inbox/overdue/?q=quá hạn 1").content.decode()
    assert found.count("Nhiệm vụ quá hạn 1") == 11  # 1, 10–19
    assert client.get("/inbox/no-such-list/").status_code == 404
