"""Alerts of the market research report.

* ``share_loss_growing``: the shop's market share in a growing or emerging category fell by
  at least ``share_drop_alert`` (relative, year on year) -- the market grows without the shop.
* ``competitor_undercut``: a competitor sells a comparable item at least ``undercut_min``
  cheaper than one of the shop's top items.
"""

from __future__ import annotations

import pandas as pd

from helpers.cells import cell_number
from helpers.market_research.theme import MarketResearchSettings

STAGE_NAMES = {
    "emerging": ("导入期", "emerging"),
    "growth": ("成长期", "growth"),
    "mature": ("成熟期", "mature"),
    "decline": ("衰退期", "decline"),
    "unknown": ("未知", "unknown"),
}

ALERT_COLUMNS = [
    "severity",
    "rule",
    "subject",
    "metric",
    "value",
    "message",
    "message_zh",
    "message_en",
]


def share_alerts(
    lifecycle: pd.DataFrame, settings: MarketResearchSettings, lang: str = "zh"
) -> list[dict]:
    """One alert per growing/emerging category where the shop's share fell enough."""
    if "share_change" not in lifecycle:
        return []
    hit = lifecycle.loc[
        lifecycle["stage"].isin(["growth", "emerging"])
        & (lifecycle["share_change"] <= -settings.share_drop_alert)
    ]
    out = []
    for r in hit.itertuples(index=False):
        zh_stage, en_stage = STAGE_NAMES[str(r.stage)]
        change = cell_number(r.share_change)
        zh = (
            f"{r.category}（{zh_stage}，市场同比 {r.growth:+.0%}）本店份额同比 {r.share_change:+.0%}"
            f"（{r.share_now:.2%}，去年同期 {r.share_year_ago:.2%}）：市场在涨，本店没跟上。"
        )
        en = (
            f"{r.category} ({en_stage}, market {r.growth:+.0%} year on year): the shop's share "
            f"moved {r.share_change:+.0%} ({r.share_now:.2%} vs {r.share_year_ago:.2%} a year "
            "ago): the market grows without the shop."
        )
        severity = "high" if change <= -2 * settings.share_drop_alert else "medium"
        out.append(
            _record(
                severity,
                "share_loss_growing",
                str(r.category),
                "share_change",
                change,
                zh,
                en,
                lang,
            )
        )
    return out


def undercut_alerts(undercuts: pd.DataFrame, lang: str = "zh") -> list[dict]:
    """One alert per competitor item undercutting a top item of the shop."""
    out = []
    for r in undercuts.loc[undercuts["top_item"]].itertuples(index=False):
        zh = (
            f"{r.competitor} 的「{r.item}」售价 {r.competitor_price:,.2f}，比本店对标商品 "
            f"{r.sku_id}（GMV 第 {r.rank} 名）的成交均价 {r.shop_price:,.2f} 低 {r.gap:.0%}。"
        )
        en = (
            f"{r.competitor} sells '{r.item}' at {r.competitor_price:,.2f}, {r.gap:.0%} below "
            f"the shop's realised price {r.shop_price:,.2f} of {r.sku_id} (GMV rank {r.rank})."
        )
        severity = "high" if cell_number(r.rank) <= 3 else "medium"
        out.append(
            _record(
                severity,
                "competitor_undercut",
                str(r.sku_id),
                "price_gap",
                cell_number(r.gap),
                zh,
                en,
                lang,
            )
        )
    return out


def _record(
    severity: str, rule: str, subject: str, metric: str, value: float, zh: str, en: str, lang: str
) -> dict:
    return {
        "severity": severity,
        "rule": rule,
        "subject": subject,
        "metric": metric,
        "value": float(value),
        "message": en if lang == "en" else zh,
        "message_zh": zh,
        "message_en": en,
    }
