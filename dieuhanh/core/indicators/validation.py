"""Validation rules for indicator values, checked before a unit's data for a period can be approved.

Three kinds, each configured as data:

- ``range``: the value lies within ``min``…``max`` (a percent is always within 0…100);
- ``compare``: the value stands in a relation to an expression over other indicators of the same unit and
  period, e.g. online dossiers ``<=`` ``HS_TIEPNHAN`` (received dossiers);
- ``jump``: the relative change from the previous period is at most ``max_change`` (0.5 = ±50 %).

A violation either blocks approval or only requires a comment, as its rule says.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dieuhanh.core.indicators.formula import FormulaError, evaluate, parse

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
    message: str


def check_rule_definition(kind: str, params: Mapping, known: set[str]) -> None:
    """Refuse a malformed rule when it is defined, not when it is first evaluated."""
    if kind == "range":
        if params.get("min") is None and params.get("max") is None:
            raise ValueError("a range needs min or max")
        if params.get("min") is not None and params.get("max") is not None and float(params["min"]) > float(params["max"]):
            raise ValueError("min is above max")
    elif kind == "compare":
        if params.get("op") not in OPERATORS:
            raise ValueError(f"op must be one of {', '.join(OPERATORS)}")
        formula = parse(str(params.get("expression", "")))
        unknown = sorted(formula.references - known)
        if unknown:
            raise FormulaError("unknown_reference", f"Chỉ tiêu không tồn tại: {', '.join(unknown)}")
    elif kind == "jump":
        if float(params.get("max_change", -1)) <= 0:
            raise ValueError("max_change must be positive")
    else:
        raise ValueError(f"unknown rule kind {kind!r}")


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
            found.append(Violation(0, code, "block", "above_max" if v > 100 else "below_min", f"{code}: tỷ lệ phải từ 0 đến 100 (nhận {v:g})."))
    for rule in rules:
        v = values.get(rule.indicator)
        if v is None:
            continue
        p = rule.params
        note = rule.message
        if rule.kind == "range":
            if p.get("min") is not None and v < float(p["min"]):
                found.append(Violation(rule.id, rule.indicator, rule.severity, "below_min", note or f"{rule.indicator}: {v:g} nhỏ hơn mức tối thiểu {float(p['min']):g}."))
            if p.get("max") is not None and v > float(p["max"]):
                found.append(Violation(rule.id, rule.indicator, rule.severity, "above_max", note or f"{rule.indicator}: {v:g} lớn hơn mức tối đa {float(p['max']):g}."))
        elif rule.kind == "compare":
            other = evaluate(parse(str(p["expression"])), values)
            if other.value is not None and not OPERATORS[p["op"]](v, other.value):
                found.append(Violation(rule.id, rule.indicator, rule.severity, "compare_failed",
                                       note or f"{rule.indicator} = {v:g} phải {p['op']} {p['expression']} = {other.value:g}."))
        elif rule.kind == "jump":
            before = previous.get(rule.indicator)
            if before not in (None, 0) and abs(v - before) / abs(before) > float(p["max_change"]):
                found.append(Violation(rule.id, rule.indicator, rule.severity, "jump",
                                       note or f"{rule.indicator}: thay đổi {100 * (v - before) / abs(before):+.0f}% so với kỳ trước ({before:g} → {v:g})."))
    return found
