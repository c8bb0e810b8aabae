"""Bar charts: signed changes per channel or item, counts per category, funnel step rates per
channel, and ad spend with ROAS."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers import i18n
from helpers.charts.base import (
    COLOR_ACCENT,
    COLOR_DOWN,
    COLOR_MAIN,
    COLOR_SOFT,
    COLOR_UP,
    axes_or_new,
    format_axis,
    money_formatter,
)

#: longest category name shown on a bar axis (longer ones are cut)
NAME_CHARS = 24


def _names(values, *, lang: str, translate_channels: bool) -> list[str]:
    if translate_channels:
        return [i18n.channel_label(str(n), lang) for n in values]
    return [str(n)[:NAME_CHARS] for n in values]


def _horizontal_bars(
    names: list[str], values: pd.Series, color, row_inches: float, *, title, ax, **kwargs
) -> Axes:
    """One horizontal bar per name (bottom to top), ``row_inches`` of figure height per bar,
    no grid lines across the bars; ``kwargs`` go to ``Axes.barh`` over ``color``."""
    ax = axes_or_new(ax, (8, max(2.0, row_inches * len(names) + 1)))
    ax.barh(names, values, **({"color": color} | kwargs))
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def change_bars(
    data: pd.DataFrame,
    *,
    label: str,
    value: str,
    lang: str = "zh",
    unit: str = "currency",
    currency: str = "CNY",
    title: str | None = None,
    translate_channels: bool = False,
    colours: tuple[str, str] = (COLOR_UP, COLOR_DOWN),
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Horizontal bars of a signed change per row (channel or item), coloured by sign:
    ``colours`` = (rise, fall), see :func:`helpers.charts.base.rise_fall_colours`.

    ``**kwargs`` are passed to ``Axes.barh``.
    """
    frame = data[[label, value]].dropna().sort_values(value)
    names = _names(frame[label], lang=lang, translate_channels=translate_channels)
    colors = [colours[0] if v >= 0 else colours[1] for v in frame[value]]
    ax = _horizontal_bars(names, frame[value], colors, 0.45, title=title, ax=ax, **kwargs)
    ax.axvline(0, color="#555", lw=0.8)
    if unit in ("currency", "ratio"):
        format_axis(ax.xaxis, unit, currency, decimals=0, lang=lang)
    return ax


def ranked_bars(
    data: pd.DataFrame,
    *,
    label: str,
    value: str,
    lang: str = "zh",
    percent: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Bars of a count or share per category (refund reasons, overdue orders by channel).

    ``**kwargs`` are passed to ``Axes.barh``.
    """
    frame = data[[label, value]].sort_values(value)
    names = _names(frame[label], lang=lang, translate_channels=False)
    ax = _horizontal_bars(names, frame[value], COLOR_MAIN, 0.4, title=title, ax=ax, **kwargs)
    if percent:
        format_axis(ax.xaxis, "ratio", decimals=0)
    return ax


def funnel_rates(
    data: pd.DataFrame,
    *,
    rates: Sequence[str] = ("ctr", "cart_rate", "cvr"),
    channel: str = "channel",
    lang: str = "zh",
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Grouped bars of funnel step rates per channel (曝光->访客, 访客->加购, 访客->支付).

    ``**kwargs`` are passed to ``Axes.bar``.
    """
    frame = data.dropna(subset=[r for r in rates if r in data], how="all")
    ax = axes_or_new(ax, (9, 4))
    channels = _names(frame[channel], lang=lang, translate_channels=True)
    x = np.arange(len(channels))
    width = 0.8 / len(rates)
    palette = [COLOR_SOFT, COLOR_ACCENT, COLOR_MAIN]
    for i, r in enumerate(rates):
        if r not in frame:
            continue
        offset = (i - (len(rates) - 1) / 2) * width
        style = {"label": i18n.metric_label(r, lang), "color": palette[i % 3]} | kwargs
        ax.bar(x + offset, frame[r], width, **style)
    ax.set_xticks(x, channels)
    format_axis(ax.yaxis, "ratio", decimals=0)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="x", visible=False)
    return ax


def spend_and_roas(
    data: pd.DataFrame,
    *,
    lang: str = "zh",
    currency: str = "CNY",
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Ad spend per channel as bars, ROAS as dots on a second axis.

    ``data`` has ``channel``, ``ad_spend`` and ``roas`` (and ``roas_7d`` when known).
    ``**kwargs`` are passed to the spend bars (``Axes.bar``).
    """
    ax = axes_or_new(ax, (8, 3.5))
    names = _names(data["channel"], lang=lang, translate_channels=True)
    style = {"color": COLOR_SOFT, "label": i18n.metric_label("ad_spend", lang)} | kwargs
    ax.bar(names, data["ad_spend"], **style)
    ax.yaxis.set_major_formatter(money_formatter(currency, lang=lang))
    ax2 = ax.twinx()
    ax2.plot(names, data["roas"], "o", color=COLOR_DOWN, ms=9, label="ROAS")
    top = data["roas"].max()
    if "roas_7d" in data:
        label = "ROAS（近7日）" if lang == "zh" else "ROAS (7 days)"
        ax2.plot(names, data["roas_7d"], "o", mfc="none", color=COLOR_MAIN, ms=9, label=label)
        top = max(top, data["roas_7d"].max())
        ax2.legend(loc="upper right", frameon=False, fontsize=8)
    ax2.set_ylim(0, 1.25 * top if top and top == top else 1.0)
    ax2.grid(False)
    ax2.set_ylabel("ROAS")
    ax.set_title(i18n.metric_label("ad_spend", lang) + " / ROAS")
    return ax
