"""Writing audit events. Called by actions, inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from dieuhanh.access.policy import is_system
from dieuhanh.actions import note_audit_written
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Invalid


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value, readable in the history view."""
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        # 1200.0000 read back from the database and 1200 typed by a person are the same number.
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def recorded_day(actor, on: dt.date | None) -> dt.date:
    """The day a step is recorded on: today, or an earlier day only when the platform loads history (the demo)."""
    if on is None:
        return timezone.localdate()
    if not is_system(actor) and on != timezone.localdate():
        raise Invalid("only the platform may record a step on another day", code="backdating_not_allowed")
    return on


def actor_label(actor) -> str:
    """How an actor is named in logs: the username, ``system:<command>`` for the platform, ``public`` for a visitor
    without an account (a comment on a posted award list, the only write open to them)."""
    if is_system(actor):
        return f"system:{actor.label}"
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "public"


def _actor_fields(actor) -> dict[str, Any]:
    if actor is None:
        raise ValueError("an audit event needs an actor")
    person = actor if getattr(actor, "is_authenticated", False) and not is_system(actor) else None
    return {"actor": person, "actor_label": actor_label(actor)}


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: Mapping[str, list[Any]],
    unit=None,
    note: str = "",
    object_type: str | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the transaction of the change it describes."""
    _require_transaction()
    event = new_event(actor=actor, action=action, obj=obj, changes=changes, unit=unit, object_type=object_type)
    event.note = note
    event.save()
    note_audit_written()
    return event


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the transaction of the change")


def record_many(events: list[AuditEvent]) -> None:
    """Append many prepared events at once (bulk loads); same rules as ``record``."""
    if not events:
        return
    _require_transaction()
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    note_audit_written()


def object_id_of(obj: models.Model) -> str:
    """How events name their object: its code where a code names one object of its kind (a unit, an indicator),
    else its primary key (a task's code "1.1" repeats in every plan)."""
    code = getattr(obj, "code", None)
    if code and any(f.name == "code" and f.unique for f in obj._meta.concrete_fields):
        return str(code)
    return str(obj.pk)


def new_event(*, actor, action: str, obj: models.Model, changes: Mapping[str, list[Any]], unit=None, object_type=None) -> AuditEvent:
    """An unsaved event for ``record_many``."""
    return AuditEvent(
        **_actor_fields(actor),
        action=action,
        object_type=object_type or obj._meta.model_name,
        object_id=object_id_of(obj),
        object_repr=str(obj)[:255],
        unit=unit,
        changes=dict(changes),
    )
