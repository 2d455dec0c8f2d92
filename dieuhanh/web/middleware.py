"""Language choice: Vietnamese unless the person picked another language with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, and officials' browsers are often set to
English; the platform is Vietnamese by default, so only the language cookie set by the switch counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DomainErrorMiddleware:
    """Domain errors raised by a page become responses here, and only here.

    - ``NotFound`` and ``Forbidden`` → the 404 page (forbidden answers exactly like missing);
    - ``Invalid`` and ``Conflict`` → the form again (the page named by ``@errors_return_to``, else the page the
      request came from, else the same address) with the error's sentence as a message;
    - any other ``DomainError`` (e.g. ``BadRequest``), and a core's ``CoreError`` → the 400 page with the sentence.

    API requests (``/api/``) are left to the API's own exception handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib import messages
        from django.http import Http404
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme

        from dieuhanh.core.common.errors import CoreError
        from dieuhanh.errors import BadRequest, Conflict, DomainError, Forbidden, Invalid, NotFound
        from dieuhanh.web.errors import bad_request
        from dieuhanh.pages import error_text

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, CoreError):  # a core's code that no service converted: unreadable input
            exception = BadRequest(code=exception.code, params=exception.params)
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound | Forbidden):
            raise Http404 from None  # Django's 404 handler renders templates/404.html
        if isinstance(exception, Invalid | Conflict):
            messages.error(request, error_text(exception))
            target = getattr(request, "error_return_to", None)
            if target is None:
                referer = request.headers.get("Referer", "")
                target = referer if referer and url_has_allowed_host_and_scheme(
                    referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else request.get_full_path()
            return redirect(target)
        return bad_request(request, exception)


# --- unstorable input ----------------------------------------------------------------------------------------
# Refuse input that no column can store, before any view sees it: NUL bytes and lone surrogates (broken UTF-16
# escapes in JSON) anywhere — path, query, form fields, JSON body — and bodies that cannot be parsed (multipart
# without a boundary). One place for pages and the API: a 400 with code ``invalid_characters`` (or
# ``malformed_request``) and the field named, never a database error.


def _bad(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (e.g. "\ud800" in JSON)
        return True
    return False


def _walk(value: Any, where: str) -> Iterator[str]:
    """The places (dotted names) in a parsed JSON value holding a string that cannot be stored."""
    if isinstance(value, str):
        if _bad(value):
            yield where
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and _bad(k):
                yield where or "body"
            yield from _walk(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{where}.{i}" if where else str(i))


def problems(request: HttpRequest) -> tuple[str, str | None] | None:
    """``(code, field)`` of the first unstorable input of ``request``, or None."""
    if _bad(request.path_info):
        return "invalid_characters", "path"
    for key, values in request.GET.lists():
        if _bad(key) or any(_bad(v) for v in values):
            return "invalid_characters", key if not _bad(key) else "query"
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type == "application/json":
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return None  # malformed JSON: the API's schema validation answers it
            for where in _walk(body, ""):
                return "invalid_characters", where or "body"
        elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            try:
                form = request.POST
                files = request.FILES
            except MultiPartParserError:
                return "malformed_request", None
            for key, values in form.lists():
                if _bad(key) or any(_bad(v) for v in values):
                    return "invalid_characters", key if not _bad(key) else "form"
            for key, uploads in files.lists():
                if any(_bad(u.name or "") for u in uploads):
                    return "invalid_characters", key
    return None


class InputSanityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        found = problems(request)
        if found is None:
            return self.get_response(request)
        from dieuhanh.errors import BadRequest, detail
        from dieuhanh.messages import render

        code, field = found
        if request.path_info.startswith("/api/"):
            from django.utils import translation

            with translation.override("en"):
                body = {"error": {"code": code, "message": render(code),
                                  "details": [detail(field, code)] if field else []}}
            for d in body["error"]["details"]:
                d.pop("params", None)
            return JsonResponse(body, status=400)
        from dieuhanh.web.errors import bad_request

        return bad_request(request, BadRequest(code=code))


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (``DIEUHANH_CSP``,
    ``DIEUHANH_PERMISSIONS_POLICY``; see docs/SECURITY.md).

    Scripts only from the platform's own static files (no inline script, no ``eval``: HTMX's ``hx-on`` attributes
    are not used); data for charts travels in ``json_script`` blocks, which are not executed. Styles allow inline
    ``style`` attributes (bar widths computed on the server). A page that may be embedded (``xframe_options_exempt``,
    the portal's embeddable charts) drops ``frame-ancestors`` as it drops X-Frame-Options."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.DIEUHANH_CSP
        if policy and "Content-Security-Policy" not in response.headers:
            if getattr(response, "xframe_options_exempt", False):
                policy = "; ".join(p for p in policy.split("; ") if not p.startswith("frame-ancestors"))
            response.headers["Content-Security-Policy"] = policy
        if settings.DIEUHANH_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.DIEUHANH_PERMISSIONS_POLICY)
        return response
