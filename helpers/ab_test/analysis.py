"""Reading an A/B test: conversion, revenue per visitor, sample ratio, guardrails, verdict.

Input is the ``experiments`` table (see :mod:`helpers.contract`): either one row per
experiment, variant and day with ``visitors``, ``conversions`` and ``revenue``, or one row per
user with a ``converted`` flag 0/1 (and optionally ``revenue``). The first variant named
``control`` (configurable) is compared with every other variant of the same experiment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

SHIP, DONT_SHIP, KEEP_RUNNING, BLOCKED = "ship", "dont_ship", "keep_running", "blocked"


def filled(frame: pd.DataFrame) -> pd.DataFrame:
    """The table without its columns that carry no value at all (optional, left empty)."""
    return frame.dropna(axis=1, how="all")


def is_user_level(frame: pd.DataFrame) -> bool:
    """True when the table has one row per user (a filled ``converted`` flag, no
    ``visitors``)."""
    cols = filled(frame).columns
    return "converted" in cols and "visitors" not in cols


def dedupe_users(frame: pd.DataFrame) -> pd.DataFrame:
    """User-level rows with each (experiment, user_id) kept once: its earliest row.

    This is what the published analysis of the Udacity landing-page data does with its one
    user seen twice (both rows in the same variant): the later row is dropped.
    """
    if "user_id" not in frame.columns:
        return frame
    order = frame.sort_values("date", kind="stable") if "date" in frame else frame
    return order.drop_duplicates(["experiment", "user_id"], keep="first").sort_index()


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per experiment and variant: ``visitors, conversions, revenue`` (+ ``orders``, ``refunds``).

    User-level rows count one visitor each and ``conversions = Σ converted``; day rows are
    summed. Optional guardrail columns ``orders`` and ``refunded_orders`` are summed when
    present. ``cvr = conversions / visitors``, ``rpv = revenue / visitors`` (currency).
    """
    data = filled(frame).copy()
    if is_user_level(data):
        data = dedupe_users(data)
        data["visitors"] = 1
        data["conversions"] = pd.to_numeric(data["converted"], errors="coerce").fillna(0)
    if "revenue" not in data:
        data["revenue"] = np.nan
    cols = ["visitors", "conversions", "revenue"] + [
        c for c in ("orders", "refunded_orders") if c in data.columns
    ]
    out = data.groupby(["experiment", "variant"], sort=True)[cols].sum(min_count=1)
    out = out.reset_index()
    out["cvr"] = out["conversions"] / out["visitors"]
    out["rpv"] = out["revenue"] / out["visitors"]
    return out


@dataclass(frozen=True)
class Conversion:
    """Two-proportion comparison of treatment with control.

    ``diff = cvr_t − cvr_c``; ``ci`` the Wald interval
    ``diff ± z₁₋α/₂ · √(cvr_c(1−cvr_c)/n_c + cvr_t(1−cvr_t)/n_t)``; ``z`` and ``p`` the pooled
    two-proportion z test (statsmodels ``proportions_ztest``, two-sided, treatment minus
    control); ``lift = diff / cvr_c``.
    """

    n_control: int
    n_treatment: int
    cvr_control: float
    cvr_treatment: float
    diff: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float

    @property
    def lift(self) -> float:
        """Relative lift of the treatment's CVR over the control's (ratio)."""
        return self.diff / self.cvr_control if self.cvr_control else math.nan


def conversion_test(
    conv_control: int, n_control: int, conv_treatment: int, n_treatment: int, *, alpha=0.05
) -> Conversion:
    """Difference of conversion rates with its confidence interval and p-value.

    When the pooled rate is 0 or 1 (no variation at all) ``z = 0`` and ``p = 1``.
    """
    pc, pt = conv_control / n_control, conv_treatment / n_treatment
    pooled = (conv_control + conv_treatment) / (n_control + n_treatment)
    if 0 < pooled < 1:
        z, p = proportions_ztest([conv_treatment, conv_control], [n_treatment, n_control])
    else:  # nobody (or everybody) converted in both variants: no evidence either way
        z, p = 0.0, 1.0
    se = math.sqrt(pc * (1 - pc) / n_control + pt * (1 - pt) / n_treatment)
    half = float(stats.norm.ppf(1 - alpha / 2)) * se
    diff = pt - pc
    return Conversion(
        n_control=int(n_control),
        n_treatment=int(n_treatment),
        cvr_control=pc,
        cvr_treatment=pt,
        diff=diff,
        ci_low=diff - half,
        ci_high=diff + half,
        z=float(z),
        p_value=float(p),
    )


@dataclass(frozen=True)
class RatioCheck:
    """Sample-ratio-mismatch check: chi-square of the visitor counts against the plan.

    ``expected = n · (1 − share, share)``; ``chi2 = Σ (observed − expected)² / expected``
    with one degree of freedom; ``mismatch`` when ``p < threshold``.
    """

    planned_share: float
    observed_share: float
    chi2: float
    p_value: float
    mismatch: bool


def ratio_check(
    n_control: int, n_treatment: int, *, planned_share: float = 0.5, threshold: float = 0.001
) -> RatioCheck:
    """Whether the split of visitors departs from the planned treatment share."""
    n = n_control + n_treatment
    expected = [n * (1 - planned_share), n * planned_share]
    chi2, p = stats.chisquare([n_control, n_treatment], f_exp=expected)
    return RatioCheck(
        planned_share=planned_share,
        observed_share=n_treatment / n if n else math.nan,
        chi2=float(chi2),
        p_value=float(p),
        mismatch=bool(p < threshold),
    )


@dataclass(frozen=True)
class Revenue:
    """Revenue per visitor (currency) of both variants and the test used.

    ``method`` is ``mann_whitney`` (user-level rows: rank test on every visitor's revenue,
    zeros included, robust to the few big spenders of money data) or ``welch_daily`` (day
    rows: Welch's t test on each day's revenue per visitor, an approximation stated as such).
    """

    rpv_control: float
    rpv_treatment: float
    method: str
    p_value: float

    @property
    def lift(self) -> float:
        """Relative difference of revenue per visitor, treatment over control."""
        return self.rpv_treatment / self.rpv_control - 1 if self.rpv_control else math.nan


def revenue_test(control: pd.DataFrame, treatment: pd.DataFrame) -> Revenue | None:
    """Compare revenue per visitor of two variants' rows; None without revenue."""
    if "revenue" not in control or control["revenue"].isna().all():
        return None
    control, treatment = filled(control), filled(treatment)
    if is_user_level(control):
        a = control["revenue"].fillna(0.0).to_numpy(float)
        b = treatment["revenue"].fillna(0.0).to_numpy(float)
        p = stats.mannwhitneyu(b, a, alternative="two-sided").pvalue if len(a) and len(b) else 1
        return Revenue(a.mean(), b.mean(), "mann_whitney", float(p))
    a_day = control.groupby("date")[["revenue", "visitors"]].sum()
    b_day = treatment.groupby("date")[["revenue", "visitors"]].sum()
    ra = (a_day["revenue"] / a_day["visitors"]).dropna()
    rb = (b_day["revenue"] / b_day["visitors"]).dropna()
    spread = len(ra) > 1 and len(rb) > 1 and (ra.std() > 0 or rb.std() > 0)
    p = stats.ttest_ind(rb, ra, equal_var=False).pvalue if spread else math.nan
    rpv_c = control["revenue"].sum() / control["visitors"].sum()
    rpv_t = treatment["revenue"].sum() / treatment["visitors"].sum()
    return Revenue(float(rpv_c), float(rpv_t), "welch_daily", float(p))
