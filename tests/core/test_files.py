import io
import zipfile

import pytest

from dieuhanh.core.common.files import RejectedFile, identify

MB = 1024 * 1024


def ooxml(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{folder}/document.xml", "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize("name,content,ext", [
    ("bao-cao.pdf", b"%PDF-1.7\n...", "pdf"),
    ("Báo cáo.DOCX", ooxml("word"), "docx"),
    ("so-lieu.xlsx", ooxml("xl"), "xlsx"),
    ("anh.jpeg", b"\xff\xd8\xff\xe0rest", "jpg"),
    ("anh.png", b"\x89PNG\r\n\x1a\nrest", "png"),
    ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "doc"),
])
def test_accepted_kinds(name, content, ext):
    assert identify(name, content, max_bytes=MB).extension == ext


@pytest.mark.parametrize("name,content,code", [
    ("virus.pdf", b"MZ\x90\x00 this is an exe", "disguised"),
    ("fake.docx", ooxml("xl"), "disguised"),
    ("zip.xlsx", b"PK\x03\x04broken", "disguised"),
    ("script.exe", b"MZ", "type_not_allowed"),
    ("noext", b"%PDF-1.4", "type_not_allowed"),
    ("empty.pdf", b"", "empty"),
    ("big.pdf", b"%PDF-" + b"0" * MB, "too_large"),
])
def test_refused_files(name, content, code):
    with pytest.raises(RejectedFile) as err:
        identify(name, content, max_bytes=MB)
    assert err.value.code == code
