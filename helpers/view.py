"""Generic notebook display helpers: Markdown, notes, formatted frames and :func:`present`.

Every theme uses these; a theme's own display tables live in its package (e.g.
:mod:`helpers.daily_review.tables`). They format and translate; they never compute metrics.
Every piece of text that comes from the data (titles, reasons, channel names) is escaped
before it reaches Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd
from IPython.display import Markdown, display

from helpers import contract, i18n, numbers
from helpers.report import escape_text as escape
from helpers.sections import Shown, pick

__all__ = [
    "NOTHING_TO_SHOW",
    "bullet_list",
    "corner",
    "escape",
    "format_frame",
    "md",
    "need_label",
    "note",
    "numbered",
    "present",
    "skip_note",
]

#: What an empty section says when it declares nothing more specific.
NOTHING_TO_SHOW = ("这一天没有可显示的数据。", "Nothing to show for this date.")


def md(text: str) -> Markdown:
    """A Markdown display object (the text must already be escaped where it holds data)."""
    return Markdown(text)


def need_label(need: str, lang: str = "zh") -> str:
    """A section's need in words: a table (``traffic`` -> 流量表) or a column
    (``orders.shipped_at`` -> 订单表的发货时间字段), never calling a column a table."""
    table, _, column = need.partition(".")
    if not column:
        return i18n.table_label(table, lang) + ("表" if lang == "zh" else " table")
    col = next((c for c in contract.TABLES[table].columns if c.name == column), None)
    if lang == "zh":
        zh = col.zh if col is not None and col.zh else column
        return f"{i18n.table_label(table, lang)}表的{zh}字段"
    return f"the {column} column of the {i18n.table_label(table, lang)} table"


def skip_note(tables: Sequence[str], lang: str = "zh") -> Markdown:
    """The plain-words note for a section that cannot run for lack of a table or a column
    (``table.column``)."""
    if all("." not in t for t in tables):
        names = ", ".join(f"`{t}` ({i18n.table_label(t, lang)})" for t in tables)
        return Markdown("> " + i18n.t("missing_table", lang, tables=names))
    sep = "、" if lang == "zh" else ", "
    names = sep.join(
        f"`{t}`（{need_label(t, lang)}）" if lang == "zh" else f"`{t}` ({need_label(t, lang)})"
        for t in tables
    )
    return Markdown("> " + i18n.t("missing_need", lang, needs=names))


def bullet_list(lines: Iterable[str]) -> Markdown:
    """Markdown bullets from already-escaped lines (empty input -> nothing shown)."""
    items = [f"- {line}" for line in lines]
    return Markdown("\n".join(items))


def format_frame(
    data: pd.DataFrame,
    *,
    units: dict[str, str],
    labels: dict[str, str] | None = None,
    lang: str = "zh",
    currency: str = "CNY",
    translate_channels: bool = True,
) -> pd.DataFrame:
    """Format selected columns by unit and rename them for display.

    ``units`` maps column -> unit (``currency``, ``count``, ``ratio``, ``ratio_x``, ``change``,
    ``pp`` (a rate difference in percentage points), ``text``); columns not named are dropped. Text stays raw here: pandas escapes cell text
    when it renders a DataFrame as HTML (``escape=True`` by default), so a ``<script>`` title
    shows as text.
    """
    out = pd.DataFrame(index=data.index)
    for col, unit in units.items():
        if col not in data:
            continue
        s = data[col]
        if unit == "text":
            if col == "channel" and translate_channels:
                s = s.map(lambda c: i18n.channel_label(str(c), lang))
            out[col] = s.astype(object).where(s.notna(), "").astype(str)
        elif unit == "change":
            out[col] = s.map(numbers.format_change)
        elif unit == "pp":  # a difference of two rates, in percentage points
            out[col] = s.map(lambda v: i18n.format_pp(v, lang))
        else:
            out[col] = s.map(lambda v, u=unit: numbers.format_value(v, u, currency=currency))
    names = labels or {}
    out = out.rename(
        columns={
            c: names.get(c)
            or (
                i18n.metric_label(c, lang)
                if c in i18n.METRICS
                else i18n.TEXT.get(c, (c, c))[0 if lang == "zh" else 1]
            )
            for c in out.columns
        }
    ).reset_index(drop=True)
    first = next(iter(units))
    if units[first] == "text" and len(out.columns) > 1:
        # the label column becomes the index: no meaningless 0..n row numbers in reports
        out = corner(out.set_index(out.columns[0]))
    return out


def corner(frame: pd.DataFrame) -> pd.DataFrame:
    """Move the index name into the header's corner cell (``columns.name``), so an HTML
    table has one header row instead of a second, stray row holding only the index name."""
    out = frame.copy()
    out.columns.name, out.index.name = out.index.name, None
    return out


def numbered(lines: Iterable[str]) -> Markdown:
    """A numbered Markdown list from already-escaped lines."""
    return Markdown("\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1)))


def note(zh: str, en: str, *, lang: str = "zh") -> Markdown:
    """A one-line note in the report language (fixed text, not data)."""
    return Markdown("> " + (zh if lang == "zh" else en))


def present(shown: Shown, show: Callable[[Any], Any], *, lang: str = "zh") -> None:
    """Display one section: its skip note, its empty note, or ``show(data)``.

    ``show`` receives the section's data and displays it (a chart, a table); what it
    returns is displayed too when it is not None. Use it as the whole body of a section cell::

        present(THEME.show("funnel", ctx.available, review.funnel), show_funnel, lang=LANG)
    """
    if shown.state == "skipped":
        display(skip_note(shown.missing, lang))
    elif shown.state == "empty":
        display(Markdown("> " + pick(shown.empty_note or NOTHING_TO_SHOW, lang)))
    else:
        out = show(shown.data)
        if out is not None:
            display(out)
