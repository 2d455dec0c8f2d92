"""Formula indicators: indicators computed from other indicators, e.g. ``KHCN_CHI / TONG_CHI * 100``.

This module owns the formula language, its parser, the checks a set of formulas must pass before it is saved
(every code exists, no formula reads itself, no cycle) and evaluation on plain floats.

Officials type formulas in a web form, so the text is never handed to ``eval``: a tokenizer and a
recursive-descent parser accept only this grammar, loosest binding first::

    sum      := product (("+" | "-") product)*
    product  := signed (("*" | "/") signed)*
    signed   := ("+" | "-") signed | power
    power    := atom ("^" signed)?
    atom     := number | code | function "(" sum ("," sum)* ")" | "(" sum ")"

So ``-2 ^ 2`` is ``-(2 ^ 2)`` = -4 (the mathematical convention), ``2 ^ 3 ^ 2`` is ``2 ^ 9`` (right to left),
and ``a - b - c`` and ``a / b * c`` read left to right. Numbers use a decimal dot (``3.5``, ``1e6``); codes are
ASCII letters, digits, ``_`` and ``.``, start with a letter and are matched exactly, case included. Function
names (``min``, ``max``, ``abs``, ``round``, ``if_zero``) are accepted in any case, as in Excel.

Definition problems raise ``FormulaError`` (a ``CoreError``) with an English ``code``, the catalogue code of its
sentence (``says``) and the sentence's ``params`` (positions counted from 1, as officials count), and the 0-based
``position`` in the text; the sentence is rendered outside the core. Data problems never raise: ``evaluate`` returns a ``Result`` without a value
and with the reason (``missing:CODE``, ``division_by_zero``, ``overflow``).
"""

from __future__ import annotations

import math
import operator
import re
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import NamedTuple

from dieuhanh.core.common.errors import CoreError

MAX_LENGTH = 1000
# Brackets, function calls, signs and exponents each open one level.
MAX_DEPTH = 50

# name -> (fewest, most) arguments; None: no upper limit.
_ARITY: dict[str, tuple[int, int | None]] = {
    "min": (1, None),
    "max": (1, None),
    "abs": (1, 1),
    "round": (2, 2),
    "if_zero": (2, 2),
}
_REDUCE: dict[str, Callable[[list[float]], float]] = {"min": min, "max": max, "abs": lambda args: abs(args[0])}
_OPERATORS: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_MAX_EXPONENT = 10
_MAX_ROUND_DIGITS = 6

_TOKEN = re.compile(
    r"(?P<num>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)|(?P<name>[A-Za-z][A-Za-z0-9_.]*)|(?P<op>[-+*/^(),])"
)
# After a dot a code goes on with a letter or digit, which keeps out "A." and "A.__class__".
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9][A-Za-z0-9_]*)*")
# A character with a better way to say it: the catalogue code of that sentence.
_CHARACTER_HINTS = {"×": "formula_times_sign", "÷": "formula_divide_sign", "%": "formula_percent_sign"}
# ROUND as officials know it from Excel: ties away from zero, on the decimal they see (2.675 → 2.68), not
# Python's ties-to-even on the binary value (2.675 → 2.67). 400 digits hold any float with 6 decimals.
_ROUNDING = Context(prec=400, rounding=ROUND_HALF_UP)


class FormulaError(CoreError):
    """A formula that cannot be accepted; ``indicator`` names the formula when several are checked together.

    Codes: syntax, too_long, too_deep, comma_decimal, unknown_function, bad_argument, unknown_reference,
    self_reference, cycle. ``says`` is the catalogue code of the sentence (``formula_…``), ``params`` fill it
    (with ``indicator`` when one is named).
    """

    def __init__(self, code: str, says: str, position: int | None = None, indicator: str | None = None, **params):
        super().__init__(code, **params)
        self.says = says
        self.position = position
        self.indicator = indicator
        if indicator is not None:
            self.params = {**self.params, "indicator": indicator}


@dataclass(frozen=True)
class _Num:
    value: float


@dataclass(frozen=True)
class _Ref:
    code: str


@dataclass(frozen=True)
class _Neg:
    operand: _Node


@dataclass(frozen=True)
class _Chain:
    """``first op₁ x₁ op₂ x₂ …`` for operators of one precedence, applied left to right.

    Flat rather than nested, so that a long sum of indicators does not make a deep tree.
    """

    first: _Node
    rest: tuple[tuple[str, _Node], ...]


@dataclass(frozen=True)
class _Pow:
    base: _Node
    exponent: int


@dataclass(frozen=True)
class _Round:
    operand: _Node
    digits: int


@dataclass(frozen=True)
class _IfZero:
    value: _Node
    fallback: _Node


@dataclass(frozen=True)
class _Call:
    name: str  # min, max or abs
    args: tuple[_Node, ...]


_Node = _Num | _Ref | _Neg | _Chain | _Pow | _Round | _IfZero | _Call


@dataclass(frozen=True)
class Formula:
    text: str
    references: frozenset[str]
    _tree: _Node = field(repr=False, compare=False)
    # code -> position of its first use, in the order the codes first appear
    _positions: Mapping[str, int] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Result:
    value: float | None
    reason: str | None = None  # when there is no value: missing:CODE, division_by_zero, overflow


class _NoValue(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Token(NamedTuple):
    kind: str  # num, name, end, or the operator character itself
    text: str
    pos: int


def _at(pos: int) -> str:
    # Officials count characters from 1.
    return pos + 1


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = _TOKEN.match(text, pos)
        if match is None:
            raise _bad_character(text, pos)
        kind, value = match.lastgroup or "", match.group()
        if kind == "name" and not _CODE.fullmatch(value):
            raise FormulaError("syntax", "formula_bad_code", pos, value=value, at=_at(pos))
        if kind == "num" and not math.isfinite(float(value)):
            raise FormulaError("syntax", "formula_number_too_large", pos, value=value, at=_at(pos))
        tokens.append(_Token(value if kind == "op" else kind, value, pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _bad_character(text: str, pos: int) -> FormulaError:
    char = text[pos]
    if char == ".":
        return FormulaError("syntax", "formula_misplaced_dot", pos, at=_at(pos))
    says = _CHARACTER_HINTS.get(char, "formula_bad_letter" if char.isalpha() else "formula_bad_character")
    return FormulaError("syntax", says, pos, char=char, at=_at(pos))


class _Parser:
    """Recursive descent over the grammar in the module docstring; ``depth`` counts the open levels."""

    def __init__(self, text: str):
        self._text = text
        self._tokens = _tokenize(text)
        self._i = 0
        self.positions: dict[str, int] = {}

    def parse(self) -> _Node:
        if self._peek().kind == "end":
            raise FormulaError("syntax", "formula_empty", 0)
        tree = self._sum(0)
        if self._peek().kind != "end":
            raise self._unexpected(self._peek())
        return tree

    def _peek(self) -> _Token:
        return self._tokens[self._i]

    def _next(self) -> _Token:
        token = self._tokens[self._i]
        self._i += 1
        return token

    def _deeper(self, depth: int, token: _Token) -> int:
        if depth >= MAX_DEPTH:
            raise FormulaError("too_deep", "formula_too_deep", token.pos, max=MAX_DEPTH, at=_at(token.pos))
        return depth + 1

    def _sum(self, depth: int) -> _Node:
        return self._chain(depth, ("+", "-"), self._product)

    def _product(self, depth: int) -> _Node:
        return self._chain(depth, ("*", "/"), self._signed)

    def _chain(self, depth: int, operators: tuple[str, str], operand: Callable[[int], _Node]) -> _Node:
        first = operand(depth)
        rest = []
        while self._peek().kind in operators:
            rest.append((self._next().kind, operand(depth)))
        return _Chain(first, tuple(rest)) if rest else first

    def _signed(self, depth: int) -> _Node:
        sign = self._peek()
        if sign.kind not in ("+", "-"):
            return self._power(depth)
        self._next()
        operand = self._signed(self._deeper(depth, sign))
        return _Neg(operand) if sign.kind == "-" else operand

    def _power(self, depth: int) -> _Node:
        base = self._atom(depth)
        caret = self._peek()
        if caret.kind != "^":
            return base
        self._next()
        start = self._peek()
        exponent = _constant(self._signed(self._deeper(depth, caret)), _MAX_EXPONENT)
        if exponent is None:
            raise FormulaError("bad_argument", "formula_bad_exponent", start.pos, max=_MAX_EXPONENT, at=_at(start.pos))
        return _Pow(base, exponent)

    def _atom(self, depth: int) -> _Node:
        token = self._next()
        if token.kind == "num":
            return _Num(float(token.text))
        if token.kind == "name":
            if self._peek().kind == "(":
                return self._call(token, depth)
            self.positions.setdefault(token.text, token.pos)
            return _Ref(token.text)
        if token.kind == "(":
            inner = self._sum(self._deeper(depth, token))
            self._close(token)
            return inner
        if token.kind == "end":
            raise FormulaError("syntax", "formula_incomplete", token.pos)
        raise FormulaError("syntax", "formula_missing_operand", token.pos, token=token.text, at=_at(token.pos))

    def _call(self, name: _Token, depth: int) -> _Node:
        function = name.text.lower()
        if function not in _ARITY:
            raise FormulaError("unknown_function", "formula_unknown_function", name.pos, name=name.text, at=_at(name.pos),
                               functions=", ".join(_ARITY))
        opening = self._next()
        inner = self._deeper(depth, opening)
        args: list[_Node] = []
        starts: list[int] = []
        if self._peek().kind == ")":
            self._next()
        else:
            while True:
                starts.append(self._peek().pos)
                args.append(self._sum(inner))
                if self._peek().kind != ",":
                    break
                self._next()
            self._close(opening)
        fewest, most = _ARITY[function]
        if len(args) < fewest or (most is not None and len(args) > most):
            says = "formula_arguments_exact" if fewest == most else "formula_arguments_at_least"
            raise FormulaError("bad_argument", says, name.pos, function=function, wanted=fewest, given=len(args),
                               at=_at(name.pos))
        if function == "round":
            digits = _constant(args[1], _MAX_ROUND_DIGITS)
            if digits is None:
                raise FormulaError("bad_argument", "formula_round_digits", starts[1], max=_MAX_ROUND_DIGITS, at=_at(starts[1]))
            return _Round(args[0], digits)
        if function == "if_zero":
            return _IfZero(args[0], args[1])
        return _Call(function, tuple(args))

    def _close(self, opening: _Token) -> None:
        token = self._peek()
        if token.kind == ")":
            self._next()
        elif token.kind == "end":
            raise FormulaError("syntax", "formula_unclosed", opening.pos, at=_at(opening.pos))
        else:
            raise self._unexpected(token)

    def _unexpected(self, token: _Token) -> FormulaError:
        """The error for a token that follows a complete operand but cannot continue the formula."""
        if token.kind == ")":
            return FormulaError("syntax", "formula_unopened", token.pos, at=_at(token.pos))
        if token.kind == ",":
            before, after = self._tokens[self._i - 1], self._tokens[self._i + 1]
            if before.kind == after.kind == "num" and before.pos + len(before.text) == token.pos == after.pos - 1:
                return FormulaError("comma_decimal", "formula_comma_decimal", token.pos, at=_at(token.pos))
            return FormulaError("syntax", "formula_misplaced_comma", token.pos, at=_at(token.pos))
        return FormulaError("syntax", "formula_missing_operator", token.pos, token=token.text, at=_at(token.pos))


def _constant(node: _Node, highest: int) -> int | None:
    """The value of a sub-expression that must be a whole number from 0 to ``highest`` without any code."""
    try:
        value = _eval(node, {})
    except (KeyError, _NoValue):  # a code has no value here; 1 / 0 or an overflow has none either
        return None
    return int(value) if value.is_integer() and 0 <= value <= highest else None


def parse(text: str) -> Formula:
    if len(text) > MAX_LENGTH:
        raise FormulaError("too_long", "formula_too_long", MAX_LENGTH, length=len(text), max=MAX_LENGTH)
    parser = _Parser(text)
    tree = parser.parse()
    return Formula(text, frozenset(parser.positions), tree, parser.positions)


def check_definitions(formulas: Mapping[str, str], known: Iterable[str]) -> dict[str, Formula]:
    """Parse every formula (code -> text) and check them together; the first problem, by code, is raised.

    Formula codes count as known even when ``known`` leaves them out. Messages name the indicator, and
    ``FormulaError.indicator`` carries its code, so a form can show the error next to the right formula.
    """
    known_codes = set(known) | set(formulas)
    # Codes are case-sensitive; a wrong case is the likeliest typo, so the message suggests the right one.
    by_lower = {code.lower(): code for code in sorted(known_codes)}
    parsed: dict[str, Formula] = {}
    for code in sorted(formulas):
        try:
            formula = parse(formulas[code])
        except FormulaError as error:
            raise FormulaError(error.code, error.says, error.position, code, **error.params) from None
        for reference, pos in formula._positions.items():
            if reference == code:
                raise FormulaError("self_reference", "formula_self_reference", pos, code, at=_at(pos))
            if reference not in known_codes:
                guess = by_lower.get(reference.lower())
                raise FormulaError("unknown_reference", "formula_unknown_reference_guess" if guess else "formula_unknown_reference",
                                   pos, code, reference=reference, at=_at(pos), guess=guess or "")
        parsed[code] = formula
    _dependency_order(parsed)
    return parsed


def _dependency_order(formulas: Mapping[str, Formula]) -> list[str]:
    """Formula codes, each after the formulas it reads (by code where free); FormulaError("cycle") if impossible.

    An explicit stack rather than recursion, so a long chain of formulas cannot exhaust Python's stack.
    """
    order: list[str] = []
    on_path: list[str] = []
    done: set[str] = set()
    for root in sorted(formulas):
        if root in done:
            continue
        on_path.append(root)
        pending = [iter(sorted(formulas[root].references))]
        while pending:
            for reference in pending[-1]:
                if reference not in formulas or reference in done:
                    continue
                if reference in on_path:
                    cycle = [*on_path[on_path.index(reference):], reference]
                    raise FormulaError("cycle", "formula_cycle", indicator=cycle[0], cycle=" → ".join(cycle))
                on_path.append(reference)
                pending.append(iter(sorted(formulas[reference].references)))
                break
            else:
                pending.pop()
                finished = on_path.pop()
                done.add(finished)
                order.append(finished)
    return order


def evaluate(formula: Formula, values: Mapping[str, float | None]) -> Result:
    """The formula's value on ``values`` (code -> value; ``None`` or absent: not reported).

    Missing data is looked for first, in the order codes appear, so the reason names what to report next;
    a value that is not a finite number counts as missing. Then the arithmetic runs left to right and the
    first division by zero or non-finite intermediate result stops it.
    """
    numbers: dict[str, float] = {}
    for code in formula._positions:
        value = values.get(code)
        number = None if value is None else float(value)
        if number is None or not math.isfinite(number):
            return Result(None, f"missing:{code}")
        numbers[code] = number
    try:
        return Result(_eval(formula._tree, numbers))
    except _NoValue as problem:
        return Result(None, problem.reason)


def evaluate_all(formulas: Mapping[str, Formula], values: Mapping[str, float | None]) -> dict[str, Result]:
    """Every formula (code -> Formula), formulas that feed others first; the result dict is in that order.

    A formula's own result is what formulas reading it see, even if ``values`` also holds that code; a
    formula without a value leaves the formulas reading it with ``missing:CODE``. Raises FormulaError("cycle")
    for formulas that ``check_definitions`` would have refused.
    """
    computed: dict[str, float | None] = {}
    seen = ChainMap(computed, values)
    results: dict[str, Result] = {}
    for code in _dependency_order(formulas):
        results[code] = evaluate(formulas[code], seen)
        computed[code] = results[code].value
    return results


def ratio(numerator: str, denominator: str, factor: float = 1) -> str:
    """The text of ``(numerator) / (denominator) * factor``; the ``* factor`` is left out when it is 1.

    Both parts are parsed first (FormulaError), so that a malformed part cannot change the meaning of the whole
    once it is put between brackets.
    """
    parse(numerator)
    parse(denominator)
    if not math.isfinite(factor):
        raise ValueError(f"the factor must be a finite number, not {factor!r}")
    text = f"({numerator.strip()}) / ({denominator.strip()})"
    if factor == 1:
        return text
    return f"{text} * {int(factor) if float(factor).is_integer() else repr(float(factor))}"


def _eval(node: _Node, values: Mapping[str, float]) -> float:
    if isinstance(node, _Num):
        return node.value
    if isinstance(node, _Ref):
        return values[node.code]
    if isinstance(node, _Neg):
        return -_eval(node.operand, values)
    if isinstance(node, _Chain):
        result = _eval(node.first, values)
        for op, operand in node.rest:
            try:
                result = _OPERATORS[op](result, _eval(operand, values))
            except ZeroDivisionError:
                raise _NoValue("division_by_zero") from None
            if not math.isfinite(result):
                raise _NoValue("overflow")
        return result
    if isinstance(node, _Pow):
        try:
            # float ** int raises OverflowError rather than returning inf.
            return _eval(node.base, values) ** node.exponent
        except OverflowError:
            raise _NoValue("overflow") from None
    if isinstance(node, _Round):
        value = Decimal(repr(_eval(node.operand, values)))
        return float(value.quantize(Decimal(1).scaleb(-node.digits), context=_ROUNDING))
    if isinstance(node, _IfZero):
        # The fallback is only worked out when it is needed.
        value = _eval(node.value, values)
        return _eval(node.fallback, values) if value == 0 else value
    return _REDUCE[node.name]([_eval(arg, values) for arg in node.args])
