"""DOCX → PDF with LibreOffice headless: one throw-away profile per call (calls never share or lock a profile), a
timeout, and nothing half-written kept (the PDF is read from a private directory, which is then removed)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from dieuhanh.core.common.errors import CoreError

TIMEOUT = 120


def soffice() -> str:
    found = os.environ.get("DIEUHANH_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found or not os.access(found, os.X_OK):
        raise CoreError("libreoffice_missing")
    return found


def to_pdf(docx: bytes, *, timeout: float | None = None) -> bytes:
    """The PDF of ``docx``; ``libreoffice_missing``, ``libreoffice_timeout`` or ``libreoffice_failed``. The timeout is
    ``timeout``, else ``DIEUHANH_SOFFICE_TIMEOUT`` (seconds), else ``TIMEOUT``."""
    binary = soffice()
    timeout = timeout or float(os.environ.get("DIEUHANH_SOFFICE_TIMEOUT") or TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="dieuhanh-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "out"), str(source)]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                    env={**os.environ, "HOME": tmp})
        except OSError as e:
            raise CoreError("libreoffice_failed", detail=str(e)) from e
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise CoreError("libreoffice_timeout", seconds=int(timeout)) from None
        result = work / "out" / "report.pdf"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            raise CoreError("libreoffice_failed", detail=(err or b"").decode(errors="replace").strip()[-300:] or f"exit {proc.returncode}")
        return result.read_bytes()
