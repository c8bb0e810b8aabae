"""The small languages of mapping files: row conditions (``where`` / ``reject`` and a column
spec's ``where``), arithmetic expressions (``expr``) and text templates (``template``).
Parsed when a mapping is loaded, evaluated column-wise on a whole frame."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.intake.dataset import IntakeError
from helpers.intake.parsing import _isin, _parse_number

_COND_OPS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "startswith",
    "not_startswith",
    "empty",
    "less_than",
    "greater_than",
)


@dataclass(frozen=True)
class Condition:
    """A row condition (``where`` / ``reject``); see :class:`SourceMapping`.

    ``column`` with its tests (all must hold), or ``any_of`` (one must hold) / ``all_of``.
    """

    column: str | None = None
    tests: tuple[tuple[str, Any], ...] = ()
    any_of: tuple[Condition, ...] = ()
    all_of: tuple[Condition, ...] = ()

    def names(self) -> list[str]:
        out = [self.column] if self.column else []
        for c in (*self.any_of, *self.all_of):
            out += [n for n in c.names() if n not in out]
        return out

    def describe(self) -> str:
        if self.any_of:
            return "(" + " or ".join(c.describe() for c in self.any_of) + ")"
        if self.all_of:
            return " and ".join(c.describe() for c in self.all_of)
        words = {
            "equals": "=",
            "not_equals": "!=",
            "in": "in",
            "not_in": "not in",
            "startswith": "starts with",
            "not_startswith": "does not start with",
            "less_than": "<",
            "greater_than": ">",
        }
        parts = []
        for op, arg in self.tests:
            if op == "empty":
                parts.append(f"{self.column} is {'empty' if arg else 'filled'}")
            else:
                shown = "/".join(str(a) for a in arg) if isinstance(arg, tuple) else str(arg)
                parts.append(f"{self.column} {words[op]} {shown}")
        return " and ".join(parts)


def _parse_condition(raw: Any, where: str) -> Condition:
    if isinstance(raw, list):
        if not raw:
            raise IntakeError(f"{where}: an empty condition list")
        return Condition(all_of=tuple(_parse_condition(r, where) for r in raw))
    if not isinstance(raw, dict):
        raise IntakeError(f"{where}: a condition is a mapping like {{column: X, startswith: C}}")
    if "any" in raw or "all" in raw:
        if len(raw) != 1:
            raise IntakeError(f"{where}: 'any'/'all' must be the only key of its condition")
        key = "any" if "any" in raw else "all"
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise IntakeError(f"{where}: '{key}' takes a list of conditions")
        subs = tuple(_parse_condition(r, where) for r in items)
        return Condition(any_of=subs) if key == "any" else Condition(all_of=subs)
    unknown = sorted(set(raw) - {"column", *_COND_OPS})
    if unknown:
        raise IntakeError(
            f"{where}: unknown condition key(s) {', '.join(unknown)}; "
            f"known: column, {', '.join(_COND_OPS)}, any, all"
        )
    column = raw.get("column")
    if not column:
        raise IntakeError(f"{where}: a condition needs 'column'")
    tests: list[tuple[str, Any]] = []
    for op in _COND_OPS:
        if op not in raw:
            continue
        arg = raw[op]
        if op == "empty":
            arg = bool(arg)
        elif op in ("less_than", "greater_than"):
            try:
                arg = float(arg)
            except (TypeError, ValueError):
                raise IntakeError(f"{where}: '{op}' needs a number, got {arg!r}") from None
        else:
            arg = tuple(arg) if isinstance(arg, list) else (arg,)
        tests.append((op, arg))
    if not tests:
        raise IntakeError(f"{where}: condition on {column!r} has no test ({', '.join(_COND_OPS)})")
    return Condition(column=str(column), tests=tuple(tests))


def _as_number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _eval_condition(cond: Condition, resolve: Callable[[str], pd.Series], index: pd.Index):
    """Boolean Series: rows where ``cond`` holds (``resolve(name)`` gives a column)."""
    if cond.any_of:
        out = pd.Series(False, index=index)
        for c in cond.any_of:
            out = out | _eval_condition(c, resolve, index)
        return out
    if cond.all_of:
        out = pd.Series(True, index=index)
        for c in cond.all_of:
            out = out & _eval_condition(c, resolve, index)
        return out
    s = resolve(str(cond.column))
    present = s.notna()
    numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
    if numeric:
        nums = s.astype("float64")
        text = pd.Series(np.nan, index=index, dtype="object")
    else:
        text = s.astype("object").where(present)
        text = text.where(~present, text.astype("str"))  # type: ignore[arg-type]
        nums = None
    out = pd.Series(True, index=index)
    for op, arg in cond.tests:
        if op == "empty":
            m = ~present if arg else present
        elif op in ("equals", "not_equals", "in", "not_in"):
            m = pd.Series(False, index=index)
            texts = [str(a) for a in arg]
            if not numeric:
                m = m | (present & _isin(text, texts))
            targets = [x for x in (_as_number(a) for a in arg) if x is not None]
            if targets:
                if nums is None:
                    nums = _parse_number(s)[0]
                m = m | nums.isin(targets)
            if op in ("not_equals", "not_in"):
                m = ~m
        elif op in ("startswith", "not_startswith"):
            src = s.astype("float64").astype("str") if numeric else text
            m = present & src.astype("object").fillna("").str.startswith(tuple(str(a) for a in arg))
            m = m.fillna(False).astype(bool)
            if op == "not_startswith":
                m = ~m
        else:  # less_than / greater_than
            if nums is None:
                nums = _parse_number(s)[0]
            m = (nums < arg) if op == "less_than" else (nums > arg)
            m = m.fillna(False).astype(bool)
        out = out & m.astype(bool)
    return out


def _template_names(template: str, where: str = "template") -> list[str]:
    import string

    try:
        names = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise IntakeError(f"{where}: cannot parse template {template!r} ({exc})") from None
    if any(not n for n in names):
        raise IntakeError(f"{where}: template {template!r} has an empty {{}}")
    return names


_BACKTICK = re.compile(r"`([^`]+)`")


def _expr_prepare(expr: str) -> tuple[ast.expr, dict[str, str]]:
    quoted: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        key = f"__q{len(quoted)}__"
        quoted[key] = m.group(1)
        return key

    tree = ast.parse(_BACKTICK.sub(sub, expr), mode="eval").body
    return tree, quoted


def _expr_names(expr: str, where: str = "expr") -> list[str]:
    try:
        tree, quoted = _expr_prepare(expr)
    except SyntaxError:
        raise IntakeError(f"{where}: cannot parse expression {expr!r}") from None
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id != "coalesce":
            names.append(quoted.get(node.id, node.id))
        elif not isinstance(
            node,
            ast.BinOp
            | ast.UnaryOp
            | ast.Constant
            | ast.Call
            | ast.Name
            | ast.Add
            | ast.Sub
            | ast.Mult
            | ast.Div
            | ast.USub
            | ast.UAdd
            | ast.Load,
        ):
            raise IntakeError(f"{where}: unsupported syntax in expression {expr!r}")
    return names


def _eval_expr(
    expr: str, resolve: Callable[[str], tuple[pd.Series, pd.Series]], index: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """Evaluate ``expr`` row-wise; ``resolve(name)`` gives (float values, bad-operand mask).

    Returns float values (non-finite -> NaN) and a mask of rows with a bad operand.
    """
    tree, quoted = _expr_prepare(expr)
    bad = pd.Series(False, index=index)

    def ev(node: ast.expr) -> pd.Series:
        nonlocal bad
        if isinstance(node, ast.Constant):
            return pd.Series(float(node.value), index=index)  # type: ignore[arg-type]
        if isinstance(node, ast.Name):
            values, b = resolve(quoted.get(node.id, node.id))
            bad = bad | b
            return values
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Call):
            out = pd.Series(np.nan, index=index)
            for arg in node.args:
                out = out.fillna(ev(arg))
            return out
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            with np.errstate(divide="ignore", invalid="ignore"):
                return left / right
        raise IntakeError(f"unsupported expression {expr!r}")

    with np.errstate(divide="ignore", invalid="ignore"):
        result = ev(tree).astype("float64")
    result = result.where(np.isfinite(result))
    return result, bad
