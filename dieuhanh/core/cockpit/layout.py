"""A dashboard's layout: an ordered list of items, each ``{"id", "widget", "size", "params"}``.

The page is a grid of ``COLUMNS`` columns; a small item takes one column, a medium two, a large all three, and items
flow left to right, top to bottom in list order. So moving an item left or right swaps it with its neighbour in
the list, and moving it up or down moves it by one row's worth of columns: past the items before (after) it until
``COLUMNS`` columns have been passed. Every operation returns a new list and leaves its input alone; a bad request
raises ``CoreError`` with a code (``unknown_item``, ``bad_size``, ``bad_move``, ``too_many_items``).
"""

from __future__ import annotations

from dieuhanh.core.common.errors import CoreError

COLUMNS = 3
SIZES = {"small": 1, "medium": 2, "large": 3}
DIRECTIONS = ("up", "down", "left", "right")
MAX_ITEMS = 40


def _index(items: list[dict], item_id: str) -> int:
    for i, item in enumerate(items):
        if item["id"] == item_id:
            return i
    raise CoreError("unknown_item", item=item_id)


def new_id(items: list[dict]) -> str:
    """The next free ``w<n>`` identifier."""
    taken = {item["id"] for item in items}
    n = len(items) + 1
    while f"w{n}" in taken:
        n += 1
    return f"w{n}"


def add(items: list[dict], widget: str, *, size: str = "medium", params: dict | None = None) -> list[dict]:
    if size not in SIZES:
        raise CoreError("bad_size", size=size)
    if len(items) >= MAX_ITEMS:
        raise CoreError("too_many_items", limit=MAX_ITEMS)
    return [*items, {"id": new_id(items), "widget": widget, "size": size, "params": dict(params or {})}]


def remove(items: list[dict], item_id: str) -> list[dict]:
    i = _index(items, item_id)
    return items[:i] + items[i + 1:]


def resize(items: list[dict], item_id: str, size: str) -> list[dict]:
    if size not in SIZES:
        raise CoreError("bad_size", size=size)
    i = _index(items, item_id)
    return [dict(item, size=size) if j == i else item for j, item in enumerate(items)]


def move(items: list[dict], item_id: str, direction: str) -> list[dict]:
    """Left/right: one place in the list. Up/down: past as many neighbours as fill one row of ``COLUMNS``
    columns (at least one), stopping at either end."""
    if direction not in DIRECTIONS:
        raise CoreError("bad_move", direction=direction)
    i = _index(items, item_id)
    out = list(items)
    item = out.pop(i)
    if direction in ("left", "right"):
        target = i - 1 if direction == "left" else i + 1
    else:
        step = -1 if direction == "up" else 1
        target, passed = i, 0
        while passed < COLUMNS:
            nxt = target + step if step < 0 else target + 1
            neighbour = target - 1 if step < 0 else target
            if nxt < 0 or nxt > len(out) or not 0 <= neighbour < len(out):
                break
            passed += SIZES.get(out[neighbour]["size"], 1)
            target = nxt
    out.insert(max(0, min(len(out), target)), item)
    return out
