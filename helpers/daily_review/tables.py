"""The daily review's display tables: its result frames formatted for the report.

Each function takes one of the frames of :class:`~helpers.daily_review.review.DailyReview`
and returns a display frame (formatted strings, translated labels) or Markdown. They format
and translate; they never compute metrics. Text from the data is escaped before it reaches
Markdown (pandas escapes cell text itself when it renders a frame as HTML).
"""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import Markdown

from helpers import contract, i18n, numbers
from helpers.alerts import REGISTRY
from helpers.cells import cell_optional_number
from helpers.daily_review.theme import THEME
from helpers.report import escape_text as escape
from helpers.view import bullet_list, corner, format_frame, need_label

#: KPI table columns: the run date's value, then each baseline followed by the change to it
KPI_COLUMNS = (
    "value",
    "prev_day",
    "vs_prev_day",
    "same_weekday_last_week",
    "vs_last_week",
    "avg_7d",
    "vs_avg_7d",
    "last_year",
    "vs_last_year",
)


#: change column -> the baseline it compares with
CHANGE_BASE = {
    "vs_prev_day": "prev_day",
    "vs_last_week": "same_weekday_last_week",
    "vs_avg_7d": "avg_7d",
    "vs_last_year": "last_year",
}


def change_text(row, col: str, unit: str, lang: str) -> str:
    """A KPI change: a rate (unit ``ratio``) in percentage points (its value minus the
    baseline's: 21.3% -> 69.9% is ``+48.6 个百分点``, not ``+228%``), anything else as a
    relative change."""
    if unit == "ratio":
        return numbers.format_pp(row.value - getattr(row, CHANGE_BASE[col]), lang)
    return numbers.format_change(getattr(row, col))


def kpi_table(kpis: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """Headline KPIs as display strings: label, value, baselines and changes (rates in
    percentage points, see :func:`change_text`).

    Parameters
    ----------
    kpis : the frame from :func:`helpers.metrics.kpis.headline_kpis` (one row per metric with
        ``value``, ``prev_day``, ``same_weekday_last_week``, ``avg_7d``, ``last_year`` and
        ``vs_*`` changes); rows with ``available`` False are left out.
    """
    rows = []
    for r in kpis.itertuples(index=False):
        if hasattr(r, "available") and not r.available:
            continue
        metric = str(r.metric)
        unit = i18n.metric_unit(metric) or getattr(r, "unit", "")
        row = {i18n.t("metric", lang): i18n.metric_label(metric, lang)}
        for col in KPI_COLUMNS:
            v = getattr(r, col)
            row[i18n.label(i18n.BASELINES, col, lang)] = (
                change_text(r, col, unit, lang)
                if col.startswith("vs_")
                else numbers.format_value(v, unit, currency=currency)
            )
        rows.append(row)
    return corner(pd.DataFrame(rows).set_index(i18n.t("metric", lang))) if rows else pd.DataFrame()


def split_table(split: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """The GMV split as a table: each factor's baseline and run-date level and contribution."""
    units = {"uv": "count", "buyers": "count", "cvr": "ratio", "arpu": "currency"}
    rows = []
    for r in split.itertuples(index=False):
        factor = str(r.factor)
        unit = units.get(factor, "count")
        rows.append(
            {
                i18n.t("metric", lang): i18n.label(i18n.FACTORS, factor, lang),
                i18n.label(i18n.BASELINES, "baseline", lang): numbers.format_value(
                    cell_optional_number(r.before), unit, currency=currency
                ),
                i18n.t("after", lang): numbers.format_value(
                    cell_optional_number(r.after), unit, currency=currency
                ),
                i18n.t("contribution", lang): numbers.format_value(
                    cell_optional_number(r.contribution), "currency", currency=currency
                ),
            }
        )
    return corner(pd.DataFrame(rows).set_index(i18n.t("metric", lang)))


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
            "cvr_diff": "pp",
        },
        labels={"cvr_diff": i18n.label(i18n.BASELINES, "vs_prev_day", lang) + " (CVR)"},
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
            "sku_id": i18n.t("sku_id", lang),
            "title": i18n.t("item", lang),
            "gmv_before": i18n.label(i18n.BASELINES, "baseline", lang),
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
            "roas_7d": "ROAS（近7日）" if lang == "zh" else "ROAS (7d)",
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
            "sku_id": i18n.t("sku_id", lang),
            "title": i18n.t("item", lang),
            "cases": i18n.t("cases", lang),
            "share": i18n.t("share", lang),
        },
        lang=lang,
        currency=currency,
    )


def overdue_table(overdue: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Overdue unshipped orders by channel with the longest wait (in hours, the unit named
    by the column header: no English ``h`` after the numbers on a Chinese page)."""
    return format_frame(
        overdue,
        units={"channel": "text", "orders": "count", "max_hours": "decimal"},
        labels={
            "orders": i18n.t("orders_overdue", lang),
            "max_hours": i18n.t("hours_waiting", lang),
        },
        lang=lang,
    )


def _column_zh(name: str) -> str:
    """A contract column's Chinese name (any table), the name itself when unknown."""
    for table in contract.TABLES.values():
        for col in table.columns:
            if col.name == name and col.zh:
                return col.zh
    return name


#: intake's reason patterns (first clause) -> Chinese, ``{c}`` = the column's Chinese name
REASON_PATTERNS_ZH: tuple[tuple[str, str], ...] = (
    (r"missing (\w+)$", "缺少{c}"),
    (r"unparseable (?:datetime|date) in (\w+)", "{c}不是有效的日期时间"),
    (r"unparseable number in (\w+)", "{c}不是数字"),
    (r"not a whole number in (\w+)", "{c}不是整数"),
    (r"not a yes/no value in (\w+)", "{c}不是“是/否”"),
    (r"(\w+) below minimum (\S+)", "{c}低于最小值 {m}"),
    (r"(\w+) not one of ", "{c}不在允许的取值内"),
    (r"duplicate key (\w+)", "主键重复（{c}）"),
    (r"(\w+) .* not found in accepted (\w+)", "{c}在已接收的{t}中找不到"),
    (r"not read by any table of mapping", "映射规则没有读取这一行"),
)


def reason_text(reason: str, lang: str = "zh", *, zh: str = "") -> str:
    """A quarantine reason in the report language: in Chinese the one its mapping declared
    (``zh``, the quarantine's ``reason_zh``), else intake's reason translated from its
    pattern (:data:`REASON_PATTERNS_ZH`); English reasons as they are."""
    if lang != "zh":
        return reason
    if zh.strip():
        return zh.strip()
    reason = reason.strip()
    for pattern, zh in REASON_PATTERNS_ZH:
        m = re.match(pattern, reason)
        if m:
            groups = m.groups()
            c = _column_zh(groups[0]) if groups else ""
            t = i18n.table_label(groups[1], lang) + "表" if len(groups) > 1 else ""
            return zh.format(c=c, m=groups[1] if len(groups) > 1 else "", t=t)
    return reason


def quarantine_table(summary: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Quarantined input rows by table and reason (table and reason in the report
    language)."""
    zh = summary["reason_zh"] if "reason_zh" in summary else pd.Series("", index=summary.index)
    summary = summary.assign(
        table=summary["table"].map(lambda t: i18n.table_label(str(t), lang)),
        reason=[
            reason_text(str(r), lang, zh="" if pd.isna(z) else str(z))
            for r, z in zip(summary["reason"], zh, strict=True)
        ],
    )
    return format_frame(
        summary[["table", "reason", "rows"]],
        units={"table": "text", "reason": "text", "rows": "count"},
        labels={
            "table": i18n.t("table", lang),
            "reason": i18n.t("reason", lang),
            "rows": i18n.t("rows", lang),
        },
        lang=lang,
        translate_channels=False,
    )


def run_header(
    *,
    shop_name: str,
    run_date: pd.Timestamp,
    currency: str,
    lang: str = "zh",
    cut_off: pd.Timestamp | None = None,
) -> Markdown:
    """One line naming the shop, the day under review and the currency; when the day is
    the export's last, cut-off day (``cut_off`` = its last timestamp) the line says that
    the day is incomplete."""
    day = f"{run_date:%Y-%m-%d}"
    weekday = "一二三四五六日"[run_date.weekday()]
    if lang == "zh":
        cut = (
            f" · ⚠ 导出截至 {cut_off:%H:%M}，当天数据不完整，数字偏低"
            if cut_off is not None
            else ""
        )
        return Markdown(
            f"**{escape(shop_name)}** · 复盘日期 {day}（周{weekday}）· 币种 {escape(currency)}{cut}"
        )
    cut = (
        f" · ⚠ the export ends at {cut_off:%H:%M}: this day is incomplete, its figures are low"
        if cut_off is not None
        else ""
    )
    return Markdown(
        f"**{escape(shop_name)}** · review of {day} ({run_date:%A}) · currency "
        f"{escape(currency)}{cut}"
    )


def alerts_list(alerts: pd.DataFrame, *, lang: str = "zh") -> Markdown:
    """Alerts as a Markdown list: severity, rule name and the full message (escaped)."""
    msg = "message_zh" if lang == "zh" else "message_en"
    lines = []
    for r in alerts.itertuples(index=False):
        rule = REGISTRY.label(str(r.rule), lang)
        sev = i18n.label(i18n.SEVERITY, str(r.severity), lang)
        lines.append(f"- **[{escape(sev)}] {escape(rule)}**: {escape(getattr(r, msg))}")
    return Markdown("\n".join(lines))


def section_title(section_id: str, lang: str = "zh") -> str:
    """A review section's heading without its number (``funnel`` -> 渠道漏斗); the id itself
    for what is not a section (``baselines``: the statistical baselines)."""
    if section_id == "baselines":
        return "统计基线" if lang == "zh" else "Statistical baselines"
    try:
        title = THEME.section(section_id).title(lang)
    except KeyError:
        return section_id
    return re.sub(r"^\d+\.\s*", "", title)


def skipped_list(skipped: dict[str, tuple[str, ...]], *, lang: str = "zh") -> Markdown:
    """Sections skipped (or run in part), by their heading, and what they lacked in words."""
    sep = "：" if lang == "zh" else ": "
    return bullet_list(
        escape(section_title(section, lang))
        + sep
        + ("、" if lang == "zh" else ", ").join(escape(_need_text(t, lang)) for t in needs)
        for section, needs in skipped.items()
    )


def _need_text(need: str, lang: str) -> str:
    """A table or column need in words; ``N days of history`` in the report language."""
    days = re.match(r"(\d+) days of history", need)
    if days:
        return f"至少 {days.group(1)} 天的历史数据" if lang == "zh" else need
    return need_label(need, lang)
