"""Charts for the reports. They draw results; they never compute metrics.

Every function follows the seaborn habit: the data first, keyword-only options, an optional
``ax`` to draw on, and the Axes returned. Call :func:`setup` once per notebook: it registers
the CJK font that ships with the ``mplfonts`` package and tells you which language chart labels
can use (``"en"`` if no CJK font is available, so labels never turn into empty boxes).
"""

from __future__ import annotations

import importlib.resources
import logging
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from helpers import i18n

CJK_FAMILY = "Noto Sans CJK SC"
_CJK_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf")

#: colours: one hue per meaning, consistent across reports
COLOR_UP = "#2a9d8f"
COLOR_DOWN = "#e76f51"
COLOR_MAIN = "#264653"
COLOR_SOFT = "#8ab6d6"
PHASE_COLORS = {"warmup": "#fbf3e6", "burst": "#f6b89f", "afterglow": "#fadccf"}


def find_cjk_font() -> Path | None:
    """Path of a CJK font file shipped with ``mplfonts``, or None when not installed."""
    try:
        root = importlib.resources.files("mplfonts") / "fonts"
    except ModuleNotFoundError:
        return None
    for name in _CJK_FILES:
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
    mpl.rcParams.update(
        {
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
        }
    )
    font = find_cjk_font()
    if font is not None:
        font_manager.fontManager.addfont(str(font))
        family = font_manager.FontProperties(fname=str(font)).get_name()
        mpl.rcParams["font.family"] = ["DejaVu Sans", family]
        return lang
    return "en"


def _ax(ax: Axes | None, figsize: tuple[float, float] = (9, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _money_formatter(currency: str) -> FuncFormatter:
    symbol = {"CNY": "¥", "GBP": "£", "BRL": "R$", "USD": "$", "EUR": "€"}.get(currency, "")

    def fmt(x: float, _pos: int) -> str:
        sign = "-" if x < 0 else ""
        a = abs(x)
        if a >= 1e6:
            return f"{sign}{symbol}{a / 1e6:.1f}M"
        if a >= 1e4:
            return f"{sign}{symbol}{a / 1e3:.0f}k"
        return f"{sign}{symbol}{a:,.0f}"

    return FuncFormatter(fmt)


def _format_y(ax: Axes, unit: str, currency: str) -> None:
    if unit == "ratio":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    elif unit == "currency":
        ax.yaxis.set_major_formatter(_money_formatter(currency))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:,.0f}"))


def shade_phases(ax: Axes, data: pd.DataFrame, *, date: str = "date", phase: str = "phase") -> Axes:
    """Shade festival days (warm-up / burst / after-glow) behind a time series."""
    if phase not in data or data[phase].isna().all():
        return ax
    for d, p in zip(data[date], data[phase], strict=True):
        if isinstance(p, str) and p in PHASE_COLORS:
            ax.axvspan(
                d - pd.Timedelta(hours=12),
                d + pd.Timedelta(hours=12),
                color=PHASE_COLORS[p],
                lw=0,
                zorder=0,
            )
    return ax


def trend(
    data: pd.DataFrame,
    *,
    metric: str,
    lang: str = "zh",
    currency: str = "CNY",
    highlight: pd.Timestamp | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Daily values with their 7-day average; festival days shaded.

    Parameters
    ----------
    data : DataFrame with ``date``, ``value``, ``avg_7d`` and optionally ``phase``
        (as returned by :func:`helpers.metrics.kpis.trend`).
    metric : metric id, for the title and the axis format.
    highlight : a date to mark (the run date).
    """
    ax = _ax(ax)
    shade_phases(ax, data)
    ax.plot(
        data["date"],
        data["value"],
        marker="o",
        ms=3,
        color=COLOR_MAIN,
        label=i18n.metric_label(metric, lang),
    )
    if "avg_7d" in data:
        ax.plot(
            data["date"], data["avg_7d"], color=COLOR_SOFT, lw=2, label=i18n.t("avg_7d_line", lang)
        )
    if highlight is not None:
        row = data[data["date"] == highlight]
        if not row.empty:
            ax.scatter(row["date"], row["value"], s=80, color=COLOR_DOWN, zorder=5)
    _format_y(ax, i18n.metric_unit(metric), currency)
    ax.set_title(i18n.metric_label(metric, lang))
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.figure.autofmt_xdate()
    return ax


def small_multiples(
    data: dict[str, pd.DataFrame],
    *,
    lang: str = "zh",
    currency: str = "CNY",
    highlight: pd.Timestamp | None = None,
    ncols: int = 2,
) -> plt.Figure:
    """A grid of :func:`trend` charts, one per metric (``data`` maps metric -> trend frame)."""
    n = len(data)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 2.8 * nrows), squeeze=False)
    for ax, (metric, frame) in zip(axes.flat, data.items(), strict=False):
        trend(frame, metric=metric, lang=lang, currency=currency, highlight=highlight, ax=ax)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def gmv_waterfall(
    split: pd.DataFrame,
    *,
    gmv_before: float,
    gmv_after: float,
    lang: str = "zh",
    currency: str = "CNY",
    before_label: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Waterfall of the GMV change split into UV, CVR and 客单价 contributions.

    Parameters
    ----------
    split : DataFrame with ``factor`` and ``contribution`` (currency), as returned by
        :func:`helpers.metrics.decomposition.lmdi_split`.
    gmv_before, gmv_after : the two GMV levels the bars start and end at.
    """
    ax = _ax(ax, (8, 4))
    labels = [before_label or i18n.t("before", lang)]
    bottoms = [0.0]
    heights = [gmv_before]
    colors = [COLOR_SOFT]
    level = gmv_before
    for f, c in zip(split["factor"], split["contribution"], strict=True):
        labels.append(i18n.label(i18n.FACTORS, f, lang))
        c = 0.0 if pd.isna(c) else float(c)
        bottoms.append(level if c >= 0 else level + c)
        heights.append(abs(c))
        colors.append(COLOR_UP if c >= 0 else COLOR_DOWN)
        level += c
    labels.append(i18n.t("after", lang))
    bottoms.append(0.0)
    heights.append(gmv_after)
    colors.append(COLOR_MAIN)
    x = np.arange(len(labels))
    ax.bar(x, heights, bottom=bottoms, color=colors, width=0.6)
    for i, (b, h) in enumerate(zip(bottoms, heights, strict=True)):
        if 0 < i < len(labels) - 1:
            sign = 1 if colors[i] == COLOR_UP else -1
            ax.annotate(f"{sign * h:+,.0f}", (i, b + h), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, labels)
    # Start the axis below the lowest level reached so the factor bars are readable; the two
    # level bars are then cut at the bottom, as usual for a waterfall.
    low = min([gmv_before, gmv_after] + bottoms[1:-1])
    high = max(b + h for b, h in zip(bottoms, heights, strict=True))
    span = max(high - low, 1e-9)
    ax.set_ylim(bottom=max(0.0, low - 0.6 * span), top=high + 0.15 * span)
    _format_y(ax, "currency", currency)
    ax.set_title(i18n.t("gmv_change", lang))
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
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of a signed change per row (channel or item), losers red, winners green."""
    frame = data[[label, value]].dropna().sort_values(value)
    ax = _ax(ax, (8, max(2.0, 0.45 * len(frame) + 1)))
    names = [
        i18n.channel_label(str(n), lang) if translate_channels else str(n)[:24]
        for n in frame[label]
    ]
    colors = [COLOR_UP if v >= 0 else COLOR_DOWN for v in frame[value]]
    ax.barh(names, frame[value], color=colors)
    ax.axvline(0, color="#555", lw=0.8)
    if unit == "currency":
        ax.xaxis.set_major_formatter(_money_formatter(currency))
    elif unit == "ratio":
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def funnel_rates(
    data: pd.DataFrame,
    *,
    rates: Sequence[str] = ("ctr", "cart_rate", "cvr"),
    lang: str = "zh",
    ax: Axes | None = None,
) -> Axes:
    """Grouped bars of funnel step rates per channel (曝光->访客, 访客->加购, 访客->支付)."""
    frame = data.dropna(subset=[r for r in rates if r in data], how="all")
    ax = _ax(ax, (9, 4))
    channels = [i18n.channel_label(str(c), lang) for c in frame["channel"]]
    x = np.arange(len(channels))
    width = 0.8 / len(rates)
    palette = [COLOR_SOFT, "#e9c46a", COLOR_MAIN]
    for i, r in enumerate(rates):
        if r not in frame:
            continue
        ax.bar(
            x + (i - (len(rates) - 1) / 2) * width,
            frame[r],
            width,
            label=i18n.metric_label(r, lang),
            color=palette[i % 3],
        )
    ax.set_xticks(x, channels)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="x", visible=False)
    return ax


def spend_and_roas(
    data: pd.DataFrame,
    *,
    lang: str = "zh",
    currency: str = "CNY",
    ax: Axes | None = None,
) -> Axes:
    """Ad spend per channel as bars, ROAS as dots on a second axis.

    ``data`` has ``channel``, ``ad_spend`` and ``roas``.
    """
    ax = _ax(ax, (8, 3.5))
    names = [i18n.channel_label(str(c), lang) for c in data["channel"]]
    ax.bar(names, data["ad_spend"], color=COLOR_SOFT, label=i18n.metric_label("ad_spend", lang))
    ax.yaxis.set_major_formatter(_money_formatter(currency))
    ax2 = ax.twinx()
    ax2.plot(names, data["roas"], "o", color=COLOR_DOWN, ms=9, label="ROAS")
    top = data["roas"].max()
    if "roas_7d" in data:
        ax2.plot(names, data["roas_7d"], "o", mfc="none", color=COLOR_MAIN, ms=9, label="ROAS 7d")
        top = max(top, data["roas_7d"].max())
        ax2.legend(loc="upper right", frameon=False, fontsize=8)
    ax2.set_ylim(0, 1.25 * top if top and top == top else 1.0)
    ax2.grid(False)
    ax2.set_ylabel("ROAS")
    ax.set_title(i18n.metric_label("ad_spend", lang) + " / ROAS")
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
) -> Axes:
    """Bars of a count or share per category (refund reasons, overdue orders by channel)."""
    frame = data[[label, value]].sort_values(value)
    ax = _ax(ax, (8, max(2.0, 0.4 * len(frame) + 1)))
    ax.barh([str(n)[:24] for n in frame[label]], frame[value], color=COLOR_MAIN)
    if percent:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def baseline(
    data: pd.DataFrame,
    *,
    metric: str,
    z_threshold: float,
    lang: str = "zh",
    currency: str = "CNY",
    ax: Axes | None = None,
) -> Axes:
    """A series against its seasonal baseline; points beyond the threshold are marked.

    ``data`` has ``date``, ``value``, ``expected``, ``z`` and ``is_promo`` (as returned by
    :func:`helpers.alerts.anomaly.seasonal_baseline`).
    """
    ax = _ax(ax, (9, 3.2))
    promo = data[data["is_promo"].fillna(False).astype(bool)]
    for d in promo["date"]:
        ax.axvspan(
            d - pd.Timedelta(hours=12),
            d + pd.Timedelta(hours=12),
            color=PHASE_COLORS["warmup"],
            lw=0,
            zorder=0,
        )
    ax.plot(
        data["date"], data["value"], color=COLOR_MAIN, lw=1.2, label=i18n.metric_label(metric, lang)
    )
    ax.plot(data["date"], data["expected"], color=COLOR_SOFT, lw=2, label=i18n.t("expected", lang))
    out = data[(data["z"].abs() > z_threshold) & ~data["is_promo"].fillna(False).astype(bool)]
    ax.scatter(
        out["date"], out["value"], color=COLOR_DOWN, s=40, zorder=5, label=i18n.t("flagged", lang)
    )
    _format_y(ax, i18n.metric_unit(metric), currency)
    ax.set_title(i18n.metric_label(metric, lang))
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.figure.autofmt_xdate()
    return ax
