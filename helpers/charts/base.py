"""What every chart shares: matplotlib setup with a CJK font, the colours, the axis formats.

Call :func:`setup` once per notebook: it registers the CJK font that ships with the
``mplfonts`` package and tells you which language chart labels can use (``"en"`` if no CJK
font is available, so labels never turn into empty boxes).
"""

from __future__ import annotations

import importlib.resources
import logging
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import Formatter, FuncFormatter, PercentFormatter

from helpers import i18n, numbers

CJK_FAMILY = "Noto Sans CJK SC"
CJK_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf")

#: colours: one hue per meaning, consistent across reports
COLOR_UP = "#2a9d8f"
COLOR_DOWN = "#e76f51"
#: the rise / fall pair of :func:`rise_fall_colours`
COLOR_RED = "#d62828"
COLOR_GREEN = "#2a9d8f"
COLOR_MAIN = "#264653"
COLOR_SOFT = "#8ab6d6"
COLOR_ACCENT = "#e9c46a"
PHASE_COLORS = {"warmup": "#fbf3e6", "burst": "#f6b89f", "afterglow": "#fadccf"}

#: currency code -> the symbol the axis labels carry (the one table, in helpers.numbers)
CURRENCY_SYMBOLS = numbers.CURRENCY_SYMBOLS

RC_PARAMS = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (9, 4),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titleweight": "normal",
    "axes.titlesize": 12,
    "axes.unicode_minus": False,
    # Labels carry data text (channels, titles, reasons): "$...$" in them is text, not
    # math to typeset (a malformed span such as "$x^{$" would fail the whole report).
    "text.parse_math": False,
}


def find_cjk_font() -> Path | None:
    """Path of a CJK font file shipped with ``mplfonts``, or None when not installed."""
    try:
        root = importlib.resources.files("mplfonts") / "fonts"
    except ModuleNotFoundError:
        return None
    for name in CJK_FILES:
        candidate = Path(str(root / name))
        if candidate.is_file():
            return candidate
    return None


def setup(lang: str = "zh") -> str:
    """Prepare matplotlib for report charts and return the label language to use.

    Registers the bundled CJK font (no system font or download needed) and puts it in the
    font fallback list after DejaVu Sans, so Latin text keeps its look and Chinese text gets
    real glyphs. When ``lang == "zh"`` but no CJK font can be found, returns ``"en"``: the
    charts then carry English labels instead of empty boxes.
    """
    i18n.check_lang(lang)
    # The bundled font has one weight; matplotlib would log a line for every bold request.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    mpl.rcParams.update(cast(Any, RC_PARAMS))  # the stubs type the keys as literals
    font = find_cjk_font()
    if font is not None:
        font_manager.fontManager.addfont(str(font))
        family = font_manager.FontProperties(fname=str(font)).get_name()
        mpl.rcParams["font.family"] = ["DejaVu Sans", family]
        return lang
    return "en"


def axes_or_new(ax: Axes | None, figsize: tuple[float, float] = (9, 4)) -> Axes:
    """``ax``, or the Axes of a new figure of ``figsize`` inches."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def in_lang(zh: str, en: str, lang: str) -> str:
    """A chart text in the chart's label language: ``en`` for ``"en"``, else ``zh``."""
    return en if lang == "en" else zh


class MoneyFormatter(Formatter):
    """Axis labels in money: ``¥12k``, ``¥1.2M`` in English; in Chinese every tick in the
    unit of the axis's largest tick, ``¥0.5万, ¥1万, ¥1.5万``, ``¥3.5亿``
    (:func:`helpers.numbers.money_tick`)."""

    def __init__(self, currency: str, lang: str) -> None:
        self.currency, self.lang = currency, lang
        self.top: float | None = None

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        self.top = max((abs(float(v)) for v in locs), default=None)

    def __call__(self, x, pos=None) -> str:
        return numbers.money_tick(x, self.currency, self.lang, top=self.top)


def money_formatter(currency: str, *, lang: str) -> MoneyFormatter:
    """The money axis formatter of a chart in label language ``lang`` (:class:`MoneyFormatter`)."""
    return MoneyFormatter(currency, lang)


def format_axis(
    axis, unit: str, currency: str = "CNY", *, decimals: int = 1, lang: str = "zh"
) -> None:
    """Label an axis (``ax.xaxis`` / ``ax.yaxis``) by unit: ratio as %, currency as money
    in the chart's label language ``lang`` (:func:`money_formatter`), anything else as a
    plain number with thousands separators."""
    if unit == "ratio":
        axis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))
    elif unit == "currency":
        axis.set_major_formatter(money_formatter(currency, lang=lang))
    else:
        axis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:,.0f}"))


def shade_days(ax: Axes, days, color: str) -> None:
    """Shade whole days (a day-wide band centred on each date) behind the data."""
    for d in days:
        ax.axvspan(
            d - pd.Timedelta(hours=12), d + pd.Timedelta(hours=12), color=color, lw=0, zorder=0
        )


def shade_phases(
    ax: Axes,
    data: pd.DataFrame,
    *,
    date: str = "date",
    phase: str = "phase",
    lang: str | None = None,
) -> Axes:
    """Shade festival days (warm-up / burst / after-glow) behind a time series; with
    ``lang`` each shaded phase gets a legend entry (大促预热 / 爆发 / 余热)."""
    if phase not in data or data[phase].isna().all():
        return ax
    for p, color in PHASE_COLORS.items():
        days = data.loc[data[phase] == p, date]
        shade_days(ax, days, color)
        if lang is not None and len(days):
            name = i18n.label(i18n.PHASES, p, lang)
            label = f"大促{name}" if lang == "zh" else f"Festival {name}"
            ax.add_patch(Rectangle((0, 0), 0, 0, color=color, label=label, visible=False))
    return ax


#: weekday names of the date ticks, Monday first
WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def day_label(day: pd.Timestamp, lang: str = "zh") -> str:
    """A date tick with its weekday: ``11-15 周日`` / ``11-15 Sun``."""
    if lang == "zh":
        return f"{day:%m-%d} 周{WEEKDAYS['zh'][day.weekday()]}"
    return f"{day:%m-%d} {WEEKDAYS['en'][day.weekday()]}"


def date_axis(ax: Axes, lang: str = "zh", *, max_ticks: int = 6) -> None:
    """Date ticks that never overlap: at most ``max_ticks`` labels, whole weeks apart when the
    range allows (so every tick falls on the same weekday), each with its weekday."""
    lo, hi = ax.get_xlim()
    days = max(1.0, hi - lo)
    step = max(1, int(np.ceil(days / max_ticks)))
    if step > 3:
        step = int(np.ceil(step / 7.0)) * 7
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=step))
    ax.xaxis.set_major_formatter(
        FuncFormatter(
            lambda x, _p: day_label(pd.Timestamp(mdates.num2date(x)).tz_localize(None), lang)
        )
    )
    for label in ax.get_xticklabels():
        label.set_rotation(0)
        label.set_horizontalalignment("center")


def rise_fall_colours(rise_colour: str = "auto", lang: str = "zh") -> tuple[str, str]:
    """The colours of a rise and of a fall.

    ``rise_colour`` is the setting ``daily_review.rise_colour``: ``auto`` follows the report
    language (zh: rises red and falls green, the convention of Chinese dashboards and stock
    quotes, 红涨绿跌; en: rises green, falls red), ``red`` or ``green`` force it.
    """
    red_up = rise_colour == "red" or (rise_colour == "auto" and lang == "zh")
    return (COLOR_RED, COLOR_GREEN) if red_up else (COLOR_GREEN, COLOR_RED)
