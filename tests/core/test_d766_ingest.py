import csv
import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook
from vietnam_provinces import Ward

from dieuhanh.demo.synthetic_dossiers import SYNTHETIC_LABEL, generate, procedure_catalogue
from dieuhanh.core.d766.ingest import ERROR_CAP, create_schema, ingest
from dieuhanh.core.d766.schema import DOSSIER_COLUMNS

WARDS = sorted(f"{int(w.code):05d}" for w in Ward.iter_by_province(79))
DEPARTMENTS = ["79.STP", "79.SXD", "79.SYT", "79.SKHCN"]
KNOWN = set(WARDS) | set(DEPARTMENTS)
HEADER = ["dossier_id", "procedure_code", "agency_code", "channel", "received_at", "due_at", "finished_at",
          "supplement_requests", "fee_total", "paid_online", "e_result", "rating"]


def row(dossier_id: str, **values: str) -> dict[str, str]:
    base = {"dossier_id": dossier_id, "procedure_code": "1.001234", "agency_code": "26743", "channel": "2",
            "received_at": "2026-03-05 14:20:00", "due_at": "2026-03-10 17:00:00", "finished_at": "2026-03-06 09:00:00",
            "supplement_requests": "0", "fee_total": "", "paid_online": "", "e_result": "1", "rating": ""}
    return base | values


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "d766.duckdb"))
    yield connection
    connection.close()


def table(con, sql: str = "SELECT * FROM dossiers ORDER BY dossier_id") -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def codes(report) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in report.errors]


CLEAN = [
    row("HS-1"),
    row("HS-2", agency_code="79.STP", channel="1", received_at="05/03/2026 08:15", due_at="10/03/2026",
        finished_at="2026-03-09T16:30", fee_total="50.000", paid_online="0", e_result="không", rating="Hài lòng"),
    row("HS-3", channel="3", received_at="2026-03-05T01:00:00Z", finished_at="", supplement_requests="2", fee_total="12,5", paid_online="1", e_result="x",
        rating="không hài lòng"),
]


def test_clean_csv_imports_with_every_accepted_spelling(con, tmp_path):
    result = ingest(con, [write_csv(tmp_path / "ok.csv", CLEAN)], known_agencies=KNOWN)

    assert (result.inserted, result.updated, result.rejected_files) == (3, 0, [])
    rows = table(con)
    assert [r["dossier_id"] for r in rows] == ["HS-1", "HS-2", "HS-3"]
    second, third = rows[1], rows[2]
    assert second["received_at"] == dt.datetime(2026, 3, 5, 8, 15)
    assert second["due_at"] == dt.datetime(2026, 3, 10)
    assert second["finished_at"] == dt.datetime(2026, 3, 9, 16, 30)
    assert second["fee_total"] == 50_000.0  # Vietnamese thousands grouping
    assert (second["e_result"], second["rating"], second["channel"]) == (False, "satisfied", 1)
    assert (third["received_at"], third["finished_at"]) == (dt.datetime(2026, 3, 5, 8), None)  # UTC to city time
    assert (third["fee_total"], third["supplement_requests"], third["paid_online"]) == (12.5, 2, 1)
    assert (third["e_result"], third["rating"]) == (True, "dissatisfied")
    assert rows[0]["statutory_days"] is None  # a column the file does not have stays empty


def test_schema_has_the_dossier_columns_and_types(con):
    create_schema(con)
    create_schema(con)  # idempotent
    described = con.execute("DESCRIBE dossiers").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [(n, k) for n, (k, _) in DOSSIER_COLUMNS.items()]
    # no index to keep up on every write: ingest keeps dossier_id unique itself (the re-import tests below)
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'dossiers' "
                       "AND constraint_type = 'PRIMARY KEY'").fetchall() == [(0,)]


def test_a_store_keyed_by_an_earlier_version_loses_its_key_on_import_and_keeps_its_rows(con, tmp_path):
    columns = ", ".join(f'"{name}" {kind}' for name, (kind, _) in DOSSIER_COLUMNS.items())
    con.execute(f"CREATE TABLE dossiers ({columns}, PRIMARY KEY (dossier_id))")
    con.execute("INSERT INTO dossiers (dossier_id, procedure_code, agency_code, channel, received_at) "
                "VALUES ('HS-0', '1.001234', '26743', 1, TIMESTAMP '2026-03-01 08:00')")
    result = ingest(con, [write_csv(tmp_path / "ok.csv", CLEAN[:2])], known_agencies=KNOWN)
    assert (result.inserted, result.updated) == (2, 0)
    assert [r["dossier_id"] for r in table(con)] == ["HS-0", "HS-1", "HS-2"]
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'dossiers' "
                       "AND constraint_type = 'PRIMARY KEY'").fetchall() == [(0,)]


def test_reimport_updates_instead_of_duplicating(con, tmp_path):
    path = write_csv(tmp_path / "ok.csv", CLEAN)
    ingest(con, [path], known_agencies=KNOWN)
    again = ingest(con, [path], known_agencies=KNOWN)
    assert (again.inserted, again.updated) == (0, 3)

    changed = write_csv(tmp_path / "changed.csv", [row("HS-1", finished_at="2026-03-07 10:00:00"), row("HS-4")])
    result = ingest(con, [changed], known_agencies=KNOWN)
    assert (result.inserted, result.updated) == (1, 1)
    assert con.execute("SELECT count(*) FROM dossiers").fetchall() == [(4,)]
    assert con.execute("SELECT finished_at FROM dossiers WHERE dossier_id = 'HS-1'").fetchall() == [(dt.datetime(2026, 3, 7, 10),)]


def test_reimport_without_a_column_keeps_its_values(con, tmp_path):
    ingest(con, [write_csv(tmp_path / "full.csv", CLEAN)], known_agencies=KNOWN)
    narrow = ["dossier_id", "procedure_code", "agency_code", "channel", "received_at"]
    ingest(con, [write_csv(tmp_path / "narrow.csv", [row("HS-2", channel="2")], header=narrow)], known_agencies=KNOWN)
    assert table(con, "SELECT channel, rating, fee_total FROM dossiers WHERE dossier_id = 'HS-2'") == [
        {"channel": 2, "rating": "satisfied", "fee_total": 50_000.0}]


def test_xlsx_with_vietnamese_headers_imports(con, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hồ sơ", "Mã TTHC", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận", "Ngày hẹn trả",
               "Ngày kết thúc xử lý", "Tổng phí, lệ phí", "Thời hạn giải quyết (ngày)", "Có kết quả điện tử",
               "Đánh giá", "Ghi chú"])
    ws.append(["HS-X1", "1.001234", 26743, 2, dt.datetime(2026, 3, 5, 14, 20), dt.datetime(2026, 3, 10, 17),
               dt.datetime(2026, 3, 6, 9), 50000, 0.5, True, "bình thường", "ignored"])
    ws.append([])  # a blank row is skipped, not refused
    ws.append(["HS-X2", "1.001235", "79.STP", "1", "05/03/2026 08:00", None, None, 1.234, 3, "có", None, None])
    path = tmp_path / "bao-cao.xlsx"
    wb.save(path)

    result = ingest(con, [path], known_agencies=KNOWN)

    assert (result.inserted, result.rejected_files) == (2, [])
    first, second = table(con)
    assert (first["agency_code"], first["channel"], first["fee_total"], first["statutory_days"]) == ("26743", 2, 50_000.0, 0.5)
    assert (first["received_at"], first["e_result"], first["rating"]) == (dt.datetime(2026, 3, 5, 14, 20), True, "neutral")
    assert (second["received_at"], second["due_at"], second["fee_total"]) == (dt.datetime(2026, 3, 5, 8), None, 1.234)


def test_xlsx_errors_carry_excel_row_numbers(con, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hồ sơ", "Mã TTHC", "Mã cơ quan", "Kênh", "Ngày tiếp nhận"])
    ws.append(["HS-X1", "1.001234", "26743", 2, dt.datetime(2026, 3, 5)])
    ws.append([None, None, None, None, None])
    ws.append(["HS-X2", "1.001234", "26743", 9, dt.datetime(2026, 3, 5)])
    path = tmp_path / "sai.xlsx"
    wb.save(path)
    report, = ingest(con, [path], known_agencies=KNOWN).rejected_files
    assert codes(report) == [(4, "channel", "bad_channel")]


def test_parquet_imports(con, tmp_path):
    path = tmp_path / "dossiers.parquet"
    pq.write_table(pa.table({
        "MaHoSo": ["P-1", "P-2"],
        "MaTTHC": ["1.001234", "1.004321"],
        "agency_code": ["26743", "79.SYT"],
        "KenhThucHien": pa.array([2, 1], pa.int8()),
        "received_at": pa.array([dt.datetime(2026, 3, 5, 14, 20), dt.datetime(2026, 3, 6, 8)], pa.timestamp("us")),
        "finished_at": pa.array([None, dt.datetime(2026, 3, 7, 8)], pa.timestamp("us")),
        "fee_total": [1.234, None],
        "synced": [True, False],
    }), path)

    result = ingest(con, [path], known_agencies=KNOWN)

    assert (result.inserted, result.rejected_files) == (2, [])
    assert table(con, "SELECT dossier_id, channel, fee_total, synced, finished_at FROM dossiers ORDER BY 1") == [
        {"dossier_id": "P-1", "channel": 2, "fee_total": 1.234, "synced": True, "finished_at": None},
        {"dossier_id": "P-2", "channel": 1, "fee_total": None, "synced": False, "finished_at": dt.datetime(2026, 3, 7, 8)},
    ]


def test_bad_file_is_rejected_with_every_error_and_nothing_kept(con, tmp_path):
    good = write_csv(tmp_path / "good.csv", CLEAN)
    bad = write_csv(tmp_path / "bad.csv", [
        row("HS-1", channel="7"),  # would also have updated a good dossier
        row("B-2", received_at="2026-03-05 14:20:00", finished_at="2026-03-04 09:00:00"),
        row("B-3", agency_code="99999"),
        row("B-4"),
        row("B-4"),
        row("B-6", received_at="31/02/2026"),
        row("B-7"),
    ])

    result = ingest(con, [good, bad], known_agencies=KNOWN)

    assert (result.inserted, result.updated) == (3, 0)
    report, = result.rejected_files
    assert (report.path, report.rows, report.more_errors) == (bad, 7, 0)
    assert codes(report) == [
        (1, "channel", "bad_channel"),
        (2, "finished_at", "finish_before_receipt"),
        (3, "agency_code", "unknown_agency"),
        (5, "dossier_id", "duplicate_id"),
        (6, "received_at", "bad_timestamp"),
    ]
    messages = [said(e) for e in report.errors]
    assert "«7»" in messages[0] and "Kênh thực hiện" in messages[0]
    assert "dòng 4" in messages[3]
    assert [r["dossier_id"] for r in table(con)] == ["HS-1", "HS-2", "HS-3"]
    assert table(con, "SELECT channel FROM dossiers WHERE dossier_id = 'HS-1'") == [{"channel": 2}]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_d766%'").fetchall() == [(0,)]


@pytest.mark.parametrize("column,value,code", [
    ("dossier_id", "", "missing_value"),
    ("received_at", "", "missing_value"),
    ("channel", "2.5", "bad_channel"),
    ("paid_online", "3", "bad_paid_online"),
    ("supplement_requests", "1,5", "bad_number"),
    ("supplement_requests", "-1", "negative_number"),
    ("fee_total", "năm mươi", "bad_number"),
    ("fee_total", "inf", "bad_number"),
    ("e_result", "maybe", "bad_boolean"),
    ("rating", "tuyệt vời", "bad_rating"),
    ("due_at", "2026-13-01", "bad_timestamp"),
])
def test_each_check(con, tmp_path, column, value, code):
    path = write_csv(tmp_path / "one.csv", [row("HS-1"), row("HS-2") | {column: value}])
    report, = ingest(con, [path], known_agencies=KNOWN).rejected_files
    assert codes(report) == [(2, column, code)]
    assert value in said(report.errors[0]) or code == "missing_value"


def test_one_bad_row_at_the_end_of_a_large_file_keeps_nothing(con, tmp_path):
    path = tmp_path / "big.csv"
    duckdb.execute(f"""
        COPY (
            SELECT 'BIG-' || i AS dossier_id, '1.001234' AS procedure_code, '26743' AS agency_code,
                   CASE WHEN i = 200000 THEN 7 ELSE 2 END AS channel,
                   TIMESTAMP '2026-01-01 08:00:00' + to_minutes(i) AS received_at
            FROM range(1, 200001) t(i)
        ) TO '{path}' (HEADER)
    """)
    seen: list[int] = []

    result = ingest(con, [path], known_agencies=KNOWN, progress=seen.append)

    report, = result.rejected_files
    assert (report.rows, codes(report)) == (200_000, [(200_000, "channel", "bad_channel")])
    assert (result.inserted, con.execute("SELECT count(*) FROM dossiers").fetchall()) == (0, [(0,)])
    assert seen[-1] == 200_000


def test_errors_are_capped_and_the_rest_counted(con, tmp_path):
    path = tmp_path / "many.csv"
    duckdb.execute(f"""
        COPY (SELECT 'M-' || i AS dossier_id, '1.001234' AS procedure_code, 'NOPE' AS agency_code, 2 AS channel,
                     '2026-01-01' AS received_at FROM range(1, 1501) t(i)) TO '{path}' (HEADER)
    """)
    report, = ingest(con, [path], known_agencies=KNOWN).rejected_files
    assert (len(report.errors), report.more_errors) == (ERROR_CAP, 500)
    assert report.errors[-1].row == ERROR_CAP


def test_missing_required_column_rejects_the_file(con, tmp_path):
    header = ["dossier_id", "procedure_code", "agency_code", "channel"]
    path = write_csv(tmp_path / "thieu-cot.csv", [row("HS-1")], header=header)
    report, = ingest(con, [path], known_agencies=KNOWN).rejected_files
    assert (report.rows, codes(report)) == (0, [(0, "received_at", "missing_column")])
    assert "Ngày tiếp nhận" in said(report.errors[0])


def test_unreadable_and_unsupported_files_are_rejected(con, tmp_path):
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    result = ingest(con, [broken, text, write_csv(tmp_path / "ok.csv", CLEAN)], known_agencies=KNOWN)
    assert [codes(r) for r in result.rejected_files] == [[(0, "", "unreadable_file")], [(0, "", "unsupported_format")]]
    assert result.inserted == 3


# ---------------------------------------------------------------------------------------------------
# The synthetic generator

AGENCIES = WARDS + DEPARTMENTS


def test_catalogue_is_deterministic_and_plausible():
    catalogue = procedure_catalogue(seed=7)
    assert catalogue.equals(procedure_catalogue(seed=7))
    assert catalogue.num_rows == 2000
    codes_ = catalogue["code"].to_pylist()
    assert len(set(codes_)) == 2000 and all(c.startswith("1.00") and len(c) == 8 for c in codes_)
    assert set(catalogue["level"].to_pylist()) == {"province", "commune"}
    assert 0.25 < sum(catalogue["fee_bearing"].to_pylist()) / 2000 < 0.35
    assert all(name[0].isupper() for name in catalogue["name"].to_pylist())


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    seen: list[int] = []
    path = generate(folder / "a.parquet", rows=50_000, agencies=AGENCIES, start=dt.date(2025, 7, 1),
                    end=dt.date(2025, 12, 31), seed=42, chunk=20_000, progress=seen.append)
    return path, seen


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_is_deterministic_for_a_seed(generated, tmp_path):
    path, seen = generated
    again = generate(tmp_path / "b.parquet", rows=50_000, agencies=AGENCIES, start=dt.date(2025, 7, 1),
                     end=dt.date(2025, 12, 31), seed=42, chunk=20_000)
    other = generate(tmp_path / "c.parquet", rows=50_000, agencies=AGENCIES, start=dt.date(2025, 7, 1),
                     end=dt.date(2025, 12, 31), seed=43, chunk=20_000)
    assert sha256(again) == sha256(path) != sha256(other)
    assert seen == [20_000, 40_000, 50_000]


def test_generator_writes_the_schema_and_labels_it_synthetic(generated):
    path, _ = generated
    described = duckdb.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [(n, k) for n, (k, _) in DOSSIER_COLUMNS.items()]
    assert pq.read_schema(path).metadata[b"dieuhanh.synthetic"].decode() == SYNTHETIC_LABEL


def test_generator_shares_are_realistic(generated):
    path, _ = generated
    ward = "regexp_full_match(agency_code, '[0-9]{5}')"
    closed = "finished_at IS NOT NULL AND due_at IS NOT NULL"
    shares = table(duckdb.connect(), f"""
        SELECT avg((channel = 2)::INT) AS online,
               avg(CASE WHEN {closed} THEN (finished_at <= due_at)::INT END) AS on_time,
               avg(CASE WHEN {closed} AND {ward} THEN (finished_at <= due_at)::INT END) AS on_time_wards,
               avg(CASE WHEN {closed} AND NOT {ward} THEN (finished_at <= due_at)::INT END) AS on_time_departments,
               avg((supplement_requests > 0)::INT) AS supplements,
               avg((supplement_requests > 1)::INT) AS two_supplements,
               avg((finished_at IS NULL)::INT) AS open,
               avg((due_at IS NULL AND statutory_days IS NOT NULL)::INT) AS no_due_date,
               avg((fee_total IS NOT NULL)::INT) AS fee,
               avg((fee_total = 0)::INT) AS fee_zero,  -- among dossiers with a fee column
               avg(CASE WHEN {ward} THEN (applicant_ward_code <> agency_code)::INT END) AS elsewhere,
               avg((rating IS NULL)::INT) AS unrated,
               avg((rating = 'dissatisfied')::INT) AS dissatisfied,
               count(DISTINCT dossier_id) AS ids,
               min(received_at) >= TIMESTAMP '2025-07-01' AND max(received_at) < TIMESTAMP '2026-01-01' AS in_period
        FROM '{path}'
    """)[0]
    assert 0.60 <= shares["online"] <= 0.80
    assert 0.94 <= shares["on_time"] <= 0.985
    assert 0.985 <= shares["on_time_wards"]
    assert shares["on_time_departments"] < 0.96
    assert 0.02 <= shares["supplements"] <= 0.08 and 0 < shares["two_supplements"] < 0.01
    assert 0 < shares["open"] < 0.05
    assert 0.01 <= shares["no_due_date"] <= 0.06
    assert 0.15 <= shares["fee"] <= 0.45 and 0 < shares["fee_zero"] < 0.2
    assert 0.08 <= shares["elsewhere"] <= 0.25
    assert shares["unrated"] > 0.7 and 0 < shares["dissatisfied"] < 0.05
    assert shares["ids"] == 50_000 and shares["in_period"]


def test_generated_file_ingests_without_errors(generated, con):
    path, _ = generated
    seen: list[int] = []
    result = ingest(con, [path], known_agencies=set(AGENCIES), progress=seen.append)
    assert (result.inserted, result.updated, result.rejected_files) == (50_000, 0, [])
    assert seen[-1] == 50_000
    assert con.execute("SELECT count(*), count(finished_at), count(rating) FROM dossiers").fetchall() == \
        duckdb.execute(f"SELECT count(*), count(finished_at), count(rating) FROM '{path}'").fetchall()


# --- the procedure catalogue and feedback (PAKN) ---------------------------------------------------------------------

from dieuhanh.core.d766.ingest import FEEDBACK, PROCEDURES  # noqa: E402


def test_catalogue_with_vietnamese_headers_imports_and_reimport_updates(con, tmp_path):
    header = ["Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Có phí, lệ phí", "Mức độ dịch vụ công trực tuyến",
              "Ngày có hiệu lực", "Ngày công bố", "Ngày công khai trên CSDLQG", "Số thành phần công khai",
              "Kết nối CSDLQG về dân cư", "Thủ tục chứng thực"]
    first = tmp_path / "thu_tuc.csv"
    with first.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerow(["1.001234", "Đăng ký khai sinh", "Cấp xã", "không", "Toàn trình", "01/07/2025", "20/06/2025",
                         "2025-06-25", "7", "có", "không"])
        writer.writerow(["1.009999", "Chứng thực bản sao", "Cấp xã", "có", "một phần", "", "", "", "6", "", "x"])
    result = ingest(con, [first], known_agencies=set(), spec=PROCEDURES)
    assert (result.inserted, result.updated, result.rejected_files) == (2, 0, [])
    rows = table(con, "SELECT * FROM procedures ORDER BY procedure_code")
    assert rows[0]["online_level"] == "full" and rows[1]["online_level"] == "partial"
    assert (rows[0]["effective_at"], rows[0]["announced_at"], rows[0]["published_at"]) == (
        dt.date(2025, 7, 1), dt.date(2025, 6, 20), dt.date(2025, 6, 25))
    assert (rows[0]["elements_published"], rows[0]["population_db"], rows[1]["certification"]) == (7, True, True)
    again = write_csv(tmp_path / "again.csv", [{"procedure_code": "1.001234", "name": "Đăng ký khai sinh (sửa)"}],
                      header=["procedure_code", "name"])
    result = ingest(con, [again], known_agencies=set(), spec=PROCEDURES)
    assert (result.inserted, result.updated) == (0, 1)
    assert table(con, "SELECT name, elements_published FROM procedures WHERE procedure_code = '1.001234'") == [
        {"name": "Đăng ký khai sinh (sửa)", "elements_published": 7}]


def test_bad_catalogue_rows_are_reported(con, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [
        {"procedure_code": "1.1", "name": "A", "online_level": "trực tiếp", "elements_published": "8"},
        {"procedure_code": "1.1", "name": "", "online_level": "none", "elements_published": "7"},
    ], header=["procedure_code", "name", "online_level", "elements_published"])
    report = ingest(con, [bad], known_agencies=set(), spec=PROCEDURES).rejected_files[0]
    assert codes(report) == [(1, "elements_published", "bad_number"), (1, "online_level", "bad_value"),
                             (2, "name", "missing_value"), (2, "procedure_code", "duplicate_id")]
    assert table(con, "SELECT * FROM procedures") == []


def test_feedback_imports_and_bad_rows_are_refused(con, tmp_path):
    header = ["feedback_id", "agency_code", "received_at", "rejected_at", "info_requested_at", "handled_at",
              "satisfaction"]
    good = write_csv(tmp_path / "pakn.csv", [
        {"feedback_id": "PA-1", "agency_code": "26743", "received_at": "05/01/2026 09:00",
         "handled_at": "07/01/2026 10:00", "satisfaction": "Không hài lòng"},
    ], header=header)
    assert ingest(con, [good], known_agencies=KNOWN, spec=FEEDBACK).inserted == 1
    assert table(con, "SELECT feedback_id, handled_at, satisfaction FROM feedback") == [
        {"feedback_id": "PA-1", "handled_at": dt.datetime(2026, 1, 7, 10), "satisfaction": "dissatisfied"}]
    bad = write_csv(tmp_path / "bad.csv", [
        {"feedback_id": "PA-2", "agency_code": "99999", "received_at": "05/01/2026 09:00"},
        {"feedback_id": "PA-3", "agency_code": "26743", "received_at": "05/01/2026 09:00",
         "rejected_at": "04/01/2026 09:00", "satisfaction": "tốt"},
    ], header=header)
    report = ingest(con, [bad], known_agencies=KNOWN, spec=FEEDBACK).rejected_files[0]
    assert codes(report) == [(1, "agency_code", "unknown_agency"), (2, "rejected_at", "before_receipt"),
                             (2, "satisfaction", "bad_rating")]
    assert "trước ngày tiếp nhận (05/01/2026 09:00)" in said(report.errors[1])
    assert table(con, "SELECT count(*) AS n FROM feedback") == [{"n": 1}]


def test_catalogue_publication_record_is_plausible():
    catalogue = procedure_catalogue(seed=7)
    rows = catalogue.to_pylist()
    announced_early = [r["announced_at"] < r["effective_at"] for r in rows]
    assert 0.85 < sum(announced_early) / 2000 < 0.97
    assert 0.9 < sum(r["elements_published"] == 7 for r in rows) / 2000 < 0.99
    assert all(r["certification"] == r["name"].startswith("Chứng thực") for r in rows)
    assert not any(r["fee_integrated"] and not r["fee_bearing"] for r in rows)


def test_generated_catalogue_dossiers_and_feedback_ingest_and_score_every_indicator(generated, con, tmp_path):
    from dieuhanh.demo.synthetic_dossiers import write_catalogue, write_feedback
    from dieuhanh.core.d766.execute import compute

    path, _ = generated
    catalogue = write_catalogue(tmp_path / "thu_tuc.parquet", seed=42)
    pakn = write_feedback(tmp_path / "pakn.parquet", rows=2_000, agencies=AGENCIES, start=dt.date(2025, 7, 1),
                          end=dt.date(2025, 12, 31), seed=42)
    assert pq.read_schema(pakn).metadata[b"dieuhanh.synthetic"].decode() == SYNTHETIC_LABEL
    for files, spec in (([catalogue], PROCEDURES), ([path], None), ([pakn], FEEDBACK)):
        kw = {"spec": spec} if spec else {}
        result = ingest(con, files, known_agencies=set(AGENCIES), **kw)
        assert result.rejected_files == [], [e for r in result.rejected_files for e in r.errors[:5]]
    card = compute(con, "dossiers", start=dt.date(2025, 7, 1), end=dt.date(2025, 12, 31))
    assert len(card) == len(AGENCIES)
    busy = card[card.n_received >= 100]
    assert (busy.max_points == 100).mean() > 0.9  # every indicator has data nearly everywhere
    assert 0.8 < busy.r_1_1.median() < 1 and 0.85 < busy.r_5_2.median() <= 1
    assert 0.85 < busy.r_2_1.median() <= 1


# --- the dossier facts kept at ingest ------------------------------------------------------------------------------

def _facts(con) -> list[dict]:
    """The kept facts as the scorecard reads them (``execute.kept_facts``), each with the id of its dossier."""
    import ibis

    from dieuhanh.core.d766.execute import kept_facts

    con.execute("CREATE OR REPLACE TEMP VIEW kept AS SELECT d.dossier_id, f.* FROM dossier_facts f "
                "JOIN dossiers d ON hash(d.dossier_id) = f._id_hash")
    frame = kept_facts(ibis.duckdb.from_connection(con).table("kept")).order_by("dossier_id").execute()
    con.execute("DROP VIEW kept")
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _facts_from_dossiers(con) -> list[dict]:
    """The facts derived again from the dossiers table as it is now, by the same Ibis definition."""
    import ibis

    from dieuhanh.core.d766.metrics import dossier_facts

    frame = dossier_facts(ibis.duckdb.from_connection(con).table("dossiers")).order_by("dossier_id").execute()
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _same_rows(kept: list[dict], derived: list[dict]) -> None:
    assert len(kept) == len(derived)
    for a, b in zip(kept, derived, strict=True):
        assert set(a) == set(b)
        for name in a:
            x, y = a[name], b[name]
            if x is None or y is None:
                assert x is None and y is None, (a["dossier_id"], name, x, y)
            else:
                assert x == y or str(x) == str(y), (a["dossier_id"], name, x, y)


def test_ingest_keeps_one_fact_row_per_dossier_in_step_with_inserts_updates_and_narrow_files(con, tmp_path):
    from dieuhanh.core.d766.workdays import default_calendar
    from dieuhanh.core.d766.execute import facts_current

    ingest(con, [write_csv(tmp_path / "full.csv", CLEAN)], known_agencies=KNOWN)
    assert facts_current(con, default_calendar())
    _same_rows(_facts(con), _facts_from_dossiers(con))
    hs3 = next(f for f in _facts(con) if f["dossier_id"] == "HS-3")
    # two supplement requests: never on time, so no open deadline either
    assert (hs3["_ok_finished"], hs3["_open_due"], hs3["_open_from"], hs3["_disliked"]) == (False, None, None, 1)

    # an update that finishes HS-1 late, a new dossier, and a narrow file that changes HS-2's channel only
    changed = write_csv(tmp_path / "changed.csv", [row("HS-1", finished_at="2026-03-11 10:00:00"), row("HS-4")])
    result = ingest(con, [changed], known_agencies=KNOWN)
    assert (result.inserted, result.updated) == (1, 1)
    narrow = ["dossier_id", "procedure_code", "agency_code", "channel", "received_at"]
    ingest(con, [write_csv(tmp_path / "narrow.csv", [row("HS-2", channel="2")], header=narrow)], known_agencies=KNOWN)
    facts = {f["dossier_id"]: f for f in _facts(con)}
    assert sorted(facts) == ["HS-1", "HS-2", "HS-3", "HS-4"]
    assert (facts["HS-1"]["_ok_finished"], facts["HS-1"]["_finished_m"]) == (False, 2026 * 12 + 3)
    assert (facts["HS-2"]["_online"], facts["HS-2"]["_fee"]) == (1, 1)  # the fee kept from the first file
    _same_rows(_facts(con), _facts_from_dossiers(con))
    assert facts_current(con, default_calendar())


def test_facts_stay_exact_when_dossier_ids_share_a_hash(con, tmp_path, monkeypatch):
    """The kept facts name dossiers by a 64-bit hash of the id; with a hash that repeats (three values here), an
    update replaces exactly the facts of the dossiers it names, and every other dossier keeps its own."""
    from dieuhanh.core.d766 import execute

    monkeypatch.setattr(execute, "id_hash", lambda value: f"(hash({value}) % 3)")
    first = [row(f"HS-{i}", finished_at=f"2026-03-{6 + i % 5:02d} 09:00:00") for i in range(1, 13)]
    ingest(con, [write_csv(tmp_path / "first.csv", first)], known_agencies=KNOWN)
    assert con.execute("SELECT count(DISTINCT _id_hash) FROM dossier_facts").fetchone() == (3,)  # ids share hashes

    def unnamed(facts: list[dict]) -> list[tuple]:
        return sorted(tuple(str(f[k]) for k in sorted(f) if k != "dossier_id") for f in facts)

    def kept() -> list[dict]:
        import ibis

        frame = execute.kept_facts(ibis.duckdb.from_connection(con).table("dossier_facts")).execute()
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    assert unnamed(kept()) == unnamed(_facts_from_dossiers(con))
    # HS-1 finished late, HS-5 open again, two new dossiers: every hash value is touched
    update = [row("HS-1", finished_at="2026-03-20 10:00:00"), row("HS-5", finished_at=""), row("HS-20"), row("HS-21")]

    def rebuilt(*args, **kwargs):
        raise AssertionError("the update rebuilt every fact instead of replacing those it changed")

    monkeypatch.setattr(execute, "refresh_facts", rebuilt)
    result = ingest(con, [write_csv(tmp_path / "update.csv", update)], known_agencies=KNOWN)
    assert (result.inserted, result.updated) == (2, 2)
    assert len(kept()) == 14
    assert unnamed(kept()) == unnamed(_facts_from_dossiers(con))


def test_a_rejected_file_leaves_the_facts_as_they_were(con, tmp_path):
    ingest(con, [write_csv(tmp_path / "full.csv", CLEAN)], known_agencies=KNOWN)
    before = _facts(con)
    bad = write_csv(tmp_path / "bad.csv", [row("HS-1", finished_at="2026-03-12 10:00:00"), row("HS-5", channel="7")])
    assert ingest(con, [bad], known_agencies=KNOWN).rejected_files
    assert _facts(con) == before


def test_the_scorecard_from_kept_facts_equals_the_one_from_the_dossiers(generated, con, tmp_path):
    """compute() reads dossier_facts when it is current; the same numbers as deriving them from every dossier,
    after an initial load and after a day of updates and new dossiers; a write to the dossiers table that does not
    go through ingest makes compute fall back to the dossiers."""
    import ibis
    import pandas as pd

    from dieuhanh.core.d766.workdays import default_calendar
    from dieuhanh.core.d766.metrics import scorecard
    from dieuhanh.core.d766.execute import compute, facts_current

    path, _ = generated
    ingest(con, [path], known_agencies=set(AGENCIES))
    day = pq.read_table(path).slice(0, 2_000).to_pandas()
    day["dossier_id"] = [f"NEW-{i}" if i % 2 else d for i, d in enumerate(day["dossier_id"])]  # half new
    day["finished_at"] = day["received_at"] + pd.Timedelta(days=40)
    day["supplement_requests"] = 1
    pq.write_table(pa.Table.from_pandas(day, preserve_index=False), tmp_path / "day.parquet")
    assert ingest(con, [tmp_path / "day.parquet"], known_agencies=set(AGENCIES)).updated == 1_000
    assert facts_current(con, default_calendar())

    def from_dossiers(**kw):
        return scorecard(ibis.duckdb.from_connection(con).table("dossiers"), **kw).execute()

    for kw in ({"by": "month"}, {"by": "quarter"}, {"by": None}, {"by": "month", "keys": ("agency_code", "channel")}):
        kw |= {"start": dt.date(2025, 8, 10), "end": dt.date(2025, 12, 20)}
        pd.testing.assert_frame_equal(compute(con, "dossiers", **kw), from_dossiers(**kw), check_exact=False,
                                      rtol=1e-12)
    con.execute("UPDATE dossiers SET finished_at = NULL WHERE dossier_id IN "
                "(SELECT dossier_id FROM dossiers LIMIT 500)")
    con.execute("INSERT INTO dossiers (dossier_id, agency_code, channel, received_at) "
                "VALUES ('X', '79.STP', 1, '2025-09-01')")
    assert not facts_current(con, default_calendar())
    kw = {"start": dt.date(2025, 7, 1), "end": dt.date(2025, 12, 31), "by": "month"}
    pd.testing.assert_frame_equal(compute(con, "dossiers", **kw), from_dossiers(**kw), check_exact=False, rtol=1e-12)


def said(error) -> str:
    """The Vietnamese sentence of a file problem, as pages render it from the catalogue."""
    from django.utils import translation

    from dieuhanh.messages import render

    with translation.override("vi"):
        return render(error.message_code, error.params)
