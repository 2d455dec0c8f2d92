"""A plan's appendix ("Phụ lục": the table of task groups and tasks) in officials' Excel layout, both ways.

Officials attach to each plan a sheet with a title block ("PHỤ LỤC", "DANH MỤC NHIỆM VỤ …"), a header
row (STT, Nội dung nhiệm vụ, Cơ quan chủ trì, …, in any order and wording), group rows numbered I, II, …,
task rows numbered 1, 2, …, sub-task rows (1.1, a), -) and a footer ("Ghi chú", signatures). This module
owns reading that layout into plain data (``read_appendix``), with every problem reported row by row in
Vietnamese, and writing the same layout back (``write_appendix``) so an exported appendix reads back
unchanged. It knows nothing about the database: matching unit names to units is ``unit_match``'s job.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dieuhanh.core.tasks.deadlines import format_deadline, parse_deadline
from dieuhanh.core.common.text import fold, normalise_name
from dieuhanh.core.tasks.unit_match import split_units
from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.sheets import RowError, open_workbook, text_only

# What ``write_appendix`` puts between coordinating units: ``split_units`` always splits on ";".
COORDINATOR_JOINER = "; "

# Where a task's money comes from (nguồn kinh phí): code → the words officials write in the sheet.
FUNDING_SOURCES: dict[str, str] = {
    "city": "ngân sách thành phố",
    "central": "ngân sách trung ương",
    "commune": "ngân sách cấp xã",
    "socialised": "xã hội hóa",
    "oda": "vốn ODA, nước ngoài",
    "other": "khác",
}
# Other wordings seen in sheets, folded.
_SOURCE_WORDS = {"ngan sach tp": "city", "nstp": "city", "ngan sach trung uong": "central", "nstw": "central",
                 "ngan sach xa": "commune", "ngan sach phuong": "commune", "xa hoi hoa": "socialised", "oda": "oda",
                 "nuoc ngoai": "oda", "von oda": "oda"}


@dataclass(frozen=True)
class AppendixTask:
    """One task (or sub-task) row. ``row`` is its Excel row, 0 when built in code."""

    row: int
    stt: str
    depth: int
    code: str
    title: str
    lead: str
    coordinators: tuple[str, ...]
    product: str
    deadline_text: str
    deadline: datetime.date | None
    key: bool
    budget_million_vnd: Decimal | None
    # The optional money columns: older sheets have neither.
    allocated_million_vnd: Decimal | None = None
    funding_source: str = ""  # a key of ``FUNDING_SOURCES`` or empty


@dataclass(frozen=True)
class AppendixGroup:
    """A group of tasks ("I. Lãnh đạo, chỉ đạo"); its tasks in sheet order, sub-tasks after their parent."""

    row: int
    number: str
    title: str
    tasks: tuple[AppendixTask, ...]


@dataclass(frozen=True)
class Appendix:
    """A whole appendix; ``title`` holds the title block's lines joined by line breaks."""

    title: str
    groups: tuple[AppendixGroup, ...]
    # The fields whose column the sheet has (read only): an older sheet without the money columns says
    # nothing about allocation or source, which is not the same as saying "none".
    columns: frozenset[str] = field(default=frozenset(), compare=False)


class AppendixError(Exception):
    """Raised by ``read_appendix`` with every problem found in the sheet, in row order."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(f"row {error.row}: {error.code}" for error in errors))


# ---------------------------------------------------------------------------------------------------
# Columns

# The columns ``write_appendix`` produces, in order: (field, header).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("stt", "STT"),
    ("title", "Nội dung nhiệm vụ"),
    ("lead", "Cơ quan chủ trì"),
    ("coordinators", "Cơ quan phối hợp"),
    ("product", "Sản phẩm"),
    ("deadline", "Thời gian hoàn thành"),
    ("key", "Trọng điểm"),
    ("budget", "Kinh phí (triệu đồng)"),
    ("allocated", "Kinh phí được giao/phân bổ (triệu đồng)"),
    ("source", "Nguồn kinh phí"),
    ("code", "Mã nhiệm vụ"),
)
_LABELS = dict(COLUMNS)
_WIDTHS = {"stt": 7, "title": 55, "lead": 26, "coordinators": 32, "product": 28, "deadline": 16, "key": 11,
           "budget": 14, "allocated": 16, "source": 20, "code": 14}

# Header wordings seen in officials' sheets, tested in order on the folded header text; the first rule
# that holds names the column ("Mã nhiệm vụ" must be tried before the generic "nhiệm vụ").
_HEADER_RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("code", lambda h: h.startswith("ma nhiem vu") or h in {"ma", "ma nv"}),
    ("stt", lambda h: h in {"stt", "tt", "so tt", "so thu tu"}),
    ("lead", lambda h: "chu tri" in h),
    ("coordinators", lambda h: "phoi hop" in h),
    ("key", lambda h: "trong diem" in h),
    ("source", lambda h: h.startswith("nguon")),
    ("allocated", lambda h: "kinh phi" in h and ("giao" in h or "phan bo" in h)),
    ("budget", lambda h: "kinh phi" in h),
    ("deadline", lambda h: any(word in h for word in ("thoi gian", "thoi han", "tien do"))),
    ("product", lambda h: "san pham" in h or "ket qua" in h),
    ("title", lambda h: "nhiem vu" in h or h.startswith("noi dung")),
)
_REQUIRED = ("stt", "title", "lead")
# Only this far down is a header row looked for: title blocks have one to five rows.
_HEADER_SEARCH_ROWS = 20
# A merged cell in these columns spanning several rows applies to each row. Not the budget: one amount
# for several tasks must not be counted once per task.
_SPREAD_DOWN = ("lead", "coordinators", "product", "deadline", "key")


def _header_field(value: Any) -> str | None:
    folded = fold(_text(value))
    return next((name for name, rule in _HEADER_RULES if folded and rule(folded)), None)


@dataclass
class _Layout:
    """Where the table is: header row, first body row, and the 0-based column of each field."""

    header_row: int
    body_row: int
    columns: dict[str, int] = field(default_factory=dict)
    width: int = 0


def _find_layout(grid: Sequence[Sequence[Any]]) -> _Layout | None:
    """The first row naming both the STT and the task column is the header.

    A second header row (e.g. "Chủ trì" | "Phối hợp" under a merged "Cơ quan thực hiện") adds the
    columns it names. It is told from the first body row by its empty STT cell (merged from above).
    """
    for index, cells in enumerate(grid[:_HEADER_SEARCH_ROWS]):
        columns = _classify(cells, {})
        if "stt" not in columns or "title" not in columns:
            continue
        layout = _Layout(header_row=index + 1, body_row=index + 2, columns=columns)
        below = grid[index + 1] if index + 1 < len(grid) else []
        if below and not _text(below[columns["stt"]]):
            more = _classify(below, columns)
            if more.keys() - columns.keys():
                layout.columns, layout.body_row = more, index + 3
        layout.width = max(layout.columns.values()) + 1
        return layout
    return None


def _classify(cells: Sequence[Any], known: dict[str, int]) -> dict[str, int]:
    """``known`` plus the fields named by ``cells`` in columns not yet known; the first column naming a
    field keeps it."""
    columns = dict(known)
    taken = set(known.values())
    for position, value in enumerate(cells):
        name = _header_field(value)
        if name is not None and name not in columns and position not in taken:
            columns[name] = position
    return columns


# ---------------------------------------------------------------------------------------------------
# Cell values

def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", dates as dd/mm/yyyy, NFC and single spaces."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return format_deadline(value.date())
    if isinstance(value, datetime.date):
        return format_deadline(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_name(str(value))


_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _budget(value: Any) -> Decimal | None:
    """Million VND from a number or text; text follows Vietnamese writing ("1.234,5" is 1234.5).

    Raises ``ValueError`` for anything that is not a non-negative amount.
    """
    if value is None or (isinstance(value, str) and value.strip() in ("", "-", "–")):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        written = re.sub(r"\s+", "", str(value))
        if _THOUSANDS.fullmatch(written.split(",")[0]):  # "1.234" or "1.234,5": dots group thousands
            written = written.replace(".", "")
        try:
            amount = Decimal(written.replace(",", "."))
        except InvalidOperation:
            raise ValueError(value) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(value)
    return amount


def _funding_source(value: Any) -> str:
    """The code of a "Nguồn kinh phí" cell (its label, code or a usual wording); ``ValueError`` if unclear."""
    folded = fold(_text(value)).rstrip(".")
    if not folded or folded in ("-", "–"):
        return ""
    for code, label in FUNDING_SOURCES.items():
        if folded in (code, fold(label)):
            return code
    if folded in _SOURCE_WORDS:
        return _SOURCE_WORDS[folded]
    raise ValueError(value)


_KEY_YES = {"x", "co", "1", "v", "true", "✓", "✔"}
_KEY_NO = {"", "khong", "0", "false"}


def _is_key(value: Any) -> bool:
    """Whether the "Trọng điểm" cell marks a key task ("x" by convention); ``ValueError`` if unclear."""
    if isinstance(value, bool):
        return value
    folded = fold(_text(value))
    if folded in _KEY_YES:
        return True
    if folded in _KEY_NO:
        return False
    raise ValueError(value)


# ---------------------------------------------------------------------------------------------------
# STT (row numbers): what kind of row a number announces

_ROMAN = r"C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_GROUP_STT = re.compile(rf"(?P<number>(?=[IVXLC]){_ROMAN})\.?")
# "I. LÃNH ĐẠO, CHỈ ĐẠO" typed into the STT cell, the title cell left empty.
_GROUP_STT_WITH_TITLE = re.compile(rf"(?P<number>(?=[IVXLC]){_ROMAN})\s*[.):\-–]\s*(?P<title>\S.*)")
_TASK_STT = re.compile(r"\d+\.?")
_DOTTED_STT = re.compile(r"\d+(?:\.\d+)+\.?")
_LETTER_STT = re.compile(r"[a-zđ][).]?|[A-ZĐ]\)")
_BULLET_STT = re.compile(r"[-+•*–]")
# Where the table ends: notes, the distribution list, the signature block ("TM. ỦY BAN NHÂN DÂN").
_FOOTER = re.compile(r"(?:ghi chu|noi nhan|tm\.|kt\.|t/m|k/t)")


def _stt_kind(stt: str) -> str:
    """"group", "task", "dotted", "marked" (a), -), "empty" or "bad"."""
    if not stt:
        return "empty"
    for kind, pattern in (("group", _GROUP_STT), ("task", _TASK_STT), ("dotted", _DOTTED_STT),
                          ("marked", _LETTER_STT), ("marked", _BULLET_STT)):
        if pattern.fullmatch(stt):
            return kind
    return "bad"


def _dotted_parts(stt: str) -> list[str]:
    return stt.rstrip(".").split(".")


# ---------------------------------------------------------------------------------------------------
# Reading

@dataclass
class _Reader:
    """The state of one pass down the body: the groups so far, the current group's numbering, errors."""

    layout: _Layout
    errors: list[RowError] = field(default_factory=list)
    groups: list[AppendixGroup] = field(default_factory=list)
    loose: list[AppendixTask] = field(default_factory=list)  # tasks met before any group row
    tasks: list[AppendixTask] = field(default_factory=list)  # tasks of the current group
    numbered: dict[int, AppendixTask] = field(default_factory=dict)  # last 1 / 1.1 task at each depth
    last_numbered: AppendixTask | None = None
    group_row: int = 0
    group_number: str = ""
    group_title: str = ""

    def error(self, row: int, name: str | None, code: str, **params: Any) -> None:
        """Record a problem: its code and the parameters of its sentence (the row is always one of them)."""
        column = get_column_letter(self.layout.columns[name] + 1) if name in self.layout.columns else ""
        self.errors.append(RowError(row, column, code, params={"row": row, **params}))

    def cell(self, cells: Sequence[Any], name: str) -> Any:
        position = self.layout.columns.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    def start_group(self, row: int, number: str, title: str) -> None:
        self.close_group()
        self.group_row, self.group_number, self.group_title = row, number, title
        self.tasks, self.numbered, self.last_numbered = [], {}, None
        if not title:
            self.error(row, "title", "missing_group_title", group=number)

    def close_group(self) -> None:
        if self.group_row:
            self.groups.append(AppendixGroup(self.group_row, self.group_number, self.group_title, tuple(self.tasks)))
        else:
            self.loose = self.tasks

    def finish(self) -> list[AppendixGroup]:
        self.close_group()
        if not self.groups:
            return [AppendixGroup(0, "", "", tuple(self.loose))]
        for task in self.loose:
            self.error(task.row, "stt", "task_before_group", stt=task.stt)
        return self.groups

    def place(self, row: int, stt: str, kind: str) -> tuple[int, AppendixTask | None]:
        """Depth and parent task of a task row, from its STT; an orphan sub-task is recorded as an error."""
        if kind in ("task", "empty"):
            return 0, None
        if kind == "dotted":  # "1.2" sits under the last "1" of this group, "1.2.3" under the last "1.2"
            parts = _dotted_parts(stt)
            depth = len(parts) - 1
            parent = self.numbered.get(depth - 1)
            if parent is not None and _dotted_parts(parent.stt) == parts[:-1]:
                return depth, parent
        else:  # "a)", "-": one level under the last numbered task
            depth = 1
            if self.last_numbered is not None:
                return self.last_numbered.depth + 1, self.last_numbered
        self.error(row, "stt", "orphan_subtask", stt=stt)
        return depth, None

    def add_task(self, row: int, stt: str, kind: str, cells: Sequence[Any], spread: Sequence[Any]) -> None:
        task = self.task(row, stt, *self.place(row, stt, kind), cells, spread)
        self.tasks.append(task)
        if kind in ("task", "dotted"):
            self.numbered = {d: t for d, t in self.numbered.items() if d < task.depth}
            self.numbered[task.depth] = task
            self.last_numbered = task

    def task(self, row: int, stt: str, depth: int, parent: AppendixTask | None,
             cells: Sequence[Any], spread: Sequence[Any]) -> AppendixTask:
        """Build one task from its row, recording every problem in it."""
        title = _text(self.cell(cells, "title"))
        if not title:
            self.error(row, "title", "missing_title")
        lead = _text(self.cell(spread, "lead"))
        if not lead and parent is not None:  # a sub-task is led by its parent's lead unless it says otherwise
            lead = parent.lead
        if not lead:
            self.error(row, "lead", "missing_lead")
        deadline_text = _text(self.cell(spread, "deadline"))
        deadline = parse_deadline(deadline_text)
        if deadline.kind == "unknown":
            self.error(row, "deadline", "unknown_deadline", value=deadline_text)
        budget = self.amount(row, cells, "budget")
        allocated = self.amount(row, cells, "allocated")
        raw_source = self.cell(cells, "source")
        try:
            source = _funding_source(raw_source)
        except ValueError:
            source = ""
            self.error(row, "source", "bad_funding_source", value=_text(raw_source))
        raw_key = self.cell(spread, "key")
        try:
            key = _is_key(raw_key)
        except ValueError:
            key = False
            self.error(row, "key", "bad_key", value=_text(raw_key))
        return AppendixTask(
            row=row, stt=stt, depth=depth, code=_text(self.cell(cells, "code")), title=title, lead=lead,
            coordinators=tuple(split_units(_text_lines(self.cell(spread, "coordinators")))),
            product=_text(self.cell(spread, "product")), deadline_text=deadline_text, deadline=deadline.date,
            key=key, budget_million_vnd=budget, allocated_million_vnd=allocated, funding_source=source,
        )

    def amount(self, row: int, cells: Sequence[Any], name: str) -> Decimal | None:
        raw = self.cell(cells, name)
        try:
            return _budget(raw)
        except ValueError:
            self.error(row, name, "bad_budget", value=_text(raw))
            return None

    def is_group_row(self, spread: Sequence[Any], kind: str) -> bool:
        """Roman STT, or nothing but an (arabic or empty) STT and a title: the officials' group rows.

        Looks at ``spread`` values so that a task whose lead is merged from the row above is not
        mistaken for a group.
        """
        if kind == "group":
            return True
        if kind not in ("task", "empty") or not _text(self.cell(spread, "title")):
            return False
        others = (value for position, value in enumerate(spread[: self.layout.width])
                  if position not in (self.layout.columns["stt"], self.layout.columns["title"]))
        return not any(_text(value) for value in others)

    def read_row(self, row: int, cells: Sequence[Any], spread: Sequence[Any]) -> None:
        """Read one non-blank body row: a group header, a task, or an error."""
        stt = _text(self.cell(cells, "stt"))
        title = _text(self.cell(cells, "title"))
        kind = _stt_kind(stt)
        inline = _GROUP_STT_WITH_TITLE.fullmatch(stt)
        if kind == "bad" and inline and not title:
            self.start_group(row, inline["number"], normalise_name(inline["title"]))
        elif self.is_group_row(spread, kind):
            number = _GROUP_STT.fullmatch(stt)
            self.start_group(row, number["number"] if number else stt, title)
        elif kind == "bad":
            self.error(row, "stt", "bad_stt", stt=stt)
        else:
            self.add_task(row, stt, kind, cells, spread)


def _text_lines(value: Any) -> str:
    """Like ``_text`` but keeping line breaks, which separate units in a cell."""
    return "" if value is None else "\n".join(_text(line) for line in str(value).splitlines())


def _is_footer(cells: Sequence[Any]) -> bool:
    first = next((text for text in map(_text, cells) if text), "")
    return bool(_FOOTER.match(fold(first)))


def _is_numbering_row(cells: Sequence[Any]) -> bool:
    """The "(1) (2) (3) …" row some sheets put under the header."""
    texts = [text for text in map(_text, cells) if text]
    return len(texts) >= 3 and all(re.fullmatch(r"\(?\d+\)?", text) for text in texts)


def _spread_merged(ws: Worksheet, grid: list[list[Any]], columns: Sequence[int]) -> list[list[Any]]:
    """A copy of ``grid`` where each vertically merged cell in ``columns`` repeats its value in every
    row it spans (openpyxl gives the value in the top-left cell only)."""
    spread = [list(cells) for cells in grid]
    for merged in ws.merged_cells.ranges:
        position = merged.min_col - 1
        if merged.max_row == merged.min_row or position not in columns:
            continue
        value = grid[merged.min_row - 1][position]
        for row in range(merged.min_row, min(merged.max_row, len(grid))):
            spread[row][position] = value
    return spread


def _sheets(source: str | Path | BinaryIO, sheet: str | None) -> list[Worksheet]:
    """The sheet asked for, or every sheet in order (the first with a header row will be read)."""
    try:
        workbook = open_workbook(source, read_only=False)  # merged cells need the whole sheet
    except CoreError as exc:
        raise AppendixError([RowError(0, "", exc.code, params=exc.params)]) from None
    if sheet is None:
        return list(workbook.worksheets)
    if sheet not in workbook.sheetnames:
        raise AppendixError([RowError(0, "", "no_sheet", params={"sheet": sheet})])
    return [workbook[sheet]]


def read_appendix(source: str | Path | BinaryIO, sheet: str | None = None) -> Appendix:
    """Read an appendix sheet (the named ``sheet``, else the first sheet that has a header row).

    Raises ``AppendixError`` listing every problem found, in row order: per row ``missing_title``,
    ``missing_lead``, ``unknown_deadline``, ``bad_budget``, ``bad_funding_source``, ``bad_key``, ``bad_stt``, ``orphan_subtask``,
    ``task_before_group``; for the whole file ``not_xlsx``, ``no_sheet``, ``no_header``, ``missing_column``.
    """
    for ws in _sheets(source, sheet):
        grid = [list(row) for row in ws.iter_rows(values_only=True)]
        layout = _find_layout(grid)
        if layout is not None:
            return _read_table(ws, grid, layout)
    raise AppendixError([RowError(0, "", "no_header", params={"columns": ", ".join(f"“{_LABELS[name]}”" for name in _REQUIRED)})])


def _read_table(ws: Worksheet, grid: list[list[Any]], layout: _Layout) -> Appendix:
    """Read title block and body of a sheet whose header row is known."""
    missing = [name for name in _REQUIRED if name not in layout.columns]
    if missing:
        raise AppendixError([RowError(layout.header_row, "", "missing_column",
                                      params={"row": layout.header_row, "column": _LABELS[name]})
                             for name in missing])
    spread = _spread_merged(ws, grid, [layout.columns[name] for name in _SPREAD_DOWN if name in layout.columns])
    reader = _Reader(layout)
    body = [index for index in range(layout.body_row - 1, len(grid)) if any(map(_text, grid[index]))]
    if body and _is_numbering_row(grid[body[0]]):
        body = body[1:]
    for index in body:
        if _stt_kind(_text(reader.cell(grid[index], "stt"))) in ("empty", "bad") and _is_footer(grid[index]):
            break  # notes and signatures follow
        reader.read_row(index + 1, grid[index], spread[index])
    groups = reader.finish()
    if reader.errors:
        raise AppendixError(sorted(reader.errors, key=lambda error: error.row))
    title_lines = (" ".join(text for text in map(_text, cells) if text) for cells in grid[: layout.header_row - 1])
    return Appendix(title="\n".join(line for line in title_lines if line), groups=tuple(groups),
                    columns=frozenset(layout.columns))


# ---------------------------------------------------------------------------------------------------
# Writing

_FONT = Font(name="Times New Roman", size=12)
_BOLD = Font(name="Times New Roman", size=12, bold=True)
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRED = ("stt", "deadline", "key", "code")
# Characters per line of the merged title row, to give long titles enough height.
_TITLE_CHARS_PER_LINE = 150


def _task_values(task: AppendixTask) -> dict[str, Any]:
    return {
        "stt": task.stt, "title": task.title, "lead": task.lead,
        "coordinators": COORDINATOR_JOINER.join(task.coordinators), "product": task.product,
        "deadline": task.deadline_text, "key": "x" if task.key else "", "budget": task.budget_million_vnd,
        "allocated": task.allocated_million_vnd, "source": FUNDING_SOURCES.get(task.funding_source, ""),
        "code": task.code,
    }


def _write_title(ws: Worksheet, title: str) -> int:
    """Title lines merged across the table, bold and centred; returns the next free row."""
    row = 1
    for line in (line for line in title.split("\n") if line.strip()):
        cell = ws.cell(row=row, column=1, value=line)
        cell.font, cell.alignment = _BOLD, Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
        ws.row_dimensions[row].height = 18 * (1 + len(line) // _TITLE_CHARS_PER_LINE)
        row += 1
    return row + 1 if row > 1 else row  # a blank row between title block and table


def _write_header(ws: Worksheet, row: int) -> None:
    for column, (_name, label) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=row, column=column, value=label)
        cell.font, cell.border = _BOLD, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_group(ws: Worksheet, row: int, group: AppendixGroup) -> None:
    for column in range(1, len(COLUMNS) + 1):
        ws.cell(row=row, column=column).border = _BORDER
    number = ws.cell(row=row, column=1, value=group.number)
    number.font, number.alignment = _BOLD, Alignment(horizontal="center", vertical="top")
    title = ws.cell(row=row, column=2, value=group.title)
    title.font, title.alignment = _BOLD, Alignment(vertical="top", wrap_text=True)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(COLUMNS))


def _write_task(ws: Worksheet, row: int, task: AppendixTask) -> None:
    values = _task_values(task)
    for column, (name, _label) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=row, column=column, value=values[name] if values[name] != "" else None)
        cell.font, cell.border = _FONT, _BORDER
        cell.alignment = Alignment(
            horizontal="center" if name in _CENTRED else None, vertical="top", wrap_text=True,
            indent=task.depth if name == "title" else 0,
        )
        if name in ("budget", "allocated") and values[name] is not None:
            whole = values[name] == values[name].to_integral_value()
            cell.number_format = "#,##0" if whole else "#,##0.###"
        elif isinstance(cell.value, str):
            cell.number_format = "@"  # text stays text: "1.1" must not become a number or a date


def _set_up_page(ws: Worksheet, header_row: int) -> None:
    for column, (name, _label) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = _WIDTHS[name]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # fit the width on the page, as many pages as needed
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def write_appendix(appendix: Appendix, target: str | Path | BinaryIO) -> None:
    """Write ``appendix`` in the official layout that ``read_appendix`` reads back unchanged.

    Groups are written with their ``number`` as given (Roman numerals in official appendices); a group
    with neither number nor title (the one group of an appendix without groups) gets no group row.
    """
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Phụ lục"
    header_row = _write_title(ws, appendix.title)
    _write_header(ws, header_row)
    row = header_row + 1
    for group in appendix.groups:
        if group.number or group.title:
            _write_group(ws, row, group)
            row += 1
        for task in group.tasks:
            _write_task(ws, row, task)
            row += 1
    _set_up_page(ws, header_row)
    text_only(workbook)  # a title "=HYPERLINK(…)" stays text
    workbook.save(target)
