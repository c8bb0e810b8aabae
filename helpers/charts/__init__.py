"""Charts for the reports. They draw results; they never compute metrics.

Every function follows the seaborn habit: the data first, keyword-only options (column roles
among them), an optional ``ax`` to draw on, ``**kwargs`` passed on to the main artist, and the
Axes returned (the grids, which draw several Axes, return their Figure). Modules are named by
chart idea: :mod:`.base` (setup, CJK font, colours, axis formats), :mod:`.trends` (series over
time), :mod:`.bars` (changes, counts, funnel rates, spend) and :mod:`.waterfall` (the GMV split).
"""

from __future__ import annotations

from helpers.charts.bars import change_bars, funnel_rates, ranked_bars, spend_and_roas
from helpers.charts.base import (
    COLOR_DOWN,
    COLOR_GREEN,
    COLOR_MAIN,
    COLOR_RED,
    COLOR_SOFT,
    COLOR_UP,
    PHASE_COLORS,
    date_axis,
    day_label,
    find_cjk_font,
    format_axis,
    money_formatter,
    rise_fall_colours,
    setup,
    shade_phases,
)
from helpers.charts.trends import (
    baseline_grid,
    baseline_lines,
    hourly_cumulative,
    trend_grid,
    trend_lines,
)
from helpers.charts.waterfall import gmv_waterfall

__all__ = [
    "COLOR_DOWN",
    "COLOR_GREEN",
    "COLOR_MAIN",
    "COLOR_RED",
    "COLOR_SOFT",
    "COLOR_UP",
    "PHASE_COLORS",
    "baseline_grid",
    "baseline_lines",
    "date_axis",
    "day_label",
    "change_bars",
    "find_cjk_font",
    "format_axis",
    "funnel_rates",
    "gmv_waterfall",
    "hourly_cumulative",
    "money_formatter",
    "ranked_bars",
    "rise_fall_colours",
    "setup",
    "shade_phases",
    "spend_and_roas",
    "trend_grid",
    "trend_lines",
]
