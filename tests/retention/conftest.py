"""Fixtures of the retention tests: the hand-made shop of :mod:`retention_shop`."""

from __future__ import annotations

import pandas as pd
import pytest
from retention.retention_shop import RUN, retention_tables

from helpers.retention.purchases import kept, purchases
from helpers.retention.theme import RetentionSettings


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return retention_tables()


@pytest.fixture
def bought(tables) -> pd.DataFrame:
    return purchases(tables, RUN)


@pytest.fixture
def now(bought) -> pd.DataFrame:
    return kept(bought)


@pytest.fixture
def settings() -> RetentionSettings:
    # the textbook rule (R high = more recent than the mean customer) for the hand numbers
    return RetentionSettings(
        dormant_days=60, repeat_window_days=90, min_repeat_buyers=1, recency_rule="mean"
    )
