"""What every page view uses, in one place below the feature apps: the sentence of a domain error, running an
action for a page, where a refused form returns, the query parameters read by the one date and period parser, and
the search box and paging of a ranking (``ranking_page``).

Errors become responses in one place, ``dieuhanh.web.middleware.DomainErrorMiddleware``; views do not catch
``NotFound``/``Forbidden``/``Invalid``/``Conflict`` themselves (except to re-render a form with a row-by-row
report, e.g. an import's errors). A malformed date or period in the query raises the parser's ``ParseError``
(``invalid_date`` / ``invalid_period``), which the middleware answers with the 400 page naming the value; an
absent or empty parameter is ``None``.

Feature apps' views import this module, never ``dieuhanh.web`` (an import-linter contract).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from dieuhanh.core.common.periods import Period, parse_date, parse_period
from dieuhanh.core.common.text import fold, search_terms
from dieuhanh.errors import DomainError, Invalid
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


def errors_return_to(to):
    """``@errors_return_to(lambda request, **kw: reverse("task_detail", args=[kw["task_id"]]))`` on a view that
    handles a form post: an ``Invalid``/``Conflict`` raised in it sends the person back to that page with the
    message (see ``DomainErrorMiddleware``)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            request.error_return_to = to(request, *args, **kwargs) if callable(to) else to
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def to_job(request: HttpRequest, job) -> HttpResponse:
    """After an upload sent to a background job (a large import): to the job's page, which shows its progress and,
    when the file is refused, its row-by-row report."""
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    messages.info(request, _("The file is large: it is being imported in the background. This page shows its progress."))
    return redirect("job_detail", job_id=job.pk)


def date_param(request: HttpRequest, name: str) -> dt.date | None:
    value = request.GET.get(name, "").strip()
    return parse_date(value) if value else None


def period_param(request: HttpRequest, name: str = "period") -> Period | None:
    value = request.GET.get(name, "").strip()
    return parse_period(value) if value else None


def posted_int(request: HttpRequest, name: str) -> int | None:
    """A whole number posted by a form (a version, an id); anything else is absent (the action then says so)."""
    value = request.POST.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def form_problem(form) -> Invalid:
    """A form whose shapes are wrong (a date, a number): back to it with each field's problem in the form's words."""
    return Invalid("invalid form", details=[{"field": name, "message": "; ".join(errs)} for name, errs in form.errors.items()])


def form_data(form) -> dict:
    """The form's cleaned data, or ``form_problem(form)`` raised."""
    if not form.is_valid():
        raise form_problem(form)
    return form.cleaned_data


def int_param(request: HttpRequest, name: str) -> int | None:
    """A whole number in the query (an id, a group number); anything else is ignored as absent."""
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


RANKING_PAGE_SIZE = 30


def ranking_page(request: HttpRequest, rows, texts, *, tab: str = "", size: int = RANKING_PAGE_SIZE) -> Page:
    """One page of a ranking's ``rows``, in their order (by rank), keeping those the search box finds: every term of
    ``q``, typed with or without diacritics (``fold``), in ``texts(row)`` (its name and code). The page is ``page``
    when the query names this list (``tab``, for pages with several lists), else the first; ranks stay the city's."""
    terms = search_terms(request.GET.get("q", ""))
    found = [r for r in rows if all(t in fold(" ".join(texts(r))) for t in terms)] if terms else list(rows)
    number = request.GET.get("page") if request.GET.get("tab", "") == tab else 1
    return Paginator(found, size).get_page(number)


FRAGMENT_SECONDS = 3600


def cached_fragment(kind: str, key: tuple, render: Callable[[], str]) -> SafeString:
    """A part of a page rendered once and kept in Django's cache under ``key`` and the active language. ``key`` must
    hold a stamp of every piece of data the part shows (so any change gives a new key and is shown at once), the
    person's reach when the part depends on who looks, and the page's parameters. ``render`` runs only on a miss."""
    name = f"dieuhanh:html:{kind}:" + hashlib.sha256(repr((key, get_language())).encode()).hexdigest()
    html = cache.get(name)
    if html is None:
        html = str(render())
        cache.set(name, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # rendered by our own templates, which escape what they show


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A file to download (an export): ``content`` named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
