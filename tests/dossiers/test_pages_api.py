"""The Decision 766 pages, API and exports over the small, hand-made dossier log of ``tests/dossiers/hand_made.py``,
whose scores are computed by hand there."""

from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb
import pytest
from openpyxl import load_workbook

from dieuhanh.core.d766.ingest import create_schema
from tests.dossiers.hand_made import BEN_THANH, BT_TOTAL, HAND_MADE, KH_TOTAL, SAI_GON, SG_TOTAL, SKHCN

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(web_client):
    return web_client("xem.d766", "26743", "viewer")


# ----------------------------------------------------------------------------------------------- selectors


def test_ranking_scores_each_unit_and_pools_the_city_and_commune_totals(store, hcmc):
    from dieuhanh.dossiers import selectors

    r = selectors.ranking(selectors.span_of("2026-03"))
    communes = {row["code"]: row for row in r.communes}
    assert communes[BEN_THANH]["total"] == pytest.approx(BT_TOTAL)
    assert communes[BEN_THANH]["band"] == "excellent" and communes[BEN_THANH]["rank"] == 1
    assert communes[BEN_THANH]["r_2_1"] == pytest.approx(0.75)
    assert communes[BEN_THANH]["r_outside_ward"] == pytest.approx(0.25)
    assert communes[SAI_GON]["total"] == pytest.approx(SG_TOTAL) and communes[SAI_GON]["band"] == "average"
    assert communes[SAI_GON]["rank"] == 2
    assert len(r.communes) == 168 and r.communes[0]["code"] == BEN_THANH
    assert sum(1 for row in r.communes if not row["has_data"]) == 166  # listed, as "no data", after the scored ones
    departments = {row["code"]: row for row in r.departments}
    assert departments[SKHCN]["total"] == pytest.approx(KH_TOTAL) and departments[SKHCN]["r_2_1"] == 1
    assert r.communes_total["n_received"] == 6 and r.communes_total["r_2_1"] == pytest.approx(5 / 6)
    assert r.city["n_received"] == 8 and r.city["r_2_1"] == pytest.approx(7 / 8)
    assert r.city["r_outside_ward"] == pytest.approx(3 / 8)
    assert r.departments_total["r_2_1"] == 1


def test_unit_scorecard_lists_points_lost_largest_first_with_the_overdue_count(store, hcmc):
    from dieuhanh.dossiers import selectors

    card = selectors.unit_scorecard(hcmc[BEN_THANH], selectors.span_of("2026-03"))
    assert card.row["total"] == pytest.approx(BT_TOTAL)
    assert [(r["id"], round(r["lost"], 6)) for r in card.lost] == [("2.1", 5.0), ("5.4", 1.0)]
    assert card.lost[0]["shortfall"] == 1 and "quá hạn" in card.lost[0]["shortfall_words"]
    by_id = {r["id"]: r for r in card.indicators}
    assert by_id["3.6"]["rate"] is None and by_id["3.6"]["computed"]  # no fee-bearing dossier: left out
    assert by_id["1.1"]["computed"] is False or by_id["1.1"]["rate"] is None  # needs the procedure catalogue
    months = {m["period"]: m for m in card.monthly}
    assert months["2026-02"]["r_2_1"] == 1 and months["2026-03"]["r_2_1"] == pytest.approx(0.75)
    assert len(card.monthly) == 2  # months without dossiers have no row


def test_drilldown_by_procedure_and_by_channel(store, hcmc):
    from dieuhanh.dossiers import selectors

    span = selectors.span_of("2026-03")
    procedures = selectors.drilldown(hcmc[BEN_THANH], span, "procedure")
    assert [(r["key"], r["n_received"], r["overdue"]) for r in procedures] == [("1.000001", 2, 1), ("1.000002", 2, 0)]
    assert procedures[1]["r_outside_ward"] == pytest.approx(0.5)  # the Sài Gòn applicant, still against Bến Thành
    channels = selectors.drilldown(hcmc[SAI_GON], span, "channel")
    assert [(r["key"], r["name"], r["n_received"]) for r in channels] == [("1", "Trực tiếp", 2)]


def test_an_open_period_is_clipped_to_today(store, hcmc):
    from dieuhanh.dossiers import selectors

    span = selectors.span_of("2026-03", as_of=dt.date(2026, 3, 20))
    assert span.end == dt.date(2026, 3, 20) and span.clipped and "đến ngày 20/03/2026" in span.label_vi


# ----------------------------------------------------------------------------------------------- pages


def test_ranking_page_shows_bands_totals_and_both_tabs(store, viewer):
    response = viewer.get("/d766/?period=2026-03")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tháng 3/2026" in html
    assert "90,32" in html and "xuất sắc" in html and "51,61" in html and "trung bình" in html and "95,59" in html
    assert "87,50 %" in html  # the city's on-time rate: 7 of 8 dossiers
    assert "83,33 %" in html  # commune level: 5 of 6
    assert 'id="d766-communes"' in html and 'id="d766-departments"' in html


def test_ranking_page_with_a_date_range_in_vietnamese_dates(store, viewer):
    response = viewer.get("/d766/?from=01/03/2026&to=15/03/2026")
    html = response.content.decode()
    assert "01/03/2026 – 15/03/2026" in html and "Không có dữ liệu" not in html.split('id="d766-communes"')[0]


def test_ranking_page_says_no_data_and_explains_a_bad_date(store, viewer):
    empty = viewer.get("/d766/?period=2025-06").content.decode()
    assert 'id="d766-empty"' in empty and "Không có dữ liệu hồ sơ trong kỳ này." in empty
    bad = viewer.get("/d766/?from=31/02/2026&to=15/03/2026").content.decode()
    assert "“31/02/2026” không phải ngày" in bad


def test_ranking_page_without_any_store_says_no_data(tmp_path, settings, viewer):
    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "none.duckdb"
    html = viewer.get("/d766/").content.decode()
    assert 'id="d766-empty"' in html


def test_the_pages_need_a_login(store, client):
    assert client.get("/d766/").status_code == 302
    assert client.get(f"/d766/units/{BEN_THANH}/").status_code == 302


def test_unit_scorecard_page_lists_indicators_and_points_lost(store, viewer):
    html = viewer.get(f"/d766/units/{BEN_THANH}/?period=2026-03").content.decode()
    assert "90,32" in html and "75,00 %" in html
    lost = html.split('id="d766-lost"')[1].split("</table>")[0]
    assert lost.index('data-indicator="2.1"') < lost.index('data-indicator="5.4"')
    assert "5,00" in lost and "1,00" in lost
    assert 'id="d766-trend-data"' in html and '"2026-02"' in html


def test_unit_scorecard_page_of_a_unit_without_dossiers(store, viewer):
    html = viewer.get("/d766/units/26732/?period=2026-03").content.decode()
    assert "Không có dữ liệu hồ sơ của đơn vị trong kỳ này." in html
    assert viewer.get("/d766/units/00000/").status_code == 404


def test_drilldown_partial(store, viewer):
    html = viewer.get(f"/d766/units/{BEN_THANH}/drilldown/?by=procedure&period=2026-03").content.decode()
    assert 'data-key="1.000001"' in html
    channel = viewer.get(f"/d766/units/{SAI_GON}/drilldown/?by=channel&period=2026-03").content.decode()
    assert "Trực tiếp" in channel


# ----------------------------------------------------------------------------------------------- exports


def _sheet_rows(content: bytes, sheet: int = 0):
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[sheet]
    header = [c.value for c in ws[3]]
    return header, [dict(zip(header, [c.value for c in row], strict=False)) for row in ws.iter_rows(min_row=4)]


def test_ranking_xlsx_has_vietnamese_headers_and_the_numbers(store, viewer):
    response = viewer.get("/d766/export.xlsx?period=2026-03")
    assert response["Content-Disposition"] == 'attachment; filename="d766-xep-hang-2026-03.xlsx"'
    header, rows = _sheet_rows(response.content)
    assert "Tổng điểm (thang 100)" in header and "Tỷ lệ đúng hạn, trong hạn" in header
    bt = next(r for r in rows if r["Mã đơn vị"] == BEN_THANH)
    assert bt["Tổng điểm (thang 100)"] == pytest.approx(BT_TOTAL) and bt["Xếp loại"] == "xuất sắc" and bt["Hạng"] == 1
    city = rows[0]
    assert city["Tên đơn vị"] == "Toàn Thành phố" and city["Tỷ lệ đúng hạn, trong hạn"] == pytest.approx(7 / 8)


def test_the_pages_ranking_csv_has_headers_in_the_readers_language(store, viewer):
    text = viewer.get("/d766/export.csv?period=2026-03").content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Nhóm,Hạng,Mã đơn vị,Tên đơn vị,Tổng điểm (thang 100),Xếp loại (mã),Xếp loại,")
    assert "r_2.1" not in lines[0] and "Tỷ lệ đúng hạn, trong hạn" in next(csv.reader([lines[0]]))
    bt = next(line for line in lines if f",{BEN_THANH}," in line)
    assert bt.startswith("commune,1,26743,") and ",0.75," in bt


def test_the_api_ranking_csv_keeps_machine_names(store, api):
    text = api.get("/api/d766/ranking/export?format=csv&period=2026-03").content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("section,rank,agency_code,name,total,band")
    assert "r_2.1" in lines[0].split(",")


def test_unit_xlsx_holds_indicators_and_months(store, viewer):
    response = viewer.get(f"/d766/units/{BEN_THANH}/export.xlsx?period=2026-03")
    header, rows = _sheet_rows(response.content)
    assert header[:4] == ["Chỉ tiêu", "Tên chỉ tiêu", "Nhóm", "Tỷ lệ đạt"]
    on_time = next(r for r in rows if r["Chỉ tiêu"] == "2.1")
    assert on_time["Điểm đạt"] == pytest.approx(15) and on_time["Điểm bị trừ"] == pytest.approx(5) and on_time["Số hồ sơ làm mất điểm"] == 1
    total = next(r for r in rows if r["Chỉ tiêu"] == "total")
    assert total["Điểm đạt"] == pytest.approx(BT_TOTAL)
    _, months = _sheet_rows(response.content, 1)
    assert [m["Tháng"] for m in months] == ["02/2026", "03/2026"]  # as officials write months


def test_unit_csv_total_row_keeps_the_shortfall_column_for_shortfalls(store, viewer):
    text = viewer.get(f"/d766/units/{BEN_THANH}/export.csv?period=2026-03").content.decode("utf-8-sig")
    total = next(row for row in csv.DictReader(io.StringIO(text)) if row["Chỉ tiêu"] == "total")
    assert total["Số hồ sơ làm mất điểm"] == ""  # not the 4 dossiers received
    assert total["Nguyên nhân"] == "4 hồ sơ tiếp nhận trong kỳ"


def test_ranking_csv_names_each_pooled_row_by_its_own_code(store, viewer):
    text = viewer.get("/d766/export.csv?period=2026-03").content.decode("utf-8-sig")
    codes = [row["Mã đơn vị"] for row in csv.DictReader(io.StringIO(text))]
    assert codes[:3] == ["city", "communes", "departments"]
    assert len(codes) == len(set(codes))  # one row per agency_code


def test_the_shortfall_words_write_rates_the_vietnamese_way(store, viewer):
    html = viewer.get(f"/d766/units/{SKHCN}/?period=2026-03").content.decode()
    lost = html.split('id="d766-lost"')[1].split("</table>")[0]
    assert "tỷ lệ đạt 50,00 %, đủ điểm từ 100 %" in lost  # 3.6: one of the two fee-bearing dossiers paid online
    assert "50.00" not in lost


def test_export_and_drilldown_links_carry_the_range_urlencoded(store, viewer):
    from html import unescape

    page = unescape(viewer.get(f"/d766/units/{BEN_THANH}/?from=01/03/2026&to=31/03/2026").content.decode())
    assert f"/d766/units/{BEN_THANH}/export.csv?from=01%2F03%2F2026&to=31%2F03%2F2026" in page
    assert "drilldown/?by=channel&from=01%2F03%2F2026&to=31%2F03%2F2026" in page


def test_export_of_a_bad_period_is_a_bad_request(store, viewer):
    response = viewer.get("/d766/export.csv?period=2026-13")
    assert response.status_code == 400 and "“2026-13” không phải kỳ báo cáo" in response.content.decode()


BUSY_VI = "Kho dữ liệu hồ sơ đang bận"


def _writer_process(path, seconds: float):
    """Another process (an import) holding the store's write lock, with a dossier written but not yet committed."""
    import subprocess
    import sys

    script = (
        "import sys, time, duckdb\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.begin()\n"
        "con.execute(\"UPDATE dossiers SET finished_at = NULL\")\n"
        "print('holding', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "con.rollback(); con.close()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_while_an_import_holds_the_store_every_page_and_export_answers_with_the_published_numbers(store, viewer, api):
    before = api.get("/api/d766/ranking?period=2026-03").json()  # publishes the hand-made store for readers
    writer = _writer_process(store, 30)
    try:
        ranking = api.get("/api/d766/ranking?period=2026-03")
        page = viewer.get("/d766/?period=2026-03").content.decode()
        drill = viewer.get(f"/d766/units/{BEN_THANH}/drilldown/?by=procedure&period=2026-03")
        ranking_xlsx = viewer.get("/d766/export.xlsx?period=2026-03")
        unit_csv = viewer.get(f"/d766/units/{BEN_THANH}/export.csv?period=2026-03")
        unit = viewer.get(f"/d766/units/{BEN_THANH}/?period=2026-04")  # a period nobody read before: computed now
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert ranking.status_code == 200 and ranking.json() == before
    assert BUSY_VI not in page and "Tháng 3/2026" in page
    for response in (drill, ranking_xlsx, unit_csv, unit):
        assert response.status_code == 200 and BUSY_VI not in response.content.decode(errors="replace")


def test_a_store_written_by_other_means_is_published_once_free_with_every_kept_result_dropped(store, viewer):
    before = viewer.get("/d766/").content.decode()
    assert '<option value="2026-03"' in before
    con = duckdb.connect(str(store))
    con.execute("UPDATE dossiers SET received_at = received_at + INTERVAL 400 DAY")  # all of it moves to 2027
    con.execute("DELETE FROM dossier_facts")  # stale facts: publishing computes them again
    con.close()
    after = viewer.get("/d766/").content.decode()
    assert '<option value="2026-03"' not in after


@pytest.mark.parametrize(("query", "said"), [
    ("from=01/01/0001&to=31/01/0001", "“01/01/0001” không phải ngày"),  # the one date parser: years 1900–2100
    ("from=31/12/1999&to=15/03/2026", "trong khoảng 01/01/2000 – 31/12/2100"),  # no dossier log before 2000
    ("from=01/03/2026&to=01/01/2101", "“01/01/2101” không phải ngày"),
])
def test_pages_refuse_dates_outside_2000_to_2100(store, viewer, query, said):
    for url in (f"/d766/units/{BEN_THANH}/?{query}", f"/d766/?{query}"):
        response = viewer.get(url)
        assert response.status_code == 200 and said in response.content.decode()
    assert viewer.get(f"/d766/units/{BEN_THANH}/drilldown/?by=channel&{query}").status_code == 200
    assert viewer.get(f"/d766/units/{BEN_THANH}/export.csv?{query}").status_code == 400


# ----------------------------------------------------------------------------------------------- API


@pytest.fixture
def api(api_client):
    return api_client("api.d766", "26743", "viewer")


def test_api_ranking(store, api):
    body = api.get("/api/d766/ranking?period=2026-03").json()
    assert body["span"]["key"] == "2026-03" and body["span"]["end"] == "2026-03-31"
    assert body["city"]["r_2_1"] == pytest.approx(7 / 8) and body["city"]["n_received"] == 8
    first = body["communes"][0]
    assert first["code"] == BEN_THANH and first["rank"] == 1 and first["band"] == "excellent" and first["band_name"] == "xuất sắc"
    assert first["groups"]["progress"] == pytest.approx(15)
    assert len(body["communes"]) == 168 and body["departments"][0]["code"] == SKHCN


def test_api_unit_scorecard_with_monthly_series(store, api):
    body = api.get(f"/api/d766/units/{BEN_THANH}/scorecard?from=2026-03-01&to=2026-03-31").json()
    assert body["unit"]["code"] == BEN_THANH and body["span"]["key"] is None
    assert body["total"]["total"] == pytest.approx(BT_TOTAL)
    assert [(p["id"], p["lost"]) for p in body["points_lost"]] == [("2.1", pytest.approx(5)), ("5.4", pytest.approx(1))]
    assert [m["period"] for m in body["monthly"]] == ["2026-02", "2026-03"]


def test_api_drilldown(store, api):
    body = api.get(f"/api/d766/units/{BEN_THANH}/drilldown?by=procedure&period=2026-03").json()
    assert [(r["key"], r["overdue"]) for r in body["rows"]] == [("1.000001", 1), ("1.000002", 0)]


@pytest.mark.parametrize(("query", "code"), [
    ("period=2026-13", "invalid_period"),
    ("period=March", "invalid_period"),
    ("from=2026-03-31&to=2026-03-01", "end_before_start"),
    ("from=32/01/2026&to=2026-03-01", "invalid_date"),
    ("from=2026-03-01", "incomplete_range"),
    ("period=2026-03&from=2026-03-01&to=2026-03-02", "period_and_range"),
    ("period=2099", "period_in_future"),
    ("from=0001-01-01&to=0001-01-31", "invalid_date"),
    ("from=1999-12-31&to=2026-03-01", "outside_calendar"),
    ("from=2026-03-01&to=2101-01-01", "invalid_date"),
    ("period=0001", "invalid_period"),
    ("period=0001-03", "invalid_period"),
])
def test_api_bad_periods_are_400_with_stable_codes(store, api, query, code):
    response = api.get(f"/api/d766/ranking?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_api_unit_scorecard_refuses_year_one(store, api):
    response = api.get(f"/api/d766/units/{BEN_THANH}/scorecard?from=0001-01-01&to=0001-01-31")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_date"


def test_api_bad_drilldown_key_and_unknown_unit(store, api):
    assert api.get(f"/api/d766/units/{BEN_THANH}/drilldown?by=colour&period=2026-03").json()["error"]["code"] == "bad_drilldown"
    assert api.get("/api/d766/units/00000/scorecard?period=2026-03").status_code == 404


def test_api_export_xlsx_and_csv(store, api):
    xlsx = api.get("/api/d766/ranking/export?format=xlsx&period=2026-03")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    _, rows = _sheet_rows(xlsx.content)
    assert any(r["Mã đơn vị"] == SKHCN and r["Tổng điểm (thang 100)"] == pytest.approx(KH_TOTAL) for r in rows)
    csv_text = api.get(f"/api/d766/units/{BEN_THANH}/export?format=csv&period=2026-03").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("indicator,name,group,rate")


def test_api_is_in_the_openapi_document(store, api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert {"/api/d766/ranking", "/api/d766/units/{code}/scorecard", "/api/d766/units/{code}/drilldown",
            "/api/d766/ranking/export", "/api/d766/units/{code}/export"} <= set(paths)


def test_api_needs_authentication(store, client):
    assert client.get("/api/d766/ranking?period=2026-03").json()["error"]["code"] == "unauthenticated"


def test_a_new_import_is_seen_at_once_although_results_are_kept_between_requests(store, hcmc, monkeypatch):
    from dieuhanh.core.d766.ingest import ingest
    from dieuhanh.dossiers import selectors

    computed = []
    real = selectors._ranking
    monkeypatch.setattr(selectors, "_ranking", lambda *args: computed.append(args) or real(*args))
    span = selectors.span_of("2026-03")
    before = selectors.ranking(span)
    again = selectors.ranking(span)  # the second read is served from the cache
    assert len(computed) == 1 and again.communes == before.communes and again.city == before.city
    late = store.parent / "late.csv"
    late.write_text("dossier_id,procedure_code,agency_code,channel,received_at,due_at,finished_at,applicant_ward_code\n"
                    "SG-3,1.000003,26740,1,2026-03-20 08:00:00,2026-03-23 17:00:00,2026-03-27 08:00:00,26740\n", encoding="utf-8")
    con = duckdb.connect(str(store))
    assert ingest(con, [late], known_agencies={SAI_GON}).inserted == 1
    con.close()
    after = selectors.ranking(span)
    sai_gon = next(r for r in after.communes if r["code"] == SAI_GON)
    assert sai_gon["n_received"] == 3 and sai_gon["r_2_1"] == pytest.approx(2 / 3)


def test_the_period_form_gets_only_the_results_by_htmx(store, viewer):
    html = viewer.get("/d766/?period=2026-02", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="d766-results").content.decode()
    assert html.lstrip().startswith('<h2 id="d766-span">Tháng 2/2026</h2>') and "<html" not in html


@pytest.fixture
def store_with_catalogue_and_feedback(store):
    """The hand-made store plus a procedure catalogue and one feedback (PAKN) record, handled, at Bến Thành."""
    from dieuhanh.core.d766.ingest import FEEDBACK, PROCEDURES

    con = duckdb.connect(str(store))
    create_schema(con, PROCEDURES)
    create_schema(con, FEEDBACK)
    con.executemany("INSERT INTO procedures (procedure_code, name) VALUES (?, ?)",
                    [["1.000001", "Đăng ký khai sinh"], ["1.000002", "Chứng thực bản sao từ bản chính"]])
    con.execute("INSERT INTO feedback (feedback_id, agency_code, procedure_code, received_at, handled_at, satisfaction) "
                "VALUES ('PA-1', ?, '1.000001', TIMESTAMP '2026-03-05 09:00:00', TIMESTAMP '2026-03-06 09:00:00', 'satisfied')",
                [BEN_THANH])
    con.close()
    return store


def test_feedback_counts_only_for_its_agency_and_is_pooled_into_the_totals(store_with_catalogue_and_feedback, hcmc):
    from dieuhanh.dossiers import selectors

    span = selectors.span_of("2026-03")
    ben_thanh = selectors.unit_scorecard(hcmc[BEN_THANH], span)
    sai_gon = selectors.unit_scorecard(hcmc[SAI_GON], span)
    assert {row["id"]: row["rate"] for row in ben_thanh.indicators}["5.2"] == 1  # handled the next day
    assert {row["id"]: row["rate"] for row in sai_gon.indicators}["5.2"] is None  # Bến Thành's feedback is not Sài Gòn's
    pooled = selectors.rates_for_units([hcmc["79"], hcmc[SKHCN]], span)
    assert pooled["79"]["r_5_2"] == 1  # the city pool holds its wards' feedback
    assert pooled[SKHCN]["r_5_2"] is None
    ranking = selectors.ranking(span)
    assert next(r for r in ranking.communes if r["code"] == BEN_THANH)["total"] is not None


def test_the_drilldown_names_procedures_from_the_catalogue(store_with_catalogue_and_feedback, viewer):
    html = viewer.get(f"/d766/units/{BEN_THANH}/drilldown/?by=procedure&period=2026-03").content.decode()
    assert "Đăng ký khai sinh" in html and "Chứng thực bản sao từ bản chính" in html


# ----------------------------------------------------------------------------------------------- the store's lock

_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SELECT count(*) FROM dossiers").fetchone()
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _reader_process(path, seconds: float):
    """Another process (a page being served) holding a read-only connection for ``seconds``."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_a_writer_waits_for_a_reader_in_another_process(store):
    import time

    from dieuhanh.dossiers.store import connect

    reader = _reader_process(store, 1.5)
    started = time.monotonic()
    try:
        con = connect(store, wait=20)  # an import: the page's read ends, then the import gets the store
        waited = time.monotonic() - started
        assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] == len(HAND_MADE)
        con.close()
    finally:
        reader.wait(timeout=30)
    assert 0.5 < waited < 15


def test_a_writer_gives_up_with_store_busy_when_the_reader_holds_on(store):
    import time

    from dieuhanh.dossiers.store import StoreBusy, connect

    reader = _reader_process(store, 5)
    started = time.monotonic()
    try:
        with pytest.raises(StoreBusy) as busy:
            connect(store, wait=0.6)
        assert busy.value.code == "store_busy" and busy.value.http_status == 503
        assert str(busy.value).startswith("the dossier store is busy:") and "waited 0.6 s" in str(busy.value)
        assert 0.5 < time.monotonic() - started < 4
    finally:
        reader.kill()
        reader.wait(timeout=30)


def test_a_reader_never_holds_the_file_an_import_writes(store, settings):
    from dieuhanh.dossiers import selectors
    from dieuhanh.dossiers.store import connect

    settings.DIEUHANH_DUCKDB_LOCK_WAIT = 0.2
    with selectors.reader() as con:  # reads the published copy
        assert con is not None
        connect(store).close()  # the writer gets its file at once
