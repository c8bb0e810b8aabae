"""How results are shown in a notebook: formatted tables and plain-language notes.

Functions here turn result tables into display objects (pandas Stylers, Markdown). They format
and translate; they never compute metrics. Every piece of text that comes from the data
(titles, reasons, channel names) is escaped before it reaches Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd
from IPython.display import Markdown, display

from helpers import i18n
from helpers.report import escape_text as escape
from helpers.sections import Shown, pick

#: What an empty section says when it declares nothing more specific.
NOTHING_TO_SHOW = ("这一天没有可显示的数据。", "Nothing to show for this date.")


def md(text: str) -> Markdown:
    """A Markdown display object (the text must already be escaped where it holds data)."""
    return Markdown(text)


def skip_note(tables: Sequence[str], lang: str = "zh") -> Markdown:
    """The plain-words note for a section that cannot run for lack of tables."""
    names = ", ".join(f"`{t}` ({i18n.table_label(t, lang)})" for t in tables)
    return Markdown("> " + i18n.t("missing_table", lang, tables=names))


def bullet_list(lines: Iterable[str]) -> Markdown:
    """Markdown bullets from already-escaped lines (empty input -> nothing shown)."""
    items = [f"- {line}" for line in lines]
    return Markdown("\n".join(items))


def kpi_table(kpis: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """Headline KPIs as display strings: label, value, baselines and changes.

    Parameters
    ----------
    kpis : the frame from :func:`helpers.metrics.kpis.headline_kpis` (one row per metric with
        ``value``, ``prev_day``, ``same_weekday_last_week``, ``avg_7d``, ``last_year`` and
        ``vs_*`` changes).
    """
    rows = []
    for r in kpis.itertuples(index=False):
        if hasattr(r, "available") and not r.available:
            continue
        unit = i18n.metric_unit(r.metric) or getattr(r, "unit", "")
        row = {i18n.t("metric", lang): i18n.metric_label(r.metric, lang)}
        for col in ("value", "prev_day", "vs_prev_day", "same_weekday_last_week", "vs_last_week"):
            v = getattr(r, col)
            row[i18n.label(i18n.BASELINES, col, lang)] = (
                i18n.format_change(v)
                if col.startswith("vs_")
                else i18n.format_value(v, unit, currency=currency)
            )
        for col in ("avg_7d", "vs_avg_7d", "last_year", "vs_last_year"):
            v = getattr(r, col)
            row[i18n.label(i18n.BASELINES, col, lang)] = (
                i18n.format_change(v)
                if col.startswith("vs_")
                else i18n.format_value(v, unit, currency=currency)
            )
        rows.append(row)
    return pd.DataFrame(rows).set_index(i18n.t("metric", lang)) if rows else pd.DataFrame()


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
    ``text``); columns not named are dropped. Text stays raw here: pandas escapes cell text
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
            out[col] = s.map(i18n.format_change)
        else:
            out[col] = s.map(lambda v, u=unit: i18n.format_value(v, u, currency=currency))
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
        out = out.set_index(out.columns[0])
    return out


def split_table(split: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """The GMV split as a table: each factor's baseline and run-date level and contribution."""
    units = {"uv": "count", "buyers": "count", "cvr": "ratio", "arpu": "currency"}
    rows = []
    for r in split.itertuples(index=False):
        unit = units.get(r.factor, "count")
        rows.append(
            {
                i18n.t("metric", lang): i18n.label(i18n.FACTORS, r.factor, lang),
                i18n.label(i18n.BASELINES, "prev_day", lang): i18n.format_value(
                    r.before, unit, currency=currency
                ),
                i18n.t("after", lang): i18n.format_value(r.after, unit, currency=currency),
                i18n.t("contribution", lang): i18n.format_value(
                    r.contribution, "currency", currency=currency
                ),
            }
        )
    return pd.DataFrame(rows).set_index(i18n.t("metric", lang))


_STORY_HEADINGS = {
    "where": ("哪里变了", "Where did it change"),
    "why": ("为什么变", "Why"),
    "next": ("下一步怎么改", "What we change next"),
}


def story_block(story: dict[str, list[str]], *, lang: str = "zh") -> Markdown:
    """The three answers of the review as one Markdown block (lines already escaped)."""
    parts = []
    for key, (zh, en) in _STORY_HEADINGS.items():
        lines = story.get(key) or [i18n.t("none", lang)]
        heading = zh if lang == "zh" else en
        parts.append(f"**{heading}**\n\n" + "\n".join(f"- {line}" for line in lines))
    return Markdown("\n\n".join(parts))


def run_header(
    *, shop_name: str, run_date: pd.Timestamp, currency: str, lang: str = "zh"
) -> Markdown:
    """One line naming the shop, the day under review and the currency."""
    day = f"{run_date:%Y-%m-%d}"
    weekday = "一二三四五六日"[run_date.weekday()]
    if lang == "zh":
        return Markdown(
            f"**{escape(shop_name)}** · 复盘日期 {day}（周{weekday}）· 币种 {escape(currency)}"
        )
    return Markdown(
        f"**{escape(shop_name)}** · review of {day} ({run_date:%A}) · currency {escape(currency)}"
    )


def alerts_list(alerts: pd.DataFrame, *, lang: str = "zh") -> Markdown:
    """Alerts as a Markdown list: severity, rule name and the full message (escaped)."""
    from helpers.alerts.rules import RULES

    msg = "message_zh" if lang == "zh" else "message_en"
    lines = []
    for r in alerts.itertuples(index=False):
        rule = RULES.get(r.rule, (r.rule, r.rule))[0 if lang == "zh" else 1]
        sev = i18n.label(i18n.SEVERITY, r.severity, lang)
        lines.append(f"- **[{escape(sev)}] {escape(rule)}**: {escape(getattr(r, msg))}")
    return Markdown("\n".join(lines))


def numbered(lines: Iterable[str]) -> Markdown:
    """A numbered Markdown list from already-escaped lines."""
    return Markdown("\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1)))


def note(zh: str, en: str, *, lang: str = "zh") -> Markdown:
    """A one-line note in the report language (fixed text, not data)."""
    return Markdown("> " + (zh if lang == "zh" else en))


def funnel_table(funnel: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """The channel funnel with counts, GMV, the three step rates and the CVR change."""
    return format_frame(
        funnel,
        units={
            "channel": "text",
            "impressions": "count",
            "uv": "count",
            "cart_users": "count",
            "buyers": "count",
            "gmv": "currency",
            "ctr": "ratio",
            "cart_rate": "ratio",
            "cvr": "ratio",
            "cvr_change": "change",
        },
        labels={"cvr_change": i18n.label(i18n.BASELINES, "vs_prev_day", lang) + " (CVR)"},
        lang=lang,
        currency=currency,
    )


def items_table(items: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """Items behind a GMV change: id, title, GMV before / on the run date, change, units."""
    return format_frame(
        items,
        units={
            "sku_id": "text",
            "title": "text",
            "gmv_before": "currency",
            "gmv_after": "currency",
            "gmv_change": "currency",
            "units_after": "count",
        },
        labels={
            "sku_id": "SKU",
            "title": i18n.t("item", lang),
            "gmv_before": i18n.label(i18n.BASELINES, "prev_day", lang),
            "gmv_after": i18n.t("after", lang),
            "gmv_change": i18n.t("change", lang),
            "units_after": i18n.metric_label("units", lang),
        },
        lang=lang,
        currency=currency,
    )


def ads_table(ads: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """Ad channels: spend, attributed GMV, ROAS, and the 7-day daily spend and ROAS."""
    avg = i18n.label(i18n.BASELINES, "avg_7d", lang)
    return format_frame(
        ads,
        units={
            "channel": "text",
            "ad_spend": "currency",
            "ad_gmv": "currency",
            "roas": "ratio_x",
            "ad_spend_7d": "currency",
            "roas_7d": "ratio_x",
        },
        labels={
            "ad_spend_7d": f"{i18n.metric_label('ad_spend', lang)} ({avg})",
            "roas_7d": "ROAS (7d)",
        },
        lang=lang,
        currency=currency,
    )


def refund_items_table(
    items: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY", top: int = 8
) -> pd.DataFrame:
    """Items with the most refund requests in the window."""
    return format_frame(
        items.head(top),
        units={
            "sku_id": "text",
            "title": "text",
            "cases": "count",
            "refund_amount": "currency",
            "share": "ratio",
        },
        labels={
            "sku_id": "SKU",
            "title": i18n.t("item", lang),
            "cases": i18n.t("cases", lang),
            "share": i18n.t("share", lang),
        },
        lang=lang,
        currency=currency,
    )


def overdue_table(overdue: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Overdue unshipped orders by channel with the longest wait."""
    return format_frame(
        overdue,
        units={"channel": "text", "orders": "count", "max_hours": "hours"},
        labels={
            "orders": i18n.t("orders_overdue", lang),
            "max_hours": i18n.t("hours_waiting", lang),
        },
        lang=lang,
    )


def quarantine_table(summary: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Quarantined input rows by table and reason."""
    return format_frame(
        summary,
        units={"table": "text", "reason": "text", "rows": "count"},
        labels={
            "table": i18n.t("table", lang),
            "reason": i18n.t("reason", lang),
            "rows": i18n.t("rows", lang),
        },
        lang=lang,
        translate_channels=False,
    )


def skipped_list(skipped: dict[str, tuple[str, ...]], *, lang: str = "zh") -> Markdown:
    """Sections skipped (or run in part) and the tables they lacked."""
    return bullet_list(
        f"{escape(section)}: " + ", ".join(escape(i18n.table_label(t, lang)) for t in tables)
        for section, tables in skipped.items()
    )


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
