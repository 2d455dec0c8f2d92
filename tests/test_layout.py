"""The code's layout rules that import-linter does not see."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import dieuhanh

PACKAGE = Path(dieuhanh.__file__).parent
# ``selectors.py`` is the read side of every app (the HackSoft layout docs/ARCHITECTURE.md follows); it is only
# ever imported qualified (``dieuhanh.plans.selectors``), never as a top-level name.
ALLOWED = {"selectors"}


def _modules():
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def test_no_module_is_named_after_a_standard_library_module():
    clashes = sorted(str(p.relative_to(PACKAGE)) for p in _modules()
                     if p.stem in sys.stdlib_module_names and p.stem not in ALLOWED)
    assert clashes == []


def test_selectors_are_never_imported_by_their_bare_name():
    bare = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(a.name == "selectors" for a in node.names):
                bare.append(str(path.relative_to(PACKAGE)))
    assert bare == []


def _called(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def test_cores_build_no_vietnamese_sentences():
    """Computation cores report codes and parameters; sentences come from the message catalogue. Vietnamese
    letters may appear in data (names, aliases, the official names of periods and deadlines), not in an error
    raised or reported (a call to an ``…Error`` type or a ``problem`` helper)."""
    vietnamese = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    found = []
    for path in (PACKAGE / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.exc is not None:
                carriers = [node.exc]
            elif isinstance(node, ast.Call) and _called(node).endswith(("Error", "error", "problem", "Problem")):
                carriers = [*node.args, *(k.value for k in node.keywords)]
            else:
                continue
            for carrier in carriers:
                for sub in ast.walk(carrier):
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and vietnamese & set(sub.value.lower()):
                        found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []
