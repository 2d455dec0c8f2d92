"""Formula indicators: the language, its errors, its safety, the checks on a set of formulas, evaluation."""

from __future__ import annotations

import math
import operator
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dieuhanh.core.indicators.formula import (
    MAX_DEPTH,
    MAX_LENGTH,
    FormulaError,
    Result,
    check_definitions,
    evaluate,
    evaluate_all,
    parse,
    ratio,
)


def value_of(text: str, **values: float | None) -> float | None:
    return evaluate(parse(text), values).value


def error_of(text: str) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    return caught.value


# Parsing and precedence


@pytest.mark.parametrize("text,expected", [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 - 4 - 3", 3),  # left to right
    ("24 / 4 / 2", 3),
    ("8 / 2 * 4", 16),
    ("-2 ^ 2", -4),  # the mathematical convention: the power binds tighter than the sign, -(2 ^ 2)
    ("(-2) ^ 2", 4),
    ("2 ^ 3 ^ 2", 512),  # right to left: 2 ^ 9
    ("2 * -3", -6),
    ("5 - -3", 8),
    ("+4 - +1", 3),
    ("2 ^ 0", 1),
    ("3.5 * 2", 7),
    ("1e6 / 1E3", 1000),
    ("2.5e-1 * 4", 1),
    ("2 ^ (1 + 1) * 3", 12),
    ("\t1 +\n2\u00a0", 3),  # any whitespace, including a no-break space pasted from a document
])
def test_arithmetic_and_precedence(text, expected):
    assert value_of(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("min(3, 1, 2)", 1),
    ("max(3, 1, 2) + 1", 4),
    ("min(5)", 5),
    ("abs(-2.5)", 2.5),
    ("ABS(-1) + Max(1, 2)", 3),  # function names in any case, as in Excel
    ("round(2.675, 2)", 2.68),  # ties away from zero on the decimal written, as Excel does (Python's round gives 2.67)
    ("round(0.5, 0)", 1),
    ("round(-2.5, 0)", -3),
    ("round(1234.5678, 6)", 1234.5678),
    ("round(1 / 3, 1 + 1)", 0.33),
    ("if_zero(0, 7)", 7),
    ("if_zero(3, 7)", 3),
    ("if_zero(3, 1 / 0)", 3),  # the fallback is only worked out when needed
])
def test_functions(text, expected):
    assert value_of(text) == expected


def test_references_are_collected_exactly_as_written():
    formula = parse("KHCN_CHI / TONG_CHI * 100 + DVC.TRUCTUYEN - I2_1 + KHCN_CHI + khcn_chi")
    assert formula.references == {"KHCN_CHI", "TONG_CHI", "DVC.TRUCTUYEN", "I2_1", "khcn_chi"}
    assert formula.text == "KHCN_CHI / TONG_CHI * 100 + DVC.TRUCTUYEN - I2_1 + KHCN_CHI + khcn_chi"
    assert parse("1 + 2").references == frozenset()


def test_a_code_may_carry_a_function_name_when_not_called():
    assert value_of("max + 1", max=2) == 3


def test_formulas_compare_by_their_text():
    assert parse("A + 1") == parse("A + 1")
    assert parse("A + 1") != parse("A+1")


def test_long_sums_and_deep_nesting_within_the_limits():
    many = " + ".join(f"A{i}" for i in range(150))
    assert len(many) <= MAX_LENGTH
    assert value_of(many, **{f"A{i}": 1.0 for i in range(150)}) == 150
    assert value_of("(" * MAX_DEPTH + "7" + ")" * MAX_DEPTH) == 7


# Errors, with their codes and positions


@pytest.mark.parametrize("text,code,position", [
    ("1 +", "syntax", 3),  # the end, where an operand is missing
    ("A / ", "syntax", 4),
    ("(1 + 2", "syntax", 0),  # the bracket that was never closed
    ("min(1, 2", "syntax", 3),
    ("1 + 2)", "syntax", 5),
    ("1 2", "syntax", 2),
    ("A B", "syntax", 2),
    ("2 (3)", "syntax", 2),
    ("* 2", "syntax", 0),
    ("()", "syntax", 1),
    ("", "syntax", 0),
    ("   ", "syntax", 0),
    ("1 , 5", "syntax", 2),
    ("1.", "syntax", 1),
    ("1.234.567", "syntax", 5),  # dots as thousands separators
    ("A..B", "syntax", 0),
    ("A.", "syntax", 0),
    ("TỶ_LỆ", "syntax", 1),
    ("A × B", "syntax", 2),
    ("A == B", "syntax", 2),
    ("1e999", "syntax", 0),
    ("foo(1)", "unknown_function", 0),
    ("A + sqrt(4)", "unknown_function", 4),
    ("1,5", "comma_decimal", 1),
    ("A * 2,5 / 3", "comma_decimal", 5),
    ("(1,5)", "comma_decimal", 2),
    ("round(1, 9)", "bad_argument", 9),
    ("round(A, N)", "bad_argument", 9),
    ("round(1, 0.5)", "bad_argument", 9),
    ("round(1)", "bad_argument", 0),
    ("abs(1, 2)", "bad_argument", 0),
    ("if_zero(A)", "bad_argument", 0),
    ("min()", "bad_argument", 0),
    ("2 ^ 0.5", "bad_argument", 4),
    ("2 ^ 11", "bad_argument", 4),
    ("2 ^ -1", "bad_argument", 4),
    ("2 ^ A", "bad_argument", 4),
    ("2 ^ (1 / 0)", "bad_argument", 4),
    ("2 ^ 2 ^ 2 ^ 2", "bad_argument", 4),  # 2 ^ 16: the exponent is worked out before it is checked
])
def test_errors_have_codes_and_positions(text, code, position):
    error = error_of(text)
    assert (error.code, error.position) == (code, position)
    assert error.says.startswith("formula_") and said(error)
    assert isinstance(error, ValueError)


def test_messages_are_in_vietnamese_and_count_characters_from_one():
    assert "vị trí 2" in said(error_of("1,5")) and "dấu chấm" in said(error_of("1,5"))
    assert "“foo”" in said(error_of("foo(1)")) and "if_zero" in said(error_of("foo(1)"))
    assert "chưa được đóng" in said(error_of("(1 + 2"))
    assert "Thiếu phép tính" in said(error_of("1 2"))
    assert "từ 0 đến 6" in said(error_of("round(1, 9)"))
    assert "từ 0 đến 10" in said(error_of("2 ^ 0.5"))
    assert "phần trăm" in said(error_of("A %"))


def test_the_core_says_codes_and_parameters_not_sentences():
    error = error_of("(1 + 2")
    assert (error.code, error.says, error.params) == ("syntax", "formula_unclosed", {"at": 1})


def test_overlong_formula():
    assert parse("1" + " " * (MAX_LENGTH - 1)).references == frozenset()
    error = error_of("1" + " + 1" * MAX_LENGTH)
    assert (error.code, error.position) == ("too_long", MAX_LENGTH)


def test_too_deep_nesting():
    error = error_of("(" * 60 + "1" + ")" * 60)
    assert (error.code, error.position) == ("too_deep", MAX_DEPTH)
    assert error_of("-" * 60 + "1").code == "too_deep"
    assert error_of("abs(" * 60 + "1" + ")" * 60).code == "too_deep"
    assert error_of("1 ^ " * 60 + "1").code == "too_deep"


@pytest.mark.parametrize("text", [
    "__import__('os').system('x')",
    "A.__class__",
    "A.__class__.__bases__",
    "lambda: 1",
    "A; B",
    "exec('1')",
    "eval(A)",
    "open('/etc/passwd')",
    "A if B else C",
    "[A for A in B]",
    "A[0]",
    "A.b()",
    "'1' + '2'",
    "1 # comment",
    "A = 1",
    "A ** 2",
])
def test_anything_but_the_language_is_refused(text):
    with pytest.raises(FormulaError):
        parse(text)


# Evaluation


def test_division_by_zero_gives_no_value_and_if_zero_avoids_it():
    assert evaluate(parse("N / D"), {"N": 5, "D": 0}) == Result(None, "division_by_zero")
    assert evaluate(parse("N / (D - D)"), {"N": 5, "D": 3}) == Result(None, "division_by_zero")
    assert evaluate(parse("N / if_zero(D, 1)"), {"N": 5, "D": 0}) == Result(5.0, None)
    assert evaluate(parse("N / if_zero(D, 1)"), {"N": 5, "D": 2}) == Result(2.5, None)


def test_missing_values_give_no_value_naming_the_first_missing_code():
    formula = parse("A + B * C")
    assert evaluate(formula, {"A": 1, "B": None}) == Result(None, "missing:B")
    assert evaluate(formula, {}) == Result(None, "missing:A")
    # Missing data is reported before any arithmetic problem: it is what an official has to supply next.
    assert evaluate(parse("1 / 0 + A"), {}) == Result(None, "missing:A")
    assert evaluate(parse("A + B"), {"A": 1, "B": math.nan}) == Result(None, "missing:B")
    assert evaluate(parse("A + B"), {"a": 1, "B": 2}) == Result(None, "missing:A")


def test_non_finite_results_are_overflow():
    assert evaluate(parse("A * A"), {"A": 1e200}) == Result(None, "overflow")
    assert evaluate(parse("A ^ 2"), {"A": 1e200}) == Result(None, "overflow")
    # An infinite intermediate result does not silently turn into 0 further on.
    assert evaluate(parse("1 / (A * A)"), {"A": 1e200}) == Result(None, "overflow")


def test_values_may_be_integers_or_decimals():
    assert evaluate(parse("A / B"), {"A": Decimal("12705"), "B": 4}) == Result(3176.25, None)


def test_results_are_not_rounded():
    assert value_of("1 / 3") == 1 / 3


def test_ratio_on_the_city_budget_2026():
    # Dự toán ngân sách TP.HCM 2026: chi cho khoa học và công nghệ 12.705 tỷ đồng trên tổng chi 305.606 tỷ đồng.
    text = ratio("KHCN_CHI", "TONG_CHI", 100)
    assert text == "(KHCN_CHI) / (TONG_CHI) * 100"
    result = evaluate(parse(text), {"KHCN_CHI": 12_705, "TONG_CHI": 305_606})
    assert result.reason is None and result.value == pytest.approx(4.157, abs=5e-4)
    assert result.value == pytest.approx(12_705 / 305_606 * 100)


def test_ratio_keeps_each_part_whole():
    assert ratio("A + B", "C - D") == "(A + B) / (C - D)"
    assert value_of(ratio("A + B", "C - D", 0.5), A=1, B=3, C=5, D=3) == 1
    assert ratio("A", "B", 1000.0) == "(A) / (B) * 1000"
    with pytest.raises(FormulaError):
        ratio("A) * (B", "C")
    with pytest.raises(ValueError):
        ratio("A", "B", math.inf)


# A set of formulas


KNOWN = {"A", "B", "C", "KHCN_CHI", "TONG_CHI"}


def definition_error(formulas: dict[str, str], known=KNOWN) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        check_definitions(formulas, known)
    return caught.value


def test_unknown_reference():
    error = definition_error({"TY_LE": "KHCN_CHI / TONG_CHII"})
    assert (error.code, error.position, error.indicator) == ("unknown_reference", 11, "TY_LE")
    assert "TONG_CHII" in said(error) and "TY_LE" in said(error)


def test_a_wrong_case_is_an_unknown_reference_with_a_suggestion():
    error = definition_error({"TY_LE": "khcn_chi / TONG_CHI"})
    assert error.code == "unknown_reference" and "“KHCN_CHI”" in said(error)


def test_self_reference():
    error = definition_error({"A": "B + A * 2"})
    assert (error.code, error.position, error.indicator) == ("self_reference", 4, "A")


def test_a_cycle_is_shown_as_its_path():
    error = definition_error({"A": "B + 1", "B": "C * 2", "C": "A - 1"})
    assert error.code == "cycle" and error.position is None
    assert "A → B → C → A" in said(error)


def test_a_cycle_reached_from_outside_is_shown_from_where_it_closes():
    error = definition_error({"A": "B", "B": "C", "C": "B"})
    assert "B → C → B" in said(error) and "A →" not in said(error)


def test_syntax_errors_name_the_indicator_and_come_first_by_code():
    error = definition_error({"Z": "1 +", "M": "UNKNOWN", "B": "(1"})
    assert (error.code, error.indicator, error.position) == ("syntax", "B", 0)
    assert said(error).startswith("Chỉ tiêu B: ")


def test_a_valid_chain():
    formulas = {"TY_LE": ratio("KHCN_CHI", "TONG_CHI", 100), "TY_LE_X2": "TY_LE * 2", "C": "A + B"}
    parsed = check_definitions(formulas, KNOWN)
    assert set(parsed) == set(formulas)
    assert parsed["TY_LE_X2"].references == {"TY_LE"}  # a formula code counts as known


def test_evaluate_all_follows_the_dependencies():
    formulas = {"C": parse("B * 2"), "B": parse("A + 1"), "D": parse("C + B")}
    results = evaluate_all(formulas, {"A": 4})
    assert list(results) == ["B", "C", "D"]
    assert results == {"B": Result(5.0), "C": Result(10.0), "D": Result(15.0)}


def test_evaluate_all_prefers_computed_values_and_passes_on_missing_ones():
    formulas = {"C": parse("B * 2"), "B": parse("A / Z")}
    assert evaluate_all(formulas, {"A": 4, "Z": 2, "B": 100})["C"] == Result(4.0)
    assert evaluate_all(formulas, {"A": 4, "Z": 0}) == {
        "B": Result(None, "division_by_zero"),
        "C": Result(None, "missing:B"),
    }


def test_evaluate_all_refuses_a_cycle():
    with pytest.raises(FormulaError) as caught:
        evaluate_all({"A": parse("B"), "B": parse("A")}, {})
    assert caught.value.code == "cycle"


def test_a_long_chain_of_formulas():
    formulas = {f"F{i}": parse(f"F{i - 1} + 1") for i in range(1, 3000)} | {"F0": parse("X")}
    assert evaluate_all(formulas, {"X": 0})["F2999"] == Result(2999.0)


# Property: parsing a rendered tree computes what the tree says


CODES = ("A", "B_1", "DVC.TT", "x2")
PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}

numbers = st.one_of(st.sampled_from([0.0, 1.0, 2.0, 0.5, 100.0]), st.floats(0, 1e6))
leaves = st.one_of(numbers.map(lambda v: ("num", v)), st.sampled_from(CODES).map(lambda c: ("ref", c)))


def argument_lists(children):
    return st.lists(children, min_size=1, max_size=3).map(tuple)


def _extend(children):
    return st.one_of(
        children.map(lambda t: ("neg", t)),
        st.tuples(st.just("bin"), st.sampled_from("+-*/"), children, children),
        st.tuples(st.just("pow"), children, st.integers(0, 3)),
        st.tuples(st.just("call"), st.sampled_from(["min", "max"]), argument_lists(children)),
        children.map(lambda t: ("call", "abs", (t,))),
    )


trees = st.recursive(leaves, _extend, max_leaves=24)
code_values = st.one_of(st.sampled_from([0.0, 1.0, -1.0]), st.floats(-1e6, 1e6))
environments = st.fixed_dictionaries({code: code_values for code in CODES})


def full(tree) -> str:
    """Every compound part between brackets, no spaces."""
    kind = tree[0]
    if kind == "num":
        return repr(tree[1])
    if kind == "ref":
        return tree[1]
    if kind == "neg":
        return f"(-{full(tree[1])})"
    if kind == "bin":
        return f"({full(tree[2])}{tree[1]}{full(tree[3])})"
    if kind == "pow":
        return f"({full(tree[1])}^{tree[2]})"
    return f"{tree[1]}({','.join(full(arg) for arg in tree[2])})"


def binding(tree) -> int:
    return {"bin": PRECEDENCE.get(tree[1], 0), "neg": 3, "pow": 4}.get(tree[0], 5)


def minimal(tree) -> str:
    """Brackets only where precedence or left-to-right order needs them.

    A right operand of the same precedence keeps its brackets: a - (b - c) differs from a - b - c, and even
    a + (b + c) may differ from a + b + c in floating point.
    """
    def wrap(sub, needed: bool) -> str:
        return f"({minimal(sub)})" if needed else minimal(sub)

    kind = tree[0]
    if kind == "neg":
        return "-" + wrap(tree[1], binding(tree[1]) < 3)
    if kind == "bin":
        own = binding(tree)
        return f"{wrap(tree[2], binding(tree[2]) < own)} {tree[1]} {wrap(tree[3], binding(tree[3]) <= own)}"
    if kind == "pow":
        return f"{wrap(tree[1], binding(tree[1]) < 5)} ^ {tree[2]}"
    if kind == "call":
        return f"{tree[1]}({', '.join(minimal(arg) for arg in tree[2])})"
    return full(tree)


class NoValue(Exception):
    pass


def compute(tree, env) -> float:
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "ref":
        return env[tree[1]]
    if kind == "neg":
        return -compute(tree[1], env)
    if kind == "bin":
        left, right = compute(tree[2], env), compute(tree[3], env)
        if tree[1] == "/" and right == 0:
            raise NoValue("division_by_zero")
        result = OPERATORS[tree[1]](left, right)
        if not math.isfinite(result):
            raise NoValue("overflow")
        return result
    if kind == "pow":
        try:
            return compute(tree[1], env) ** tree[2]
        except OverflowError:
            raise NoValue("overflow") from None
    args = [compute(arg, env) for arg in tree[2]]
    return {"min": min, "max": max, "abs": lambda xs: abs(xs[0])}[tree[1]](args)


@settings(max_examples=300, deadline=None)
@given(trees, environments)
def test_evaluating_a_rendered_tree_computes_the_tree(tree, env):
    try:
        expected = Result(compute(tree, env), None)
    except NoValue as problem:
        expected = Result(None, str(problem))
    for text in (full(tree), minimal(tree)):
        result = evaluate(parse(text), env)
        if expected.value is None:
            assert result == expected, text
        else:
            assert result.reason is None, text
            assert math.isclose(result.value, expected.value, rel_tol=1e-9, abs_tol=1e-9), text


def said(error: FormulaError) -> str:
    """The Vietnamese sentence of a formula problem, as the pages render it from the catalogue."""
    from django.utils import translation

    from dieuhanh.indicators.services import formula_problem

    with translation.override("vi"):
        return formula_problem(error)
