"""Where did GMV change: the exact split of GMV = UV x CVR x 客单价 (LMDI).

With ``GMV = UV x CVR x ARPU`` (ARPU = 客单价 = GMV / buyers, CVR = buyers / UV), the change
between a "before" and an "after" period splits into one contribution per factor with the
additive LMDI-I (logarithmic mean Divisia index) method::

    L(a, b) = (a - b) / (ln a - ln b),   L(a, a) = a          (logarithmic mean)
    contribution_x = L(GMV1, GMV0) x ln(x1 / x0)              (currency)

Because ``ln(GMV1 / GMV0) = ln(UV1/UV0) + ln(CVR1/CVR0) + ln(ARPU1/ARPU0)``, the three
contributions add up exactly to ``GMV1 - GMV0``, with no residual and independent of the
order of the factors (unlike sequential substitution). Swapping the periods flips every
sign. The implementation computes ``L`` with the sum of the factor log-ratios as the
denominator, so the identity also holds to float precision.

Fallback: logarithms need every factor > 0 in both periods. When a factor is 0 or missing
(a day without sales, no traffic data), the split is undefined: the contributions are NaN,
``attrs["method"]`` is ``"undefined"`` and ``attrs["note"]`` says why -- never a silently
wrong split. When GMV is 0 in both periods the change is 0 and every contribution is 0
(``method = "no_change"``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.facts import Facts, as_day
from helpers.metrics.kpis import safe_ratio, window_sums

FACTORS = ("uv", "cvr", "arpu")
#: the split used without traffic data: GMV = buyers x 客单价
FACTORS_NO_TRAFFIC = ("buyers", "arpu")
#: a named baseline, or a ``(start, end)`` window of days compared as a per-day average
Baseline = Literal["prev_day", "last_week", "avg_7d"] | tuple[Any, Any]


def log_mean(a: float, b: float) -> float:
    """Logarithmic mean ``L(a, b) = (a - b) / (ln a - ln b)``, ``L(a, a) = a`` (a, b > 0)."""
    if a <= 0 or b <= 0:
        raise ValueError("the logarithmic mean needs positive arguments")
    if a == b:
        return float(a)
    return (a - b) / (math.log(a) - math.log(b))


#: one record of additive sums: a dict or a row of a frame
Row = Mapping[str, Any] | pd.Series


def _get(m: Row, key: str) -> float:
    try:
        value = m[key]
    except (KeyError, IndexError):
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def factors(m: Row) -> dict[str, float]:
    """The factors ``uv, cvr, arpu`` from a mapping holding them, or ``gmv, uv, buyers``.

    ``cvr = buyers / uv`` and ``arpu = gmv / buyers`` when derived (NaN on a 0 denominator).
    """
    uv = _get(m, "uv")
    if "cvr" in m and "arpu" in m:
        cvr, arpu = _get(m, "cvr"), _get(m, "arpu")
        if not (np.isnan(cvr) or np.isnan(arpu)) or "gmv" not in m:
            buyers = _get(m, "buyers") if "buyers" in m else uv * cvr
            return {"uv": uv, "cvr": cvr, "arpu": arpu, "buyers": buyers}
    gmv, buyers = _get(m, "gmv"), _get(m, "buyers")
    return {
        "uv": uv,
        "cvr": safe_ratio(buyers, uv),
        "arpu": safe_ratio(gmv, buyers),
        "buyers": buyers,
    }


def _gmv(m: Row, f: dict[str, float]) -> float:
    if "gmv" in m and not np.isnan(_get(m, "gmv")):
        return _get(m, "gmv")
    return f["uv"] * f["cvr"] * f["arpu"]


def lmdi_split(
    before: Row,
    after: Row,
    *,
    factor_names: tuple[str, ...] = FACTORS,
) -> pd.DataFrame:
    """Split ``GMV_after - GMV_before`` into the UV, CVR and 客单价 contributions (LMDI-I).

    Parameters
    ----------
    before, after : mappings (dict, Series) with ``uv, cvr, arpu`` or ``gmv, uv, buyers``.
    factor_names : the identity to split along: :data:`FACTORS` (GMV = UV x CVR x 客单价)
        or, without traffic data, :data:`FACTORS_NO_TRAFFIC` (GMV = buyers x 客单价). The
        formula is the same for any product of factors.

    Returns
    -------
    DataFrame with one row per factor (``uv, cvr, arpu``) and columns ``factor, before,
    after, contribution`` (currency; sums to the GMV change) and ``share`` (contribution /
    change; NaN when the change is 0). ``attrs`` holds ``gmv_before, gmv_after, change,
    method`` (``lmdi`` / ``no_change`` / ``undefined``) and ``note``.
    """
    f0, f1 = factors(before), factors(after)
    g0, g1 = _gmv(before, f0), _gmv(after, f1)
    change = g1 - g0
    names = tuple(factor_names)
    x0 = np.array([f0[k] for k in names], dtype="float64")
    x1 = np.array([f1[k] for k in names], dtype="float64")
    note = ""
    if np.all(np.isfinite(x0)) and np.all(np.isfinite(x1)) and (x0 > 0).all() and (x1 > 0).all():
        logs = np.log(x1) - np.log(x0)  # exactly antisymmetric in the periods
        d = float(logs.sum())
        g0p, g1p = float(np.prod(x0)), float(np.prod(x1))
        # L(G1, G0) with the same log-sum the contributions use, so they add up exactly
        # (near-equal GMVs: L(a, b) -> (a + b) / 2, symmetric, error O(d^2))
        lm = (g0p + g1p) / 2.0 if abs(d) < 1e-12 else (g1p - g0p) / d
        contrib = lm * logs
        method = "lmdi"
    elif g0 == 0 and g1 == 0:
        contrib = np.zeros(len(names))
        method = "no_change"
        note = "GMV is 0 in both periods; nothing to split"
    else:
        contrib = np.full(len(names), np.nan)
        method = "undefined"
        bad = [
            k
            for k, a, b in zip(names, x0, x1, strict=True)
            if not (np.isfinite(a) and np.isfinite(b) and a > 0 and b > 0)
        ]
        note = (
            "log split undefined: factor(s) "
            + ", ".join(bad)
            + " zero or missing in a period (e.g. no sales or no traffic data)"
        )
    out = pd.DataFrame(
        {
            "factor": list(names),
            "before": x0,
            "after": x1,
            "contribution": contrib,
        }
    )
    out["share"] = safe_ratio(out["contribution"], change if change != 0 else np.nan)
    out.attrs.update(
        {"gmv_before": g0, "gmv_after": g1, "change": change, "method": method, "note": note}
    )
    return out


def baseline_window(run_date: Any, baseline: Baseline) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a comparison baseline for ``run_date``.

    ``prev_day`` = D-1; ``last_week`` = D-7 (same weekday); ``avg_7d`` = D-7..D-1 (compared
    as a per-day average); a ``(start, end)`` pair of days is taken as given (e.g. the window
    of :func:`helpers.metrics.comparison.choose_comparison`, compared as a per-day average).
    """
    if isinstance(baseline, tuple):
        return as_day(baseline[0]), as_day(baseline[1])
    day = as_day(run_date)
    one = pd.Timedelta(days=1)
    if baseline == "prev_day":
        return day - one, day - one
    if baseline == "last_week":
        return day - 7 * one, day - 7 * one
    if baseline == "avg_7d":
        return day - 7 * one, day - one
    raise ValueError(f"baseline must be prev_day, last_week or avg_7d, not {baseline!r}")


def per_day(sums: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Divide the additive ``gmv, uv, buyers, orders`` of window sums by ``days``.

    Ratios are unchanged by the division, so the per-day average of a window keeps the
    window's CVR and 客单价.
    """
    out = sums.copy()
    days = out["days"]
    for col in ("gmv", "uv", "buyers", "orders", "units", "impressions", "cart_users"):
        if col in out:
            out[col] = safe_ratio(out[col], days)
    return out


def gmv_change_split(
    facts: Facts,
    *,
    run_date: Any = None,
    baseline: Baseline = "prev_day",
    factor_names: tuple[str, ...] = FACTORS,
) -> pd.DataFrame:
    """LMDI split of the shop GMV change between a baseline and the run date.

    ``baseline`` is ``prev_day`` (D-1), ``last_week`` (D-7) or ``avg_7d`` (per-day average of
    D-7..D-1); ``factor_names`` as in :func:`lmdi_split`. Returns :func:`lmdi_split`'s frame
    with ``attrs["baseline"]`` added.
    """
    day = facts.run_date if run_date is None else as_day(run_date)
    start, end = baseline_window(day, baseline)
    before = per_day(window_sums(facts, start, end).iloc[0])
    assert isinstance(before, pd.Series)
    after = window_sums(facts, day, day).iloc[0]
    out = lmdi_split(before, after, factor_names=factor_names)
    out.attrs["baseline"] = baseline_name(baseline)
    return out


def baseline_name(baseline: Baseline) -> str:
    """``prev_day`` ... as given; a window as ``YYYY-MM-DD..YYYY-MM-DD``."""
    if isinstance(baseline, tuple):
        start, end = (as_day(d) for d in baseline)
        return f"{start:%Y-%m-%d}..{end:%Y-%m-%d}"
    return baseline
