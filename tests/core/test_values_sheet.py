"""Indicator values by spreadsheet: Vietnamese numbers, the template and bulk sheet both ways (no database)."""

import dataclasses
import io
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from dieuhanh.core.common.numerals import format_number, parse_number
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.indicators.values_sheet import (
    COLUMNS,
    TemplateRow,
    ValueRow,
    ValuesSheetError,
    read_values_sheet,
    write_values_sheet,
)

# -------------------------------------------------------------------------------------------------
# parse_number


@pytest.mark.parametrize(("given_value", "expected"), [
    # Excel numbers, taken as Excel shows them
    (0.1, Decimal("0.1")),
    (0.30000000000000004, Decimal("0.30000000000000004")),  # a formula's float noise is the formula's
    (1234.5, Decimal("1234.5")),
    (3.0, Decimal(3)),
    (42, Decimal(42)),
    (-7, Decimal(-7)),
    (1e-07, Decimal("0.0000001")),
    (Decimal("12.50"), Decimal("12.5")),
    # Vietnamese writing
    ("1.234,5", Decimal("1234.5")),
    ("1.234.567", Decimal(1234567)),
    ("1.234.567,89", Decimal("1234567.89")),
    ("12,5", Decimal("12.5")),
    ("1234,5", Decimal("1234.5")),
    ("0,05", Decimal("0.05")),
    ("1,234", Decimal("1.234")),  # a comma is always the decimal mark
    ("12,5 %", Decimal("12.5")),
    ("45%", Decimal(45)),  # the percent sign is a mark: the indicator is measured in %
    ("100 %", Decimal(100)),
    ("  3 ", Decimal(3)),
    ("\u00a03\u00a0", Decimal(3)),  # non-breaking spaces pasted from Word
    ("-1.234,5", Decimal("-1234.5")),
    ("−2,5", Decimal("-2.5")),  # U+2212 minus
    ("+7", Decimal(7)),
    ("007", Decimal(7)),
    # A dot typed on an English keyboard
    ("1234.5", Decimal("1234.5")),
    ("1.5", Decimal("1.5")),
    ("1.23", Decimal("1.23")),
    ("1.2345", Decimal("1.2345")),
    ("0.125", Decimal("0.125")),  # "0" cannot open a thousands group
    ("1234.567", Decimal("1234.567")),  # neither can "1234"
    # Exactly three digits after one dot: thousands, as officials write them
    ("1.234", Decimal(1234)),
    ("1.000", Decimal(1000)),
    ("-12.500", Decimal(-12500)),
    ("999.999", Decimal(999999)),
    # No value
    (None, None),
    ("", None),
    ("   ", None),
    ("-", None),
    (" – ", None),
])
def test_parse_number(given_value, expected):
    parsed = parse_number(given_value)
    assert parsed == expected
    if expected is not None:
        assert isinstance(parsed, Decimal)


def test_parse_number_keeps_excel_floats_free_of_binary_noise():
    assert str(parse_number(0.1)) == "0.1"
    assert str(parse_number(2.675)) == "2.675"


@pytest.mark.parametrize("given_value", [
    "abc", "1,2,3", "12..5", "1.234.5", "1.23.456", "1,234.5", "1.234,5,6", "12,", "12.", ",5", ".5", "%", "-%",
    "- 5", "1 234", "1e3", "NaN", "Infinity", "١٢", "12 5", "5 triệu", "#DIV/0!", "x",
])
def test_parse_number_refuses_text_that_is_not_a_number(given_value):
    with pytest.raises(CoreError) as raised:  # a ValueError too
        parse_number(given_value)
    assert (raised.value.code, raised.value.params) == ("not_a_number", {"value": given_value.strip()})


@pytest.mark.parametrize("given_value", [True, False, datetime(2026, 6, 1), date(2026, 6, 1), float("nan"), float("inf"),
                                         Decimal("NaN")])
def test_parse_number_refuses_cells_that_are_not_numbers(given_value):
    with pytest.raises(ValueError) as raised:
        parse_number(given_value)
    assert raised.value.code == "not_a_number"


# -------------------------------------------------------------------------------------------------
# format_number


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (None, None, ""),
    (Decimal("1234.5"), None, "1.234,5"),
    (Decimal("1234567.125"), None, "1.234.567,125"),
    (Decimal(1234), None, "1.234"),
    (Decimal(999), None, "999"),
    (Decimal("45.00"), None, "45"),
    (Decimal("12.50"), None, "12,5"),
    (Decimal("0.001"), None, "0,001"),
    (Decimal("1E+3"), None, "1.000"),
    (Decimal("-1234.5"), None, "-1.234,5"),
    (Decimal("-0"), None, "0"),
    (Decimal("12.5"), 2, "12,50"),
    (Decimal("1234.5"), 0, "1.235"),  # half up, as officials round
    (Decimal("2.25"), 1, "2,3"),
    (Decimal("-2.25"), 1, "-2,3"),
    (Decimal("-0.04"), 1, "0,0"),
    (Decimal("1234567.891"), 2, "1.234.567,89"),
])
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_number_refuses_infinity():
    with pytest.raises(ValueError):
        format_number(Decimal("Infinity"))


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**15, max_value=10**15, places=6))
def test_formatted_numbers_parse_back(value):
    assert parse_number(format_number(value)) == value


# -------------------------------------------------------------------------------------------------
# Helpers

HEADER = ["Mã đơn vị", "Đơn vị", "Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Kỳ", "Chỉ tiêu năm", "Kỳ trước",
          "Giá trị", "Tình trạng số liệu", "Ghi chú", "Nguồn"]


def workbook_bytes(rows, formats=None):
    """An .xlsx in memory: ``rows`` from row 1; ``formats`` maps "I3" to a number format."""
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    for coordinate, number_format in (formats or {}).items():
        ws[coordinate].number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def line(unit="26743", indicator="CT-01", period="2026-Q2", value=None, status=None, comment=None, source=None):
    """A body row in the ``HEADER`` layout."""
    return [unit, "Phường Bến Thành", indicator, "Tỷ lệ hồ sơ trực tuyến", "%", period, "80", "75", value, status,
            comment, source]


def errors_of(source, **expected):
    with pytest.raises(ValuesSheetError) as raised:
        read_values_sheet(source, **expected)
    return [(error.row, error.column, error.code) for error in raised.value.errors]


def written(rows, title="Số liệu chỉ tiêu quý II/2026"):
    out = io.BytesIO()
    write_values_sheet(rows, out, title=title)
    out.seek(0)
    return out


def template_row(indicator="CT-01", **fields):
    values = dict(unit_code="26743", unit_name="Phường Bến Thành", indicator_code=indicator,
                  indicator_name="Tỷ lệ hồ sơ trực tuyến toàn trình", measure="%", period="2026-Q2")
    values.update(fields)
    return TemplateRow(**values)


# -------------------------------------------------------------------------------------------------
# Writing


def test_written_layout():
    rows = [template_row(target="80", previous="75,5"), template_row("CT-02", value=Decimal("1234.5"), status="estimated")]
    ws = load_workbook(written(rows)).active
    assert ws.title == "Số liệu"
    assert ws["A1"].value == "Số liệu chỉ tiêu quý II/2026" and ws["A1"].font.b
    assert [cell.value for cell in ws[2]] == HEADER == [label for _name, label, _width in COLUMNS]
    for cell in ws[2]:
        assert (cell.font.name, cell.font.sz, cell.font.b) == ("Times New Roman", 12, True)
        assert cell.fill.fgColor.rgb.endswith("DDE6F0") and cell.alignment.wrap_text
    assert [cell.value for cell in ws[3]] == [
        "26743", "Phường Bến Thành", "CT-01", "Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "2026-Q2", "80", "75,5",
        None, None, None, None]
    assert (ws["I4"].value, ws["J4"].value) == (1234.5, "ước tính")
    assert ws["I3"].number_format == ws["I4"].number_format == "#,##0.###"
    assert ws["A3"].number_format == ws["C3"].number_format == ws["F3"].number_format == "@"  # "2026-06" stays text
    assert (ws["K3"].font.name, ws["K3"].font.sz) == ("Times New Roman", 12) and ws["K3"].alignment.wrap_text
    assert ws.freeze_panes == "E3"
    assert ws.column_dimensions["D"].width > ws.column_dimensions["A"].width
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"chính thức,sơ bộ,ước tính"'
    assert str(validation.sqref) == "J3:J1048576"


def test_an_untouched_template_reads_as_nothing_to_report():
    rows = [template_row(f"CT-{n:02d}", target="80", previous="75") for n in range(1, 6)]
    assert read_values_sheet(written(rows)) == []


def test_text_from_users_is_never_a_formula_nor_breaks_the_file():
    rows = [template_row(value=Decimal(1), comment="=HYPERLINK(\"http://x\")", source="Sở\x0bY tế")]
    ws = load_workbook(written(rows)).active
    assert (ws["K3"].data_type, ws["K3"].value) == ("s", "=HYPERLINK(\"http://x\")")
    (row,) = read_values_sheet(written(rows))
    assert (row.comment, row.source) == ("=HYPERLINK(\"http://x\")", "SởY tế")


# -------------------------------------------------------------------------------------------------
# Round trip: what we write, filled, reads back as it was

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_WORD = st.text(alphabet=_LETTERS + _LETTERS.upper() + "0123456789=%,.;:()-/", min_size=1, max_size=8)
_NOTE = st.lists(_WORD, max_size=6).flatmap(lambda words: st.sampled_from([" ", "\n"]).map(lambda sep: sep.join(words)))
_PERIOD = st.one_of(
    st.integers(2024, 2030).map(str),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2024, 2030), st.integers(1, 12)),
    st.builds(lambda y, q: f"{y}-Q{q}", st.integers(2024, 2030), st.integers(1, 4)),
    st.builds(lambda y, h: f"{y}-H{h}", st.integers(2024, 2030), st.integers(1, 2)),
)
# Excel holds 15 significant digits; a KPI with three decimals stays well within them.
_VALUE = st.decimals(min_value=-10**11, max_value=10**11, places=3, allow_nan=False, allow_infinity=False)
_FILLED_ROW = st.builds(
    TemplateRow,
    unit_code=st.sampled_from(["79", "79.SKHCN", "79.SKHCN.TTCDS", "26743", "26740", "26732"]),
    unit_name=_NOTE, indicator_code=st.integers(1, 40).map(lambda n: f"CT-{n:02d}"), indicator_name=_NOTE,
    measure=st.sampled_from(["%", "hồ sơ", "người", "triệu đồng"]), period=_PERIOD, target=_NOTE, previous=_NOTE,
    value=_VALUE, status=st.sampled_from(["final", "provisional", "estimated"]), comment=_NOTE, source=_NOTE,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FILLED_ROW, max_size=12, unique_by=lambda r: (r.unit_code, r.indicator_code, r.period)))
def test_round_trip(rows):
    read = read_values_sheet(written(rows))
    assert [dataclasses.replace(r, row=0) for r in read] == [
        ValueRow(row=0, unit_code=r.unit_code, indicator_code=r.indicator_code, period=r.period, value=r.value,
                 status=r.status, comment=r.comment, source=r.source) for r in rows]
    assert [r.row for r in read] == list(range(3, 3 + len(rows)))


# -------------------------------------------------------------------------------------------------
# A sheet as an official makes it


def test_hand_built_sheet_with_title_block_and_vietnamese_numbers():
    rows = [
        ["ỦY BAN NHÂN DÂN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],                    # 1
        ["PHƯỜNG BẾN THÀNH"],                                                                     # 2
        [],                                                                                       # 3
        ["BÁO CÁO SỐ LIỆU CHỈ TIÊU QUÝ II/2026"],                                                 # 4
        # columns in another order, headers typed without care for case or spacing
        ["Kỳ", "MÃ ĐƠN VỊ", "mã  chỉ tiêu", "Tên chỉ tiêu", "Giá trị", "Tình trạng số liệu", "Ghi chú"],  # 5
        ["2026-Q2", "26743", "CT-01", "Tỷ lệ hồ sơ trực tuyến", "1.234,5", "Ước tính", "Số liệu đến 20/6"],  # 6
        ["2026-Q2", 26743, "CT-02", "Số doanh nghiệp", "1.234", "sơ bộ", None],                  # 7
        ["2026-q2", "26743", "CT-03", "Tỷ lệ", "12,5 %", "uoc", None],                          # 8
        ["2026-Q2", "26743", "CT-04", "Tỷ lệ", 0.1, None, None],                                  # 9
        ["2026-Q2", "26743", "CT-05", "Tỷ lệ", "-", "chính thức", "Chưa có số liệu"],             # 10
        ["2026-Q2", "26743", "CT-06", "Tỷ lệ", None, None, None],                                 # 11 left as downloaded
        [],                                                                                       # 12
        ["2026-Q2", "26743", "CT-07", "Tỷ lệ", 0.45, "PROVISIONAL", None],                        # 13 typed 45% in Excel
        [datetime(2026, 6, 1), "26743", "CT-08", "Tỷ lệ", 3, "final", None],                      # 14 Excel made 2026-06 a date
        ["Người lập biểu", None, None, None, None, None, None],                                   # 15 signature: nothing filled
    ]
    read = read_values_sheet(workbook_bytes(rows, {"E13": "0%"}))
    assert [(r.row, r.unit_code, r.indicator_code, r.period, r.value, r.status, r.comment, r.source) for r in read] == [
        (6, "26743", "CT-01", "2026-Q2", Decimal("1234.5"), "estimated", "Số liệu đến 20/6", ""),
        (7, "26743", "CT-02", "2026-Q2", Decimal(1234), "provisional", "", ""),
        (8, "26743", "CT-03", "2026-Q2", Decimal("12.5"), "estimated", "", ""),
        (9, "26743", "CT-04", "2026-Q2", Decimal("0.1"), "final", "", ""),
        (10, "26743", "CT-05", "2026-Q2", None, "final", "Chưa có số liệu", ""),
        (13, "26743", "CT-07", "2026-Q2", Decimal(45), "provisional", "", ""),
        (14, "26743", "CT-08", "2026-06", Decimal(3), "final", "", ""),
    ]
    assert all(r.source == "" for r in read)  # no "Nguồn" column: no source


def test_literal_percent_in_a_number_format_does_not_scale():
    rows = [HEADER, line(value=45), line("26740", value=0.5)]
    read = read_values_sheet(workbook_bytes(rows, {"I2": '0" %"', "I3": "0.0%"}))
    assert [r.value for r in read] == [Decimal(45), Decimal(50)]


def test_a_header_in_a_later_sheet_is_found():
    wb = Workbook()
    wb.active.append(["Hướng dẫn nhập số liệu"])
    sheet = wb.create_sheet("Số liệu")
    for row in [HEADER, line(value="12,5")]:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    assert [r.value for r in read_values_sheet(out)] == [Decimal("12.5")]


# -------------------------------------------------------------------------------------------------
# Problems, each with its row


def test_every_row_problem_is_reported_with_its_row_and_column():
    rows = [
        ["BIỂU TỔNG HỢP SỐ LIỆU"],                                                # 1
        HEADER,                                                                   # 2
        line(value="10"),                                                         # 3 fine
        line(unit=None, value="10"),                                              # 4 missing_unit
        line(indicator="  ", value="10"),                                         # 5 missing_indicator
        line(indicator="CT-02", period="Quý 2/2026", value="10"),                 # 6 bad_period
        line(indicator="CT-03", period="2026-13", value="10"),                    # 7 bad_period
        line(indicator="CT-04", value="mười"),                                    # 8 not_a_number
        line(indicator="CT-05", value="10", status="tạm tính"),                   # 9 bad_status
        line(value="11"),                                                         # 10 duplicate_row of 3
        line(unit=None, indicator=None, period="sai", value="1,2,3", status="?"),  # 11 five problems
        line(indicator="CT-06", period="2026-Q2", value=True),                    # 12 not_a_number
    ]
    assert errors_of(workbook_bytes(rows)) == [
        (4, "Mã đơn vị", "missing_unit"),
        (5, "Mã chỉ tiêu", "missing_indicator"),
        (6, "Kỳ", "invalid_period"),
        (7, "Kỳ", "invalid_period"),
        (8, "Giá trị", "not_a_number"),
        (9, "Tình trạng số liệu", "bad_status"),
        (10, "", "duplicate_row"),
        (11, "Mã đơn vị", "missing_unit"),
        (11, "Mã chỉ tiêu", "missing_indicator"),
        (11, "Kỳ", "invalid_period"),
        (11, "Giá trị", "not_a_number"),
        (11, "Tình trạng số liệu", "bad_status"),
        (12, "Giá trị", "not_a_number"),
    ]


def test_problems_carry_codes_and_parameters_and_a_duplicate_names_the_first_row():
    rows = [HEADER, line(value="1"), line(value="abc"), line(value="2", status="tạm tính"), line(value="3")]
    with pytest.raises(ValuesSheetError) as raised:
        read_values_sheet(workbook_bytes(rows))
    params = {error.code: error.params for error in raised.value.errors}
    assert params["not_a_number"] == {"row": 3, "value": "abc"}
    assert params["bad_status"] == {"row": 4, "value": "tạm tính"}
    assert params["duplicate_row"]["first"] == 2
    assert not any(error.message for error in raised.value.errors)  # the sentence is the catalogue's
    assert [(e.row, e.code) for e in raised.value.errors] == [
        (3, "not_a_number"), (3, "duplicate_row"), (4, "bad_status"), (4, "duplicate_row"), (5, "duplicate_row")]


def test_the_same_indicator_in_two_spellings_of_a_period_is_a_duplicate():
    rows = [HEADER, line(period="2026-q2", value="1"), line(period="2026-Q2", value="2")]
    assert errors_of(workbook_bytes(rows)) == [(3, "", "duplicate_row")]


def test_different_units_or_periods_are_not_duplicates():
    rows = [HEADER, line(value="1"), line("26740", value="2"), line(period="2026-Q3", value="3")]
    assert [(r.unit_code, r.period) for r in read_values_sheet(workbook_bytes(rows))] == [
        ("26743", "2026-Q2"), ("26740", "2026-Q2"), ("26743", "2026-Q3")]


def test_a_template_for_one_unit_and_period():
    rows = [HEADER, line(value="1"), line("26740", "CT-02", value="2"), line(indicator="CT-03", period="2026-Q1", value="3"),
            line(indicator="CT-04", period="2026-q2", value="4")]
    assert errors_of(workbook_bytes(rows), expected_unit="26743", expected_period="2026-Q2") == [
        (3, "Mã đơn vị", "wrong_unit"), (4, "Kỳ", "wrong_period")]
    with pytest.raises(ValuesSheetError) as raised:
        read_values_sheet(workbook_bytes(rows), expected_unit="26743", expected_period="2026-Q2")
    wrong_unit, wrong_period = raised.value.errors
    assert (wrong_unit.params["unit"], wrong_unit.params["expected"]) == ("26740", "26743")
    assert (wrong_period.params["period"], wrong_period.params["expected"]) == ("2026-Q1", "2026-Q2")
    # Only unit or only period checked
    assert errors_of(workbook_bytes(rows), expected_unit="26743") == [(3, "Mã đơn vị", "wrong_unit")]
    assert errors_of(workbook_bytes(rows), expected_period="2026-Q2") == [(4, "Kỳ", "wrong_period")]
    fine = [HEADER, line(value="1"), line(indicator="CT-02", value="2")]
    assert len(read_values_sheet(workbook_bytes(fine), expected_unit="26743", expected_period="2026-Q2")) == 2


def test_a_bad_period_is_not_also_a_wrong_period_nor_a_missing_unit_a_wrong_unit():
    rows = [HEADER, line(unit=None, period="sai", value="1")]
    assert errors_of(workbook_bytes(rows), expected_unit="26743", expected_period="2026-Q2") == [
        (2, "Mã đơn vị", "missing_unit"), (2, "Kỳ", "invalid_period")]


def test_expected_period_must_be_a_period_key():
    with pytest.raises(ValueError):
        read_values_sheet(workbook_bytes([HEADER]), expected_period="Quý II")


def test_no_header():
    assert errors_of(workbook_bytes([["Danh sách"], ["26743", "CT-01", "2026-Q2", "1"]])) == [(0, "", "no_header")]
    # A header below the tenth row is not looked for
    assert errors_of(workbook_bytes([["Tiêu đề"]] * 10 + [HEADER, line(value="1")])) == [(0, "", "no_header")]
    # Nor is a header without the value column
    assert errors_of(workbook_bytes([HEADER[:8], line(value="1")[:8]])) == [(0, "", "no_header")]


def test_files_that_are_not_xlsx(tmp_path):
    text_file = tmp_path / "so-lieu.csv"
    text_file.write_text("Mã đơn vị;Mã chỉ tiêu;Kỳ;Giá trị\n", encoding="utf-8")
    assert errors_of(text_file) == [(0, "", "not_xlsx")]
    assert errors_of(io.BytesIO(b"PK\x03\x04 broken zip")) == [(0, "", "not_xlsx")]
    assert errors_of(str(tmp_path / "missing.xlsx")) == [(0, "", "not_xlsx")]


def test_core_does_not_import_django():
    """A framework-free core; checked in a fresh interpreter (pytest-django imports Django)."""
    code = ("import sys, dieuhanh.core.indicators.values_sheet; "
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
