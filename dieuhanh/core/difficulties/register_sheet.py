"""The register as an Excel workbook: title lines, one header row, one row per item. Framework-free.

User text is written as text, never as a formula: a value starting with "=", "+", "-" or "@" gets a leading
apostrophe (the usual defence against formula injection when the file is opened in Excel or LibreOffice), and
characters XML cannot hold are dropped. Dates are real dates shown dd/mm/yyyy; numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@")
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def safe_text(value: str) -> str:
    """``value`` as inert text: XML-illegal characters dropped, a leading =, +, - or @ prefixed with an apostrophe."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _put(ws, row: int, column: int, value: object, wide: bool = False) -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
        if wide:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
    else:
        cell.value = value


def register_workbook(*, title: str, notes: Sequence[str], headers: Sequence[str], rows: Iterable[Sequence[object]],
                      widths: Sequence[int], sheet_name: str) -> bytes:
    """The workbook: ``title`` in bold, each of ``notes`` on its own line, an empty line, then the table. ``widths``
    are the column widths in characters; columns wider than 30 wrap their text."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name[:31]
    _put(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    for i, note in enumerate(notes, start=2):
        _put(ws, i, 1, note)
    header_row = len(notes) + 3
    for c, header in enumerate(headers, start=1):
        _put(ws, header_row, c, header)
        cell = ws.cell(row=header_row, column=c)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, values in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value, wide=widths[c - 1] > 30)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
