"""Charts of the market research report. They draw results; they never compute metrics.

Every function takes the data first, keyword-only options and an optional ``ax`` (or
returns the grid's first Axes), and returns the Axes.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from helpers.charts.base import COLOR_DOWN, COLOR_MAIN, COLOR_SOFT, axes_or_new, format_axis
from helpers.sections import Text, pick

STAGE_COLORS = {
    "emerging": "#8ab17d",
    "growth": "#2a9d8f",
    "mature": "#e9c46a",
    "decline": "#e76f51",
    "unknown": "#bbbbbb",
}
STAGE_LABELS: dict[str, Text] = {
    "emerging": ("导入期", "emerging"),
    "growth": ("成长期", "growth"),
    "mature": ("成熟期", "mature"),
    "decline": ("衰退期", "decline"),
    "unknown": ("未知", "unknown"),
}
LABELS: dict[str, Text] = {
    "growth": ("市场同比增速", "Market growth, year on year"),
    "size_share": ("占所跟踪市场的份额", "Share of the tracked market"),
    "share": ("本店市场份额", "Shop's market share"),
    "band": ("价格带", "Price band"),
    "market_share": ("市场", "Market"),
    "shop_share": ("本店", "Shop"),
    "band_share": ("销售额占比", "Share of sales"),
    "term_growth": ("搜索人气同比", "Search popularity, year on year"),
    "shop_growth": ("本店引导访客同比", "Shop visitors from the term, year on year"),
    "price": ("价格", "Price"),
    "sales": ("月销量", "Units a month"),
    "mix": ("流量来源占比", "Traffic sources"),
    "tgi": ("偏好指数 TGI（100 = 平均）", "Preference index TGI (100 = average)"),
    "actual": ("实际", "Actual"),
    "trend": ("趋势", "Trend"),
    "forecast": ("预测", "Forecast"),
    "filled": ("补齐的缺失月", "Filled gap"),
    "missed": ("本店缺位", "Shop absent"),
}
CHANNEL_SHARES: dict[str, Text] = {
    "search_share": ("搜索", "Search"),
    "recommend_share": ("推荐", "Recommendation"),
    "live_share": ("直播", "Live stream"),
    "video_share": ("短视频", "Short video"),
    "paid_share": ("付费推广", "Paid ads"),
}


def _t(key: str, lang: str) -> str:
    return pick(LABELS[key], lang)


def lifecycle_map(
    data: pd.DataFrame,
    *,
    growth_min: float,
    decline_max: float,
    lang: str = "zh",
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Each category as a dot: its share of the tracked market (x) and growth (y), coloured
    by stage; dashed lines at the growth and decline thresholds of the stage rule."""
    ax = axes_or_new(ax, (8, 4.5))
    frame = data.dropna(subset=["growth"]).assign(
        stage_label=lambda d: [pick(STAGE_LABELS[s], lang) for s in d["stage"]]
    )
    palette = {pick(STAGE_LABELS[s], lang): c for s, c in STAGE_COLORS.items()}
    sns.scatterplot(
        data=frame,
        x="size_share",
        y="growth",
        hue="stage_label",
        palette=palette,
        s=120,
        ax=ax,
        **kwargs,
    )
    for r in frame.itertuples(index=False):
        ax.annotate(
            str(r.category), (r.size_share, r.growth), xytext=(6, 4), textcoords="offset points"
        )
    for y in (growth_min, decline_max):
        ax.axhline(y, color="#777", lw=0.8, ls="--")
    ax.axhline(0, color="#333", lw=0.6)
    format_axis(ax.xaxis, "ratio", decimals=0)
    format_axis(ax.yaxis, "ratio", decimals=0)
    ax.set_xlabel(_t("size_share", lang))
    ax.set_ylabel(_t("growth", lang))
    ax.legend(title=None, loc="best")
    return ax


def share_lines(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None, **kwargs) -> Axes:
    """The shop's monthly market share per category (``month, category, share``); categories
    the shop never sold in are left out."""
    ax = axes_or_new(ax, (9, 3.8))
    data = data.loc[data.groupby("category")["share"].transform("max") > 0]
    sns.lineplot(data=data, x="month", y="share", hue="category", marker="o", ax=ax, **kwargs)
    format_axis(ax.yaxis, "ratio", decimals=3)
    ax.set_xlabel("")
    ax.set_ylabel(_t("share", lang))
    ax.legend(title=None, loc="upper left", fontsize=8)
    return ax


def band_bars(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None, **kwargs) -> Axes:
    """Market and shop share of sales by price band for one category; bands the shop misses
    are marked."""
    ax = axes_or_new(ax, (6, 3.2))
    cols = [c for c in ("market_share", "shop_share") if c in data]
    long = data.melt(id_vars=["band"], value_vars=cols, var_name="side", value_name="share")
    long["side"] = long["side"].map(lambda c: _t(c, lang))
    palette = {_t("market_share", lang): COLOR_SOFT, _t("shop_share", lang): COLOR_MAIN}
    sns.barplot(data=long, x="band", y="share", hue="side", palette=palette, ax=ax, **kwargs)
    if "missed" in data:
        for i, missed in enumerate(data["missed"].fillna(False)):
            if missed:
                top = float(data["market_share"].iloc[i])
                ax.annotate(
                    _t("missed", lang),
                    (i, top),
                    ha="center",
                    va="bottom",
                    color=COLOR_DOWN,
                    fontsize=9,
                )
    format_axis(ax.yaxis, "ratio", decimals=0)
    ax.set_xlabel(_t("band", lang))
    ax.set_ylabel(_t("band_share", lang))
    ax.legend(title=None, fontsize=8)
    return ax


def band_grid(data: pd.DataFrame, *, lang: str = "zh", ncols: int = 2) -> Axes:
    """:func:`band_bars` for every category of ``data`` in a grid; returns the first Axes."""
    cats = list(dict.fromkeys(data["category"]))
    nrows = int(np.ceil(len(cats) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(12, 3.4 * nrows), squeeze=False)
    for ax, cat in zip(axes.flat, cats, strict=False):
        band_bars(data.loc[data["category"] == cat], lang=lang, ax=ax)
        ax.set_title(str(cat))
    for ax in axes.flat[len(cats) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return axes.flat[0]


def term_map(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None, **kwargs) -> Axes:
    """Each term: market growth (x) against the growth of the shop's visitors from it (y);
    terms the shop misses (market up, shop flat or down) in red; rising, falling and missed
    terms are labelled."""
    ax = axes_or_new(ax, (8, 4.5))
    frame = data.dropna(subset=["growth", "shop_growth"])
    colors = np.where(frame["missed"], COLOR_DOWN, COLOR_MAIN)
    ax.scatter(frame["growth"], frame["shop_growth"], c=colors, s=60, **kwargs)
    for r in frame.loc[frame["missed"] | (frame["trend"] != "flat")].itertuples(index=False):
        ax.annotate(
            str(r.term),
            (r.growth, r.shop_growth),
            xytext=(5, 3),
            textcoords="offset points",
            fontsize=8,
        )
    ax.axhline(0, color="#333", lw=0.6)
    ax.axvline(0, color="#333", lw=0.6)
    lims = [
        min(frame["growth"].min(), frame["shop_growth"].min(), -0.1),
        max(frame["growth"].max(), frame["shop_growth"].max(), 0.1),
    ]
    ax.plot(lims, lims, color="#999", lw=0.8, ls=":")
    format_axis(ax.xaxis, "ratio", decimals=0)
    format_axis(ax.yaxis, "ratio", decimals=0)
    ax.set_xlabel(_t("term_growth", lang))
    ax.set_ylabel(_t("shop_growth", lang))
    return ax


def price_sales(
    data: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY", ax: Axes | None = None, **kwargs
) -> Axes:
    """Competitors and the shop (first row): mean item price (x) against units a month (y)."""
    ax = axes_or_new(ax, (7, 4))
    colors = [COLOR_DOWN] + [COLOR_MAIN] * (len(data) - 1)
    ax.scatter(data["price"], data["monthly_sales"], c=colors, s=90, **kwargs)
    for r in data.itertuples(index=False):
        ax.annotate(
            str(r.competitor),
            (r.price, r.monthly_sales),
            xytext=(6, 4),
            textcoords="offset points",
            fontsize=9,
        )
    format_axis(ax.xaxis, "currency", currency, lang=lang)
    format_axis(ax.yaxis, "count")
    ax.set_xlabel(_t("price", lang))
    ax.set_ylabel(_t("sales", lang))
    return ax


def traffic_mix(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None, **kwargs) -> Axes:
    """Heat map of traffic-source shares: one row per competitor (and the shop)."""
    cols = [c for c in CHANNEL_SHARES if c in data]
    grid = data.set_index("competitor")[cols].astype(float)
    grid.columns = [pick(CHANNEL_SHARES[c], lang) for c in cols]
    ax = axes_or_new(ax, (8, 0.5 * len(grid) + 1.5))
    sns.heatmap(grid, annot=True, fmt=".0%", cmap="Blues", cbar=False, ax=ax, **kwargs)
    ax.set_ylabel("")
    ax.grid(False)
    ax.set_title(_t("mix", lang))
    return ax


def preference_heatmap(
    data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None, **kwargs
) -> Axes:
    """Heat map of the preference index (groups x categories), centred on 100."""
    ax = axes_or_new(ax, (8, 0.45 * len(data) + 1.5))
    sns.heatmap(data, annot=True, fmt=".0f", cmap="RdBu_r", center=100, cbar=False, ax=ax, **kwargs)
    ax.set_ylabel("")
    ax.set_xlabel("")
    ax.grid(False)
    ax.set_title(_t("tgi", lang))
    return ax


def screen_grid(
    data: pd.DataFrame, *, labels: dict[str, str], ax: Axes | None = None, **kwargs
) -> Axes:
    """Pass (green) / fail (red) of every criterion per candidate, each cell with its value.

    ``data``: index = candidates; columns = criteria, booleans; ``labels``: the same shape as
    text (the values to print) is passed as ``annot`` through ``kwargs``.
    """
    ax = axes_or_new(ax, (8, 0.5 * len(data) + 1.5))
    grid = data.astype(float).rename(columns=labels)
    sns.heatmap(
        grid,
        cmap=["#f4a582", "#92c5de"],
        vmin=0,
        vmax=1,
        cbar=False,
        fmt="",
        linewidths=1,
        ax=ax,
        **kwargs,
    )
    ax.set_ylabel("")
    ax.set_xlabel("")
    ax.grid(False)
    ax.tick_params(axis="x", labeltop=True, labelbottom=False)
    return ax


def outlook_lines(
    history: pd.DataFrame,
    *,
    forecast: pd.DataFrame,
    lang: str = "zh",
    unit: str = "currency",
    currency: str = "CNY",
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """One category: the monthly values, the STL trend, filled months and the forecast with
    its interval."""
    ax = axes_or_new(ax, (6, 3))
    ax.plot(
        history["month"],
        history["value"],
        color=COLOR_MAIN,
        marker="o",
        ms=3,
        label=_t("actual", lang),
        **kwargs,
    )
    if "trend" in history:
        ax.plot(history["month"], history["trend"], color=COLOR_SOFT, lw=2, label=_t("trend", lang))
    gaps = history.loc[history["filled"]]
    if not gaps.empty:
        ax.scatter(
            gaps["month"], gaps["value"], color=COLOR_DOWN, zorder=3, label=_t("filled", lang)
        )
    if not forecast.empty:
        ax.plot(
            forecast["month"],
            forecast["mean"],
            color=COLOR_DOWN,
            ls="--",
            marker="o",
            ms=3,
            label=_t("forecast", lang),
        )
        ax.fill_between(
            forecast["month"],
            forecast["lower"],
            forecast["upper"],
            color=COLOR_DOWN,
            alpha=0.15,
            lw=0,
        )
    format_axis(ax.yaxis, unit, currency, lang=lang)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.legend(fontsize=7, loc="upper left")
    return ax


def outlook_grid(
    outlooks: dict,
    *,
    lang: str = "zh",
    unit: str = "currency",
    currency: str = "CNY",
    ncols: int = 2,
) -> Axes:
    """:func:`outlook_lines` for every category (``{category: Outlook}``) in a grid."""
    items = list(outlooks.items())
    nrows = int(np.ceil(len(items) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(12, 3.2 * nrows), squeeze=False)
    for ax, (cat, res) in zip(axes.flat, items, strict=False):
        outlook_lines(
            res.history, forecast=res.forecast, lang=lang, unit=unit, currency=currency, ax=ax
        )
        ax.set_title(str(cat))
    for ax in axes.flat[len(items) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return axes.flat[0]
