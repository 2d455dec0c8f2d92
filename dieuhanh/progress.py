"""The command line's progress bar (tqdm) for long work: loads, imports, generators.

Services report progress as a callback ``progress(done)`` with the absolute number done; this adapts it to tqdm,
which draws in place on a terminal and prints sparse lines on a pipe or in CI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm


@contextmanager
def progress_bar(total: int, label: str, stream: TextIO | None = None) -> Iterator[Callable[[int], None]]:
    """``with progress_bar(n, "Units", stream) as progress: work(progress=progress)``."""
    bar = tqdm(total=max(total, 1), desc=label, file=stream, mininterval=0.5, dynamic_ncols=True)

    def update(done: int) -> None:
        bar.update(max(0, min(done, bar.total) - bar.n))

    try:
        yield update
        update(bar.total)
    finally:
        bar.close()
