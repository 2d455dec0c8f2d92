"""Shapes shared by API modules."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorDetail(Schema):
    field: str | None = None
    code: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail] = []


class Error(Schema):
    error: ErrorBody


ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
