"""Evidence files on disk: content-checked (``core/common/files.py``), stored once per SHA-256 under MEDIA_ROOT."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from dieuhanh.core.common.files import RejectedFile, identify
from dieuhanh.core.common.text import normalise_name
from dieuhanh.errors import Invalid


@dataclass(frozen=True)
class StoredFile:
    filename: str
    kind: str
    content_type: str
    size: int
    sha256: str


def path_of(sha256: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence" / sha256[:2] / sha256


def store(filename: str, content: bytes) -> StoredFile:
    """Check and store an upload; ``Invalid`` (code ``file_<reason>``) for an empty, oversize, disallowed or
    disguised file. Writing is atomic (temporary file, then rename) so a crash never leaves half a file."""
    try:
        kind = identify(filename, content, max_bytes=settings.DIEUHANH_EVIDENCE_MAX_BYTES)
    except RejectedFile as exc:
        raise Invalid(str(exc), code=f"file_{exc.code}", details=[{"field": "file", "code": exc.code, "message": str(exc)}]) from None
    sha = hashlib.sha256(content).hexdigest()
    path = path_of(sha)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        tmp.replace(path)
    return StoredFile(normalise_name(Path(filename).name)[:255], kind.extension, kind.content_type, len(content), sha)
