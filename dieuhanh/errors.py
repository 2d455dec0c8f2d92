"""Domain errors with stable, English error codes.

Services raise these; the API turns them into the one error envelope
(``{"error": {"code", "message", "details"}}``) and the web layer into Vietnamese messages.
A forbidden object raises ``NotFound`` exactly like a missing one, so nobody learns what exists
outside their reach.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or []


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


class Invalid(DomainError):
    """Input that breaks a rule; ``details`` lists ``{"field", "code", "message"}`` per problem."""

    code = "invalid"
    http_status = 422
