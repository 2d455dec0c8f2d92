"""What a new user tripped over on the index pages (issue 11, item 6): the ASEM example listed before the city's own
indices, PII and DTI shown as "not computed", synthetic data not said as such, and a ranking with no paging or
search. Over the demo's indices loaded on a bare platform (no dossier store)."""

from __future__ import annotations

import csv
import io
import re
from statistics import mean

import pytest

from dieuhanh.demo.indices import SYNTHETIC_PROVINCES, load_indices
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db

SYNTHETIC_NOTE = 'id="synthetic-note"'


@pytest.fixture
def demo(hcmc, settings, tmp_path):
    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "none.duckdb"
    load_indices(actor=SYSTEM)


@pytest.fixture
def viewer(web_client):
    return web_client("xem.chiso", "79", "viewer")


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_citys_indices_come_first_and_the_asem_example_last_marked_as_an_example(demo, viewer):
    html = viewer.get("/indices/").content.decode()
    table = html.split('id="index-frameworks"')[1].split("</table>")[0]
    assert re.findall(r'<td><a href="/indices/([^/]+)/">', table) == ["PHUONG_CDS", "DTI405", "DTI922", "PII", "ASEM"]
    asem = table.split('href="/indices/ASEM/"')[1]
    assert '<span class="badge example">Ví dụ</span>' in asem and "không phải chỉ số của Thành phố" in asem


def test_pii_and_dti_are_computed_in_the_demo_on_data_labelled_synthetic(demo, viewer):
    listing = viewer.get("/indices/").content.decode()
    for code, year in (("PII", 2025), ("DTI922", 2024), ("DTI405", 2025)):
        row = listing.split(f'href="/indices/{code}/"')[1].split("</tr>")[0]
        assert "Dữ liệu giả lập" in row and f"{year} ·" in row and "Chưa tính" not in row
        html = viewer.get(f"/indices/{code}/").content.decode()
        assert 'id="ranking"' in html and SYNTHETIC_NOTE in html and SYNTHETIC_PROVINCES in html, code
        assert "Hiển thị 1–30 trong 34" in html  # the 34 provinces, a page at a time


def test_the_pii_of_a_province_is_the_mean_of_its_input_and_output_sub_indices(demo, viewer):
    html = viewer.get("/indices/PII/").content.decode()
    run = re.search(r'/indices/PII/runs/(\d+)/results\.csv', html).group(1)
    data = {r["uCode"]: r for r in _csv(viewer.get("/indices/PII/datasets/GIA_LAP/idata.csv"))}["79"]
    pillars = [float(data[f"PII_P{i}_DIEM"]) for i in range(1, 8)]
    expected = (mean(pillars[:5]) + mean(pillars[5:])) / 2  # official-methods §6: mean of input and output
    results = {r["uCode"]: r for r in _csv(viewer.get(f"/indices/PII/runs/{run}/results.csv"))}
    assert float(results["79"]["PII"]) == pytest.approx(expected)
    assert all(r["Dữ liệu giả lập"] == SYNTHETIC_PROVINCES for r in results.values())  # the export says so too
    assert data["Dữ liệu giả lập"] == SYNTHETIC_PROVINCES


def test_real_example_data_is_not_labelled_synthetic(demo, viewer):
    html = viewer.get("/indices/ASEM/").content.decode()
    assert 'id="ranking"' in html and SYNTHETIC_NOTE not in html


@pytest.mark.parametrize("query", ["ho chi minh", "Hồ Chí Minh"])
def test_the_index_ranking_finds_a_unit_with_or_without_diacritics(demo, viewer, query):
    html = viewer.get("/indices/PII/", {"q": query}).content.decode()
    table = html.split('id="ranking"')[1].split("</table>")[0]
    assert re.findall(r'data-ucode="([^"]+)"', table) == ["79"] and "Thành phố Hồ Chí Minh" in table
    assert "Hiển thị 1–1 trong 1" in html
