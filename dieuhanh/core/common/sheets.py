"""What every spreadsheet the platform reads shares: the row-by-row problem report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
