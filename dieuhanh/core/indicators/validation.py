"""Validation rules for indicator values, checked before a unit's data for a period can be approved.

Three kinds, each configured as data:

- ``range``: the value lies within ``min``…``max`` (a percent is always within 0…100);
- ``compare``: the value stands in a relation to an expression over other indicators of the same unit and
  period, e.g. online dossiers ``<=`` ``HS_TIEPNHAN`` (received dossiers);
- ``jump``: the relative change from the previous period is at most ``max_change`` (0.5 = ±50 %).

A violation either blocks approval or only requires a comment, as its rule says. Violations and malformed rules
carry a stable code and parameters (``CoreError``); the sentence is rendered outside the core, unless the rule has
its own ``message`` written by whoever defined it.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dieuhanh.core.common.errors import CoreError
from dieuhanh.core.indicators.formula import evaluate, parse

OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}


@dataclass(frozen=True)
class Rule:
    id: int
    indicator: str
    kind: str  # range, compare, jump
    params: Mapping
    severity: str = "block"  # block or comment
    message: str = ""


@dataclass(frozen=True)
class Violation:
    rule_id: int
    indicator: str
    severity: str
    code: str  # below_min, above_max, compare_failed, jump
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    message: str = ""  # the rule's own message when it has one; else rendered from code and params


def check_rule_definition(kind: str, params: Mapping, known: set[str]) -> None:
    """Refuse a malformed rule when it is defined, not when it is first evaluated."""
    if kind == "range":
        if params.get("min") is None and params.get("max") is None:
            raise CoreError("rule_range_empty")
        if params.get("min") is not None and params.get("max") is not None and float(params["min"]) > float(params["max"]):
            raise CoreError("rule_min_above_max")
    elif kind == "compare":
        if params.get("op") not in OPERATORS:
            raise CoreError("rule_bad_operator", operators=", ".join(OPERATORS))
        formula = parse(str(params.get("expression", "")))
        unknown = sorted(formula.references - known)
        if unknown:
            raise CoreError("rule_unknown_reference", codes=", ".join(unknown))
    elif kind == "jump":
        try:
            max_change = float(params.get("max_change", -1))
        except (TypeError, ValueError):
            max_change = -1
        if max_change <= 0:
            raise CoreError("rule_bad_max_change")
    else:
        raise CoreError("rule_unknown_kind", kind=str(kind)[:40])


def check(
    *,
    rules: Sequence[Rule],
    values: Mapping[str, float | None],
    previous: Mapping[str, float | None],
    percent_codes: frozenset[str] = frozenset(),
) -> list[Violation]:
    """Violations of ``rules`` by one unit's ``values`` for a period (code → value); ``previous`` holds the values
    of the period before, for jump rules. Percent indicators are also held to 0…100."""
    found: list[Violation] = []
    for code in sorted(percent_codes):
        v = values.get(code)
        if v is not None and not 0 <= v <= 100:
            found.append(Violation(0, code, "block", "above_max" if v > 100 else "below_min",
                                   {"indicator": code, "value": f"{v:g}", "min": "0", "max": "100"}))
    for rule in rules:
        v = values.get(rule.indicator)
        if v is None:
            continue
        p = rule.params
        note = rule.message
        if rule.kind == "range":
            if p.get("min") is not None and v < float(p["min"]):
                found.append(Violation(rule.id, rule.indicator, rule.severity, "below_min",
                                       {"indicator": rule.indicator, "value": f"{v:g}", "min": f"{float(p['min']):g}"}, note))
            if p.get("max") is not None and v > float(p["max"]):
                found.append(Violation(rule.id, rule.indicator, rule.severity, "above_max",
                                       {"indicator": rule.indicator, "value": f"{v:g}", "max": f"{float(p['max']):g}"}, note))
        elif rule.kind == "compare":
            other = evaluate(parse(str(p["expression"])), values)
            if other.value is not None and not OPERATORS[p["op"]](v, other.value):
                found.append(Violation(rule.id, rule.indicator, rule.severity, "compare_failed",
                                       {"indicator": rule.indicator, "value": f"{v:g}", "op": p["op"],
                                        "expression": p["expression"], "other": f"{other.value:g}"}, note))
        elif rule.kind == "jump":
            before = previous.get(rule.indicator)
            if before not in (None, 0) and abs(v - before) / abs(before) > float(p["max_change"]):
                found.append(Violation(rule.id, rule.indicator, rule.severity, "jump",
                                       {"indicator": rule.indicator, "change": f"{100 * (v - before) / abs(before):+.0f}",
                                        "before": f"{before:g}", "value": f"{v:g}"}, note))
    return found
