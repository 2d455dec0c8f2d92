"""Recognising evidence files by their content, not their name.

An upload is accepted only when its first bytes prove the type its extension claims: a ``.pdf`` must start
with ``%PDF-``, an Office Open XML file (``.docx``, ``.xlsx``, ``.pptx``) must be a ZIP holding the part that
type requires, legacy Office files must be OLE2 compound documents, images must carry their PNG/JPEG
signature. Anything else — an executable renamed ``report.pdf``, an empty file — is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


KINDS = {
    "pdf": FileKind("pdf", "application/pdf"),
    "docx": FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": FileKind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "doc": FileKind("doc", "application/msword"),
    "xls": FileKind("xls", "application/vnd.ms-excel"),
    "ppt": FileKind("ppt", "application/vnd.ms-powerpoint"),
    "png": FileKind("png", "image/png"),
    "jpg": FileKind("jpg", "image/jpeg"),
    "jpeg": FileKind("jpg", "image/jpeg"),
}
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


class RejectedFile(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def identify(filename: str, content: bytes, *, max_bytes: int) -> FileKind:
    """The kind of an uploaded file, or ``RejectedFile`` (codes: empty, too_large, type_not_allowed, disguised)."""
    if not content:
        raise RejectedFile("empty", "the file is empty")
    if len(content) > max_bytes:
        raise RejectedFile("too_large", f"the file is {len(content)} bytes; at most {max_bytes} are allowed")
    ext = extension_of(filename)
    kind = KINDS.get(ext)
    if kind is None:
        raise RejectedFile("type_not_allowed", f"files of type .{ext or '?'} are not accepted")
    if not _content_matches(ext, content):
        raise RejectedFile("disguised", f"the content of {filename} is not a .{ext} file")
    return kind


def _content_matches(ext: str, content: bytes) -> bool:
    if ext == "pdf":
        return content.startswith(b"%PDF-")
    if ext in ("doc", "xls", "ppt"):
        return content.startswith(OLE2)
    if ext == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if ext in _OOXML_PART:
        if not content.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = z.namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(_OOXML_PART[ext]) for n in names)
    return False
