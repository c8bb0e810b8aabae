"""The daily review's special cases in ``playbook check`` (beyond what its sections declare).

:func:`helpers.check.sections.theme_rows` builds one row per declared section from its needs;
:func:`check_sections` then says what the declaration cannot: the GMV split runs in part
without traffic (buyers x revenue per buyer), the KPIs and trends run in part without the
tables of some of their metrics, the alerts section runs in part when some rules cannot run,
and the alert rules are listed after the sections (as :func:`build_review` decides them).
"""

from __future__ import annotations

from helpers.check.sections import PARTLY, RUNS, Row, alert_rows, lacking, row
from helpers.check.shape import DataShape
from helpers.daily_review.review import TREND_METRICS
from helpers.metrics.kpis import HEADLINE


def _in_part(item: str, tables: tuple[str, ...], shape: DataShape) -> Row:
    """A section that runs, in part when some of ``tables`` are absent."""
    missing = lacking(tables, shape)
    return row("section", item, missing, [("table", t) for t in missing], partly=True)


def _alerts_row(rules: list[Row], shape: DataShape) -> Row:
    """The alerts section: in part when some rules cannot run, naming their missing tables
    (and pointing at the rules table for reasons other than tables)."""
    not_run = [r for r in rules if r["status"] != RUNS]
    missing = lacking(tuple(t for r in not_run for t in r["missing"]), shape)
    why: list[tuple] = [("table", t) for t in missing]
    if not_run and not missing:
        why = [("see_rules",)]
    elif not_run and any(w[0] != "table" for r in not_run for w in r["why"]):
        why.append(("see_rules",))
    return row("section", "alerts", missing, why, partly=True)


def check_sections(shape: DataShape, rows: list[Row]) -> list[Row]:
    """The declared rows adjusted for the review's partly-running sections, then one row per
    alert rule."""
    rules = alert_rows(shape)
    adjusted = []
    for r in rows:
        item, skipped = r["item"], r["status"] != RUNS
        if item == "split" and skipped:  # without traffic: GMV = buyers x 客单价 instead
            r = r | {"status": PARTLY}
        elif item == "kpis" and not skipped:
            r = _in_part(item, tuple(n for _, _, n in HEADLINE if n), shape)
        elif item == "trends" and not skipped:
            r = _in_part(item, tuple(n for n in TREND_METRICS.values() if n), shape)
        elif item == "alerts" and not skipped:
            r = _alerts_row(rules, shape)
        adjusted.append(r)
    return adjusted + rules
