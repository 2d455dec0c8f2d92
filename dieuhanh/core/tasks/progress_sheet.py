"""The progress sheet: bulk progress update by spreadsheet, keyed by task code.

Officials download the sheet of their tasks, fill one row per task (progress, what was done, difficulties,
proposals, completion) and upload it. Reading collects every problem row by row; the caller applies all rows
or none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from dieuhanh.core.common.periods import parse_period
from dieuhanh.core.common.text import fold
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.sheets import RowError, open_workbook, text_only

COLUMNS = [
    ("code", "Mã nhiệm vụ", 14),
    ("title", "Nhiệm vụ", 60),
    ("lead", "Cơ quan chủ trì", 28),
    ("period", "Kỳ báo cáo", 12),
    ("current", "Tiến độ đã duyệt (%)", 12),
    ("percent", "Tiến độ (%)", 12),
    ("done", "Kết quả thực hiện", 45),
    ("difficulties", "Khó khăn, vướng mắc", 35),
    ("proposals", "Đề xuất", 35),
    ("completed", "Hoàn thành (x)", 12),
    ("completed_on", "Ngày hoàn thành", 15),
    ("submit", "Nộp duyệt (x)", 12),
]
_HEADERS = {fold(label): key for key, label, _ in COLUMNS}
REQUIRED = ("code", "period", "percent")
_LABEL = {key: label for key, label, _ in COLUMNS}  # a problem names its column by the header the official sees


@dataclass(frozen=True)
class ProgressRow:
    row: int
    code: str
    period: str
    percent: Decimal
    done: str = ""
    difficulties: str = ""
    proposals: str = ""
    completed: bool = False
    completed_on: dt.date | None = None
    submit: bool = False


@dataclass(frozen=True)
class SheetRow:
    """A task as written into the downloadable sheet."""

    code: str
    title: str
    lead: str
    period: str
    percent: Decimal | None = None  # the approved progress so far, shown for reference


class ProgressSheetError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s) in the progress sheet")
        self.errors = errors


def write_progress_sheet(rows: list[SheetRow], target: str | Path | BinaryIO, *, title: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tiến độ"
    ws.append([title])
    ws["A1"].font = Font(name="Times New Roman", size=13, bold=True)
    ws.append([label for _, label, _ in COLUMNS])
    for cell in ws[2]:
        cell.font = Font(name="Times New Roman", size=12, bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r in rows:
        ws.append([r.code, r.title, r.lead, r.period, float(r.percent) if r.percent is not None else None])
    for i, (_, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.font = Font(name="Times New Roman", size=12)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C3"
    text_only(wb)  # a title "=HYPERLINK(…)" stays text
    wb.save(target)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _flag(value) -> bool:
    return fold(_text(value)) in {"x", "co", "yes", "1", "true", "v"}


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(_text(value), fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def read_progress_sheet(source: str | Path | BinaryIO) -> list[ProgressRow]:
    """Rows with any content after the header; raises ``ProgressSheetError`` listing every problem."""
    try:
        wb = open_workbook(source)
    except CoreError as exc:
        raise ProgressSheetError([RowError(0, "", exc.code, params=exc.params)]) from None
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header_at, columns = None, {}
    for i, values in enumerate(rows[:10]):
        found = {_HEADERS[fold(_text(v))]: j for j, v in enumerate(values) if fold(_text(v)) in _HEADERS}
        if all(k in found for k in REQUIRED):
            header_at, columns = i, found
            break
    if header_at is None:
        raise ProgressSheetError([RowError(0, "", "no_header", params={"columns": ", ".join(f"“{_LABEL[key]}”" for key in REQUIRED)})])
    result, errors = [], []
    for i, values in enumerate(rows[header_at + 1:], start=header_at + 2):
        cell = {k: values[j] if j < len(values) else None for k, j in columns.items()}
        # Rows the official left as downloaded (code, title, unit, period, approved progress) are not updates.
        if not any(_text(v) for k, v in cell.items() if k not in ("code", "title", "lead", "period", "current")):
            continue
        code, period = _text(cell.get("code")), _text(cell.get("period"))
        if not code:
            errors.append(RowError(i, _LABEL["code"], "missing_code"))
        try:
            parse_period(period)
        except ValueError:
            errors.append(RowError(i, _LABEL["period"], "invalid_period", params={"value": period}))
        percent = None
        try:
            percent = Decimal(_text(cell.get("percent")).replace(",", ".").rstrip("%"))
            if not Decimal(0) <= percent <= Decimal(100):
                errors.append(RowError(i, _LABEL["percent"], "out_of_range"))
        except InvalidOperation:
            errors.append(RowError(i, _LABEL["percent"], "not_a_number", params={"value": _text(cell.get('percent'))}))
        completed = _flag(cell.get("completed"))
        try:
            completed_on = _date(cell.get("completed_on"))
        except ValueError:
            completed_on = None
            errors.append(RowError(i, _LABEL["completed_on"], "bad_date"))
        if completed and completed_on is None and not any(e.row == i and e.code == "bad_date" for e in errors):
            errors.append(RowError(i, _LABEL["completed_on"], "missing_date"))
        if percent is not None and completed and percent != 100:
            errors.append(RowError(i, _LABEL["percent"], "completed_needs_100"))
        if not errors or errors[-1].row != i:
            result.append(ProgressRow(row=i, code=code, period=period, percent=percent, done=_text(cell.get("done")),
                                      difficulties=_text(cell.get("difficulties")), proposals=_text(cell.get("proposals")),
                                      completed=completed, completed_on=completed_on, submit=_flag(cell.get("submit"))))
    wb.close()
    if errors:
        raise ProgressSheetError(errors)
    return result
