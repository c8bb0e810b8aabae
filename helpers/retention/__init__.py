"""Retention (用户留存), notebook ``04_retention``: RFM segments and their movement, cohorts,
repurchase, win-back lists, member tiers and customer lifetime value.

The sections are declared in :mod:`helpers.retention.theme`; :func:`retention_for` computes
every result the notebook shows. The modules are named after their idea: :mod:`.purchases`
(what counts as a purchase), :mod:`.rfm`, :mod:`.movement`, :mod:`.cohorts`, :mod:`.winback`,
:mod:`.tiers`, :mod:`.clv` (the BG/NBD and Gamma-Gamma models) and :mod:`.value` (per-customer
forecasts and the hold-out check).
"""

from helpers.retention.page import Page, explore, page_for
from helpers.retention.snapshot import Retention, retention_for, retention_from
from helpers.retention.theme import THEME

__all__ = ["THEME", "Page", "Retention", "explore", "page_for", "retention_for", "retention_from"]
