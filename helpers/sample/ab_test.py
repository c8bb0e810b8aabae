"""Planted facts of the A/B test notebook (its own random stream): an ``experiments`` table.

Three tests, one row per test, variant and day (the export of the shop's testing tool;
visitors are the test's own traffic, not rows of ``traffic``):

* 主图换新 (new main image on the best seller's page), finished: 30 days ending a week
  before the run date, about 2,000 visitors a day per variant, CVR 3.0 % -> 3.8 %: a clear
  winner with the planned sample reached (ship). Orders and refunds are filled (guardrails).
* 满减门槛 (coupon threshold), running: started 7 days before the run date, about 800 visitors
  a day per variant: far below the planned sample (keep running).
* 首页改版 (home page redesign), planned 50/50 but the treatment gets about 10 % fewer
  visitors (a redirect that loses visitors): sample-ratio mismatch, the verdict is blocked.

:func:`planted_experiments` returns the expected verdicts for the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sample.planting import Planter, SampleSpec, Tables

#: name: (first day offset from the end, days, control visitors/day, treatment visitors/day,
#: control CVR, treatment CVR, expected verdict)
EXPERIMENTS = {
    "主图换新": (-37, 30, 2000, 2000, 0.030, 0.038, "ship"),
    "满减门槛": (-6, 7, 800, 800, 0.030, 0.033, "keep_running"),
    "首页改版": (-31, 30, 2000, 1800, 0.030, 0.031, "blocked"),
}
#: mean order value of a converted visitor (yuan) and the refund share of orders
ORDER_VALUE, REFUND_SHARE = 120.0, 0.05


def planted_experiments() -> dict[str, str]:
    """Experiment name -> the verdict the notebook must reach."""
    return {name: spec[-1] for name, spec in EXPERIMENTS.items()}


def _variant_days(
    rng: np.random.Generator, name: str, variant: str, days: pd.DatetimeIndex, uv: int, cvr: float
) -> pd.DataFrame:
    """Day rows of one variant: Poisson visitors, binomial conversions, lognormal revenue."""
    visitors = rng.poisson(uv, len(days))
    conversions = rng.binomial(visitors, cvr)
    revenue = np.round(conversions * ORDER_VALUE * np.exp(rng.normal(-0.02, 0.2, len(days))), 2)
    return pd.DataFrame(
        {
            "experiment": name,
            "variant": variant,
            "date": days,
            "visitors": visitors,
            "conversions": conversions,
            "revenue": revenue,
            "orders": conversions,
            "refunded_orders": rng.binomial(conversions, REFUND_SHARE),
            "planned_share": 0.5,
        }
    )


def plant_experiments(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
    """Add the ``experiments`` table (nothing after ``spec.end``)."""
    parts = []
    for name, (start, n, uv_c, uv_t, cvr_c, cvr_t, _) in EXPERIMENTS.items():
        days = pd.date_range(spec.end.normalize() + pd.Timedelta(days=start), periods=n)
        days = days[days <= spec.end]
        parts.append(_variant_days(rng, name, "control", days, uv_c, cvr_c))
        parts.append(_variant_days(rng, name, "treatment", days, uv_t, cvr_t))
    experiments = pd.concat(parts, ignore_index=True)
    only_finished = experiments["experiment"] == "主图换新"
    for col in ("orders", "refunded_orders"):
        experiments[col] = experiments[col].astype("Int64").where(only_finished)
    return {**tables, "experiments": experiments}


PLANTER = Planter(
    name="ab_test",
    plant=plant_experiments,
    what="experiments: a finished winner, a running test short of its sample, an SRM split",
)
