"""The indicator values sheet: units' KPI values per period by spreadsheet, keyed by unit, indicator and period.

Officials download either a template for one unit and period (every indicator due for that unit) or a bulk
sheet for many units (one row per indicator × unit), type the values, and upload it. This module owns that
layout both ways (``write_values_sheet``, ``read_values_sheet``); numbers are read and written by
``core/common/numerals.py`` (``parse_number``, ``format_number``). Reading checks only the sheet's own content and collects every problem
row by row; whether the codes exist and who may report them is the caller's business, and the caller applies
all rows or none.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dieuhanh.core.common.numerals import parse_number
from dieuhanh.core.common.periods import parse_period
from dieuhanh.core.common.text import fold, normalise_name
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.sheets import RowError, open_workbook, text_only

# ---------------------------------------------------------------------------------------------------
# The sheet

# (field, header, width) in the order written. Unit name, indicator name, measure, the year's target and
# the previous value are there for the official to read; reading ignores them.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("unit_code", "Mã đơn vị", 12),
    ("unit_name", "Đơn vị", 28),
    ("indicator_code", "Mã chỉ tiêu", 12),
    ("indicator_name", "Tên chỉ tiêu", 45),
    ("measure", "Đơn vị tính", 10),
    ("period", "Kỳ", 10),
    ("target", "Chỉ tiêu năm", 13),
    ("previous", "Kỳ trước", 13),
    ("value", "Giá trị", 14),
    ("status", "Tình trạng số liệu", 16),
    ("comment", "Ghi chú", 35),
    ("source", "Nguồn", 25),
)
_LABELS = {name: label for name, label, _width in COLUMNS}
_POSITIONS = {name: position for position, (name, _label, _width) in enumerate(COLUMNS, start=1)}
_HEADERS = {fold(label): name for name, label, _width in COLUMNS}
_REQUIRED = ("unit_code", "indicator_code", "period", "value")
# What the official fills; a row with none of these is as it was downloaded and is not a report.
_FILLED = ("value", "status", "comment", "source")
# Title blocks have a few rows; the header is looked for no further down.
_HEADER_SEARCH_ROWS = 10

STATUS_LABELS = {"final": "chính thức", "provisional": "sơ bộ", "estimated": "ước tính"}
_STATUSES = {
    **{fold(label): status for status, label in STATUS_LABELS.items()},
    **{status: status for status in STATUS_LABELS},
    "uoc": "estimated",
    "": "final",  # a value without a status is the unit's final figure
}


@dataclass(frozen=True)
class TemplateRow:
    """One indicator of one unit for one period as written into the sheet. ``target`` and ``previous`` are
    shown as given (format them with ``format_number``); ``value``, ``status``, ``comment`` and ``source``
    prefill what was reported before."""

    unit_code: str
    unit_name: str
    indicator_code: str
    indicator_name: str
    measure: str
    period: str
    target: str = ""
    previous: str = ""
    value: Decimal | None = None
    status: str = "final"
    comment: str = ""
    source: str = ""


@dataclass(frozen=True)
class ValueRow:
    """A reported value read from the sheet. ``row`` is its Excel row; ``period`` is the canonical key;
    ``value`` is ``None`` when the official wrote "-" or left it empty but filled status, comment or source."""

    row: int
    unit_code: str
    indicator_code: str
    period: str
    value: Decimal | None
    status: str
    comment: str
    source: str


class ValuesSheetError(Exception):
    """Raised by ``read_values_sheet`` with every problem found, in row order."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s) in the indicator values sheet")
        self.errors = errors


# ---------------------------------------------------------------------------------------------------
# Writing

_FONT = Font(name="Times New Roman", size=12)
_BOLD = Font(name="Times New Roman", size=12, bold=True)
_TITLE_FONT = Font(name="Times New Roman", size=13, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_HEADER_ROW = 2
_VALUE_FORMAT = "#,##0.###"
# Typed into these, "2026-06" or "079" must stay text, not become a date or the number 79.
_TEXT_COLUMNS = ("unit_code", "indicator_code", "period")


def _set(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        # Names and comments come from users: characters XML cannot hold are dropped, and text starting with
        # "=" is stored as text so that it never runs as a formula in the official's Excel.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
        if cell.value is not None:
            cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _row_values(row: TemplateRow) -> dict[str, object]:
    reported = row.value is not None or row.comment or row.source or row.status != "final"
    return {
        "unit_code": row.unit_code, "unit_name": row.unit_name, "indicator_code": row.indicator_code,
        "indicator_name": row.indicator_name, "measure": row.measure, "period": row.period, "target": row.target,
        "previous": row.previous, "value": float(row.value) if row.value is not None else None,
        # An unreported row keeps its status empty: otherwise it would not read as "left as downloaded".
        "status": STATUS_LABELS[row.status] if reported else "", "comment": row.comment, "source": row.source,
    }


def write_values_sheet(rows: list[TemplateRow], target: str | Path | BinaryIO, *, title: str) -> None:
    """Write ``rows`` under a one-line ``title``, in the layout ``read_values_sheet`` reads back.

    A row without value, comment or source and with the default status is written with its status empty,
    so that an untouched row reads as left as downloaded.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    _set(ws, 1, 1, title).font = _TITLE_FONT
    for column, (_name, label, width) in enumerate(COLUMNS, start=1):
        cell = _set(ws, _HEADER_ROW, column, label)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(column)].width = width
    for row_number, row in enumerate(rows, start=_HEADER_ROW + 1):
        values = _row_values(row)
        for column, (name, _label, _width) in enumerate(COLUMNS, start=1):
            cell = _set(ws, row_number, column, values[name])
            cell.font = _FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if name == "value":
                cell.number_format = _VALUE_FORMAT
            elif name in _TEXT_COLUMNS:
                cell.number_format = "@"
    _add_status_list(ws)
    # Codes and indicator names stay in view while the official scrolls right to the value columns.
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=_POSITIONS["indicator_name"] + 1)
    text_only(wb)
    wb.save(target)


def _add_status_list(ws: Worksheet) -> None:
    """A drop-down of the three statuses on the whole status column below the header, rows added later too."""
    letter = get_column_letter(_POSITIONS["status"])
    validation = DataValidation(
        type="list", formula1=f'"{",".join(STATUS_LABELS.values())}"',
        allow_blank=True, showErrorMessage=True, errorTitle="Tình trạng số liệu",
        error="Chọn “chính thức”, “sơ bộ” hoặc “ước tính”; để trống là chính thức.",
    )
    validation.add(f"{letter}{_HEADER_ROW + 1}:{letter}1048576")
    ws.add_data_validation(validation)


# ---------------------------------------------------------------------------------------------------
# Reading


def _text(value: object) -> str:
    """A cell as one line of text: integral numbers without ".0", NFC, single spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_name(str(value))


def _note(value: object) -> str:
    """A comment or source: like ``_text`` but keeping the line breaks and spacing the official typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _period_text(value: object) -> str:
    """The period as typed. Excel turns "2026-06" typed into a General cell into 1 June 2026; a first of the
    month is read back as that month."""
    if isinstance(value, dt.datetime) and value.day == 1 and value.time() == dt.time():
        return f"{value.year}-{value.month:02d}"
    return _text(value).upper()  # "2026-q2" is 2026-Q2


_LITERALS = re.compile(r'"[^"]*"|\\.')


def _cell_number(cell: Cell) -> Decimal | None:
    """The value of a number cell. "45%" typed into Excel is stored as 0.45 shown as a percentage; the
    indicator means 45, as the same text typed into a text cell does."""
    number = parse_number(cell.value)
    if number is not None and isinstance(cell.value, (int, float)) and "%" in _LITERALS.sub("", cell.number_format):
        return number * 100
    return number


def _find_header(ws: Worksheet) -> tuple[int, dict[str, int]] | None:
    """The first of the top rows naming every required column: its Excel row and each field's 0-based column."""
    for row_number, cells in enumerate(ws.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True), start=1):
        columns: dict[str, int] = {}
        for position, value in enumerate(cells):
            name = _HEADERS.get(fold(_text(value)))
            if name is not None:
                columns.setdefault(name, position)
        if all(name in columns for name in _REQUIRED):
            return row_number, columns
    return None


def _open(source: str | Path | BinaryIO) -> tuple[Worksheet, int, dict[str, int]]:
    """The first worksheet with a header row, the header's row and columns."""
    try:
        wb = open_workbook(source, read_only=False)  # cells are read by position
    except CoreError as exc:
        raise ValuesSheetError([RowError(0, "", exc.code, params=exc.params)]) from None
    for ws in wb.worksheets:
        found = _find_header(ws)
        if found is not None:
            return ws, *found
    labels = ", ".join(f"“{_LABELS[name]}”" for name in _REQUIRED)
    raise ValuesSheetError([RowError(0, "", "no_header", params={"rows": _HEADER_SEARCH_ROWS, "columns": labels})])


def read_values_sheet(source: str | Path | BinaryIO, *, expected_unit: str | None = None,
                      expected_period: str | None = None) -> list[ValueRow]:
    """The reported rows in sheet order; raises ``ValuesSheetError`` listing every problem, in row order.

    Rows whose value, status, comment and source are all empty are skipped. Per row: ``missing_unit``,
    ``missing_indicator``, ``invalid_period``, ``not_a_number``, ``bad_status``, ``duplicate_row`` (the same unit,
    indicator and period again: reported on the later row, naming the first), and, when the sheet was
    a template for one unit or period, ``wrong_unit`` and ``wrong_period``. For the whole file (row 0):
    ``not_xlsx``, ``no_header``. ``expected_period`` must be a valid period key.
    """
    expected = parse_period(expected_period) if expected_period is not None else None
    ws, header_row, columns = _open(source)
    result: list[ValueRow] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, str, str], int] = {}
    for row_number, cells in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
        raw = {name: cells[columns[name]].value if name in columns else None for name in _LABELS}
        if not any(_text(raw[name]) for name in _FILLED):
            continue
        found: list[RowError] = []

        def problem(name: str, code: str, found=found, row_number=row_number, **params) -> None:
            found.append(RowError(row_number, _LABELS.get(name, ""), code, params={"row": row_number, **params}))

        unit, indicator, period_text = _text(raw["unit_code"]), _text(raw["indicator_code"]), _period_text(raw["period"])
        if not unit:
            problem("unit_code", "missing_unit")
        elif expected_unit is not None and unit != expected_unit:
            problem("unit_code", "wrong_unit", unit=unit, expected=expected_unit)
        if not indicator:
            problem("indicator_code", "missing_indicator")
        period = ""
        try:
            parsed = parse_period(period_text)
        except ValueError:
            problem("period", "invalid_period", value=period_text[:40])
        else:
            period = parsed.key
            if expected is not None and parsed != expected:
                problem("period", "wrong_period", period=parsed.key, expected=expected.key)
        value = None
        try:
            value = _cell_number(cells[columns["value"]])
        except CoreError as exc:
            problem("value", exc.code, **exc.params)
        status = _STATUSES.get(fold(_text(raw["status"])), "")
        if not status:
            problem("status", "bad_status", value=_text(raw["status"])[:40])
        if unit and indicator and period:
            first = first_seen.setdefault((unit, indicator, period), row_number)
            if first != row_number:
                problem("", "duplicate_row", first=first, unit=unit, indicator=indicator, period=period)
        if found:
            errors.extend(found)
        else:
            result.append(ValueRow(row=row_number, unit_code=unit, indicator_code=indicator, period=period, value=value,
                                   status=status, comment=_note(raw["comment"]), source=_note(raw["source"])))
    if errors:
        raise ValuesSheetError(errors)
    return result
