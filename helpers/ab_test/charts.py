"""Plots of the A/B notebook (they draw, they never compute)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes


def lift_intervals(
    data: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None, **kwargs: Any
) -> Axes:
    """CVR difference (treatment − control) with its confidence interval, one row per
    experiment, coloured by verdict; the zero line marks no difference.

    ``data``: :func:`helpers.ab_test.report.readings_table` (``cvr_diff``, ``ci_low``,
    ``ci_high``, ``experiment``, ``variant``, ``verdict``).
    """
    ax = ax or plt.subplots(figsize=(8, 0.8 + 0.6 * max(len(data), 1)))[1]
    colours = {
        "ship": "#2e7d32",
        "dont_ship": "#c62828",
        "keep_running": "#f9a825",
        "blocked": "#757575",
    }
    names = (data["experiment"] + " / " + data["variant"]).tolist()
    diff = data["cvr_diff"].to_numpy(float) * 100
    low = diff - data["ci_low"].to_numpy(float) * 100
    high = data["ci_high"].to_numpy(float) * 100 - diff
    for i, verdict in enumerate(data["verdict"].astype(str)):
        ax.errorbar(
            diff[i],
            i,
            xerr=[[low[i]], [high[i]]],
            fmt="o",
            capsize=4,
            color=colours.get(verdict, "#1f77b4"),
            **kwargs,
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel(
        "转化率差（百分点，95% 区间）" if lang == "zh" else "CVR difference (points, 95% interval)"
    )
    return ax
