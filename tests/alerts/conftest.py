"""Fixtures of the alert tests: hand-made Facts-like inputs (``alert_facts.py``).

``make_facts`` builds a shop of identical days (the ``BASE`` values of ``alert_facts``) ending
on the run date 2026-03-31, with every contract table present unless ``available`` says
otherwise; ``make_daily`` / ``make_channel`` set the last days' values of a series, so each
rule's test states its numbers by hand.
"""

from __future__ import annotations

import pytest
from alerts import alert_facts

from helpers.settings import Settings


@pytest.fixture
def settings() -> Settings:
    """The default settings (the thresholds of docs/alerts.md)."""
    return Settings()


@pytest.fixture
def make_facts():
    """``make_facts(daily=None, **frames)``: Facts-like input; missing frames are empty."""
    return alert_facts.mk_facts


@pytest.fixture
def make_daily():
    """``make_daily(n=10, **tails)``: n identical days, ``tails`` set the last values."""
    return alert_facts.mk_daily


@pytest.fixture
def make_channel():
    """``make_channel(channel, n, **tails)``: one channel's daily rows."""
    return alert_facts.mk_channel


@pytest.fixture
def quiet_facts():
    """Ten identical days with every table: no rule fires."""
    return alert_facts.mk_facts()
