"""Fixtures of the promotion calendar tests (the hand-made inputs are in promo_shop.py)."""

from __future__ import annotations

import pytest

from helpers.promotion_calendar.theme import PromotionCalendarSettings


@pytest.fixture
def settings() -> PromotionCalendarSettings:
    return PromotionCalendarSettings()
