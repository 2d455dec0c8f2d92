"""Query parameters of pages, read by the one date and period parser (``core/common/periods.py``).

An absent or empty parameter is ``None``; a malformed one raises the parser's ``ParseError`` (``invalid_date`` /
``invalid_period``), which ``DomainErrorMiddleware`` answers with the 400 page naming the value.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from dieuhanh.core.common.periods import Period, parse_date, parse_period


def date_param(request: HttpRequest, name: str) -> dt.date | None:
    value = request.GET.get(name, "").strip()
    return parse_date(value) if value else None


def period_param(request: HttpRequest, name: str = "period") -> Period | None:
    value = request.GET.get(name, "").strip()
    return parse_period(value) if value else None


def int_param(request: HttpRequest, name: str) -> int | None:
    """A whole number in the query (an id, a group number); anything else is ignored as absent."""
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None
