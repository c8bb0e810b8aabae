"""The imports between ``helpers`` modules form no circle, late imports inside functions
included (a late import hides a circle, it does not remove it). Imports under
``if TYPE_CHECKING:`` do not run and do not count; a module's own package always runs
first and is no edge of a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from locations import ROOT

HELPERS = ROOT / "helpers"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(HELPERS.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _package(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rsplit(".", 1)[0]


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks (they never run)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _imports(module: str, path: Path) -> list[tuple[str, list[str]]]:
    """Every import of a module, also those inside functions (a late import still makes a
    circle), except under ``if TYPE_CHECKING:``."""
    tree = _tree(path)
    skip = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = _package(module, path).split(".")
            base = base[: len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            found.append((target, [a.name for a in node.names]))
    return found


def test_module_imports_form_no_circle():
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for target, names in _imports(module, path):
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
            # ``from package import submodule`` depends on the submodule; a module's own
            # package (an ancestor) always runs first and is no edge of a circle
            own_ancestor = module.startswith(target + ".")
            parents = [] if submodules or own_ancestor else [target]
            for candidate in [*parents, *submodules]:
                if candidate in modules and candidate != module:
                    graph[module].add(candidate)
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert circles == [], "\n".join(circles)
