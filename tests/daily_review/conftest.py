"""Fixtures of the daily review's tests: the tiny shop's facts and review (``tiny_shop.py``,
run date 2026-03-03, products joined for item titles)."""

from __future__ import annotations

import pytest
from tiny_shop import RUN, canonical_tables

from helpers.daily_review import DailyReview, build_review
from helpers.facts import Facts, build_facts
from helpers.settings import Settings


@pytest.fixture(scope="package")
def facts() -> Facts:
    return build_facts(canonical_tables(), RUN, Settings())


@pytest.fixture(scope="package")
def review(facts) -> DailyReview:
    return build_review(facts, Settings(), products=canonical_tables()["products"])
