"""Optimistic concurrency: an edit names the version it read; a newer version means someone else saved.

Every editable row carries a ``version`` that each save increments. Writers lock the row, compare, and refuse
with ``stale_version`` instead of silently overwriting another person's change. The version is **required**
for every update of an existing object: ``None`` is refused with ``version_required`` (400), it never skips
the check. The platform's own bulk loads (an appendix re-import keyed by task code, the demo) lock rows with
``lock_row`` inside their one transaction; nothing a person edits goes that way.

Creating an object that has a natural key (a report for (task, period), a value for (indicator, unit, period))
goes through ``insert_unique``: of two concurrent first saves one succeeds and the other gets a 409
``already_exists`` (the unique constraint decides, in a savepoint), never a 500 or a silent overwrite.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction

from dieuhanh.errors import Conflict, Invalid, detail


def check_version(obj: models.Model, expected_version: int | None) -> None:
    """Refuse a missing version (``version_required``) and a stale one (``stale_version``)."""
    if expected_version is None or isinstance(expected_version, bool):
        raise Invalid(f"{obj._meta.model_name} {obj.pk}: the version read is required", code="version_required",
                      details=[detail("version", "version_required")])
    if obj.version != expected_version:
        raise Conflict(
            f"{obj._meta.model_name} changed since version {expected_version} (now {obj.version})",
            code="stale_version",
            params={"current": obj.version, "expected": expected_version},
            details=[{"field": "version", "code": "stale_version", "message": f"current version is {obj.version}"}],
        )


def lock_version(obj: models.Model, expected_version: int | None):
    """The row of ``obj`` locked for update (fresh from the database), after the version check."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    check_version(current, expected_version)
    return current


def lock_row(obj: models.Model):
    """The row of ``obj`` locked for update, without a version: only for the platform's own bulk loads, which
    run in one transaction and hold every row they change (see the module docstring)."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def insert_unique(obj: models.Model) -> models.Model:
    """Insert ``obj`` whose natural key may have just been taken by a concurrent first save: the second insert
    waits for the first transaction, then fails on the unique constraint and answers ``already_exists``."""
    try:
        with transaction.atomic():
            obj.save(force_insert=True)
    except IntegrityError as exc:
        raise Conflict(f"{obj._meta.model_name} exists already: {exc}", code="already_exists") from None
    return obj
