"""Reading the audit log: an object's history, limited to what the reader may see."""

from __future__ import annotations

from django.db.models import QuerySet

from dieuhanh.access.policy import require
from dieuhanh.audit.models import AuditEvent


def history_for(*, actor, object_type: str, object_id: str, unit) -> QuerySet[AuditEvent]:
    """All events about one object, newest first. ``unit`` is the unit the object belongs to."""
    require(actor, "unit_history_view", unit)
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).select_related("actor")


def history_of_unit_data(*, actor, unit) -> QuerySet[AuditEvent]:
    """Every event scoped to ``unit`` (about the unit itself, its roles, its data)."""
    require(actor, "unit_history_view", unit)
    return AuditEvent.objects.filter(unit=unit).select_related("actor")
