"""Daily series over time: a metric with its 7-day line, and a series against its seasonal
baseline; each alone on an Axes or as a grid of one chart per metric."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from helpers import i18n
from helpers.charts.base import (
    COLOR_DOWN,
    COLOR_MAIN,
    COLOR_SOFT,
    PHASE_COLORS,
    axes_or_new,
    date_axis,
    format_axis,
    shade_days,
    shade_phases,
)


def swatch(handle: Any) -> Any:
    """A legend handle that shows: the festival shading's stand-in patches are invisible (so
    they draw nothing on the axes), their legend entry gets a visible patch of their colour."""
    if isinstance(handle, Rectangle) and not handle.get_visible():
        return Patch(facecolor=handle.get_facecolor(), edgecolor="none")
    return handle


def _finish(ax: Axes, metric: str, lang: str, currency: str) -> Axes:
    format_axis(ax.yaxis, i18n.metric_unit(metric), currency, lang=lang)
    ax.set_title(i18n.metric_label(metric, lang))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend([swatch(h) for h in handles], labels, loc="upper left", frameon=False, fontsize=8)
    date_axis(ax, lang)
    return ax


def trend_lines(
    data: pd.DataFrame,
    *,
    metric: str,
    x: str = "date",
    y: str = "value",
    avg: str = "avg_7d",
    lang: str = "zh",
    currency: str = "CNY",
    highlight: pd.Timestamp | None = None,
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Daily values with their 7-day average; festival days shaded.

    Parameters
    ----------
    data : DataFrame with ``x``, ``y``, ``avg`` and optionally ``phase`` (as returned by
        :func:`helpers.metrics.kpis.daily_trend`).
    metric : metric id, for the title and the axis format.
    highlight : a date to mark (the run date).
    **kwargs : passed to the daily line (``Axes.plot``).
    """
    ax = axes_or_new(ax)
    shade_phases(ax, data, date=x, lang=lang)
    style: dict[str, Any] = {"marker": "o", "ms": 3, "color": COLOR_MAIN} | kwargs
    ax.plot(data[x], data[y], label=i18n.metric_label(metric, lang), **style)
    if avg in data:
        ax.plot(data[x], data[avg], color=COLOR_SOFT, lw=2, label=i18n.t("avg_7d_line", lang))
    if highlight is not None:
        row = data[data[x] == highlight]
        if not row.empty:
            ax.scatter(row[x], row[y], s=80, color=COLOR_DOWN, zorder=5)
    return _finish(ax, metric, lang, currency)


def baseline_lines(
    data: pd.DataFrame,
    *,
    metric: str,
    z_threshold: float,
    lang: str = "zh",
    currency: str = "CNY",
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """A series against its seasonal baseline; points beyond the threshold are marked.

    ``data`` has ``date``, ``value``, ``expected``, ``z`` and ``is_promo`` (as returned by
    :func:`helpers.alerts.anomaly.seasonal_baseline`); festival days are shaded and never
    marked. ``**kwargs`` are passed to the series line (``Axes.plot``).
    """
    ax = axes_or_new(ax, (9, 3.2))
    promo = data["is_promo"].fillna(False).astype(bool)
    shade_days(ax, data.loc[promo, "date"], PHASE_COLORS["warmup"])
    if promo.any():
        label = "大促期（不参与比较）" if lang == "zh" else "Festival days (not compared)"
        ax.add_patch(Rectangle((0, 0), 0, 0, color=PHASE_COLORS["warmup"], label=label))
    style: dict[str, Any] = {"color": COLOR_MAIN, "lw": 1.2} | kwargs
    ax.plot(data["date"], data["value"], label=i18n.metric_label(metric, lang), **style)
    ax.plot(data["date"], data["expected"], color=COLOR_SOFT, lw=2, label=i18n.t("expected", lang))
    out = data[(data["z"].abs() > z_threshold) & ~promo]
    ax.scatter(
        out["date"], out["value"], color=COLOR_DOWN, s=40, zorder=5, label=i18n.t("flagged", lang)
    )
    return _finish(ax, metric, lang, currency)


def _grid(n: int, ncols: int, height: float, width: float) -> tuple[Figure, np.ndarray]:
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * nrows), squeeze=False)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return fig, axes


def trend_grid(
    data: Mapping[str, pd.DataFrame],
    *,
    lang: str = "zh",
    currency: str = "CNY",
    highlight: pd.Timestamp | None = None,
    ncols: int = 2,
    **kwargs,
) -> Figure:
    """A grid of :func:`trend_lines`, one per metric (``data`` maps metric -> trend frame),
    with one legend for the whole grid above it: each festival phase kind once, the daily
    line and the 7-day line (the panels' titles name the metrics), none inside the panels."""
    fig, axes = _grid(len(data), ncols, 2.8, 11)
    for ax, (metric, frame) in zip(axes.flat, data.items(), strict=False):
        trend_lines(
            frame, metric=metric, lang=lang, currency=currency, highlight=highlight, ax=ax, **kwargs
        )
    _shared_legend(fig, [(ax, m) for ax, m in zip(axes.flat, data, strict=False)], lang)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


#: The daily line's name in the grid's shared legend ``(zh, en)``.
DAILY_LINE = ("每日值", "Daily value")


def _shared_legend(fig: Figure, panels: list[tuple[Axes, str]], lang: str) -> None:
    """Move the panels' legends into one above the figure: every entry once, each panel's
    daily line (labelled with its metric) as one "daily value" entry."""
    shared: dict[str, Any] = {}
    for ax, metric in panels:
        handles, labels = ax.get_legend_handles_labels()
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
        for handle, label in zip(handles, labels, strict=True):
            daily = label == i18n.metric_label(metric, lang)
            shared.setdefault(DAILY_LINE[lang == "en"] if daily else label, swatch(handle))
    if shared:
        fig.legend(
            list(shared.values()),
            list(shared),
            loc="upper center",
            ncol=len(shared),
            frameon=False,
            fontsize=9,
            bbox_to_anchor=(0.5, 1.0),
        )


def baseline_grid(
    data: Mapping[str, pd.DataFrame],
    *,
    z_threshold: float,
    lang: str = "zh",
    currency: str = "CNY",
    **kwargs,
) -> Figure:
    """:func:`baseline_lines` stacked, one row per metric (``data``: metric -> baseline)."""
    fig, axes = _grid(len(data), 1, 2.6, 10)
    for ax, (metric, frame) in zip(axes[:, 0], data.items(), strict=True):
        baseline_lines(
            frame,
            metric=metric,
            z_threshold=z_threshold,
            lang=lang,
            currency=currency,
            ax=ax,
            **kwargs,
        )
    fig.tight_layout()
    return fig


def hourly_cumulative(
    data: pd.DataFrame,
    *,
    x: str = "hour",
    today: str = "cum",
    last_week: str = "cum_lw",
    lang: str = "zh",
    currency: str = "CNY",
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Cumulative GMV by hour: the run date (solid) against the same weekday last week
    (dashed). ``data`` is :func:`helpers.daily_review.morning.hourly`; ``**kwargs`` go to the
    run date's line."""
    ax = axes_or_new(ax, figsize=(9, 3.6))
    style: dict[str, Any] = {"marker": "o", "ms": 3, "color": COLOR_MAIN} | kwargs
    ax.plot(data[x], data[today], label=i18n.t("run_date_line", lang), **style)
    ax.plot(data[x], data[last_week], "--", color=COLOR_SOFT, label=i18n.t("last_week_line", lang))
    ax.set_xticks(range(0, 24, 2))
    ax.set_xlim(-0.5, 23.5)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(i18n.t("hour_axis", lang))
    format_axis(ax.yaxis, "currency", currency, lang=lang)
    ax.set_title(i18n.t("hourly_title", lang))
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return ax
