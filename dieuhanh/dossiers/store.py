"""Where the dossier logs live: an embedded DuckDB file next to the database (``DIEUHANH_DUCKDB_PATH``).

Dossier-scale analytics (millions of rows) stay out of PostgreSQL: DuckDB scans them in columnar form; the
metric definitions (``core/d766/metrics.py``) are Ibis expressions, so a national deployment can point the same
code at Spark or Trino instead. Beside ``dossiers`` the file holds ``dossier_facts``, the per-dossier facts the
scorecard adds up, which ``ingest`` keeps in step with every dossier file (``execute.refresh_facts``); write
dossiers through ``ingest`` only, or ``execute.compute`` falls back to deriving the facts from every dossier.

One process writes at a time: DuckDB locks the file. ``connect(read_only=False)`` retries with backoff for
``DIEUHANH_DUCKDB_LOCK_WAIT`` seconds (30 by default) before raising ``StoreBusy`` (``store_busy``).

**Readers never touch the writer's file.** Pages, the API and the feed read a *published copy* of the store
(``published()``, ``open_published``): after each import the writer checkpoints the file, copies it aside
(``<store>.readers/g<generation>.duckdb``) and swaps it in by replacing one small pointer file
(``current.json``, ``os.replace``: atomic). A reader resolves the pointer once and reads that copy to the end
of its answer, so during an import every answer comes from the copy before it, after it every answer from
the new one — never a mix, and nobody waits or fails on the writer's lock. Copies older than the two before
the current one are deleted (an open copy stays readable on POSIX until its reader closes it). The writer holds
the file until the pointer names its copy (otherwise a reader could find it free and publish it as a store
written by other means, racing the writer), so the copy is made by another process (``cp``): DuckDB's lock is a
POSIX record lock, which a process loses when it closes any descriptor of the file.

The pointer also carries the **stamps** the caches key on: for every (agency, month) an import touched
(``IngestResult.touched``), and for every month (``*|YYYY-MM``: the rankings and pooled totals), the
generation that last changed it; ``all`` changes when the change is not known (a procedure catalogue, a
store written by other means), which makes every cached result unreachable. Stamp and copy change in the same
``os.replace``, in every process alike, so a result is never cached under a stamp that does not match its data.

Write through ``writing()`` (the import job, ``dieuhanh dossiers import``, the demo): it publishes on exit. A
store written by other means (a test, an older version) is published by the first reader that finds the file
newer than its copy and free (``_publish_if_stale``), with every stamp changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from openpyxl import load_workbook
from django.conf import settings

from dieuhanh.core.d766.ingest import create_schema
from dieuhanh.errors import DomainError
from dieuhanh.units.models import Unit


class StoreBusy(DomainError):
    """Another connection holds the store's lock for longer than the writer waits."""

    code = "store_busy"
    http_status = 503


def _held_elsewhere(exc: duckdb.Error) -> bool:
    """The file is locked by another process, or opened in this one with another mode (read-only vs read-write)."""
    text = str(exc)
    return "Could not set lock" in text or "different configuration" in text


def connect(path: str | Path | None = None, *, read_only: bool = False, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the store; a writing one waits up to ``wait`` seconds (default ``DIEUHANH_DUCKDB_LOCK_WAIT``)
    for the readers holding the file, then raises ``StoreBusy``. A read-only one never waits."""
    path = Path(path or settings.DIEUHANH_DUCKDB_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = float(getattr(settings, "DIEUHANH_DUCKDB_LOCK_WAIT", 30) if wait is None else wait)
    deadline, pause = time.monotonic() + wait, 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if read_only or not _held_elsewhere(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(f"the dossier store is busy: {path} is held by another connection "
                                f"(waited {wait:g} s): {exc}") from None
            time.sleep(min(pause, max(deadline - time.monotonic(), 0.0)))
            pause = min(pause * 2, 1.0)
    if not read_only:
        create_schema(con)
    return con


def known_agencies() -> set[str]:
    """Codes that may receive dossiers: every commune-level unit and every department or body."""
    return set(Unit.objects.filter(kind__in=["commune", "department", "body", "province"]).values_list("code", flat=True))


def estimated_rows(paths: list[Path]) -> int:
    """Rows in the files, for the progress bar: from the metadata of Parquet and XLSX files, estimated for CSV
    from the size of the file and of its first lines."""
    total = 0
    for path in paths:
        if path.suffix.lower() in (".parquet", ".pq"):
            try:
                total += pq.ParquetFile(path).metadata.num_rows
                continue
            except Exception:  # not readable as Parquet: ingest reports it; the bar just guesses
                pass
        if path.suffix.lower() == ".xlsx":
            try:
                workbook = load_workbook(path, read_only=True)
                total += max((workbook.worksheets[0].max_row or 1) - 1, 1)  # the sheet's declared size
                workbook.close()
                continue
            except Exception:  # not a workbook: ingest reports it
                pass
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(1 << 20)
        lines = max(head.count(b"\n"), 1)
        total += max(int(size / (len(head) / lines)) - 1, 1)
    return total


# ---------------------------------------------------------------------------------------------------
# Published copies for readers


KEEP_OLD_COPIES = 2
_POINTER = "current.json"
_writing_here: set[str] = set()  # stores this process is writing through ``writing()``
_lock = threading.Lock()


def store_path(path: str | Path | None = None) -> Path:
    return Path(path or settings.DIEUHANH_DUCKDB_PATH)


def readers_dir(path: str | Path | None = None) -> Path:
    main = store_path(path)
    return main.with_name(main.name + ".readers")


@dataclass(frozen=True)
class Published:
    """One published copy: its file, its generation and the stamps of what each import changed."""

    path: Path
    epoch: str  # new for every store created, so generations of a replaced store never collide
    generation: int
    stamps: dict[str, int] = field(compare=False)
    source: tuple | None = field(default=None, compare=False)  # the writer's file (mtime, size) it copies

    def stamp(self, scope: str) -> int:
        return self.stamps.get(scope, 0)

    @property
    def version(self) -> tuple:
        return (str(self.path.parent), self.epoch, self.stamp("all"))


_pointer_cache: dict[str, tuple[tuple, Published]] = {}


def _source_stamp(main: Path) -> tuple | None:
    try:
        st = main.stat()
    except FileNotFoundError:
        return None
    wal = main.with_name(main.name + ".wal")
    return (st.st_mtime_ns, st.st_size, wal.exists() and wal.stat().st_size > 0)


def _read_pointer(path: str | Path | None = None) -> Published | None:
    pointer = readers_dir(path) / _POINTER
    try:
        st = pointer.stat()
    except FileNotFoundError:
        return None
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    cached = _pointer_cache.get(str(pointer))
    if cached and cached[0] == key:
        return cached[1]
    try:
        data = json.loads(pointer.read_text())
    except (FileNotFoundError, ValueError):  # replaced between stat and read: read it again next time
        return None
    found = Published(pointer.parent / data["file"], data["epoch"], data["generation"], data["stamps"],
                      tuple(data["source"]) if data.get("source") else None)
    _pointer_cache[str(pointer)] = (key, found)
    return found


def published(path: str | Path | None = None) -> Published | None:
    """The current copy for readers, publishing the writer's file first when it is newer and free; None when
    there is no store yet."""
    main = store_path(path)
    current = _read_pointer(main)
    if str(main) in _writing_here:
        return current
    source = _source_stamp(main)
    if source is None:
        return current
    if current is None or current.source != source:
        return _publish_if_stale(main) or current
    return current


def _publish_if_stale(main: Path) -> Published | None:
    """Publish a store written by other means than ``writing()``, when nobody is writing it (never waits)."""
    with _lock:
        try:
            con = duckdb.connect(str(main))
        except (duckdb.IOException, duckdb.ConnectionException):
            return None  # a writer holds it: readers keep the copy they have
        try:
            return publish(con, main, touched=None)
        except (duckdb.Error, OSError):  # e.g. a copy's file taken meanwhile: readers keep the copy they have
            con.close()
            return None


@contextmanager
def writing(path: str | Path | None = None, *, wait: float | None = None) -> Iterator[tuple[duckdb.DuckDBPyConnection, set]]:
    """A writing connection and the set to add what it changed to (``IngestResult.touched``, or None in it for
    "everything"); on a normal exit the store is published for readers with those stamps changed (when
    something changed)."""
    main = store_path(path)
    con = connect(main, wait=wait)
    touched: set = set()
    _writing_here.add(str(main))
    published_ok = False
    try:
        yield con, touched
        if touched:  # nothing kept (every file refused): readers keep the copy they have
            publish(con, main, touched=None if None in touched else touched)
            published_ok = True
    finally:
        _writing_here.discard(str(main))
        if not published_ok:
            con.close()


def publish(con: duckdb.DuckDBPyConnection, path: str | Path | None = None, *,
            touched: Iterable[tuple[str, str]] | None) -> Published:
    """Copy the store aside and swap the copy in for readers (see the module docstring); closes ``con``.

    ``touched``: the (agency, "YYYY-MM") pairs the writes changed; None when unknown (every stamp changes)."""
    from dieuhanh.core.d766.execute import facts_current, refresh_facts
    from dieuhanh.core.d766.workdays import default_calendar

    main = store_path(path)
    folder = readers_dir(main)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        has_dossiers = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'dossiers'").fetchone()[0]
        if has_dossiers and not facts_current(con, default_calendar()):
            con.begin()
            refresh_facts(con)  # readers add up kept facts only
            con.commit()
        con.execute("CHECKPOINT")
        previous = _read_pointer(main)
        epoch = previous.epoch if previous else uuid.uuid4().hex
        generation = (previous.generation if previous else 0) + 1
        name = f"g{generation:08d}.duckdb"
        partial = folder / (name + ".part")
        # Copied by another process: DuckDB locks the file with a POSIX record lock, which this process would lose
        # on closing any descriptor of the file, and the writer must hold it until the pointer names the copy.
        subprocess.run(["cp", "--", str(main), str(partial)], check=True, capture_output=True)
        os.replace(partial, folder / name)
        stamps = dict(previous.stamps) if previous else {}
        if touched is None:
            stamps = {"all": generation}
        else:
            for agency, month in touched:
                stamps[f"{agency}|{month}"] = generation
                stamps[f"*|{month}"] = generation
        stamps["any"] = generation
        source = _source_stamp(main)  # closing a checkpointed store does not change the file
        pointer = folder / _POINTER
        staged = folder / f"{_POINTER}.{uuid.uuid4().hex}"
        staged.write_text(json.dumps({"file": name, "epoch": epoch, "generation": generation, "stamps": stamps,
                                      "source": list(source) if source else None}))
        os.replace(staged, pointer)
    finally:
        # Only now: a reader in another process that found the store free before the pointer names this copy
        # would take the file for one written by other means and publish it itself, racing this publication.
        con.close()
    for old in sorted(folder.glob("g*.duckdb"))[:-(KEEP_OLD_COPIES + 1)]:
        old.unlink(missing_ok=True)
    return _read_pointer(main)


def open_published(copy: Published) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published copy (never waits: nobody writes a copy)."""
    return duckdb.connect(str(copy.path), read_only=True)
