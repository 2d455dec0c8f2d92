"""A dependency-free progress bar for long command-line work (loads, imports, recomputations)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``bar = ProgressBar(total, "Loading units"); bar.update(done); bar.finish()``.

    Draws in place on a terminal; on a pipe or in CI it prints a line at each 10 % step instead.
    """

    def __init__(self, total: int, label: str, stream: TextIO | None = None, width: int = 30):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self._last_step = -1
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, done: int) -> None:
        fraction = min(done / self.total, 1.0)
        if self._tty:
            filled = int(fraction * self.width)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} {fraction:4.0%}")
            self.stream.flush()
            return
        step = int(fraction * 10)
        if step != self._last_step:
            self._last_step = step
            self.stream.write(f"{self.label}: {done}/{self.total} ({fraction:.0%})\n")
            self.stream.flush()

    def finish(self) -> None:
        self.update(self.total)
        elapsed = time.monotonic() - self.started
        self.stream.write(("\n" if self._tty else "") + f"{self.label}: done in {elapsed:.1f}s\n")
        self.stream.flush()
