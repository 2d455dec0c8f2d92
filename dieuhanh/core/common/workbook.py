"""A table as an Excel workbook in the officials' layout: title lines, one header row, one row per item (the
difficulties register, the statistics, task lists, the KPI scorecard). Framework-free.

User text is written as text, never as a formula: a value starting with "=", "+", "-" or "@" gets a leading
apostrophe (the usual defence against formula injection when the file is opened in Excel or LibreOffice), and
characters XML cannot hold are dropped. Dates are real dates shown dd/mm/yyyy; numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dieuhanh.core.common.sheets import safe_text

_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD = Alignment(wrap_text=True, vertical="center")
_BOLD, _TITLE = Font(bold=True), Font(bold=True, size=13)


def _cell(ws, value: object, *, wide: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=safe_text(value))  # never starts with "=": stored as text, not a formula
        if wide:
            cell.alignment = _WRAP
    else:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, dt.date):
            cell.number_format = "DD/MM/YYYY"
    return cell


def table_workbook(*, title: str, notes: Sequence[str], headers: Sequence[str], rows: Iterable[Sequence[object]],
                      widths: Sequence[int], sheet_name: str) -> bytes:
    """The workbook: ``title`` in bold, each of ``notes`` on its own line, an empty line, then the table. ``widths``
    are the column widths in characters; columns wider than 30 wrap their text. Written in openpyxl's streaming
    mode (a register of thousands of items)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_name[:31])
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = f"A{len(notes) + 4}"
    heading = _cell(ws, title)
    heading.font = _TITLE
    ws.append([heading])
    for note in notes:
        ws.append([_cell(ws, note)])
    ws.append([])
    header_cells = []
    for header in headers:
        cell = _cell(ws, header)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _HEAD
        header_cells.append(cell)
    ws.append(header_cells)
    wide = [w > 30 for w in widths]
    for values in rows:
        ws.append([_cell(ws, v, wide=w) for v, w in zip(values, wide)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
