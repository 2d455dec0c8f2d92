"""The framework of a composite index: a tree of indicators and aggregates, in COINr's ``iMeta`` layout.

A framework is a list of elements. Indicators (level 1) hang under aggregates (pillars, sub-pillars, sub-indices…,
any depth) up to one root, the index. Each element carries a weight (relative to its siblings), a direction
(1 = more is better, -1 = less is better), optionally a unit of measure, a target (goalpost) and the code of a
denominator column. ``Denominator`` and ``Group`` rows describe columns of the unit data (``iData``) that are not
indicators: denominators to divide by, and groupings of units (used by group imputation).

Validation happens once, in ``Framework(...)``: every problem raises :class:`FrameworkError` with a stable English
``code`` and the offending ``element`` (an iCode), so the caller can name it to the user.

COINr's ``iMeta`` (``R/coin.R: check_iMeta``) has columns ``Level, iCode, iName, Direction, Weight, Unit, Target,
Denominator, Parent, Type``; ``Type`` is one of Indicator, Aggregate, Denominator, Group (COINr also knows "Other",
accepted here as a non-indicator column). ``Level`` may be left empty for Indicator/Aggregate rows: levels are then
derived from the tree (indicators 1, a parent one above its highest child).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

IMETA_COLUMNS = ["Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent", "Type"]
KINDS = ("Indicator", "Aggregate", "Denominator", "Group", "Other")
#: Kinds that are tree nodes (carry a parent, a weight and a direction).
TREE_KINDS = ("Indicator", "Aggregate")


class FrameworkError(ValueError):
    """Bad framework or data. ``code`` is stable English (``cycle``, ``orphan``, ``unknown_parent``,
    ``duplicate_code``, ``negative_weight``, ``zero_weights``, ``missing_indicator``, ``missing_denominator``,
    ``no_data``, ``non_numeric``, ``geometric_nonpositive``, ``bad_level``, ``bad_direction``, ``bad_kind``,
    ``missing_column``, ``empty``, ``several_roots``, ``indicator_with_children``, ``empty_aggregate``,
    ``duplicate_unit``, ``bad_step``, ``bad_option``, ``panel``…); ``element`` names the iCode (or ``uCode`` /
    ``uCode:iCode`` for a cell, the step name for a pipeline problem)."""

    def __init__(self, code: str, message: str, element: str | None = None):
        super().__init__(message)
        self.code = code
        self.element = element

    def __reduce__(self):  # keep code/element through pickling (multiprocessing in the uncertainty analysis)
        return (type(self), (self.code, str(self), self.element))


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    level: int | None
    parent: str | None
    weight: float = 1.0
    direction: int = 1
    kind: str = "Indicator"  # "Indicator" | "Aggregate" | "Denominator" | "Group" | "Other" (COINr Type)
    unit: str | None = None
    target: float | None = None
    denominator: str | None = None


class Framework:
    """A validated framework tree. Build it with ``Framework(elements)`` or :meth:`from_imeta`."""

    def __init__(self, elements: Iterable[Element]):
        elements = tuple(elements)
        _validate(elements)
        levels = _levels(elements)
        self.elements: tuple[Element, ...] = tuple(
            replace(e, level=levels[e.code]) if e.kind in TREE_KINDS else e for e in elements
        )
        self._by_code = {e.code: e for e in self.elements}
        tree = [e for e in self.elements if e.kind in TREE_KINDS]
        self._children: dict[str, list[str]] = {e.code: [] for e in tree}
        for e in tree:
            if e.parent is not None:
                self._children[e.parent].append(e.code)
        self.indicators: list[str] = [e.code for e in tree if e.kind == "Indicator"]
        aggs = [e for e in tree if e.kind == "Aggregate"]
        order = {e.code: i for i, e in enumerate(self.elements)}
        self.aggregates: list[str] = [e.code for e in sorted(aggs, key=lambda e: (e.level, order[e.code]))]
        self.top: str = next(e.code for e in tree if e.parent is None)
        self.max_level: int = max(e.level for e in tree)
        self.groups: list[str] = [e.code for e in self.elements if e.kind == "Group"]
        self.denominators: list[str] = [e.code for e in self.elements if e.kind == "Denominator"]
        self.others: list[str] = [e.code for e in self.elements if e.kind == "Other"]

    # --- reading the tree -------------------------------------------------------------------------------------
    def __getitem__(self, code: str) -> Element:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Framework) and self.elements == other.elements

    def __hash__(self) -> int:
        return hash(self.elements)

    def __repr__(self) -> str:
        return f"Framework(top={self.top!r}, indicators={len(self.indicators)}, aggregates={len(self.aggregates)})"

    def children(self, code: str) -> list[str]:
        """Direct children of ``code`` in file order (empty for an indicator)."""
        return list(self._children[code])

    def level_codes(self, level: int) -> list[str]:
        """Tree elements at ``level`` in file order (1 = indicators)."""
        return [e.code for e in self.elements if e.kind in TREE_KINDS and e.level == level]

    def parent(self, code: str) -> str | None:
        return self._by_code[code].parent

    def ancestors(self, code: str) -> list[str]:
        """Parent, grandparent, … up to the index."""
        out, p = [], self._by_code[code].parent
        while p is not None:
            out.append(p)
            p = self._by_code[p].parent
        return out

    def descendants(self, code: str, *, indicators_only: bool = False) -> list[str]:
        out: list[str] = []
        stack = list(reversed(self._children[code]))
        while stack:
            c = stack.pop()
            if not (indicators_only and self._children[c]):
                out.append(c)
            stack.extend(reversed(self._children[c]))
        return out

    def weights(self) -> dict[str, float]:
        """Weight of every indicator and aggregate (relative to its siblings)."""
        return {e.code: e.weight for e in self.elements if e.kind in TREE_KINDS}

    def directions(self) -> dict[str, int]:
        """Direction of every indicator (1 = more is better, -1 = less is better)."""
        return {c: self._by_code[c].direction for c in self.indicators}

    def targets(self) -> dict[str, float | None]:
        return {c: self._by_code[c].target for c in self.indicators}

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy with some weights replaced (validated again: negative or all-zero sibling weights refused)."""
        unknown = [c for c in weights if c not in self._by_code or self._by_code[c].kind not in TREE_KINDS]
        if unknown:
            raise FrameworkError("unknown_element", f"No indicator or aggregate {unknown[0]!r} in the framework.",
                                 unknown[0])
        return Framework(replace(e, weight=float(weights[e.code])) if e.code in weights else e
                         for e in self.elements)

    # --- COINr iMeta ------------------------------------------------------------------------------------------
    @classmethod
    def from_imeta(cls, df_or_path) -> Framework:
        """Read COINr's ``iMeta`` table (a DataFrame or a CSV path)."""
        df = _read_table(df_or_path)
        missing = [c for c in ("iCode", "Type") if c not in df.columns]
        if missing:
            raise FrameworkError("missing_column", f"iMeta has no {missing[0]!r} column.", missing[0])
        elements = []
        for i, row in enumerate(df.to_dict("records"), start=2):
            code = _text(row.get("iCode"))
            if code is None:
                raise FrameworkError("missing_code", f"iMeta row {i} has no iCode.", f"row {i}")
            kind = _text(row.get("Type")) or "Indicator"
            if kind not in KINDS:
                raise FrameworkError("bad_kind", f"{code}: Type {kind!r} is not one of {', '.join(KINDS)}.", code)
            level = _number(row.get("Level"), code, "Level")
            if level is not None and (level != int(level) or level < 1):
                raise FrameworkError("bad_level", f"{code}: Level {level!r} is not a whole number ≥ 1.", code)
            weight = _number(row.get("Weight"), code, "Weight")
            direction = _number(row.get("Direction"), code, "Direction")
            elements.append(Element(
                code=code,
                name=_text(row.get("iName")) or code,
                level=int(level) if level is not None else None,
                parent=_text(row.get("Parent")),
                weight=1.0 if weight is None else float(weight),
                direction=1 if direction is None else direction,
                kind=kind,
                unit=_text(row.get("Unit")),
                target=_number(row.get("Target"), code, "Target"),
                denominator=_text(row.get("Denominator")),
            ))
        return cls(elements)

    def to_imeta(self) -> pd.DataFrame:
        """The framework as COINr's ``iMeta`` table (tree rows, then groups/denominators), file order kept."""
        rows = []
        for e in self.elements:
            tree = e.kind in TREE_KINDS
            rows.append({
                "Level": e.level if tree else None,
                "iCode": e.code,
                "iName": e.name,
                "Direction": e.direction if tree else None,
                "Weight": e.weight if tree else None,
                "Unit": e.unit,
                "Target": e.target,
                "Denominator": e.denominator,
                "Parent": e.parent,
                "Type": e.kind,
            })
        df = pd.DataFrame(rows, columns=IMETA_COLUMNS)
        df["Level"] = df["Level"].astype("Int64")
        df["Direction"] = df["Direction"].astype("Int64")
        df["Weight"] = df["Weight"].astype("float64")
        df["Target"] = df["Target"].astype("float64")
        return df


# --- validation ---------------------------------------------------------------------------------------------------

def _validate(elements: tuple[Element, ...]) -> None:
    if not any(e.kind == "Indicator" for e in elements):
        raise FrameworkError("empty", "The framework has no indicator.", None)
    seen: set[str] = set()
    for e in elements:
        if not isinstance(e.code, str) or not e.code.strip():
            raise FrameworkError("missing_code", f"An element has no code: {e!r}.", None)
        if e.code in seen:
            raise FrameworkError("duplicate_code", f"The code {e.code!r} appears more than once.", e.code)
        seen.add(e.code)
        if e.kind not in KINDS:
            raise FrameworkError("bad_kind", f"{e.code}: Type {e.kind!r} is not one of {', '.join(KINDS)}.", e.code)
        if e.kind not in TREE_KINDS:
            continue
        if not isinstance(e.weight, (int, float)) or math.isnan(e.weight) or math.isinf(e.weight):
            raise FrameworkError("bad_weight", f"{e.code}: weight {e.weight!r} is not a number.", e.code)
        if e.weight < 0:
            raise FrameworkError("negative_weight", f"{e.code}: weight {e.weight:g} is negative.", e.code)
        if e.direction not in (1, -1):
            raise FrameworkError("bad_direction", f"{e.code}: direction must be 1 or -1, not {e.direction!r}.",
                                 e.code)
        if e.kind == "Indicator" and e.level not in (None, 1):
            raise FrameworkError("bad_level", f"{e.code}: an indicator must be at level 1, not {e.level}.", e.code)
    by_code = {e.code: e for e in elements}
    tree = [e for e in elements if e.kind in TREE_KINDS]
    for e in tree:
        if e.parent is None:
            continue
        if e.parent == e.code:
            raise FrameworkError("cycle", f"{e.code} is its own parent.", e.code)
        p = by_code.get(e.parent)
        if p is None:
            raise FrameworkError("unknown_parent", f"{e.code}: parent {e.parent!r} is not in the framework.", e.code)
        if p.kind == "Indicator":
            raise FrameworkError("indicator_with_children", f"{e.code}: parent {p.code!r} is an indicator.", e.code)
        if p.kind not in TREE_KINDS:
            raise FrameworkError("unknown_parent",
                                 f"{e.code}: parent {p.code!r} is a {p.kind}, not an aggregate.", e.code)
    # cycles: walk up from every element; a walk longer than the tree, or one that revisits, is a cycle
    for e in tree:
        path, cur = [e.code], e.parent
        while cur is not None:
            if cur in path:
                loop = path[path.index(cur):] + [cur]
                raise FrameworkError("cycle", f"Cycle in the framework: {' → '.join(loop)}.", cur)
            path.append(cur)
            cur = by_code[cur].parent
    roots = [e for e in tree if e.parent is None]
    aggregate_roots = [e for e in roots if e.kind == "Aggregate"]
    if not aggregate_roots:
        orphan = roots[0].code if roots else tree[0].code
        raise FrameworkError("orphan", f"{orphan} has no parent and there is no index above it.", orphan)
    if len(aggregate_roots) > 1:
        # the root is the highest aggregate without a parent; any other parentless element is an orphan
        second = sorted(aggregate_roots, key=lambda e: -(e.level or 0))[1]
        raise FrameworkError("orphan", f"{second.code} has no parent (the index is "
                             f"{sorted(aggregate_roots, key=lambda e: -(e.level or 0))[0].code}).", second.code)
    root = aggregate_roots[0]
    for e in roots:
        if e is not root:
            raise FrameworkError("orphan", f"{e.code} has no parent (the index is {root.code}).", e.code)
    children: dict[str, list[Element]] = {e.code: [] for e in tree}
    for e in tree:
        if e.parent is not None:
            children[e.parent].append(e)
    for e in tree:
        if e.kind == "Aggregate" and not children[e.code]:
            raise FrameworkError("empty_aggregate", f"Aggregate {e.code} has no children.", e.code)
        kids = children[e.code]
        if kids and all(k.weight == 0 for k in kids):
            raise FrameworkError("zero_weights", f"All weights under {e.code} are zero.", e.code)
    for e in tree:
        if e.parent is not None and e.level is not None and by_code[e.parent].level is not None \
                and by_code[e.parent].level != e.level + 1:
            raise FrameworkError("bad_level", f"{e.code} is at level {e.level} but its parent {e.parent} is at "
                                 f"level {by_code[e.parent].level} (must be {e.level + 1}).", e.code)
    for e in elements:
        if e.kind == "Indicator" and e.denominator is not None:
            d = by_code.get(e.denominator)
            if d is not None and d.kind in TREE_KINDS:
                raise FrameworkError("bad_denominator",
                                     f"{e.code}: denominator {e.denominator!r} is an {d.kind.lower()}.", e.code)


def _levels(elements: tuple[Element, ...]) -> dict[str, int]:
    """Level of every tree element: as given, else 1 for indicators and one above the highest child."""
    tree = {e.code: e for e in elements if e.kind in TREE_KINDS}
    children: dict[str, list[str]] = {c: [] for c in tree}
    for e in tree.values():
        if e.parent is not None:
            children[e.parent].append(e.code)
    out: dict[str, int] = {}

    def level(code: str) -> int:
        if code not in out:
            e = tree[code]
            out[code] = e.level if e.level is not None else (
                1 if not children[code] else 1 + max(level(c) for c in children[code]))
        return out[code]

    for c in tree:
        level(c)
    return out


# --- cells --------------------------------------------------------------------------------------------------------

def _read_table(df_or_path) -> pd.DataFrame:
    if isinstance(df_or_path, pd.DataFrame):
        return df_or_path
    return pd.read_csv(Path(df_or_path), dtype=object, keep_default_na=True)


def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    s = str(v).strip()
    return s or None


def _number(v, code: str, column: str):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return int(v) if column in ("Direction",) and float(v).is_integer() else float(v)
    s = str(v).strip()
    if not s:
        return None
    try:
        x = float(s)
    except ValueError:
        raise FrameworkError("non_numeric", f"{code}: {column} {s!r} is not a number.", code) from None
    return int(x) if column == "Direction" and x.is_integer() else x
