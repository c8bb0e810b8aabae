"""Hand-made experiments tables for the A/B test theme."""

from __future__ import annotations

import pandas as pd
import pytest


def day_rows(
    experiment: str,
    variant: str,
    days: int,
    visitors: int,
    conversions: int,
    revenue: float,
    **extra,
) -> list[dict]:
    """``days`` identical day rows of one variant (totals = days x the per-day figures)."""
    return [
        dict(
            experiment=experiment,
            variant=variant,
            date=pd.Timestamp("2026-03-01") + pd.Timedelta(days=d),
            visitors=visitors,
            conversions=conversions,
            revenue=revenue,
            **extra,
        )
        for d in range(days)
    ]


@pytest.fixture
def winner() -> pd.DataFrame:
    """10 days x (control 2,000 visitors 200 buyers; treatment 2,000 visitors 260 buyers).

    Totals: control 20,000 / 2,000 (CVR 0.10), treatment 20,000 / 2,600 (CVR 0.13).
    """
    return pd.DataFrame(
        day_rows("banner", "control", 10, 2000, 200, 20000.0)
        + day_rows("banner", "treatment", 10, 2000, 260, 26500.0)
    )


@pytest.fixture
def srm_winner() -> pd.DataFrame:
    """The same lift but a 55/45 split against a planned 50/50: must be blocked.

    Totals: control 20,000 visitors (CVR 0.10), treatment 24,000 (CVR 0.13).
    """
    return pd.DataFrame(
        day_rows("banner", "control", 10, 2000, 200, 20000.0)
        + day_rows("banner", "treatment", 10, 2400, 312, 31000.0)
    )
