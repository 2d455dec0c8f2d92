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


def in_steps(progress: Callable[[int, int], None] | None, total: int, steps: int = 100) -> Callable[[int], None]:
    """A ``tick(done)`` for a loop over ``total`` rows that calls ``progress(done, total)`` about ``steps`` times
    (and at the last row), so that a job's progress costs a few writes, not one per row; a no-op without
    ``progress``."""
    if progress is None:
        return lambda done: None
    every = max(1, total // max(steps, 1))
    progress(0, total)

    def tick(done: int) -> None:
        if done % every == 0 or done >= total:
            progress(done, total)

    return tick
