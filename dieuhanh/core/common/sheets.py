"""What every spreadsheet the platform reads shares: the row-by-row problem report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """A problem in a sheet: its row (0 for the whole file), the column (a letter or a header, "" for the whole
    row), a stable English code and a Vietnamese message for the official who filled the sheet."""

    row: int
    column: str
    code: str
    message: str
