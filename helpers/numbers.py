"""Numbers as the reports write them: the one home of number, percent and money formats.

Two styles, kept apart on purpose because the reports pin both:

* **in sentences** (alert messages, next actions): :func:`pct` (``1.2%``, two decimals under
  1 %), :func:`num` (``12,346`` / ``3.46``), ``n/a`` when missing;
* **in tables and cards**: :func:`format_value` by unit (money with the currency symbol,
  ratios with two decimals), :func:`format_change` (signed), :func:`format_number` (KPI
  cards), an en dash when missing; :func:`money_tick` for chart axes.

Currency symbols live in :data:`CURRENCY_SYMBOLS` (one table).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: Currency code -> symbol written before the amount; other codes are written after it.
CURRENCY_SYMBOLS: dict[str, str] = {"CNY": "¥", "GBP": "£", "BRL": "R$", "USD": "$", "EUR": "€"}

MISSING = "–"


def as_float(x: Any) -> float | None:
    """Float or None (None, NaN, infinities and non-numbers -> None)."""
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) else None


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float | np.floating) and math.isnan(x))


def pct(x: float | None) -> str:
    """A ratio as a percentage in a sentence: 0.0123 -> '1.2%', 0.0045 -> '0.45%'."""
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:.2%}" if abs(x) < 0.01 else f"{x:.1%}"


def num(x: float | None) -> str:
    """An amount or count in a sentence: 12345.6 -> '12,346', 3.456 -> '3.46'."""
    if x is None or not np.isfinite(x):
        return "n/a"
    if float(x).is_integer() or abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.2f}"


def in_text(x: float | None, unit: str) -> str:
    """A value in a sentence by unit: ratios as :func:`pct`, anything else as :func:`num`."""
    return pct(x) if unit == "ratio" else num(x)


def currency_symbol(currency: str) -> str:
    """The symbol of ``currency`` ('' when unknown)."""
    return CURRENCY_SYMBOLS.get(currency, "")


def format_value(value: float | None, unit: str, *, currency: str = "CNY") -> str:
    """Format a metric value for tables: money with thousands separators, ratios as %.

    Units: ``ratio`` (``3.45%``), ``ratio_x`` (``3.46``), ``currency`` (``¥1,234.50``,
    ``1,234.50 XYZ`` for a code without a symbol), ``hours`` (``12.5 h``), ``decimal``
    (``12.5``: one decimal, for a column whose header names the unit, e.g. 已等待(小时)),
    else a count (``12,000``). Missing values show as an en dash.
    """
    if value is None or _missing(value):
        return MISSING
    if unit == "ratio":
        return f"{value:.2%}"
    if unit == "ratio_x":
        return f"{value:.2f}"
    if unit == "currency":
        symbol = currency_symbol(currency)
        sign = "-" if value < 0 else ""
        return f"{sign}{symbol}{abs(value):,.2f}" if symbol else f"{value:,.2f} {currency}"
    if unit == "hours":
        return f"{value:,.1f} h"
    if unit == "decimal":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def format_change(value: float | None, *, missing: str = MISSING) -> str:
    """Signed percentage change, e.g. ``+12.3%``; ``missing`` (an en dash) when missing."""
    if value is None or _missing(value):
        return missing
    return f"{value:+.1%}"


def format_pp(value: float | None, lang: str = "zh", *, missing: str = MISSING) -> str:
    """A change of a rate in percentage points: 0.012 -> ``+1.2 个百分点`` / ``+1.2 pp``.

    Two rates are compared by their difference, not their ratio: 30 % -> 70 % is
    ``+40.0 pp``, not ``+133%``. Changes under 0.1 point get two decimals.
    """
    if value is None or _missing(value):
        return missing
    points = value * 100
    digits = 2 if 0 < abs(points) < 0.1 else 1
    unit = " pp" if lang == "en" else " 个百分点"
    return f"{points:+.{digits}f}{unit}"


def format_amount(value: float | None, *, missing: str = MISSING) -> str:
    """An amount with thousands separators and two decimals, e.g. ``12,345.60``."""
    if value is None or _missing(value):
        return missing
    return f"{value:,.2f}"


def format_number(value: Any, unit: Any = None) -> str:
    """A KPI card's value: thousands separators, unit ``"%"`` = a fraction as percent.

    Integers in full (``1,234,567``), >= 10,000 without decimals, >= 1 with two, smaller
    ones with 4 significant digits; unit ``"count"`` adds nothing (a count is its own unit);
    any other unit is written after the number. En dash when missing; non-numbers are
    returned as text.
    """
    if unit == "count":
        unit = None
    if value is None:
        return MISSING
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
    elif isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return MISSING
    elif unit == "%":
        return f"{value * 100:,.1f}%"
    elif float(value).is_integer() and abs(value) < 1e15:
        text = f"{int(value):,}"
    elif abs(value) >= 10000:
        text = f"{value:,.0f}"
    elif abs(value) >= 1:
        text = f"{value:,.2f}"
    else:
        text = f"{value:.4g}"
    return f"{text} {unit}" if unit else text


def money_tick(value: float, currency: str, lang: str = "en", *, top: float | None = None) -> str:
    """Money on a chart axis, short.

    ``lang="en"``: thousands and millions, ``¥950``, ``¥12k``, ``¥1.2M``. Any other language
    (the zh reports): the Chinese units 万 (10^4) and 亿 (10^8), ``¥950``, ``¥1.2万``,
    ``¥120万``, ``¥3.5亿``, a trailing ``.0`` dropped, as a Chinese operator writes money.
    ``top`` (zh only): the largest absolute tick of the axis; its unit is used for every tick
    so that an axis reads ``¥0.5万, ¥1万, ¥1.5万`` rather than ``¥5,000, ¥1万``.
    """
    symbol = currency_symbol(currency)
    sign = "-" if value < 0 else ""
    a = abs(value)
    if lang != "en":
        scale = abs(top) if top is not None else a
        for unit, size in (("亿", 1e8), ("万", 1e4)):
            if scale >= size:
                return f"{sign}{symbol}{_short(a / size)}{unit}" if a else f"{symbol}0"
        return f"{sign}{symbol}{a:,.0f}"
    if a >= 1e6:
        return f"{sign}{symbol}{a / 1e6:.1f}M"
    if a >= 1e4:
        return f"{sign}{symbol}{a / 1e3:.0f}k"
    return f"{sign}{symbol}{a:,.0f}"


def _short(x: float) -> str:
    """One decimal under 100 (``1.5``, ``12``, ``0.5``), none from 100 (``120``); ``.0``
    dropped; two under 0.1 (``0.05``)."""
    text = f"{x:,.2f}" if x < 0.1 else f"{x:,.1f}" if x < 100 else f"{x:,.0f}"
    return text[:-2] if text.endswith(".0") else text
