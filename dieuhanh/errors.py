"""Domain errors: a stable English code plus parameters; the sentence comes from the message catalogue.

Services raise these. The sentence a person reads is rendered from ``code`` and ``params`` by
``dieuhanh.messages`` (one gettext catalogue: Vietnamese on pages, English in the API), never built where the
error is raised. Where they become responses, in one place each:

- pages: ``dieuhanh.web.middleware.DomainErrorMiddleware`` — ``NotFound``/``Forbidden`` → the 404 page,
  ``Invalid``/``Conflict`` → back to the form with the message, anything else → the 400 page;
- API: ``dieuhanh.api.router`` — the envelope ``{"error": {"code", "message", "details"}}`` with ``http_status``.

A forbidden object raises ``NotFound`` exactly like a missing one, so nobody learns what exists outside their
reach. ``details`` list per-field problems: ``{"field", "code", "message"[, "params"]}``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, log_message: str | None = None, *, code: str | None = None,
                 details: list[dict[str, Any]] | None = None, params: dict[str, Any] | None = None):
        if code:
            self.code = code
        self.params = dict(params or {})
        self.details = list(details or [])
        # an English sentence for the logs only; people read ``message``
        self.log_message = log_message or self.code
        super().__init__(self.log_message)

    @property
    def message(self) -> str:
        """The sentence for this error in the active language (from the catalogue; the log sentence when the
        catalogue has no entry for the code)."""
        from dieuhanh.messages import render

        return render(self.code, self.params, default=self.log_message)


class BadRequest(DomainError):
    """Input that cannot even be read: NUL bytes, broken encodings, malformed dates or periods, broken files."""

    code = "bad_request"
    http_status = 400


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Unauthenticated(DomainError):
    code = "unauthenticated"
    http_status = 401


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class Conflict(DomainError):
    """The object changed since the caller read it, or a unique thing already exists."""

    code = "conflict"
    http_status = 409


class TooManyAttempts(DomainError):
    """Too many failed sign-ins: the account or the address is locked for a while (``accounts/lockout.py``)."""

    code = "locked_out"
    http_status = 429


class Invalid(DomainError):
    """Input that breaks a rule; ``details`` lists ``{"field", "code", "message"}`` per problem."""

    code = "invalid"
    http_status = 422


def detail(field: str | None, code: str, **params: Any) -> dict[str, Any]:
    """One entry of ``details``, its sentence rendered from the catalogue in the active language."""
    from dieuhanh.messages import render

    return {"field": field, "code": code, "message": render(code, params), "params": params}
