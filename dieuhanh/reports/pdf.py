"""The PDF of a stored report (LibreOffice headless, ``core.reports.pdf``); its failures as one domain error."""
from __future__ import annotations

from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.reports import pdf
from dieuhanh.errors import DomainError


class ConversionFailed(DomainError):
    """LibreOffice is missing, failed or hung (``libreoffice_missing``, ``libreoffice_failed``, ``libreoffice_timeout``):
    nothing is kept; the conversion can be retried."""

    code = "libreoffice_failed"
    http_status = 503


def to_pdf(docx: bytes, *, timeout: float | None = None) -> bytes:
    try:
        return pdf.to_pdf(docx, timeout=timeout)
    except CoreError as e:
        raise ConversionFailed(str(e), code=e.code, params=e.params) from e


def report_pdf(report) -> bytes:
    """The PDF of a stored report: the one a build job kept, else converted now."""
    from dieuhanh.reports.models import ReportPdf

    kept = ReportPdf.objects.filter(report=report).first()
    return bytes(kept.content) if kept is not None else to_pdf(bytes(report.content))
