"""The error pages (``handler400``): rendered with the request, so they carry the menu, the language and the
sentence of the error. 404 uses Django's handler with ``templates/404.html``; 500 is static (``500.html``)."""

from __future__ import annotations

from django.shortcuts import render

from dieuhanh.errors import DomainError


def bad_request(request, exception=None):
    from dieuhanh.pages import error_text

    text = error_text(exception) if isinstance(exception, DomainError) else ""
    return render(request, "400.html", {"exception_text": text}, status=400)
