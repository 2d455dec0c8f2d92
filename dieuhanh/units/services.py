"""Writing units: create, edit, close, and load the national list of administrative units."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import diff, new_event, record, record_many, snapshot
from dieuhanh.concurrency import insert_unique, lock_version
from dieuhanh.core.common.text import fold, normalise_name
from dieuhanh.errors import Conflict, Invalid, detail
from dieuhanh.units import selectors
from dieuhanh.units.models import UNIT_CODE_PATTERN, Unit, UnitKind

AUDITED_FIELDS = ("code", "name", "short_name", "kind", "division_type", "parent", "valid_from", "valid_to", "source")
EDITABLE_FIELDS = ("name", "short_name", "division_type", "valid_from", "valid_to")


def _search_key(name: str, short_name: str) -> str:
    """Folded words between single spaces, with a space at each end so a query word can match a word start."""
    return f" {fold(f'{name} {short_name}')} "


def _check_fields(*, code: str | None = None, name: str | None = None, kind: str | None = None,
                  valid_from: dt.date | None = None, valid_to: dt.date | None = None) -> None:
    problems = []
    if code is not None and not re.match(UNIT_CODE_PATTERN, code):
        problems.append(detail("code", "bad_unit_code"))
    if name is not None and not name:
        problems.append(detail("name", "required"))
    if kind is not None and kind not in UnitKind.values:
        problems.append(detail("kind", "unknown_kind", kinds=", ".join(UnitKind.values)))
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(detail("valid_to", "before_start"))
    if problems:
        raise Invalid("invalid unit", details=problems)


@action
def unit_create(
    *,
    actor,
    parent: Unit | None,
    code: str,
    name: str,
    kind: str,
    division_type: str = "",
    short_name: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    source: str = "",
) -> Unit:
    code = code.strip()
    name = normalise_name(name)
    short_name = normalise_name(short_name)
    _check_fields(code=code, name=name, kind=kind, valid_from=valid_from, valid_to=valid_to)
    if selectors.unit_code_taken(code):
        raise Conflict(f"unit code {code} is taken", code="unit_code_taken")
    unit = Unit(
        code=code,
        name=name,
        short_name=short_name,
        search_key=_search_key(name, short_name),
        kind=kind,
        division_type=normalise_name(division_type),
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
    )
    insert_unique(unit)  # two concurrent creates of one code: one unit, one 409
    record(actor=actor, action="unit_create", obj=unit, unit=unit, changes=diff({}, snapshot(unit, AUDITED_FIELDS)))
    return unit


@action
def unit_update(*, actor, unit: Unit, expected_version: int, **changes) -> Unit:
    """Edit a unit's editable fields. ``expected_version`` is the version the editor read: if someone
    saved in between, the edit is refused with ``stale_version`` instead of overwriting their change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid("unknown fields", details=[detail(f, "not_editable") for f in sorted(unknown)])
    current = lock_version(unit, expected_version)
    before = snapshot(current, AUDITED_FIELDS)
    for field, value in changes.items():
        setattr(current, field, normalise_name(value) if field in ("name", "short_name", "division_type") else value)
    _check_fields(name=current.name, valid_from=current.valid_from, valid_to=current.valid_to)
    current.search_key = _search_key(current.name, current.short_name)
    changed = diff(before, snapshot(current, AUDITED_FIELDS))
    if not changed:
        nothing_changed()
        return current
    current.version += 1
    current.save()
    record(actor=actor, action="unit_update", obj=current, unit=current, changes=changed)
    return current


@action
def unit_close(*, actor, unit: Unit, valid_to: dt.date, expected_version: int) -> Unit:
    """Mark a unit as ceasing to exist after ``valid_to`` (a merger, a dissolution). Its past stays."""
    current = lock_version(unit, expected_version)
    open_children = selectors.open_children_count(current)
    if open_children:
        raise Invalid(
            f"unit {current.code} still has {open_children} open units below it",
            code="open_children",
            params={"count": open_children},
            details=[detail("valid_to", "open_children_count", count=open_children)],
        )
    before = snapshot(current, AUDITED_FIELDS)
    current.valid_to = valid_to
    _check_fields(valid_from=current.valid_from, valid_to=valid_to)
    current.version += 1
    current.save()
    record(actor=actor, action="unit_close", obj=current, unit=current, changes=diff(before, snapshot(current, AUDITED_FIELDS)))
    return current


@dataclass(frozen=True)
class UnitRow:
    """One unit as a loader delivers it, before it is matched to the database."""

    code: str
    name: str
    kind: str
    division_type: str
    parent_code: str | None
    valid_from: dt.date | None
    source: str
    short_name: str = ""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@action
def units_load_official(*, actor, rows: Iterable[UnitRow], progress: Callable[[int], None] | None = None) -> LoadResult:
    """Insert or update units by code (parents before children). Idempotent: a second run changes nothing.

    Rows are applied in bulk; every created or changed unit gets its own audit event.
    """
    rows = list(rows)
    existing = selectors.units_by_code([r.code for r in rows] + [r.parent_code for r in rows if r.parent_code])
    result = LoadResult()
    events = []
    pending = list(rows)
    done = 0
    while pending:
        ready = [r for r in pending if r.parent_code is None or r.parent_code in existing]
        if not ready:
            missing = sorted({r.parent_code for r in pending})
            raise Invalid("rows refer to unknown parent units", code="unknown_parent_unit",
                          details=[detail("parent_code", "no_unit_with_code", value=code) for code in missing])
        pending = [r for r in pending if not (r.parent_code is None or r.parent_code in existing)]
        to_create, to_update = [], []
        for row in ready:
            parent = existing.get(row.parent_code) if row.parent_code else None
            values = {
                "name": normalise_name(row.name),
                "short_name": normalise_name(row.short_name),
                "kind": row.kind,
                "division_type": normalise_name(row.division_type),
                "parent": parent,
                "path": f"{parent.path if parent else '/'}{row.code}/",
                "depth": (parent.depth + 1) if parent else 0,
                "valid_from": row.valid_from,
                "source": row.source,
            }
            values["search_key"] = _search_key(values["name"], values["short_name"])
            unit = existing.get(row.code)
            if unit is None:
                unit = Unit(code=row.code, **values)
                to_create.append(unit)
            else:
                before = snapshot(unit, AUDITED_FIELDS)
                for k, v in values.items():
                    setattr(unit, k, v)
                changed = diff(before, snapshot(unit, AUDITED_FIELDS))
                if changed:
                    unit.version += 1
                    to_update.append((unit, changed))
                else:
                    result.unchanged += 1
            existing[row.code] = unit
        Unit.objects.bulk_create(to_create, batch_size=1000)
        created = selectors.units_by_code([u.code for u in to_create])
        existing.update(created)
        for unit in created.values():
            events.append(new_event(actor=actor, action="unit_create", obj=unit, unit=unit, changes=diff({}, snapshot(unit, AUDITED_FIELDS))))
        if to_update:
            Unit.objects.bulk_update([u for u, _ in to_update], [*values.keys(), "search_key", "version"], batch_size=1000)
            for unit, changed in to_update:
                events.append(new_event(actor=actor, action="unit_update", obj=unit, unit=unit, changes=changed))
        result.created += len(to_create)
        result.updated += len(to_update)
        done += len(ready)
        if progress:
            progress(done)
    if events:
        record_many(events)
    else:
        record(actor=actor, action="units_load_official", obj=selectors.first_unit() or Unit(code="-"),
               changes={}, note=f"{result.unchanged} units unchanged", object_type="unit_list")
    return result
