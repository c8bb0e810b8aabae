"""Hand-made data for the morning checklist: the tiny shop (tests/tiny_shop.py, run date
2026-03-03, cutoff 2026-03-04 00:00) with one known problem added per test, and small item
frames for the abnormal-items line."""

from __future__ import annotations

import pandas as pd
import pytest
from tiny_shop import RUN, canonical_tables

from helpers.facts import build_facts
from helpers.settings import Settings


@pytest.fixture
def tiny() -> dict[str, pd.DataFrame]:
    return canonical_tables()


@pytest.fixture
def tiny_facts(tiny):
    return build_facts(tiny, RUN, Settings())
