"""Page-side helpers for domain errors: the sentence a person reads, and running an action for a page.

Errors become responses in one place, ``dieuhanh.web.middleware.DomainErrorMiddleware``; views do not catch
``NotFound``/``Forbidden``/``Invalid``/``Conflict`` themselves (except to re-render a form with a row-by-row
report, e.g. an import's errors).
"""

from __future__ import annotations

from django.contrib import messages

from dieuhanh.errors import DomainError
from dieuhanh.messages import render


def error_text(exc: DomainError) -> str:
    """The error's sentence in the active language, followed by its per-field problems."""
    text = render(exc.code, exc.params)
    if exc.details:
        parts = []
        for d in exc.details:
            sentence = render(d["code"], d.get("params"), default=d.get("message", "")) if d.get("code") else d.get("message", "")
            parts.append(f"{d.get('field')}: {sentence}" if d.get("field") else sentence)
        text += " (" + "; ".join(parts) + ")"
    return text


def run_for_page(request, action, success: str, **kwargs):
    """Run an action for a page and say ``success``. Domain errors propagate to the middleware (a 404 page for
    forbidden/missing, the form again with the message for invalid input and conflicts)."""
    result = action(**kwargs)
    messages.success(request, success)
    return result
