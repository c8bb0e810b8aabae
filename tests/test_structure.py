"""The shape of the package: functions made of named steps, private names kept at home.

* No function body in ``helpers/`` (its docstring left out) is longer than
  :data:`MAX_BODY_LINES` lines, apart from the few listed in :data:`LONGER` with the reason.
* No module imports a ``_private`` name from another package of ``helpers`` (a subpackage's
  modules may share private names among themselves).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPERS = ROOT / "helpers"
MAX_BODY_LINES = 80
#: functions allowed to be longer, with the reason
LONGER: dict[str, str] = {}


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(HELPERS.rglob("*.py"))
    ]


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return 0
    return (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def test_no_long_function_bodies():
    too_long = {}
    for rel, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key = f"{rel}::{node.name}"
                n = _body_lines(node)
                if n > MAX_BODY_LINES and key not in LONGER:
                    too_long[key] = n
    assert not too_long, f"split these into named steps (lines of body): {too_long}"


def test_the_listed_long_functions_still_exist():
    names = {
        f"{rel}::{node.name}"
        for rel, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    assert set(LONGER) <= names, "drop the entries of LONGER that are gone"


def _package_of(rel: str) -> str:
    """``helpers/facts/build.py`` -> ``facts``; ``helpers/report.py`` -> ``report``."""
    parts = Path(rel).with_suffix("").parts
    return parts[1]


def test_no_private_names_imported_across_packages():
    crossing = []
    for rel, tree in _modules():
        home = _package_of(rel)
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            if parts[0] != "helpers" or len(parts) < 2 or parts[1] == home:
                continue
            crossing += [
                f"{rel}: {a.name} from {node.module}" for a in node.names if a.name.startswith("_")
            ]
    assert not crossing, crossing
