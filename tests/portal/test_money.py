"""The public money page: totals planned, allocated and disbursed by task group, lead unit and funding source, each
computed here by hand from the small published world (tests/portal/conftest.py), with its data table and CSV."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from dieuhanh.plans.models import Task
from dieuhanh.plans.services import task_update
from dieuhanh.portal.services import release_publish
from tests.conftest import SYSTEM
from tests.portal.conftest import AS_OF

# Top-level tasks of the world (sub-tasks 4.1.1 and 4.1.2 are not published on their own), in VND:
#   1.1  group 1, Sở KH&CN      planned 1.500.000.000  allocated 1.200.000.000  disbursed 800.000.000  city
#   4.1  group 4, Sở Tài chính  planned 3.000.000.000  allocated 2.000.000.000  disbursed —            central
#   4.2  group 4, Bến Thành     planned   400.000.000  allocated   300.000.000  disbursed —            city
MONEY = {
    "1.1": {"budget_allocated": Decimal(1_200_000_000), "budget_disbursed": Decimal(800_000_000), "funding_source": "city"},
    "4.1": {"budget_planned": Decimal(3_000_000_000), "budget_allocated": Decimal(2_000_000_000), "funding_source": "central"},
    "4.2": {"budget_planned": Decimal(400_000_000), "budget_allocated": Decimal(300_000_000), "funding_source": "city"},
}


@pytest.fixture
def money_release(world):
    cache.clear()
    for code, changes in MONEY.items():
        task = Task.objects.get(code=code)
        task_update(actor=SYSTEM, task=task, expected_version=task.version, **changes)
    yield release_publish(actor=world["steering"], city=world["steering"].role_assignments.get().unit, as_of=AS_OF)
    cache.clear()


def table(page: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_money_totals_by_group_unit_and_source_in_three_stages(money_release):
    page = Client().get("/cong-khai/ngan-sach/").content.decode()
    assert table(page, "money-sources") == [
        # city: 1.1 + 4.2 → 1,5 + 0,4 = 1,9 tỷ planned; 1,2 + 0,3 = 1,5 tỷ allocated; only 1.1 disbursed
        ["Ngân sách thành phố", "2", "1.900.000.000 đ", "1.500.000.000 đ", "800.000.000 đ"],
        ["Ngân sách trung ương", "1", "3.000.000.000 đ", "2.000.000.000 đ", "—"],
    ]
    assert table(page, "money-groups") == [
        ["4354/KH-UBND · 1. Lãnh đạo, chỉ đạo", "1.500.000.000 đ", "1.200.000.000 đ", "800.000.000 đ"],
        ["4354/KH-UBND · 4. Hạ tầng số, nền tảng và dịch vụ số", "3.400.000.000 đ", "2.300.000.000 đ", "—"],
    ]
    units = table(page, "money-units")
    assert [row[1:] for row in units] == [  # by planned amount, largest first
        ["1", "3.000.000.000 đ", "2.000.000.000 đ", "—"],
        ["1", "1.500.000.000 đ", "1.200.000.000 đ", "800.000.000 đ"],
        ["1", "400.000.000 đ", "300.000.000 đ", "—"],
    ]
    assert "Sở Tài chính" in units[0][0] and "Sở Khoa học và Công nghệ" in units[1][0] and "Bến Thành" in units[2][0]
    # 4,9 tỷ planned; 3,5 tỷ allocated = 71,4 %; 0,8 tỷ disbursed = 16,3 %
    assert "4.900.000.000 đ" in page and "3.500.000.000 đ (71,4 %)" in page and "800.000.000 đ (16,3 %)" in page
    assert 'href="/cong-khai/du-lieu/tasks.csv"' in page and 'href="/cong-khai/du-lieu/task_groups.csv"' in page


def test_the_files_carry_allocation_and_source(money_release):
    rows = {r["task_code"]: r for r in csv.DictReader(io.StringIO(Client().get("/cong-khai/du-lieu/tasks.csv").content.decode("utf-8-sig")))}
    assert (float(rows["1.1"]["budget_allocated"]), rows["1.1"]["funding_source"]) == (1_200_000_000, "city")
    assert (rows["4.2"]["budget_disbursed"], rows["4.2"]["funding_source"]) == ("", "city")
    groups = {r["group"]: r for r in csv.DictReader(io.StringIO(Client().get("/cong-khai/du-lieu/task_groups.csv").content.decode("utf-8-sig")))}
    assert float(groups["4"]["budget_allocated"]) == 2_300_000_000
    card = Client().get("/cong-khai/nhiem-vu/4354_KH-UBND/4.1/").content.decode()
    assert "<dt>Nguồn kinh phí</dt><dd>ngân sách trung ương</dd>" in card and "2.000.000.000 đ" in card
    dictionary = Client().get("/api/3/action/package_show?id=tasks").content.decode()
    assert "chưa có số liệu" not in dictionary and "no data held yet" not in dictionary


def test_money_in_the_csv_is_written_as_a_whole_number_of_dong(money_release):
    rows = {r["task_code"]: r for r in csv.DictReader(io.StringIO(Client().get("/cong-khai/du-lieu/tasks.csv").content.decode("utf-8-sig")))}
    assert (rows["1.1"]["budget_allocated"], rows["1.1"]["budget_disbursed"], rows["4.1"]["budget_planned"]) == (
        "1200000000", "800000000", "3000000000")  # the data dictionary's "number" in VND, no spurious ".0"
    groups = {r["group"]: r for r in csv.DictReader(io.StringIO(Client().get("/cong-khai/du-lieu/task_groups.csv").content.decode("utf-8-sig")))}
    assert groups["4"]["budget_allocated"] == "2300000000"  # 2.000.000.000 + 300.000.000


def test_csv_numbers_keep_their_fraction_and_never_turn_scientific():
    from dieuhanh.portal.files import _cell

    assert [_cell(v) for v in (12.5, 1e16, 1.5e12, 0.1, 3.0, None, Decimal("1200000000.0000"), Decimal("2.50"), 7, "7.0")] == [
        "12.5", "10000000000000000", "1500000000000", "0.1", "3", "", "1200000000", "2.50", 7, "7.0"]
