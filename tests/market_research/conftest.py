"""Hand-made market tables for the market research tests (values chosen for easy arithmetic)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.market_research.theme import MarketResearchSettings

END = pd.Timestamp("2026-03-01")  # the last complete month of the fixtures


def months(n: int, end: pd.Timestamp = END) -> pd.DatetimeIndex:
    """The ``n`` month starts ending at ``end``."""
    return pd.date_range(end - pd.DateOffset(months=n - 1), end, freq="MS")


@pytest.fixture
def settings() -> MarketResearchSettings:
    return MarketResearchSettings()


@pytest.fixture
def tiny_market() -> pd.DataFrame:
    """15 months, two categories, window 3 months.

    A: market_gmv 100 every month for the first 12 months, 130 in the last 3 -> the window
       now sums 390, a year earlier (2025-01..03) 300: growth 390/300 - 1 = 0.30.
    B: market_gmv 1000 then 950 in the last 3 -> 2850 / 3000 - 1 = -0.05.
    Shares of the window: A 390 / (390 + 2850) = 0.1204, B 0.8796.
    search_index: A 50 -> 65 (same growth), B constant 500 (growth 0).
    """
    m = months(15)
    a = [100.0] * 12 + [130.0] * 3
    b = [1000.0] * 12 + [950.0] * 3
    return pd.DataFrame(
        {
            "month": list(m) * 2,
            "category": ["A"] * 15 + ["B"] * 15,
            "market_gmv": a + b,
            "search_index": [50.0] * 12 + [65.0] * 3 + [500.0] * 15,
        }
    )
