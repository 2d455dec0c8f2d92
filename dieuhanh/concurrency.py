"""Optimistic concurrency: an edit names the version it read; a newer version means someone else saved.

Every editable row carries a ``version`` that each save increments. Writers lock the row, compare, and refuse
with ``stale_version`` instead of silently overwriting another person's change.
"""

from __future__ import annotations

from django.db import models

from dieuhanh.errors import Conflict


def check_version(obj: models.Model, expected_version: int | None) -> None:
    """``None`` means the caller creates or does not track versions (the platform's own loads)."""
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(
            f"{obj._meta.model_name} changed since version {expected_version} (now {obj.version})",
            code="stale_version",
            details=[{"field": "version", "code": "stale", "message": f"current version is {obj.version}"}],
        )


def lock_version(obj: models.Model, expected_version: int | None):
    """The row of ``obj`` locked for update (fresh from the database), after the version check."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    check_version(current, expected_version)
    return current
