"""Promotion calendar charts. They draw results computed in this package; they never compute
metrics. Data first, keyword-only options, ``ax=None``, the Axes returned; ``lang`` is the
chart label language returned by :func:`helpers.charts.setup`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.dates import DateFormatter
from matplotlib.patches import Patch

from helpers.charts import (
    COLOR_DOWN,
    COLOR_MAIN,
    COLOR_SOFT,
    COLOR_UP,
    PHASE_COLORS,
    format_axis,
    shade_phases,
)
from helpers.charts.base import COLOR_ACCENT, axes_or_new, in_lang, shade_days

#: day category -> (colour, zh, en)
CATEGORY_STYLE = {
    "burst": (PHASE_COLORS["burst"], "爆发", "burst"),
    "warmup": ("#f3dca8", "预热", "warm-up"),
    "afterglow": (PHASE_COLORS["afterglow"], "余热", "after-glow"),
    "logistics": ("#9aa5b1", "快递停运", "logistics pause"),
    "holiday": ("#a8d5ba", "法定假日", "public holiday"),
    "workday": ("#d9c2e9", "调休上班", "make-up workday"),
    "ordinary": ("#f4f4f4", "平日", "ordinary day"),
}
READINESS_COLORS = {"enough": COLOR_UP, "at_risk": COLOR_ACCENT, "short": COLOR_DOWN}
READINESS_LABELS = {
    "enough": ("充足", "enough"),
    "at_risk": ("有风险", "at risk"),
    "short": ("不足", "short"),
    "unknown": ("未知", "unknown"),
}
PHASE_LABELS = {
    "pre": ("预热前", "before"),
    "warmup": ("预热", "warm-up"),
    "burst": ("爆发", "burst"),
    "afterglow": ("余热", "after-glow"),
    "post": ("活动后", "after"),
    "total": ("合计", "total"),
}


def calendar_heatmap(
    data: pd.DataFrame, *, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Days as a week x weekday grid coloured by category (burst, warm-up, holiday ...).

    ``data``: :func:`helpers.promotion_calendar.overview.calendar_days` output.
    """
    cats = list(CATEGORY_STYLE)
    monday = data["date"] - pd.to_timedelta(data["date"].dt.day_of_week, unit="D")
    grid = data.assign(week=monday, wd=data["date"].dt.day_of_week)
    grid = grid.assign(code=grid["category"].map({c: i for i, c in enumerate(cats)}))
    table = grid.pivot_table(index="wd", columns="week", values="code", aggfunc="first")
    ax = axes_or_new(ax, (min(2 + 0.28 * table.shape[1], 16), 3.2))
    cmap = ListedColormap([CATEGORY_STYLE[c][0] for c in cats])
    sns.heatmap(
        table,
        cmap=cmap,
        vmin=-0.5,
        vmax=len(cats) - 0.5,
        cbar=False,
        linewidths=1,
        linecolor="white",
        ax=ax,
    )
    weeks = table.columns
    step = max(1, len(weeks) // 12)
    ax.set_xticks(np.arange(0, len(weeks), step) + 0.5, [f"{w:%m-%d}" for w in weeks[::step]])
    names = ["一", "二", "三", "四", "五", "六", "日"] if lang != "en" else list("MTWTFSS")
    ax.set_yticks(np.arange(7) + 0.5, names, rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    shown = [c for c in cats if c in set(data["category"])]
    handles = [
        Patch(color=CATEGORY_STYLE[c][0], label=in_lang(*CATEGORY_STYLE[c][1:], lang))
        for c in shown
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title)
    return ax


def year_of_sales(
    data: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY", ax: Axes | None = None
) -> Axes:
    """Daily GMV of the past year with festival phases, holidays and logistics pauses shaded.

    ``data``: ``past_days`` of :class:`~helpers.promotion_calendar.overview.PromotionCalendar`
    (``date, category, gmv``).
    """
    ax = axes_or_new(ax, (11, 3.6))
    shade_phases(ax, data.rename(columns={"category": "phase"}))
    for c in ("holiday", "logistics"):
        shade_days(ax, data.loc[data["category"] == c, "date"], CATEGORY_STYLE[c][0])
    ax.plot(data["date"], data["gmv"], color=COLOR_MAIN, lw=0.9)
    week = data.set_index("date")["gmv"].rolling(7, min_periods=1).mean()
    ax.plot(week.index, week.to_numpy(), color=COLOR_SOFT, lw=2)
    format_axis(ax.yaxis, "currency", currency, lang=lang)
    ax.set_title(
        in_lang(
            "过去一年的每日 GMV（浅线为 7 日均线）",
            "Daily GMV, past year (light: 7-day mean)",
            lang,
        )
    )
    return ax


def event_vs_baseline(
    data: pd.DataFrame,
    *,
    lang: str = "zh",
    currency: str = "CNY",
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """One event's daily GMV against its counterfactual baseline and interval band.

    ``data``: the event's rows of :attr:`Evaluation.days` (``date, actual, baseline, lower,
    upper, phase``).
    """
    ax = axes_or_new(ax, (10, 3.6))
    shade_phases(ax, data)
    ax.fill_between(
        data["date"],
        data["lower"],
        data["upper"],
        color=COLOR_SOFT,
        alpha=0.35,
        lw=0,
        label=in_lang("基线区间", "baseline interval", lang),
    )
    ax.plot(
        data["date"],
        data["baseline"],
        color=COLOR_SOFT,
        lw=2,
        label=in_lang("基线", "baseline", lang),
    )
    ax.plot(
        data["date"],
        data["actual"],
        color=COLOR_MAIN,
        lw=1.5,
        marker="o",
        ms=3,
        label=in_lang("实际", "actual", lang),
    )
    format_axis(ax.yaxis, "currency", currency, lang=lang)
    ax.xaxis.set_major_formatter(DateFormatter("%m-%d"))
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(title)
    return ax


def phase_uplift(
    data: pd.DataFrame, *, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Uplift per phase with its interval (whiskers); bars below zero are the pull-forward dip
    and the hangover. ``data``: one event's phase rows of :attr:`Evaluation.phases`."""
    d = data[data["phase"] != "total"].reset_index(drop=True)
    ax = axes_or_new(ax, (7, 3.2))
    colors = [COLOR_UP if u >= 0 else COLOR_DOWN for u in d["uplift"]]
    err = np.vstack([d["uplift"] - d["uplift_lower"], d["uplift_upper"] - d["uplift"]]).clip(min=0)
    ax.bar(range(len(d)), d["uplift"], color=colors, yerr=err, capsize=4)
    ax.axhline(0, color="#555", lw=0.8)
    ax.set_xticks(range(len(d)), [in_lang(*PHASE_LABELS[p], lang) for p in d["phase"]])
    format_axis(ax.yaxis, "ratio", decimals=0)
    ax.set_title(title)
    return ax


@dataclass(frozen=True)
class _YearOnYear:
    """What tells one "this year vs last year" line chart apart: the x column, the two value
    columns (this year, last year), the axis label and title ``(zh, en)``, the line width and
    extra style of this year's line."""

    x: str
    columns: tuple[str, str]
    xlabel: tuple[str, str]
    title: tuple[str, str]
    lw: float
    style: dict = field(default_factory=dict)


_BURST_HOURS = _YearOnYear(
    x="hour",
    columns=("cum_this", "cum_last"),
    xlabel=("小时", "hour"),
    title=("爆发日累计 GMV：今年 vs 去年", "Burst day cumulative GMV: this year vs last"),
    lw=2,
    style={"marker": "o", "ms": 3},
)
_PHASE_DAYS = _YearOnYear(
    x="offset",
    columns=("gmv_this", "gmv_last"),
    xlabel=("距爆发日的天数", "days from the burst day"),
    title=("按阶段逐日：今年 vs 去年", "Day by day over the phases: this year vs last"),
    lw=1.8,
)


def hourly_compare(
    data: pd.DataFrame,
    *,
    lang: str = "zh",
    currency: str = "CNY",
    labels=("", ""),
    ax: Axes | None = None,
) -> Axes:
    """Cumulative GMV by hour of the burst day, this year against last year.

    ``data``: :func:`helpers.promotion_calendar.live.burst_hours` output; ``labels`` name the
    two days.
    """
    ax = axes_or_new(ax, (9, 3.6))
    ax.set_xticks(range(0, 24, 2))
    return _this_and_last(ax, data, _BURST_HOURS, labels=labels, lang=lang, currency=currency)


def phase_days_compare(
    data: pd.DataFrame,
    *,
    lang: str = "zh",
    currency: str = "CNY",
    labels=("", ""),
    ax: Axes | None = None,
) -> Axes:
    """Daily GMV from warm-up to after-glow aligned on the burst day (offset 0), this year
    against last. ``data``: :func:`helpers.promotion_calendar.live.phase_days` output."""
    ax = axes_or_new(ax, (9, 3.4))
    ax.axvline(0, color=PHASE_COLORS["burst"], lw=6, alpha=0.6, zorder=0)
    return _this_and_last(ax, data, _PHASE_DAYS, labels=labels, lang=lang, currency=currency)


def _this_and_last(
    ax: Axes, data: pd.DataFrame, chart: _YearOnYear, *, labels, lang: str, currency: str
) -> Axes:
    """This year's line (solid, the chart's style) and last year's (dashed) on one money
    axis."""
    this, last = chart.columns
    ax.plot(
        data[chart.x], data[this], color=COLOR_MAIN, lw=chart.lw, label=labels[0], **chart.style
    )
    ax.plot(data[chart.x], data[last], color=COLOR_SOFT, lw=chart.lw, ls="--", label=labels[1])
    ax.set_xlabel(in_lang(*chart.xlabel, lang))
    format_axis(ax.yaxis, "currency", currency, lang=lang)
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(in_lang(*chart.title, lang))
    return ax


def readiness_bars(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Stock on hand against expected demand per key SKU, coloured by readiness.

    ``data``: :func:`helpers.promotion_calendar.upcoming.readiness` output.
    """
    d = data.sort_values("expected_units", ascending=False).reset_index(drop=True)
    ax = axes_or_new(ax, (9, 0.32 * len(d) + 1.5))
    y = np.arange(len(d))
    colors = [READINESS_COLORS.get(r, COLOR_SOFT) for r in d["readiness"]]
    ax.barh(y, d["on_hand"].fillna(0), color=colors, height=0.6)
    ax.scatter(
        d["expected_units"],
        y,
        color=COLOR_MAIN,
        marker="|",
        s=220,
        zorder=3,
        label=in_lang("预计需求", "expected demand", lang),
    )
    ax.set_yticks(y, d["sku_id"])
    ax.invert_yaxis()
    handles = [
        Patch(color=c, label=in_lang(*READINESS_LABELS[k], lang))
        for k, c in READINESS_COLORS.items()
    ]
    ax.legend(handles=[*handles, ax.collections[0]], loc="lower right", frameon=False)
    ax.set_xlabel(in_lang("件数", "units", lang))
    ax.set_title(
        in_lang(
            "关键商品：现有库存 vs 到活动结束的预计需求",
            "Key SKUs: stock on hand vs demand to the event's end",
            lang,
        )
    )
    return ax


def mechanic_bars(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Mean burst uplift per mechanic (bars) with the margin gap to the baseline in points
    (dots, right axis). ``data``: :func:`helpers.promotion_calendar.mechanics.compare_mechanics`."""
    ax = axes_or_new(ax, (8, 3.4))
    x = np.arange(len(data))
    ax.bar(
        x, data["burst_uplift"], color=COLOR_SOFT, label=in_lang("爆发日提升", "burst uplift", lang)
    )
    format_axis(ax.yaxis, "ratio", decimals=0)
    ax.set_xticks(x, data["mechanic"])
    right = ax.twinx()
    right.plot(
        x,
        data["margin_gap_pp"],
        "o",
        color=COLOR_DOWN,
        ms=8,
        label=in_lang("毛利率差（百分点）", "margin gap (points)", lang),
    )
    right.axhline(0, color=COLOR_DOWN, lw=0.6, ls=":")
    right.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = right.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper right", frameon=False)
    ax.set_title(
        in_lang(
            "各玩法：提升与毛利（观察性对比）", "Mechanics: uplift and margin (observational)", lang
        )
    )
    return ax


def what_if_lines(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Units, GMV and gross profit indices against discount depth (ordinary day = 1).
    ``data``: :func:`helpers.promotion_calendar.mechanics.what_if` output."""
    ax = axes_or_new(ax, (8, 3.6))
    ax.plot(
        data["depth"],
        data["units_index"],
        color=COLOR_SOFT,
        lw=2,
        label=in_lang("件数", "units", lang),
    )
    ax.plot(data["depth"], data["gmv_index"], color=COLOR_MAIN, lw=2, label="GMV")
    ax.plot(
        data["depth"],
        data["gross_profit_index"],
        color=COLOR_UP,
        lw=2.5,
        label=in_lang("毛利", "gross profit", lang),
    )
    ax.axhline(1, color="#555", lw=0.8, ls=":")
    format_axis(ax.xaxis, "ratio", decimals=0)
    ax.set_xlabel(in_lang("折扣力度", "discount depth", lang))
    ax.set_ylabel(in_lang("相对平日（=1）", "vs an ordinary day (= 1)", lang))
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(in_lang("折扣力度模拟", "Discount what-if", lang))
    return ax
