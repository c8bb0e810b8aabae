"""Retention charts. They draw results computed in :mod:`helpers.retention`; they never
compute metrics. Data first, keyword-only options, ``ax=None``, the Axes returned; ``lang``
is the chart label language returned by :func:`helpers.charts.setup`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from helpers.charts import COLOR_DOWN, COLOR_MAIN, COLOR_SOFT, COLOR_UP
from helpers.charts.base import axes_or_new, in_lang
from helpers.retention.rfm import segment_label


def segment_shares(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Share of customers and share of revenue per segment, side by side (horizontal bars).

    ``data``: :func:`helpers.retention.rfm.segment_summary` output.
    """
    ax = axes_or_new(ax, (9, 0.45 * len(data) + 1.5))
    y = np.arange(len(data))
    labels = [segment_label(s, lang) for s in data["segment"]]
    ax.barh(
        y - 0.2,
        data["customer_share"],
        0.4,
        color=COLOR_SOFT,
        label=in_lang("客户占比", "customers", lang),
    )
    ax.barh(
        y + 0.2,
        data["revenue_share"],
        0.4,
        color=COLOR_MAIN,
        label=in_lang("金额占比", "revenue", lang),
    )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(loc="lower right")
    ax.set_title(
        in_lang("各分层的客户与金额占比", "Share of customers and revenue by segment", lang)
    )
    return ax


def transition_heatmap(
    data: pd.DataFrame, *, lang: str = "zh", title: str | None = None, ax: Axes | None = None
) -> Axes:
    """Customers moving from each earlier segment (rows) to each current one (columns).

    ``data``: :attr:`helpers.retention.movement.Movement.matrix`. The diagonal (stayed) is
    drawn in the same scale; cells are annotated with counts.
    """
    shown = data.rename(
        index=lambda s: segment_label(s, lang), columns=lambda s: segment_label(s, lang)
    )
    ax = axes_or_new(ax, (1.0 * len(shown.columns) + 3, 0.55 * len(shown) + 1.5))
    sns.heatmap(
        np.log1p(shown),
        annot=shown,
        fmt=",d",
        cmap="Blues",
        cbar=False,
        linewidths=0.5,
        ax=ax,
    )
    ax.set_xlabel(in_lang("现在", "now", lang))
    ax.set_ylabel(in_lang("之前", "before", lang))
    ax.tick_params(axis="x", rotation=30)
    if title:
        ax.set_title(title)
    return ax


def cohort_heatmap(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Share of each first-purchase month's customers buying again k months later.

    ``data``: :func:`helpers.retention.cohorts.cohort_matrix` (shares). Month 0 is 100 % by
    definition and left blank so that the colour scale shows the later months.
    """
    shown = data.drop(columns=[0], errors="ignore")
    shown.index = [d.strftime("%Y-%m") for d in shown.index]
    ax = axes_or_new(ax, (0.6 * max(len(shown.columns), 4) + 3, 0.4 * len(shown) + 1.5))
    sns.heatmap(
        shown,
        annot=True,
        fmt=".0%",
        cmap="YlGnBu",
        cbar=False,
        linewidths=0.5,
        annot_kws={"fontsize": 8},
        ax=ax,
    )
    ax.set_xlabel(in_lang("首购后第 k 个月", "months after the first purchase (k)", lang))
    ax.set_ylabel(in_lang("首购月份", "first-purchase month", lang))
    ax.set_title(in_lang("同期群留存率", "Cohort retention", lang))
    return ax


def new_returning(
    data: pd.DataFrame, *, lang: str = "zh", months: int = 24, ax: Axes | None = None
) -> Axes:
    """New and returning buyers per month (stacked bars) with returning buyers' share of GMV
    (line, right axis). ``data``: :func:`helpers.retention.cohorts.new_vs_returning`."""
    frame = data.tail(months)
    ax = axes_or_new(ax, (10, 4))
    x = np.arange(len(frame))
    ax.bar(x, frame["new_buyers"], color=COLOR_SOFT, label=in_lang("新客", "new", lang))
    ax.bar(
        x,
        frame["returning_buyers"],
        bottom=frame["new_buyers"],
        color=COLOR_MAIN,
        label=in_lang("老客", "returning", lang),
    )
    ax.set_xticks(x, [d.strftime("%Y-%m") for d in frame["month"]], rotation=45, ha="right")
    ax.legend(loc="upper left")
    ax.set_ylabel(in_lang("买家数", "buyers", lang))
    right = ax.twinx()
    right.plot(x, frame["returning_gmv_share"], color=COLOR_DOWN, marker="o")
    right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.set_ylim(0, 1)
    right.set_ylabel(in_lang("老客 GMV 占比", "returning share of GMV", lang))
    right.grid(False)
    ax.set_title(in_lang("每月新客与老客", "New and returning buyers per month", lang))
    return ax


def days_to_second(data: pd.Series, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Distribution of the days between the first and the second purchase, with the median."""
    ax = axes_or_new(ax, (9, 3.5))
    sns.histplot(data, bins=40, color=COLOR_MAIN, ax=ax)
    median = float(data.median())
    ax.axvline(median, color=COLOR_DOWN, linestyle="--")
    ax.annotate(
        in_lang(f"中位数 {median:.0f} 天", f"median {median:.0f} days", lang),
        (median, ax.get_ylim()[1] * 0.9),
        xytext=(5, 0),
        textcoords="offset points",
        color=COLOR_DOWN,
    )
    ax.set_xlabel(in_lang("首购到复购的天数", "days from first to second purchase", lang))
    ax.set_ylabel(in_lang("客户数", "customers", lang))
    return ax


def holdout(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Mean predicted vs actual repeat purchases in the hold-out period by calibration
    frequency. ``data``: :attr:`helpers.retention.value.ValueForecast.holdout`."""
    ax = axes_or_new(ax, (8, 3.5))
    x = np.arange(len(data))
    ax.bar(x - 0.2, data["actual"], 0.4, color=COLOR_MAIN, label=in_lang("实际", "actual", lang))
    ax.bar(
        x + 0.2, data["predicted"], 0.4, color=COLOR_UP, label=in_lang("预测", "predicted", lang)
    )
    ax.set_xticks(x, data["group"])
    ax.set_xlabel(in_lang("校准期内的复购次数", "repeat purchases in the calibration period", lang))
    ax.set_ylabel(in_lang("留出期人均购买次数", "purchases per customer, hold-out", lang))
    ax.legend()
    return ax


def p_alive(data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Probability alive of the repeat buyers against their recency (weeks since the last
    purchase, relative to their age), coloured by frequency. ``data``: the forecast's
    per-customer frame."""
    repeat = data.loc[data["frequency"] > 0]
    if len(repeat) > 5000:
        repeat = repeat.sample(5000, random_state=0)
    ax = axes_or_new(ax, (8, 4))
    sns.scatterplot(
        x=repeat["T"] - repeat["recency"],
        y=repeat["p_alive"],
        hue=repeat["frequency"].clip(upper=7),
        palette="viridis",
        s=12,
        linewidth=0,
        ax=ax,
    )
    ax.set_xlabel(in_lang("距最近一次购买的周数", "weeks since the last purchase", lang))
    ax.set_ylabel(in_lang("存活概率", "probability alive", lang))
    ax.legend(title=in_lang("复购次数", "repeats", lang), fontsize=8)
    return ax
