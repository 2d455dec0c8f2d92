"""The home page is the cockpit of the person's role, with figures worked out by hand on the small plan
(``conftest.py``) and every figure a link to the list behind it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from dieuhanh.plans.models import Task
from dieuhanh.plans.services import report_return, report_save
from tests.cockpit.pages import get, links, section, task_rows, widget_ids
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db

CITY_BLOCKS = ["status_split", "red_list", "key_overdue", "changes", "decisions", "difficulties", "kpis", "d766", "ward_index",
               "ordered_problems", "report_rounds"]
LEADER_BLOCKS = ["unit_colours", "deadlines", "explanations", "my_difficulties", "indicator_values", "my_d766", "my_index",
                 "report_rounds"]


def _count(fragment: str, marker: str) -> int:
    [(url, text)] = links(fragment, marker)
    return int(text)


def test_the_steering_cockpit_shows_the_city_blocks_with_the_hand_counted_figures(small_plan, web_client):
    client = web_client("lanhdao", "79", "steering")
    page = get(client, "/")
    assert widget_ids(page) == CITY_BLOCKS
    split = section(page, "status_split")
    plain = [int(t) for u, t in links(split, 'data-official') if "key=1" not in u]
    key = [int(t) for u, t in links(split, 'data-key="1"')]
    assert plain == [1, 1, 2, 2]  # on time, late, within deadline, overdue (top-level tasks)
    assert key == [1, 0, 0, 1]
    red = section(page, "red_list")
    assert _count(red, "data-count") == 3
    assert [t for u, t in links(red) if u.startswith("/tasks/") and "?" not in u] == ["4", "3.1", "3"]  # the latest first
    assert ">61<" in red and ">46<" in red and ">30<" in red  # days late
    assert _count(section(page, "key_overdue"), "data-count") == 1
    changes = section(page, "changes")
    # Since the last monthly report (31/10/2026): no new task, none completed, one newly overdue (3), no deadline moved.
    assert "31/10/2026" in changes and [int(t) for u, t in links(changes, "data-count")] == [0, 0, 1, 0]
    assert {u for u, t in links(changes, "data-count")} == {f"/plans/{small_plan.pk}/statistics/?since=2026-10-31&as_of=2026-11-30"}
    assert "Mới chuyển sang quá hạn (1)" in get(client, links(changes, "data-count")[0][0])  # the list behind the figure
    decisions = section(page, "decisions")
    assert _count(decisions, 'data-count="extensions"') == 1 and _count(decisions, 'data-count="explanations"') == 1


def test_every_status_figure_links_to_a_task_list_with_as_many_rows(small_plan, web_client):
    client = web_client("lanhdao", "79", "steering")
    page = get(client, "/")
    checked = 0
    for url, text in links(section(page, "status_split"), "data-official") + links(section(page, "red_list"), "data-count") \
            + links(section(page, "key_overdue"), "data-count"):
        assert url.startswith("/tasks/?")
        assert len(task_rows(client, url)) == int(text), url
        checked += 1
    assert checked == 10
    [(overdue_url, _)] = [(u, t) for u, t in links(section(page, "status_split"), 'data-official="overdue"') if "key=1" not in u]
    assert sorted(task_rows(client, overdue_url)) == ["3", "4"]


def test_the_leader_of_a_ward_sees_the_ward_s_tasks_deadlines_and_explanations(small_plan, web_client):
    client = web_client("chutich.benthanh", "26743", "approver")
    page = get(client, "/")
    assert widget_ids(page) == LEADER_BLOCKS
    colours = section(page, "unit_colours")
    assert _count(colours, 'data-colour="red"') == 2  # 3 and 3.1, both overdue
    assert "4 nhiệm vụ" in colours  # 2, 3, 3.1 and 5 are Bến Thành's
    for url, text in links(colours, "data-colour"):
        assert len(task_rows(client, url)) == int(text)
    deadlines = section(page, "deadlines")
    assert _count(deadlines, "data-count") == 1
    [(url, _)] = links(deadlines, "data-count")
    assert task_rows(client, url) == ["5"]  # due 20/12/2026, within 30 days
    assert _count(section(page, "explanations"), "data-count") == 1


def test_a_reporter_sees_the_inbox_first_with_what_to_report_and_what_was_returned(small_plan, web_client):
    client = web_client("canbo.benthanh", "26743", "reporter")
    five = Task.objects.get(plan=small_plan, code="5")
    report = report_save(actor=SYSTEM, task=five, period="2026-11", percent=Decimal(40), submit=True)
    report_return(actor=SYSTEM, report=report, comment="Bổ sung minh chứng", expected_version=report.version)
    page = get(client, "/")
    assert widget_ids(page)[0] == "inbox"
    inbox = section(page, "inbox")
    # Leaf tasks of Bến Thành still open: 3.1 and 5 (3 has a sub-task, 2 is completed); 5's report was returned.
    assert _count(inbox, 'data-count="to_report"') == 2
    assert _count(inbox, 'data-count="returned"') == 1
    assert "Bổ sung minh chứng" in inbox


def test_a_viewer_sees_the_city_summary(small_plan, web_client):
    client = web_client("xem", "79", "viewer")
    page = get(client, "/")
    assert widget_ids(page) == ["status_split", "kpis", "d766", "ward_index"]


def test_the_steering_home_page_makes_at_most_30_queries(small_plan, web_client, django_assert_max_num_queries):
    client = web_client("lanhdao", "79", "steering")
    get(client, "/")  # warm the caches the way a second visit finds them
    with django_assert_max_num_queries(30) as queries:
        page = get(client, "/")
    assert widget_ids(page) == CITY_BLOCKS and len(queries) <= 30


def test_filters_show_as_removable_badges_and_carry_over_to_the_next_page(small_plan, web_client):
    client = web_client("lanhdao", "79", "steering")
    page = get(client, "/?f=1&unit=26743&key=1")
    assert "Phường Bến Thành" in page and "chỉ nhiệm vụ trọng điểm" in page
    split = section(page, "status_split")
    assert [int(t) for u, t in links(split, "data-official") if 'key=1' in u][:4] == [0, 0, 0, 1]  # only 3 is a key task of Bến Thành
    # The next page's navigation keeps the filters, and the cockpit reopens with them.
    tasks = get(client, "/tasks/")
    assert 'href="/tasks/?f=1&amp;unit=26743&amp;key=1"' in tasks
    again = get(client, "/")
    assert "Phường Bến Thành" in again
    [(remove_unit, _)] = [(u, t) for u, t in links(again, "aria-label") if "unit=" not in u and u.startswith("/?f=1") and "key=1" in u]
    without = get(client, remove_unit)
    assert [int(t) for u, t in links(section(without, "status_split"), 'data-key="1"')] == [1, 0, 0, 1]


@pytest.mark.today(dt.date(2026, 4, 15))
def test_decision_766_blocks_show_the_last_complete_month_scores_ranks_and_points_lost(store, hcmc, web_client):
    # tests/dossiers/hand_made.py: in March 2026 Bến Thành scores 90.32 (rank 1 of the 2 wards with dossiers), Sài Gòn
    # 51.61 (rank 2), Sở KH&CN 95.59; Bến Thành lost 5 points on 2.1 (one overdue dossier) and 1 on 5.4.
    steering = get(web_client("lanhdao", "79", "steering"), "/")
    d766 = section(steering, "d766")
    assert "Tháng 3/2026" in d766  # 15/04: March is the last month that has ended
    lowest = re.findall(r'<li><a href="/d766/units/([^/]+)/\?period=2026-03">[^<]+</a> — ([\d,]+) \(hạng (\d+)\)</li>', d766)
    assert lowest == [("26740", "51,61", "2"), ("26743", "90,32", "1"), ("79.SKHCN", "95,59", "1")]
    leader = get(web_client("chutich.benthanh", "26743", "approver"), "/")
    mine = section(leader, "my_d766")
    assert "90,32" in mine and "1 trên 2" in mine
    assert "2.1" in mine and "−5" in mine and "5.4" in mine and "−1" in mine


def test_kpis_without_values_cannot_be_evaluated_yet(registry, web_client):
    # The registry's five indicators (tests/conftest.py) have no value yet: none is on or off track, all are grey.
    kpis = section(get(web_client("lanhdao", "79", "steering"), "/"), "kpis")
    assert "5 chỉ tiêu" in kpis
    assert [(c, _count(kpis, f'data-colour="{c}"')) for c in ("red", "orange", "green", "grey")] == [("red", 0), ("orange", 0), ("green", 0), ("grey", 5)]
    assert links(kpis)[0] == ("/units/79/scorecard/", "5 chỉ tiêu")  # the scorecard lists them


def test_a_malformed_date_filter_is_refused_and_not_remembered(small_plan, web_client):
    client = web_client("lanhdao", "79", "steering")
    refused = client.get("/?f=1&as_of=31/02/2026")
    assert refused.status_code == 400 and "31/02/2026" in refused.content.decode()
    assert "Không lọc" in get(client, "/")  # the next visit opens without it


def test_a_remembered_plan_out_of_reach_does_not_lock_the_home_page(small_plan, web_client):
    client = web_client("canbo.saigon", "26740", "reporter")  # Sài Gòn leads no task of the plan: it is out of reach
    page = get(client, f"/?f=1&plan={small_plan.pk}")
    assert widget_ids(page)[0] == "inbox" and _count(section(page, "inbox"), 'data-count="to_report"') == 0


def test_the_register_s_counts_show_on_the_steering_cockpit_and_a_ward_sees_what_it_raised(small_plan, hcmc, web_client):
    from dieuhanh.difficulties.services import difficulty_answer, difficulty_assign, difficulty_raise

    def raise_(category, content, on):
        return difficulty_raise(actor=SYSTEM, unit=hcmc["26743"], category=category, content=content, addressed_to=hcmc["79.BCD57"], on=on)

    raise_("funding", "Thiếu kinh phí máy chủ", dt.date(2026, 11, 20))  # waits to be assigned
    land = raise_("land", "Chưa có mặt bằng trạm", dt.date(2026, 8, 1))  # 121 days old
    difficulty_assign(actor=SYSTEM, difficulty=land, expected_version=1, handling_unit=hcmc["79.SKHCN"], deadline=dt.date(2026, 11, 15),
                      on=dt.date(2026, 11, 1))  # its answer is overdue since 15/11
    data = raise_("technology", "Dữ liệu dân cư chưa kết nối", dt.date(2026, 10, 1))  # 60 days old
    data = difficulty_assign(actor=SYSTEM, difficulty=data, expected_version=1, handling_unit=hcmc["79.SKHCN"],
                             deadline=dt.date(2026, 12, 31), on=dt.date(2026, 10, 2))
    difficulty_answer(actor=SYSTEM, difficulty=data, expected_version=2, answer="Đã kết nối qua LGSP.", on=dt.date(2026, 10, 20))

    page = get(web_client("lanhdao", "79", "steering"), "/")
    block = section(page, "difficulties")
    counts = {m: int(t) for m in ("open", "to_assign", "to_close", "overdue") for u, t in links(block, f'data-count="{m}"')}
    assert counts == {"open": 3, "to_assign": 1, "to_close": 1, "overdue": 1}
    ages = {re.search(r'data-age="(\w+)"', a).group(1): a for a in re.findall(r'<a [^>]*data-age="[^"]+"[^>]*>[^<]*</a>', block)}
    assert ages["le_30"].endswith(": 1</a>") and ages["31_90"].endswith(": 1</a>") and ages["gt_90"].endswith(": 1</a>")
    assert _count(section(page, "decisions"), 'data-count="difficulties"') == 2  # one to assign, one to close

    leader = get(web_client("chutich.benthanh", "26743", "approver"), "/")
    mine = section(leader, "my_difficulties")
    assert mine.index("Thiếu kinh phí") < mine.index("Dữ liệu dân cư") < mine.index("Chưa có mặt bằng")  # the newest first
    assert "Đã kết nối qua LGSP." in mine


def test_blocks_built_from_synthetic_dossiers_say_so_and_real_ones_do_not(synthetic_store, web_client):
    steering = get(web_client("lanhdao", "79", "steering"), "/")
    assert "Dữ liệu giả lập" in section(steering, "d766")
    assert "Dữ liệu giả lập" not in section(steering, "status_split")
    leader = get(web_client("chutich.benthanh", "26743", "approver"), "/")
    assert "Dữ liệu giả lập" in section(leader, "my_d766")


def test_blocks_built_from_real_dossiers_are_not_labelled(store, hcmc, web_client):
    assert "Dữ liệu giả lập" not in section(get(web_client("lanhdao", "79", "steering"), "/"), "d766")
