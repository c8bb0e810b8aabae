"""Which sections of every notebook, and which alert rules, will run on data of a shape.

Sections are read off each theme's declaration (:class:`helpers.sections.Section`: the tables
or ``table.column`` values it needs, the tables that enrich it), for every theme
:func:`helpers.themes.discover_themes` finds; nothing here names a theme. A theme whose
sections depend on more than their tables adds a module ``helpers/<theme>/checks.py`` with
``check_sections(shape, rows) -> rows``, which receives the generic rows and returns them
adjusted (the daily review uses it for its partly-running sections and its alert rules).
Alert rules are read off :data:`helpers.alerts.REGISTRY`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

import pandas as pd

from helpers.alerts import REGISTRY, Rule
from helpers.check.shape import DataShape
from helpers.contract import TABLES
from helpers.sections import Section, Theme
from helpers.themes import discover_themes, load_alert_rules

RUNS, PARTLY, SKIPPED = "runs", "partly", "skipped"
STATUS_ORDER = (RUNS, PARTLY, SKIPPED)

SECTIONS_COLUMNS = ("notebook", "kind", "item", "status", "missing", "why")

#: What an alert rule may need beyond tables (:attr:`helpers.alerts.Rule.requires`) ->
#: the :class:`DataShape` attribute that says whether the data has it, and the reason code
#: :func:`helpers.check.render.render` words when it does not.
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "shipped_at": ("has_shipping_times", "no_shipped_at"),
    "industry_cvr": ("industry_cvr", "no_industry_cvr"),
    "item_cart_traffic": ("item_cart_traffic", "no_item_cart"),
    "after_sales_sku": ("after_sales_sku", "no_after_sales_sku"),
    "after_sales_order": ("after_sales_order", "no_after_sales_order"),
}

#: A section's ``table.column`` need -> the reason code worded when the column has no value
#: (other columns: ``("no_column", "table.column")``).
COLUMN_REASONS: dict[str, str] = {"orders.shipped_at": "no_shipped_at"}

#: Module a theme package may add for its special cases, and the function it defines.
SPECIAL_MODULE, SPECIAL_FUNCTION = "checks", "check_sections"

Row = dict[str, Any]


def row(kind: str, item: str, missing: tuple[str, ...], why: list, *, partly: bool = False) -> Row:
    """One sections row: ``runs`` without a reason, else ``partly`` or ``skipped``."""
    status = (PARTLY if partly else SKIPPED) if why else RUNS
    return {
        "notebook": "",
        "kind": kind,
        "item": item,
        "status": status,
        "missing": tuple(missing),
        "why": tuple(why),
    }


def lacking(tables: tuple[str, ...], shape: DataShape) -> tuple[str, ...]:
    """The tables among ``tables`` that are absent, in contract order."""
    rank = {t: i for i, t in enumerate(TABLES)}
    return tuple(sorted({t for t in tables if t not in shape.have}, key=lambda t: rank.get(t, 99)))


def history_gap(shape: DataShape, need: int) -> list[tuple]:
    """``[("history", need, have)]`` when the orders cover fewer than ``need`` days."""
    if shape.history_days is not None and shape.history_days < need:
        return [("history", need, shape.history_days)]
    return []


def rule_gaps(rule: Rule, shape: DataShape) -> list[tuple]:
    """Why ``rule`` cannot run on data of this shape, beyond missing tables: the first of
    its :attr:`~helpers.alerts.Rule.requires` the data lacks, else too short a history."""
    for need in rule.requires:
        attr, code = REQUIREMENTS[need]
        if not getattr(shape, attr):
            return [(code,)]
    days = rule.history_days(shape.settings.thresholds)
    return [] if days is None else history_gap(shape, days)


def alert_rule_status(rule: str, shape: DataShape) -> Row:
    """Whether alert ``rule`` can be evaluated on data of this shape (one sections row).

    Read off the rule's declaration in :data:`helpers.alerts.REGISTRY`: the tables it
    ``needs``, then the data it ``requires`` (:data:`REQUIREMENTS`) and its ``min_history``;
    the tables it is ``enriched_by`` only add metrics (status ``partly`` without them).
    """
    declared = REGISTRY[rule]
    missing = lacking(declared.needs, shape)
    why: list[tuple] = [("table", t) for t in missing]
    if not why:
        why = rule_gaps(declared, shape)
    if why:
        return row("alert", rule, missing, why)
    extra = lacking(declared.enriched_by, shape)
    return row("alert", rule, extra, [("table", t) for t in extra], partly=True)


def alert_rows(shape: DataShape, theme: str = "daily_review") -> list[Row]:
    """One row per alert rule ``theme`` evaluates, in report order (the themes' own rules
    registered by :func:`helpers.themes.load_alert_rules`)."""
    load_alert_rules()
    return [alert_rule_status(r.id, shape) for r in REGISTRY.in_report_order(theme)]


def section_row(section: Section, shape: DataShape) -> Row:
    """A section's row from its declaration: skipped when a need is missing (a table, or a
    column without values), partly when an enriching table is absent, else runs."""
    missing = section.missing(shape.available)
    tables = lacking(tuple(n for n in missing if "." not in n), shape)
    why: list[tuple] = [("table", t) for t in tables]
    for need in (n for n in missing if "." in n):
        code = COLUMN_REASONS.get(need)
        why.append((code,) if code else ("no_column", need))
    if why:
        return row("section", section.id, tables, why)
    extra = lacking(section.lacking(shape.available), shape)
    return row("section", section.id, extra, [("table", t) for t in extra], partly=True)


def special_cases(theme: Theme) -> Callable[[DataShape, list[Row]], list[Row]] | None:
    """The theme's ``checks.check_sections`` when its package has one."""
    name = f"helpers.{theme.name}.{SPECIAL_MODULE}"
    if importlib.util.find_spec(name) is None:
        return None
    return getattr(importlib.import_module(name), SPECIAL_FUNCTION, None)


def theme_rows(theme: Theme, shape: DataShape) -> list[Row]:
    """Rows of every declared section of ``theme``, adjusted by its special cases."""
    rows = [section_row(s, shape) for s in theme.sections]
    special = special_cases(theme)
    return special(shape, rows) if special is not None else rows


def notebook_names() -> list[str]:
    """Every notebook of the repository (short names), else every discovered theme."""
    try:
        from helpers.runner import default_notebooks_dir, discover_notebooks, short_name

        found = [short_name(p.stem) for p in discover_notebooks(default_notebooks_dir())]
    except (OSError, ValueError):
        found = []
    return found or [t.name for t in discover_themes()]


def sections_frame(shape: DataShape, notebooks: list[str] | None = None) -> pd.DataFrame:
    """Sections rows of every notebook (see :attr:`helpers.check.CheckReport.sections`): the
    sections of its theme, or one row for the whole notebook when it declares none."""
    themes = {t.name: t for t in discover_themes()}
    rows: list[Row] = []
    for nb in notebooks if notebooks is not None else notebook_names():
        theme = themes.get(nb)
        if not shape.usable:
            found = [row("notebook", "", (), [("unusable",)])]
        elif theme is None:
            found = [row("notebook", "", (), [])]
        else:
            found = theme_rows(theme, shape)
        rows += [r | {"notebook": nb} for r in found]
    return pd.DataFrame(rows, columns=list(SECTIONS_COLUMNS))


def item_label(notebook: str, kind: str, item: str, lang: str = "zh") -> str:
    """The display name of a sections row: the section's heading as its notebook shows it,
    or the alert rule's name (the id when neither is known)."""
    if kind == "alert" and item in REGISTRY:
        return REGISTRY[item].label(lang)
    theme = {t.name: t for t in discover_themes()}.get(notebook)
    if kind == "section" and theme is not None and item in {s.id for s in theme.sections}:
        return theme.section(item).title(lang)
    return item
