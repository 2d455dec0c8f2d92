"""Rules the test suite keeps so that it stays a specification that passes on any machine, on any day:
every test asserts something, no test or benchmark reads a path of one machine, and no test reads the clock
(``tests/conftest.py`` fixes "today" for every test; a test that needs another day says so with
``@pytest.mark.today(...)`` or moves the ``clock`` fixture)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_FILES = sorted((ROOT / "tests").rglob("test_*.py"))


def _asserts(node: ast.AST) -> bool:
    """An ``assert``, ``pytest.raises``/``pytest.warns``, Playwright's ``expect(...)`` or an ``assert_*`` helper
    (numpy.testing, pandas.testing, our own)."""
    for n in ast.walk(node):
        if isinstance(n, ast.Assert):
            return True
        if isinstance(n, ast.Call):
            func = n.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in {"raises", "warns", "expect"} or name.startswith("assert_"):
                return True
    return False


def test_every_test_asserts_something():
    silent = []
    for path in TEST_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Module-level helpers that assert count for the tests calling them (one level deep).
        helpers = {f.name for f in tree.body if isinstance(f, ast.FunctionDef) and not f.name.startswith("test") and _asserts(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
                if not _asserts(node) and not calls & helpers:
                    silent.append(f"{path.relative_to(ROOT)}::{node.name}")
    assert silent == []


MACHINE_PATH = re.compile(r"""["'](/work/|/root/|/home/|/Users/|[A-Za-z]:\\\\)|shared/datasets""")


def test_no_test_or_benchmark_reads_a_path_of_one_machine():
    files = [p for p in TEST_FILES if p != Path(__file__).resolve()] + sorted((ROOT / "tests").rglob("conftest.py")) \
        + sorted((ROOT / "bench").rglob("*.py"))
    found = [f"{path.relative_to(ROOT)}:{i}" for path in files
             for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if MACHINE_PATH.search(line)]
    assert found == []


CLOCK = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|timezone\.now|timezone\.localdate|time\.time)\(\)")


def test_no_test_reads_the_clock():
    found = [f"{path.relative_to(ROOT)}:{i}" for path in TEST_FILES
             for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if CLOCK.search(line)]
    assert found == []
