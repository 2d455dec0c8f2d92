"""The REST API (django-ninja). OpenAPI at ``/api/openapi.json``, interactive docs at ``/api/docs``.

Authentication: a bearer token (``Authorization: Bearer dh_…``, see ``POST /api/auth/token``) or the
browser session (with its CSRF token for writes). Every error has one shape:
``{"error": {"code": "<stable english code>", "message": "…", "details": [{"field", "code", "message"}]}}``.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from dieuhanh.accounts.services import user_for_token
from dieuhanh.core.common.errors import CoreError
from dieuhanh.errors import DomainError
from dieuhanh.messages import MESSAGES, render

log = logging.getLogger("dieuhanh.api")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class _API(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """Ninja keeps only the text of an error raised inside a validator; put back the core's error (a date or a
        period refused by the one parser, ``api/fields.py``) so its code and parameters reach the envelope."""
        cores = {str(err): err for context in error_contexts for e in context.pydantic_validation_error.errors(include_url=False)
                 if isinstance(err := (e.get("ctx") or {}).get("error"), CoreError)}
        exc = super().validation_error_from_error_contexts(error_contexts)
        for e in exc.errors:
            ctx = e.get("ctx") or {}
            if isinstance(ctx.get("error"), str) and ctx["error"] in cores:
                ctx["error"] = cores[ctx["error"]]
        return exc


class _Docs(Swagger):
    """Swagger UI from local static files, in a page that names its language (English, like the API's messages)
    and meets WCAG 2.1 AA contrast (``dieuhanh/swagger-a11y.css``); without deep links, whose anchors Swagger puts
    inside the operation's button (a link inside a button cannot be reached or named)."""

    template = "api/swagger.html"


api = _API(
    title="dieuhanh API",
    docs=_Docs(settings={"deepLinking": False}),
    version="1",
    description="Plans, tasks, indicators and units of a city's Resolution 57 programme. Errors: "
    '`{"error": {"code", "message", "details"}}` with stable codes.',
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)


# API errors are English: the catalogue's msgids, whatever language the caller's cookie asks for.
def _envelope(request, status: int, code: str, params=None, details=None, default: str | None = None):
    with translation.override("en"):
        message = render(code, params, default=default)
        shown = [{"field": d.get("field"), "code": d.get("code", "invalid"),
                  "message": render(d["code"], d.get("params"), default=d.get("message", "")) if d.get("code") else d.get("message", "")}
                 for d in details or []]
    return api.create_response(request, {"error": {"code": code, "message": message, "details": shown}}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _envelope(request, exc.http_status, exc.code, exc.params, exc.details, default=exc.log_message)


@api.exception_handler(CoreError)
def _core_error(request, exc: CoreError):
    """A computation core's error that no service converted: the input could not be read."""
    return _envelope(request, 400, exc.code, exc.params, default=str(exc))


def _field_of(loc) -> str | None:
    """``("body", "body", "name")`` → ``"name"``; ``("query", "limit")`` → ``"limit"``."""
    parts = [str(p) for p in loc]
    parts = parts[2:] if parts[:1] in (["body"], ["form"], ["file"]) else parts[1:]
    return ".".join(parts) or None


# pydantic's error types → our stable codes (the rest keep pydantic's type as their code)
_PYDANTIC_CODES = {
    "string_too_long": "too_long", "too_long": "too_long", "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range", "less_than": "out_of_range", "less_than_equal": "out_of_range",
    "decimal_max_digits": "out_of_range", "decimal_max_places": "out_of_range",
    "decimal_whole_digits": "out_of_range", "finite_number": "out_of_range",
}


def _detail(e: dict) -> dict:
    code = _PYDANTIC_CODES.get(e.get("type", ""), e.get("type", "invalid"))
    ctx = e.get("ctx") or {}
    params = {k: v for k, v in ctx.items() if isinstance(v, int | float | str)}
    if isinstance(ctx.get("error"), CoreError):  # a date or period read by the one parser (api/fields.py)
        code, params = ctx["error"].code, ctx["error"].params
    if code in MESSAGES:
        return {"field": _field_of(e.get("loc", ())), "code": code, "params": params}
    return {"field": _field_of(e.get("loc", ())), "code": code, "message": e.get("msg", "")}


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    """Request shapes that break the schema (types, lengths, ranges, decimal sizes derived from the model
    fields): 400 with every field named."""
    return _envelope(request, 400, "invalid", details=[_detail(e) for e in exc.errors])


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _envelope(request, 401, "unauthenticated")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _envelope(request, 404, "not_found")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = {400: "malformed_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    return _envelope(request, exc.status_code, code, default=str(exc))


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("unhandled API error on %s %s", request.method, request.path)
    return _envelope(request, 500, "internal_error")


from dieuhanh.api import accounts as _accounts  # noqa: E402
from dieuhanh.api import difficulties as _difficulties  # noqa: E402
from dieuhanh.api import innovation as _innovation  # noqa: E402
from dieuhanh.api import cockpit as _cockpit  # noqa: E402
from dieuhanh.api import dossiers as _dossiers  # noqa: E402
from dieuhanh.api import emulation as _emulation  # noqa: E402
from dieuhanh.api import indicators as _indicators  # noqa: E402
from dieuhanh.api import indices as _indices  # noqa: E402
from dieuhanh.api import jobs as _jobs  # noqa: E402
from dieuhanh.api import notifications as _notifications  # noqa: E402
from dieuhanh.api import plans as _plans  # noqa: E402
from dieuhanh.api import portal as _portal  # noqa: E402
from dieuhanh.api import reports as _reports  # noqa: E402
from dieuhanh.api import units as _units  # noqa: E402

api.add_router("/units", _units.router)
api.add_router("", _accounts.router)
api.add_router("", _plans.router)
api.add_router("", _indicators.router)
api.add_router("", _dossiers.router)
api.add_router("", _indices.router)
api.add_router("", _difficulties.router)
api.add_router("", _emulation.router)
api.add_router("", _innovation.router)
api.add_router("", _notifications.router)
api.add_router("", _jobs.router)
api.add_router("", _cockpit.router)
api.add_router("", _portal.router)
api.add_router("", _reports.router)
