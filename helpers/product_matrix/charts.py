"""Charts of the product matrix: data first, keyword-only options, ``ax=None``, return the
Axes. They draw results computed elsewhere and never compute a metric."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from helpers.charts.base import (
    COLOR_ACCENT,
    COLOR_DOWN,
    COLOR_MAIN,
    COLOR_SOFT,
    COLOR_UP,
    axes_or_new,
    in_lang,
)
from helpers.product_matrix.lifecycle import STAGES
from helpers.product_matrix.roles import ROLES

ROLE_COLORS = {
    "driver": COLOR_DOWN,
    "profit": COLOR_UP,
    "image": COLOR_ACCENT,
    "unassigned": "#b8b8b8",
}


def pareto_curve(
    data: pd.DataFrame, *, a: float = 0.8, b: float = 0.95, lang: str = "zh", ax: Axes | None = None
) -> Axes:
    """Cumulative share of revenue against the share of items (ranked best first), with the
    A and B cut-offs. ``data``: the items in revenue rank order with ``cum_share`` and
    ``abc_revenue``."""
    ax = axes_or_new(ax, (8, 4))
    n = len(data)
    x = np.arange(1, n + 1) / max(n, 1)
    ax.plot(x, data["cum_share"].to_numpy(), color=COLOR_MAIN, lw=2)
    for cut, name in ((a, "A"), (b, "B")):
        ax.axhline(cut, color=COLOR_SOFT, ls="--", lw=1)
        ax.text(1.0, cut, f" {name} {cut:.0%}", va="center", ha="left", fontsize=9)
    counts = data["abc_revenue"].value_counts()
    a_n = int(counts.get("A", 0))
    if a_n:
        ax.axvline(a_n / n, color=COLOR_DOWN, lw=1)
        ax.text(
            a_n / n, 0.05, in_lang(f" A 类 {a_n} 个商品", f" {a_n} class A items", lang), fontsize=9
        )
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(in_lang("商品占比（按净销售额从高到低）", "share of items (best first)", lang))
    ax.set_ylabel(in_lang("累计净销售额占比", "cumulative share of net revenue", lang))
    ax.set_ylim(0, 1.02)
    ax.set_title(
        in_lang("帕累托曲线：多少商品撑起多少销售", "Pareto curve: how few items carry sales", lang)
    )
    return ax


def role_quadrant(
    data: pd.DataFrame,
    *,
    share_cut: float,
    thin_margin: float,
    profit_margin: float,
    basis: str = "visitors",
    label_top: int = 8,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Axes:
    """Traffic (or order) share against gross margin, one dot per item coloured by role,
    sized by revenue, with the role thresholds drawn. ``data``: items with ``traffic_share``,
    ``margin``, ``revenue``, ``role`` and ``sku_id``."""
    ax = axes_or_new(ax, (9, 5.5))
    role_col, size_col = in_lang("角色", "role", lang), in_lang("净销售额", "net revenue", lang)
    d = data.dropna(subset=["traffic_share", "margin"]).copy()
    d[role_col] = d["role"].map(lambda r: in_lang(*ROLES[r], lang))
    d[size_col] = d["revenue"]
    palette = {in_lang(*ROLES[r], lang): c for r, c in ROLE_COLORS.items()}
    sns.scatterplot(
        data=d,
        x="traffic_share",
        y="margin",
        hue=role_col,
        size=size_col,
        sizes=(15, 400),
        palette=palette,
        alpha=0.75,
        ax=ax,
        legend="brief",
    )
    ax.axvline(share_cut, color=COLOR_MAIN, ls="--", lw=1)
    ax.axhline(thin_margin, color=COLOR_DOWN, ls=":", lw=1)
    ax.axhline(profit_margin, color=COLOR_UP, ls=":", lw=1)
    for r in d.nlargest(label_top, "revenue").itertuples(index=False):
        ax.annotate(str(r.sku_id), (r.traffic_share, r.margin), fontsize=8, xytext=(3, 3),
                    textcoords="offset points")  # fmt: skip
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    xlab = in_lang("流量占比（访客）", "traffic share (visitors)", lang)
    if basis != "visitors":
        xlab = in_lang(
            "订单占比（无流量表时代替流量）", "order share (stands in for traffic)", lang
        )
    ax.set_xlabel(xlab)
    ax.set_ylabel(in_lang("毛利率", "gross margin", lang))
    ax.set_title(in_lang("商品角色矩阵：流量 × 毛利", "Item roles: traffic x margin", lang))
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    return ax


def stage_heatmap(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Items per category (rows) and life-cycle stage (columns), annotated counts.
    ``data``: items with ``category`` and ``stage``."""
    d = data.assign(category=data["category"].fillna(in_lang("未分类", "uncategorised", lang)))
    table = pd.crosstab(d["category"], d["stage"]).reindex(columns=list(STAGES), fill_value=0)
    if len(table) > 15:
        table = table.loc[table.sum(axis=1).nlargest(15).index]
    table.columns = [in_lang(*STAGES[s], lang) for s in table.columns]
    ax = axes_or_new(ax, (7, 0.45 * len(table) + 1.5))
    sns.heatmap(table, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax)
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(
        in_lang("各类目商品所处的生命周期", "Life-cycle stage of the items by category", lang)
    )
    return ax


def forecast_lines(
    data: pd.DataFrame, *, title: str = "", lang: str = "zh", ax: Axes | None = None
) -> Axes:
    """Recent daily demand and the forecast after it. ``data``: ``date`` with ``actual``
    (history) or ``forecast`` (the days ahead)."""
    ax = axes_or_new(ax, (9, 3))
    hist = data.dropna(subset=["actual"]) if "actual" in data else data.iloc[:0]
    ahead = data.dropna(subset=["forecast"]) if "forecast" in data else data.iloc[:0]
    ax.plot(
        hist["date"],
        hist["actual"],
        color=COLOR_MAIN,
        lw=1.2,
        label=in_lang("实际", "actual", lang),
    )
    ax.plot(ahead["date"], ahead["forecast"], color=COLOR_DOWN, lw=1.6, ls="--",
            label=in_lang("预测", "forecast", lang))  # fmt: skip
    ax.set_ylim(bottom=0)
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="x", labelsize=8, rotation=30)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def cover_bars(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Days of cover of the items to restock (bars) against their lead time (marks): a bar
    shorter than its mark runs out before a new delivery arrives. ``data``: ``sku_id``,
    ``days_of_cover``, ``lead_time_days``."""
    d = data.head(20)
    ax = axes_or_new(ax, (8, 0.35 * len(d) + 1.5))
    y = np.arange(len(d))
    cover = np.minimum(d["days_of_cover"].to_numpy(dtype="float64"), 365.0)
    colors = np.where(cover < d["lead_time_days"], COLOR_DOWN, COLOR_SOFT)
    ax.barh(y, cover, color=colors)
    ax.scatter(d["lead_time_days"], y, marker="|", s=200, color=COLOR_MAIN,
               label=in_lang("补货周期", "lead time", lang), zorder=3)  # fmt: skip
    ax.set_yticks(y, d["sku_id"].astype(str))
    ax.invert_yaxis()
    ax.set_xlabel(in_lang("可售天数", "days of cover", lang))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        in_lang("需补货商品：可售天数 vs 补货周期", "Items to restock: cover vs lead time", lang)
    )
    return ax
