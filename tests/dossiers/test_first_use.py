"""What a new user tripped over on the Decision 766 pages (issue 11, item 6): the ranking opening on a running
month, synthetic data not said as such, a ranking too wide to read with no paging or search, and procedure codes
without names. Over the hand-made log (tests/dossiers/hand_made.py: Bến Thành first, Sài Gòn second, data in
February and March 2026) and a small synthetic log loaded the way the demo loads it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from dieuhanh.demo.synthetic_dossiers import SYNTHETIC_LABEL, procedure_catalogue
from tests.dossiers.hand_made import BEN_THANH, SAI_GON

pytestmark = pytest.mark.django_db

SYNTHETIC_NOTE = 'id="synthetic-note"'


@pytest.fixture
def viewer(web_client):
    return web_client("xem.d766", "26743", "viewer")


def _rows(html: str, table_id: str) -> list[str]:
    table = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    return re.findall(r'<tr data-code="([^"]+)"', table)


# ----------------------------------------------------------------------------------------------- opening month


@pytest.mark.today(dt.date(2026, 3, 26))
def test_the_ranking_opens_on_the_last_complete_month_not_the_running_one(store, viewer):
    html = viewer.get("/d766/").content.decode()
    # March is running (26 days of it): the page opens on February, the last complete month with dossiers.
    assert '<h2 id="d766-span">Tháng 2/2026</h2>' in html
    assert '<option value="2026-02" selected>' in html


# ----------------------------------------------------------------------------------------------- synthetic data


def test_real_logs_are_not_labelled_synthetic(store, viewer):
    assert SYNTHETIC_NOTE not in viewer.get("/d766/?period=2026-03").content.decode()
    text = viewer.get("/d766/export.csv?period=2026-03").content.decode("utf-8-sig")
    assert "giả lập" not in text


def test_every_page_built_from_a_synthetic_log_says_so(synthetic_store, viewer):
    for url in ("/d766/?period=2026-10", f"/d766/units/{BEN_THANH}/?period=2026-10",
                f"/d766/units/{BEN_THANH}/drilldown/?by=procedure&period=2026-10"):
        html = viewer.get(url).content.decode()
        assert SYNTHETIC_NOTE in html and "Dữ liệu giả lập" in html and SYNTHETIC_LABEL in html, url


def test_every_export_of_a_synthetic_log_says_so(synthetic_store, viewer, api_client):
    rows = list(csv.DictReader(io.StringIO(viewer.get("/d766/export.csv?period=2026-10").content.decode("utf-8-sig"))))
    assert rows and all(r["Dữ liệu giả lập (không phải số liệu thật)"] == SYNTHETIC_LABEL for r in rows)
    sheet = load_workbook(io.BytesIO(viewer.get(f"/d766/units/{BEN_THANH}/export.xlsx?period=2026-10").content)).worksheets[0]
    assert sheet.cell(row=2, column=1).value == f"Dữ liệu giả lập (không phải số liệu thật): {SYNTHETIC_LABEL}"
    api = api_client("api.d766", "26743", "viewer")
    assert api.get("/api/d766/ranking?period=2026-10").json()["synthetic"] == SYNTHETIC_LABEL
    assert api.get(f"/api/d766/units/{BEN_THANH}/scorecard?period=2026-10").json()["synthetic"] == SYNTHETIC_LABEL


# ----------------------------------------------------------------------------------------------- procedure names


def test_the_drilldown_names_each_procedure_and_says_the_names_are_made_up(synthetic_store, viewer):
    html = viewer.get(f"/d766/units/{BEN_THANH}/drilldown/?by=procedure&period=2026-10").content.decode()
    names = dict(zip(procedure_catalogue(seed=7)["code"].to_pylist(), procedure_catalogue(seed=7)["name"].to_pylist()))
    keys = re.findall(r'<tr data-key="([^"]+)"', html)
    assert keys
    for key in keys:
        row = html.split(f'<tr data-key="{key}"')[1].split("</tr>")[0]
        assert f'<span class="procedure-name">{names[key]}</span>' in row and "(tên giả lập)" in row


# ----------------------------------------------------------------------------------------------- paging, search


def test_the_ranking_shows_thirty_units_a_page_in_rank_order_with_seven_columns(store, viewer):
    html = viewer.get("/d766/?period=2026-03").content.decode()
    communes = _rows(html, "d766-communes")
    assert len(communes) == 30 and communes[:2] == [BEN_THANH, SAI_GON]
    assert "Hiển thị 1–30 trong 168" in html and "Trang 1/6" in html
    header = html.split('id="d766-communes"')[1].split("</thead>")[0]
    assert header.count("<th ") == 7  # rank, unit, total, band, on time, dossiers, outside own ward
    last = viewer.get("/d766/?period=2026-03&page=6").content.decode()
    assert len(_rows(last, "d766-communes")) == 168 - 150 and "Hiển thị 151–168 trong 168" in last


@pytest.mark.parametrize("query", ["sai gon", "Sài Gòn", "SÀI GÒN", "26740"])
def test_the_search_box_finds_a_unit_with_or_without_diacritics_and_keeps_its_city_rank(store, viewer, query):
    html = viewer.get("/d766/", {"period": "2026-03", "q": query}).content.decode()
    rows = _rows(html, "d766-communes")
    assert SAI_GON in rows and BEN_THANH not in rows
    row = html.split(f'<tr data-code="{SAI_GON}"')[1].split("</tr>")[0]
    assert re.search(r'<td class="num">\s*2\s*</td>', row)  # still second in the city
