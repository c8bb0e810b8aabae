"""What the market research report adds to ``summary.json`` (through
:func:`helpers.report.publish`): alerts, headline counts, skipped sections and the numbers a
reader of the index page wants first."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd

from helpers import i18n
from helpers.cells import cell_number
from helpers.market_research.research import MarketResearch
from helpers.market_research.theme import THEME


def _shortlist(research: MarketResearch) -> list[str]:
    screen = research.screen
    return [] if screen is None else [str(c) for c in screen.loc[screen["shortlisted"], "category"]]


def headline(research: MarketResearch) -> dict[str, Any]:
    """The run's headline facts: shortlist, stage changes, share moves, undercuts, gaps.

    ``share_moves``: category -> relative year-on-year change of the shop's share;
    ``stage_changes``: ``{category, before, now}``; ``undercut_top_items``: shop items
    (sku ids) a competitor undercuts among the top items.
    """
    life = research.lifecycle
    out: dict[str, Any] = {"market_month": f"{research.month:%Y-%m}"}
    if life is not None:
        changed = life.loc[life["changed"]]
        out["stage_changes"] = [
            {"category": r.category, "before": r.stage_before, "now": r.stage}
            for r in changed.itertuples()
        ]
        out["stages"] = dict(zip(life["category"], life["stage"], strict=True))
        moves = life.dropna(subset=["share_change"]) if "share_change" in life else life.iloc[:0]
        out["share_moves"] = {
            str(r.category): cell_number(r.share_change) for r in moves.itertuples()
        }
    if research.screen is not None:
        out["shortlist"] = _shortlist(research)
        out["shortlist_size"] = len(out["shortlist"])
    cuts = research.undercuts
    if cuts is not None:
        out["undercut_top_items"] = sorted(set(cuts.loc[cuts["top_item"], "sku_id"]))
    bands = research.bands
    if bands is not None and "growing_missed" in bands:
        hit = bands.loc[bands["growing_missed"].fillna(False).astype(bool)]
        out["growing_bands_missed"] = [f"{r.category} {r.band}" for r in hit.itertuples()]
    if research.terms is not None:
        out["missed_terms"] = [str(t) for t in research.terms.loc[research.terms["missed"], "term"]]
    out["outlook_source"] = research.outlook_source
    out["outlooks"] = {c: ("ok" if not o.note else o.note) for c, o in research.outlooks.items()}
    return out


def kpis(research: MarketResearch, lang: str = "zh") -> dict[str, dict[str, Any]]:
    """Headline counts for the index page (only with a market table)."""
    if research.lifecycle is None:
        return {}
    n_changed = int(research.lifecycle["changed"].sum())
    return {
        "shortlist_size": {
            "value": len(_shortlist(research)),
            "label": i18n.metric_label("shortlist_size", lang),
            "unit": "count",
        },
        "stage_changes": {
            "value": n_changed,
            "label": i18n.metric_label("stage_changes", lang),
            "unit": "count",
        },
    }


def summary(
    research: MarketResearch,
    available: Collection[str],
    exports: list | None = None,
    *,
    lang: str = "zh",
) -> dict[str, Any]:
    """The keyword arguments of :func:`helpers.report.publish` for this run."""
    return {
        "alerts": pd.DataFrame(research.alerts) if research.alerts else [],
        "kpis": kpis(research, lang),
        "skipped": {k: list(v) for k, v in THEME.skipped(available).items()},
        "extra": headline(research),
        "exports": exports or [],
    }
