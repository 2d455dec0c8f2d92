"""Writing dashboards: create, rename, set filters, add/move/resize/remove widgets, share with a unit, make a
unit's home, delete. Each an action: authorised (``auth.py``), audited in the same transaction, updates name the
version read."""

from __future__ import annotations

from dieuhanh.actions import action, nothing_changed
from dieuhanh.audit.services import record
from dieuhanh.cockpit import selectors
from dieuhanh.cockpit.filters import Filters
from dieuhanh.cockpit.models import Dashboard
from dieuhanh.cockpit.widgets import PARAMS, REGISTRY, TEXT_LIMIT
from dieuhanh.concurrency import lock_row, lock_version
from dieuhanh.core.cockpit import layout
from dieuhanh.core.common.errors import CoreError
from dieuhanh.errors import Invalid, detail

TITLE_LIMIT = 120
CHANGES = (*layout.DIRECTIONS, *layout.SIZES, "remove")


def _invalid(field: str, code: str, **params) -> Invalid:
    return Invalid(f"{field}: {code}", code="invalid_dashboard", details=[detail(field, code, **params)])


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise _invalid("title", "required")
    if len(title) > TITLE_LIMIT:
        raise _invalid("title", "too_long", max_length=TITLE_LIMIT)
    return title


def _params(widget: str, params) -> dict:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise _invalid("params", "invalid")
    allowed = REGISTRY[widget].params
    clean = {}
    for name, value in params.items():
        if name not in PARAMS or name not in allowed:
            raise _invalid("params", "unknown_parameter", parameter=str(name)[:40], widget=widget)
        value = "" if value is None else str(value).strip()
        limit = TEXT_LIMIT if name == "text" else 60
        if len(value) > limit:
            raise _invalid("params", "too_long", max_length=limit)
        if value:
            clean[name] = value
    return clean


def _items(items) -> list[dict]:
    """Check a whole layout (from the API): known widgets, sizes, parameters, distinct ids, not too many."""
    if not isinstance(items, list):
        raise _invalid("items", "invalid")
    if len(items) > layout.MAX_ITEMS:
        raise _invalid("items", "too_many_items", limit=layout.MAX_ITEMS)
    out, seen = [], set()
    for item in items:
        if not isinstance(item, dict) or item.get("widget") not in REGISTRY:
            raise _invalid("items", "unknown_widget", widget=str(item.get("widget") if isinstance(item, dict) else item)[:40])
        size = item.get("size") or "medium"
        if size not in layout.SIZES:
            raise _invalid("items", "bad_size", size=str(size)[:20])
        item_id = str(item.get("id") or layout.new_id(out))[:20]
        if item_id in seen:
            raise _invalid("items", "duplicate_item", item=item_id)
        seen.add(item_id)
        out.append({"id": item_id, "widget": item["widget"], "size": size, "params": _params(item["widget"], item.get("params"))})
    return out


def _filters(filters) -> dict:
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise _invalid("filters", "invalid")
    try:
        return Filters.from_mapping({k: str(v) for k, v in filters.items() if v is not None}).as_params()
    except CoreError as exc:
        raise _invalid("filters", exc.code, **exc.params) from None


def _audit(actor, dashboard: Dashboard, name: str, changes: dict) -> None:
    record(actor=actor, action=name, obj=dashboard, object_type="dashboard", unit=dashboard.shared_with or dashboard.default_for,
           changes=changes)


def _save(dashboard: Dashboard, **values) -> Dashboard:
    for name, value in values.items():
        setattr(dashboard, name, value)
    dashboard.version += 1
    dashboard.save()
    return dashboard


@action
def dashboard_create(*, actor, title: str, items=None, filters=None) -> Dashboard:
    dashboard = Dashboard.objects.create(owner=actor, title=_title(title), items=_items(items or []), filters=_filters(filters))
    _audit(actor, dashboard, "dashboard_create", {"title": [None, dashboard.title], "items": [None, dashboard.items],
                                                  "filters": [None, dashboard.filters]})
    return dashboard


@action
def dashboard_update(*, actor, dashboard: Dashboard, expected_version: int | None, title: str | None = None, items=None,
                     filters=None) -> Dashboard:
    current = lock_version(dashboard, expected_version)
    after = {"title": _title(title) if title is not None else current.title,
             "items": _items(items) if items is not None else current.items,
             "filters": _filters(filters) if filters is not None else current.filters}
    changes = {k: [getattr(current, k), v] for k, v in after.items() if getattr(current, k) != v}
    if not changes:
        nothing_changed()
        return current
    _save(current, **after)
    _audit(actor, current, "dashboard_update", changes)
    return current


@action
def dashboard_widget_add(*, actor, dashboard: Dashboard, expected_version: int | None, widget: str, size: str = "medium",
                         params: dict | None = None) -> Dashboard:
    current = lock_version(dashboard, expected_version)
    if widget not in REGISTRY:
        raise _invalid("widget", "unknown_widget", widget=str(widget)[:40])
    try:
        items = layout.add(current.items, widget, size=size, params=_params(widget, params))
    except CoreError as exc:
        raise _invalid("size" if exc.code == "bad_size" else "items", exc.code, **exc.params) from None
    before = current.items
    _save(current, items=items)
    _audit(actor, current, "dashboard_widget_add", {"items": [before, items]})
    return current


@action
def dashboard_widget_change(*, actor, dashboard: Dashboard, expected_version: int | None, item: str, change: str) -> Dashboard:
    """Move an item (up, down, left, right), resize it (small, medium, large) or remove it."""
    current = lock_version(dashboard, expected_version)
    try:
        if change == "remove":
            items = layout.remove(current.items, item)
        elif change in layout.SIZES:
            items = layout.resize(current.items, item, change)
        elif change in layout.DIRECTIONS:
            items = layout.move(current.items, item, change)
        else:
            raise CoreError("bad_change", change=str(change)[:20])
    except CoreError as exc:
        raise _invalid("item" if exc.code == "unknown_item" else "change", exc.code, **exc.params) from None
    if items == current.items:
        nothing_changed()
        return current
    before = current.items
    _save(current, items=items)
    _audit(actor, current, "dashboard_widget_change", {"items": [before, items]})
    return current


@action
def dashboard_share(*, actor, dashboard: Dashboard, expected_version: int | None, unit=None) -> Dashboard:
    """Share the dashboard (read only) with the people of ``unit`` and the units below it; ``None`` stops sharing."""
    current = lock_version(dashboard, expected_version)
    if current.shared_with_id == (unit.pk if unit else None):
        nothing_changed()
        return current
    before = current.shared_with.code if current.shared_with else None
    _save(current, shared_with=unit)
    _audit(actor, current, "dashboard_share", {"shared_with": [before, unit.code if unit else None]})
    return current


@action
def dashboard_set_default(*, actor, dashboard: Dashboard, expected_version: int | None, unit=None) -> Dashboard:
    """Make the dashboard the home page of the people of ``unit`` and the units below it (replacing that unit's
    previous default); ``None`` stops it being a default."""
    current = lock_version(dashboard, expected_version)
    if current.default_for_id == (unit.pk if unit else None):
        nothing_changed()
        return current
    if unit is not None:
        previous = selectors.dashboard_default_of(unit)
        if previous is not None and previous.pk != current.pk:
            previous = lock_row(previous)
            _save(previous, default_for=None)
            _audit(actor, previous, "dashboard_set_default", {"default_for": [unit.code, None]})
    before = current.default_for.code if current.default_for else None
    _save(current, default_for=unit)
    _audit(actor, current, "dashboard_set_default", {"default_for": [before, unit.code if unit else None]})
    return current


@action
def dashboard_delete(*, actor, dashboard: Dashboard, expected_version: int | None) -> None:
    current = lock_version(dashboard, expected_version)
    _audit(actor, current, "dashboard_delete", {"title": [current.title, None], "items": [current.items, None]})
    current.delete()
