"""The REST API (django-ninja). OpenAPI at ``/api/openapi.json``, interactive docs at ``/api/docs``.

Authentication: a bearer token (``Authorization: Bearer dh_…``, see ``POST /api/auth/token``) or the
browser session (with its CSRF token for writes). Every error has one shape:
``{"error": {"code": "<stable english code>", "message": "…", "details": [{"field", "code", "message"}]}}``.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from dieuhanh.accounts.services import user_for_token
from dieuhanh.errors import DomainError

log = logging.getLogger("dieuhanh.api")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="dieuhanh API",
    version="1",
    description="Plans, tasks, indicators and units of a city's Resolution 57 programme. Errors: "
    '`{"error": {"code", "message", "details"}}` with stable codes.',
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)


def _envelope(request, status: int, code: str, message: str, details=None):
    return api.create_response(request, {"error": {"code": code, "message": message, "details": details or []}}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _envelope(request, exc.http_status, exc.code, exc.message, exc.details)


def _field_of(loc) -> str | None:
    """``("body", "body", "name")`` → ``"name"``; ``("query", "limit")`` → ``"limit"``."""
    parts = [str(p) for p in loc]
    parts = parts[2:] if parts[:1] in (["body"], ["form"], ["file"]) else parts[1:]
    return ".".join(parts) or None


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    details = [{"field": _field_of(e.get("loc", ())), "code": e.get("type", "invalid"), "message": e.get("msg", "")} for e in exc.errors]
    return _envelope(request, 422, "invalid", "the request body or parameters are malformed", details)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _envelope(request, 401, "unauthenticated", "sign in or send a valid bearer token")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _envelope(request, 404, "not_found", "not found")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _envelope(request, exc.status_code, {400: "malformed_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("unhandled API error on %s %s", request.method, request.path)
    return _envelope(request, 500, "internal_error", "an unexpected error happened; it was logged")


from dieuhanh.api import accounts as _accounts  # noqa: E402
from dieuhanh.api import dossiers as _dossiers  # noqa: E402
from dieuhanh.api import indicators as _indicators  # noqa: E402
from dieuhanh.api import indices as _indices  # noqa: E402
from dieuhanh.api import plans as _plans  # noqa: E402
from dieuhanh.api import units as _units  # noqa: E402

api.add_router("/units", _units.router)
api.add_router("", _accounts.router)
api.add_router("", _plans.router)
api.add_router("", _indicators.router)
api.add_router("", _dossiers.router)
api.add_router("", _indices.router)
