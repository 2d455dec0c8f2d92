"""Request fields whose limits come from the model: one source for lengths, ranges and decimal sizes.

``column(Task, "title")`` is the type of a request field that fills ``Task.title``: a string of at most the
column's ``max_length``, a decimal of at most its ``max_digits``/``decimal_places``, an integer within the
column's range. A request beyond a column is then a 400 naming the field (``too_long``, ``out_of_range``),
never a database error. Dates and periods are read by the one parser of ``core/common/periods.py`` (``Day``,
``PeriodKey``): ``0``, ``""`` or ``9999-12`` are refused with ``invalid_date``/``invalid_period``.

Use: ``title: column(Task, "title")``, optional ``title: column(Task, "title") | None = None``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from dieuhanh.core.common.periods import parse_date, parse_period

# Integer ranges of the columns as PostgreSQL and SQLite store them (the narrower of the two)
_INT_RANGES: dict[str, tuple[int, int]] = {
    "SmallIntegerField": (-32768, 32767),
    "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "PositiveIntegerField": (0, 2147483647),
    "BigIntegerField": (-9223372036854775808, 9223372036854775807),
    "PositiveBigIntegerField": (0, 9223372036854775807),
    "AutoField": (1, 2147483647),
    "BigAutoField": (1, 9223372036854775807),
    "SmallAutoField": (1, 32767),
}
# A text column without a declared limit still has one in requests (the request body cap is larger)
TEXT_LIMIT = 100_000


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.date | str):
        return parse_date(value)
    return parse_date("" if value is None else repr(value))  # numbers (0 → 1970-01-01) are not dates


def _period(value: Any) -> str:
    return parse_period(value if isinstance(value, str) else repr(value)).key


Day = Annotated[dt.date, BeforeValidator(_day)]
"""A date: ``yyyy-mm-dd`` or ``dd/mm/yyyy``, years 1900–2100."""

PeriodKey = Annotated[str, BeforeValidator(_period)]
"""A reporting period key (``2026``, ``2026-06``, ``2026-Q2``, ``2026-H1``), normalised."""

Offset = Annotated[int, Field(ge=0, le=10_000_000)]
Limit = Annotated[int, Field(ge=1, le=1000)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL byte")
    return value


def column(model: type[models.Model], name: str) -> Any:
    """The request type of ``model.name`` with the column's limits (see the module docstring)."""
    field = model._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    kind = field.get_internal_type()
    if isinstance(field, models.DecimalField):
        return Annotated[Decimal, Field(max_digits=field.max_digits, decimal_places=field.decimal_places,
                                        allow_inf_nan=False)]
    if kind in _INT_RANGES:
        lo, hi = _INT_RANGES[kind]
        return Annotated[int, Field(ge=lo, le=hi)]
    if isinstance(field, models.FloatField):
        return Annotated[float, Field(allow_inf_nan=False)]
    if isinstance(field, models.DateTimeField):
        return dt.datetime
    if isinstance(field, models.DateField):
        return Day
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.CharField | models.TextField):
        limit = field.max_length or TEXT_LIMIT
        return Annotated[str, StringConstraints(max_length=limit), AfterValidator(_no_nul)]
    raise TypeError(f"no request type for {model.__name__}.{name} ({kind})")
