"""What every spreadsheet the platform reads shares: the row-by-row problem report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


@dataclass(frozen=True)
class RowError:
    """A problem in a sheet: its row (0 for the whole file), the column (a letter or a header, "" for the whole
    row), a stable English code and the parameters of its sentence. The sentence itself is rendered outside the
    cores from ``code`` and ``params`` (``dieuhanh.messages.render``); ``message`` is only for cores that still
    carry their own text."""

    row: int
    column: str
    code: str
    message: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


# ---------------------------------------------------------------- opening an uploaded workbook, with limits
# An .xlsx is a zip: 0.2 MB can expand to 56 MB of XML (3 M cells) and cost a worker half a minute and 1.5 GB.
# Every upload is therefore measured before openpyxl reads it: the zip's member count, total uncompressed size,
# compression ratio, every member's deflate stream (a corrupt one is refused here, not in the middle of a read),
# and each worksheet's declared dimension. The limits are set once from the settings (``configure``).


@dataclass(frozen=True)
class WorkbookLimits:
    max_uncompressed_bytes: int = 50 * 1024 * 1024
    max_members: int = 200
    max_ratio: int = 100  # uncompressed/compressed of one member larger than 1 MB
    max_cells: int = 1_000_000


LIMITS = WorkbookLimits()


def configure(limits: WorkbookLimits) -> None:
    """Set the limits of ``open_workbook`` (called once at start-up from the Django settings)."""
    global LIMITS
    LIMITS = limits


def _declared_box(archive, name: str) -> tuple[int, int]:
    """(columns, rows) a worksheet's ``<dimension ref="A1:Z9"/>`` declares ((0, 0) when it declares none)."""
    import re

    from openpyxl.utils.cell import range_boundaries

    with archive.open(name) as stream:
        head = stream.read(4096).decode("utf-8", "replace")
    found = re.search(r'<(?:\w+:)?dimension\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"', head)
    if not found:
        return 0, 0
    try:
        min_col, min_row, max_col, max_row = range_boundaries(found.group(1))
    except ValueError:
        return 0, 0
    return max_col - min_col + 1, max_row - min_row + 1


def _declared_cells(archive, name: str) -> int:
    """The cell count a worksheet's ``<dimension ref="A1:Z9"/>`` declares (0 when it declares none)."""
    columns, rows = _declared_box(archive, name)
    return columns * rows


def declared_rows(content: bytes) -> int:
    """The rows an .xlsx's worksheets declare, read from their dimensions without parsing a cell (0 for what is
    not a readable workbook: the import itself then says what is wrong). Used to decide whether an import is large
    enough to run as a background job."""
    import io
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(_declared_box(archive, m.filename)[1] for m in archive.infolist()
                       if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        return 0


def check_workbook(content: bytes, limits: WorkbookLimits | None = None) -> None:
    """Refuse ``content`` before any parsing: ``CoreError("not_xlsx")`` for what is not a sound zip,
    ``CoreError("xlsx_too_large", ...)`` for a zip bomb or a sheet with too many cells."""
    import io
    import zipfile
    import zlib

    from dieuhanh.core.common.errors import CoreError
    from dieuhanh.core.common.numerals import format_number

    limits = limits or LIMITS
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise CoreError("not_xlsx") from None
    mb = 1024 * 1024
    total = sum(m.file_size for m in members)
    too_large = CoreError("xlsx_too_large", megabytes=format_number(limits.max_uncompressed_bytes // mb),
                          cells=format_number(limits.max_cells))
    if len(members) > limits.max_members or total > limits.max_uncompressed_bytes:
        raise too_large
    if any(m.file_size > mb and m.file_size > limits.max_ratio * max(m.compress_size, 1) for m in members):
        raise too_large
    with archive:
        try:
            cells = sum(_declared_cells(archive, m.filename) for m in members
                        if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"))
            if cells > limits.max_cells:
                raise too_large
            if archive.testzip() is not None:  # reads every member: a corrupt deflate stream or CRC
                raise CoreError("not_xlsx")
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
            raise CoreError("not_xlsx") from None


def open_workbook(source, *, read_only: bool = True, data_only: bool = True, limits: WorkbookLimits | None = None):
    """An uploaded .xlsx (bytes, a path or a binary file) as an openpyxl workbook, after ``check_workbook``;
    streamed (``read_only``) unless the reader needs random access. Raises ``CoreError("not_xlsx")`` for a file
    openpyxl cannot read (bad XML included: a read-only workbook's sheets are parsed here once to find out) and
    ``CoreError("xlsx_too_large", ...)`` beyond the limits."""
    import io
    from pathlib import Path

    from openpyxl import load_workbook

    from dieuhanh.core.common.errors import CoreError

    try:
        if isinstance(source, str | Path):
            content = Path(source).read_bytes()
        else:
            content = bytes(source) if isinstance(source, bytes | bytearray) else source.read()
    except OSError:
        raise CoreError("not_xlsx") from None
    check_workbook(content, limits)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=read_only, data_only=data_only)
        if read_only:
            for ws in workbook.worksheets:
                for _row in ws.iter_rows(values_only=True):
                    pass
    except CoreError:
        raise
    except Exception:  # openpyxl and its XML parser raise many kinds of error on damaged or foreign files
        raise CoreError("not_xlsx") from None
    return workbook


# ---------------------------------------------------------------- writing: user text is text, never a formula
# A task title "=HYPERLINK(...)" written as a cell value becomes a live formula in openpyxl; every export stores
# such text as a string cell (``text_only`` before saving) so that Excel or LibreOffice never evaluates it, and
# the text round-trips through the importers unchanged. The register, read by people rather than imported,
# also prefixes an apostrophe (``safe_text``).

FORMULA_START = ("=", "+", "-", "@")


def safe_text(value: str) -> str:
    """``value`` as inert text: XML-illegal characters dropped, a leading =, +, - or @ prefixed with an apostrophe."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def text_only(workbook) -> None:
    """Every cell of ``workbook`` that openpyxl took for a formula (a string starting with "=") is stored as text.
    The platform writes no formula of its own into an export; call this before saving any workbook."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def workbook_bytes(workbook) -> bytes:
    """``workbook`` saved as .xlsx bytes, its user text as text (``text_only``)."""
    import io

    text_only(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
