"""The GMV change as a waterfall: the level before, each factor's contribution, the level after."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers import i18n
from helpers.charts.base import (
    COLOR_DOWN,
    COLOR_MAIN,
    COLOR_SOFT,
    COLOR_UP,
    axes_or_new,
    format_axis,
)


def _steps(
    data: pd.DataFrame,
    factor: str,
    value: str,
    before: float,
    lang: str,
    colours: tuple[str, str] = (COLOR_UP, COLOR_DOWN),
):
    """Labels, bar bottoms, heights and colours (``colours`` = rise, fall) of the factor
    bars, from the level ``before``."""
    labels, bottoms, heights, colors = [], [], [], []
    level = before
    for f, c in zip(data[factor], data[value], strict=True):
        c = 0.0 if pd.isna(c) else float(c)
        labels.append(i18n.label(i18n.FACTORS, f, lang))
        bottoms.append(level if c >= 0 else level + c)
        heights.append(abs(c))
        colors.append(colours[0] if c >= 0 else colours[1])
        level += c
    return labels, bottoms, heights, colors


def gmv_waterfall(
    data: pd.DataFrame,
    *,
    gmv_before: float,
    gmv_after: float,
    factor: str = "factor",
    value: str = "contribution",
    lang: str = "zh",
    currency: str = "CNY",
    before_label: str | None = None,
    colours: tuple[str, str] = (COLOR_UP, COLOR_DOWN),
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Waterfall of the GMV change split into UV, CVR and 客单价 contributions.

    The y axis starts at zero, so a bar's height is its true share of GMV (a -5 % day never
    looks like -40 %); ``colours`` are the rise and fall colours
    (:func:`helpers.charts.base.rise_fall_colours`).

    Parameters
    ----------
    data : DataFrame with ``factor`` and ``value`` (contribution, currency), as returned by
        :func:`helpers.metrics.decomposition.gmv_change_split`.
    gmv_before, gmv_after : the two GMV levels the bars start and end at.
    **kwargs : passed to ``Axes.bar``.
    """
    ax = axes_or_new(ax, (8, 4))
    labels, bottoms, heights, colors = _steps(data, factor, value, gmv_before, lang, colours)
    signs = [1.0 if (0.0 if pd.isna(c) else c) >= 0 else -1.0 for c in data[value]]
    labels = [before_label or i18n.t("before", lang), *labels, i18n.t("after", lang)]
    bottoms = [0.0, *bottoms, 0.0]
    heights = [gmv_before, *heights, gmv_after]
    colors = [COLOR_SOFT, *colors, COLOR_MAIN]
    x = np.arange(len(labels))
    style: dict[str, Any] = {"color": colors, "width": 0.6} | kwargs
    ax.bar(x, heights, bottom=bottoms, **style)
    for i, (b, h) in enumerate(zip(bottoms, heights, strict=True)):
        if 0 < i < len(labels) - 1:
            ax.annotate(
                f"{signs[i - 1] * h:+,.0f}", (i, b + h), ha="center", va="bottom", fontsize=9
            )
    ax.set_xticks(x, labels)
    # The axis starts at zero: a truncated axis makes a small change look like a collapse.
    high = max(b + h for b, h in zip(bottoms, heights, strict=True))
    ax.set_ylim(bottom=0.0, top=max(high, 1e-9) * 1.12)
    format_axis(ax.yaxis, "currency", currency, lang=lang)
    ax.set_title(i18n.t("gmv_change", lang))
    return ax
