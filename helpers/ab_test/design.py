"""Designing an A/B test: how many visitors per variant and how many days it must run.

The sample size comes from the power of a two-sided two-proportion test on Cohen's effect
size ``h = 2·asin(√p₂) − 2·asin(√p₁)`` (statsmodels ``proportion_effectsize`` and
``NormalIndPower``); the duration divides it by the daily traffic that enters the test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize


@dataclass(frozen=True)
class Design:
    """A planned test.

    Attributes
    ----------
    baseline_cvr : float
        Conversion rate of the control (ratio).
    target_cvr : float
        Conversion rate the treatment must reach to be detected: ``baseline · (1 + lift)``.
    lift : float
        Minimum detectable relative lift (0.1 = +10 %).
    alpha, power : float
        Two-sided significance level and the chance of detecting a true lift of that size.
    treatment_share : float
        Planned share of visitors sent to the treatment (0.5 = an even split).
    n_control, n_treatment : int
        Visitors needed per variant (rounded up).
    daily_visitors : float or None
        Visitors per day entering the test (None when unknown).
    days : int or None
        Days the test must run: ``ceil((n_control + n_treatment) / daily_visitors)``.
    """

    baseline_cvr: float
    target_cvr: float
    lift: float
    alpha: float
    power: float
    treatment_share: float
    n_control: int
    n_treatment: int
    daily_visitors: float | None
    days: int | None

    @property
    def n_total(self) -> int:
        """Visitors needed in all: control plus treatment."""
        return self.n_control + self.n_treatment


def sample_size(
    baseline_cvr: float,
    lift: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    treatment_share: float = 0.5,
    daily_visitors: float | None = None,
) -> Design:
    """Visitors per variant and days needed to detect a relative ``lift`` of a baseline CVR.

    ``n_control = solve_power(h, alpha, power, ratio=share/(1-share))`` with
    ``h = proportion_effectsize(target, baseline)``; ``n_treatment = n_control · ratio``;
    ``days = ceil(n_total / daily_visitors)``.

    Parameters
    ----------
    baseline_cvr : float
        Control conversion rate, strictly between 0 and 1.
    lift : float
        Minimum detectable relative lift, non-zero; ``baseline·(1+lift)`` must stay below 1.
    alpha, power : float
        Two-sided significance level and power.
    treatment_share : float
        Planned treatment share of traffic, strictly between 0 and 1.
    daily_visitors : float, optional
        Visitors a day entering the test; without it ``days`` is None.
    """
    target = baseline_cvr * (1 + lift)
    if not 0 < baseline_cvr < 1 or not 0 < target < 1 or lift == 0:
        raise ValueError("baseline_cvr and baseline_cvr*(1+lift) must be in (0, 1), lift != 0")
    if not 0 < treatment_share < 1:
        raise ValueError("treatment_share must be in (0, 1)")
    ratio = treatment_share / (1 - treatment_share)
    h = abs(proportion_effectsize(target, baseline_cvr))
    n1 = NormalIndPower().solve_power(
        effect_size=h, alpha=alpha, power=power, ratio=ratio, alternative="two-sided"
    )
    n_control = math.ceil(n1)
    n_treatment = math.ceil(n1 * ratio)
    days = None
    if daily_visitors is not None and daily_visitors > 0:
        days = math.ceil((n_control + n_treatment) / daily_visitors)
    return Design(
        baseline_cvr=baseline_cvr,
        target_cvr=target,
        lift=lift,
        alpha=alpha,
        power=power,
        treatment_share=treatment_share,
        n_control=n_control,
        n_treatment=n_treatment,
        daily_visitors=daily_visitors,
        days=days,
    )


def traffic_baseline(daily: pd.DataFrame, *, days: int = 28) -> tuple[float, float] | None:
    """Baseline CVR and visitors per day from the shop's last ``days`` days of traffic.

    ``cvr = Σ buyers / Σ uv`` and ``visitors = Σ uv / number of days`` over the window.

    Parameters
    ----------
    daily : DataFrame
        One row per day with ``date``, ``uv`` and ``buyers`` (facts.daily).
    days : int
        Window length (the latest days).

    Returns
    -------
    (cvr, visitors_per_day) or None when there is no traffic (no ``uv`` or all zero).
    """
    if daily is None or daily.empty or "uv" not in daily or "buyers" not in daily:
        return None
    window = daily.sort_values("date").tail(days)
    uv = pd.to_numeric(window["uv"], errors="coerce").fillna(0)
    buyers = pd.to_numeric(window["buyers"], errors="coerce").fillna(0)
    if uv.sum() <= 0:
        return None
    return float(buyers.sum() / uv.sum()), float(uv.sum() / len(window))
