"""Uploaded files a background job reads, and the one rule that sends an import to a job.

An import of a large file (``is_large``: at least ``DIEUHANH_IMPORT_JOB_MIN_BYTES`` bytes, or
``DIEUHANH_IMPORT_JOB_MIN_ROWS`` rows declared by its sheets / lines of a CSV) does not hold a web worker: the page
or the API keeps the uploaded bytes privately (``keep``, under ``DIEUHANH_UPLOAD_DIR``, a folder every worker
machine shares) and queues a job that reads them (``kept``). The copy stays with the job until it ends: removed
when the import commits or the file itself is refused (a retry would be refused again); kept when the job is
interrupted, crashes or is cancelled, so that a retry imports the same bytes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction

from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.common.sheets import check_workbook, declared_rows
from dieuhanh.errors import Invalid


def upload_dir() -> Path:
    return Path(getattr(settings, "DIEUHANH_UPLOAD_DIR", None) or Path(settings.DIEUHANH_DUCKDB_PATH).parent / "uploads")


def rows_of(content: bytes) -> int:
    """Rows of an upload: declared by an .xlsx's sheets, else the lines of a text file."""
    return declared_rows(content) if content[:2] == b"PK" else content.count(b"\n") + 1


def is_large(*contents: bytes | None) -> bool:
    """Whether an import of these files runs as a background job (the settings' thresholds, files taken together).
    A workbook the limits refuse (a zip bomb, a broken file: ``check_workbook``) is not large: the inline import
    refuses it at once with its own message, and nothing is queued or kept."""
    present = [c for c in contents if c]
    for content in present:
        if content[:2] == b"PK":
            try:
                check_workbook(content)
            except CoreError:
                return False
    return (sum(map(len, present)) >= settings.DIEUHANH_IMPORT_JOB_MIN_BYTES
            or sum(map(rows_of, present)) >= settings.DIEUHANH_IMPORT_JOB_MIN_ROWS)


def keep(content: bytes, name: str = "") -> str:
    """Store ``content`` privately for a job; answers the path to pass in the job's parameters."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:10]}"
    target.write_bytes(content)
    return str(target)


def discard(path: str | None) -> None:
    if path:
        Path(path).unlink(missing_ok=True)


def read(path: str | None) -> bytes | None:
    """The kept bytes at ``path`` (None for no file); ``upload_expired`` when they are gone."""
    if not path:
        return None
    source = Path(path)
    if not source.is_file() or source.parent.resolve() != upload_dir().resolve():
        raise Invalid(f"kept upload {path} is gone", code="upload_expired")
    return source.read_bytes()


@contextmanager
def kept(*paths: str | None) -> Iterator[list[bytes | None]]:
    """``with kept(path) as [content]: import(content)`` inside a job: the copies go when the job's transaction
    commits, or at once when the import refuses the file (``Invalid``)."""
    contents = [read(p) for p in paths]
    try:
        yield contents
    except Invalid:
        for p in paths:
            discard(p)
        raise
    transaction.on_commit(lambda: [discard(p) for p in paths])


def start_with(contents: dict[str, tuple[bytes | None, str]], start):
    """Keep each upload (``{param: (content, name)}``) and call ``start(paths)`` — the action that queues the job,
    ``paths`` = ``{param: path}`` —; the copies are removed again if it refuses (no file without its job)."""
    paths = {param: keep(content, name or "upload") for param, (content, name) in contents.items() if content is not None}
    try:
        return start(paths)
    except BaseException:
        for path in paths.values():
            discard(path)
        raise
