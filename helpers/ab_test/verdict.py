"""One experiment read end to end: checks in order, then a plain-language verdict.

Order of the checks (the first that decides wins):

1. sample-ratio mismatch -> ``blocked``: the split is off, so no number of the test can be
   trusted; find the cause (assignment bug, bots, a variant that crashes) before reading it.
2. planned sample not reached -> ``keep_running``: reading the p-value now is peeking and
   inflates false wins.
3. a guardrail breached (refund rate up by more than the tolerance) -> ``dont_ship``.
4. conversion significantly up -> ``ship``; significantly down or no significant
   difference -> ``dont_ship``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from helpers.ab_test.analysis import (
    BLOCKED,
    DONT_SHIP,
    KEEP_RUNNING,
    SHIP,
    Conversion,
    RatioCheck,
    Revenue,
    conversion_test,
    ratio_check,
    revenue_test,
    totals,
)
from helpers.ab_test.design import Design, sample_size


@dataclass(frozen=True)
class Guardrails:
    """Refund rate and AOV per variant, when the table carries ``orders`` (and refunds).

    ``refund_rate = refunded_orders / orders``; ``aov = revenue / orders`` (currency).
    ``available`` is False when the experiments table has no ``orders`` column: orders are
    then not linked to the test and no guardrail can be read.
    """

    available: bool
    refund_rate_control: float = math.nan
    refund_rate_treatment: float = math.nan
    aov_control: float = math.nan
    aov_treatment: float = math.nan

    def breached(self, tolerance: float) -> bool:
        """True when the treatment's refund rate exceeds the control's by > ``tolerance``."""
        if not self.available or math.isnan(self.refund_rate_treatment):
            return False
        return self.refund_rate_treatment - self.refund_rate_control > tolerance


def guardrails(control: pd.Series, treatment: pd.Series) -> Guardrails:
    """Guardrails from two rows of :func:`~helpers.ab_test.analysis.totals`."""
    if "orders" not in control.index or pd.isna(control["orders"]) or pd.isna(treatment["orders"]):
        return Guardrails(available=False)

    def rate(row: pd.Series) -> float:
        if "refunded_orders" not in row.index or not row["orders"]:
            return math.nan
        return float(row["refunded_orders"] / row["orders"])

    def aov(row: pd.Series) -> float:
        return float(row["revenue"] / row["orders"]) if row["orders"] else math.nan

    return Guardrails(True, rate(control), rate(treatment), aov(control), aov(treatment))


@dataclass(frozen=True)
class Reading:
    """Everything read from one experiment's treatment against its control."""

    experiment: str
    variant: str
    conversion: Conversion
    ratio: RatioCheck
    revenue: Revenue | None
    guardrails: Guardrails
    plan: Design
    reached: bool
    verdict: str
    reason: str


def decide(
    conversion: Conversion,
    ratio: RatioCheck,
    guard: Guardrails,
    reached: bool,
    *,
    alpha: float,
    refund_tolerance: float,
) -> tuple[str, str]:
    """The verdict and its reason code (see the module docstring for the order)."""
    if ratio.mismatch:
        return BLOCKED, "srm"
    if not reached:
        return KEEP_RUNNING, "sample_not_reached"
    if guard.breached(refund_tolerance):
        return DONT_SHIP, "refund_guardrail"
    if conversion.p_value < alpha and conversion.diff > 0:
        return SHIP, "significant_win"
    if conversion.p_value < alpha:
        return DONT_SHIP, "significant_loss"
    return DONT_SHIP, "no_difference"


def read_experiment(
    rows: pd.DataFrame,
    *,
    control: str = "control",
    lift: float = 0.1,
    alpha: float = 0.05,
    power: float = 0.8,
    planned_share: float = 0.5,
    srm_threshold: float = 0.001,
    refund_tolerance: float = 0.02,
) -> list[Reading]:
    """Read one experiment's rows: every non-control variant against ``control``.

    The planned sample is :func:`~helpers.ab_test.design.sample_size` for the observed
    control CVR, the minimum detectable ``lift``, ``alpha``, ``power`` and the planned
    treatment share (a ``planned_share`` column in the rows overrides the default).
    """
    name = str(rows["experiment"].iloc[0])
    if "planned_share" in rows and rows["planned_share"].notna().any():
        planned_share = float(rows["planned_share"].dropna().iloc[0])
    tot = totals(rows).set_index("variant")
    if control not in tot.index:
        return []
    c = tot.loc[[control]].iloc[0]
    out = []
    for variant in [v for v in tot.index if v != control]:
        t = tot.loc[[variant]].iloc[0]
        conv = conversion_test(
            int(c["conversions"]),
            int(c["visitors"]),
            int(t["conversions"]),
            int(t["visitors"]),
            alpha=alpha,
        )
        ratio = ratio_check(
            conv.n_control, conv.n_treatment, planned_share=planned_share, threshold=srm_threshold
        )
        base = min(max(conv.cvr_control, 1e-6), 0.999 / (1 + lift))
        plan = sample_size(base, lift, alpha=alpha, power=power, treatment_share=planned_share)
        reached = conv.n_control >= plan.n_control and conv.n_treatment >= plan.n_treatment
        guard = guardrails(c, t)
        verdict, reason = decide(
            conv, ratio, guard, reached, alpha=alpha, refund_tolerance=refund_tolerance
        )
        rev = revenue_test(rows[rows["variant"] == control], rows[rows["variant"] == variant])
        out.append(
            Reading(name, str(variant), conv, ratio, rev, guard, plan, reached, verdict, reason)
        )
    return out


def read_all(experiments: pd.DataFrame, **options) -> list[Reading]:
    """:func:`read_experiment` for every experiment in the table (sorted by name)."""
    if experiments is None or experiments.empty:
        return []
    readings: list[Reading] = []
    for _, rows in experiments.groupby("experiment", sort=True):
        readings.extend(read_experiment(rows, **options))
    return readings
