"""What the product matrix publishes: alerts, headline numbers and the two exported lists."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.product_matrix.inventory import CLEARANCE_TACTICS

ALERT_COLUMNS = [
    "severity",
    "rule",
    "subject",
    "message",
    "message_zh",
    "message_en",
    "metric",
    "value",
]

RESTOCK_COLUMNS = [
    "sku_id",
    "title",
    "category",
    "abc_revenue",
    "on_hand",
    "mean_daily",
    "days_of_cover",
    "lead_time_days",
    "safety_stock",
    "reorder_point",
    "order_qty",
    "restock_now",
    "stockout_risk",
    "order_by",
]
CLEARANCE_COLUMNS = [
    "sku_id",
    "title",
    "category",
    "on_hand",
    "days_since_sale",
    "days_of_cover",
    "stock_value",
    "slow_reason",
    "tactic",
]


def _stock_alerts(pm: Any, review_days: int = 7, limit: int = 10) -> list[dict]:
    """Class-A items that will run out: within the lead time (high: no delivery can arrive
    in time), or before the next festival ends unless ordered within ``review_days``. At
    most ``limit`` alerts, the shortest cover first (the restock list has them all)."""
    if pm.stock is None:
        return []
    s = pm.stock.loc[pm.stock["abc_revenue"].eq("A")]
    soon = pm.run_date + pd.Timedelta(days=review_days)
    urgent = s["stockout_risk"] & (s["order_by"] <= soon)
    risky = s.loc[urgent | (s["days_of_cover"] < s["lead_time_days"])]
    risky = risky.sort_values(["days_of_cover", "sku_id"]).head(limit)
    fest = pm.festival.name if pm.festival is not None else None
    out = []
    for r in risky.itertuples(index=False):
        late = r.days_of_cover < r.lead_time_days
        when_zh = f"撑不到{fest}结束" if fest and r.stockout_risk else "在补货到货前就会断货"
        when_en = (
            f"will not last to the end of {fest}"
            if fest and r.stockout_risk
            else ("will run out before a new delivery can arrive")
        )
        title = r.title if isinstance(r.title, str) else ""
        out.append(
            {
                "severity": "high" if late else "medium",
                "rule": "stockout_risk",
                "subject": r.sku_id,
                "message_zh": f"热销款 {r.sku_id} {title}".rstrip()
                + f" 库存 {r.on_hand:,.0f} 件，可售 "
                f"{r.days_of_cover:.0f} 天，补货周期 {r.lead_time_days:.0f} 天，{when_zh}；"
                f"建议补货 {r.order_qty:,.0f} 件",
                "message_en": f"Top seller {r.sku_id} {title}".rstrip()
                + f": {r.on_hand:,.0f} on hand, "
                f"{r.days_of_cover:.0f} days of cover, lead time {r.lead_time_days:.0f} days; "
                f"it {when_en}. Suggested order {r.order_qty:,.0f}",
                "metric": "days_of_cover",
                "value": float(r.days_of_cover),
            }
        )
    return out


def _decline_alerts(pm: Any, top: int = 20, limit: int = 10) -> list[dict]:
    """Hits that entered decline: 爆款 four weeks ago, or among the ``top`` items by net
    revenue; at most ``limit``, the largest revenue first."""
    rank = pm.items.set_index("sku_id")["revenue"].rank(ascending=False, method="first")
    e = pm.entering.assign(rank=pm.entering["sku_id"].map(rank))
    hits = e.loc[(e["rank"] <= top) | e["tier_before"].eq("hit")]
    hits = hits.sort_values(["rank", "sku_id"]).head(limit)
    out = []
    for r in hits.itertuples(index=False):
        title = r.title if isinstance(r.title, str) else ""
        out.append(
            {
                "severity": "medium",
                "rule": "hit_declining",
                "subject": r.sku_id,
                "message_zh": f"热销款 {r.sku_id} {title}".rstrip() + f" 进入衰退期：周销量趋势 "
                f"{r.trend:+.0%}/周，为历史高点的 {r.level:.0%}；检查标题、主图、价格和搭配",
                "message_en": f"Best seller {r.sku_id} {title}".rstrip()
                + f" entered decline: weekly trend "
                f"{r.trend:+.0%}, {r.level:.0%} of its peak; check title, main image, price "
                "and bundles",
                "metric": "trend",
                "value": float(r.trend),
            }
        )
    return out


def matrix_alerts(pm: Any, *, lang: str = "zh", cfg: Any = None) -> pd.DataFrame:
    """Alert records of the product matrix (columns :data:`ALERT_COLUMNS`); ``cfg`` (the
    theme settings) gives the review period and the limits of each rule."""
    review = getattr(cfg, "review_days", 7)
    limit = getattr(cfg, "alert_max_items", 10)
    top = getattr(cfg, "alert_top_items", 20)
    rows = _stock_alerts(pm, review, limit) + _decline_alerts(pm, top, limit)
    for r in rows:
        r["message"] = r["message_en"] if lang == "en" else r["message_zh"]
    return pd.DataFrame(rows, columns=ALERT_COLUMNS)


def restock_list(pm: Any) -> pd.DataFrame | None:
    """The restock list to export (ids and figures only)."""
    if pm.restock is None:
        return None
    return pm.restock.reindex(columns=RESTOCK_COLUMNS).reset_index(drop=True)


def clearance_list(pm: Any, *, lang: str = "zh") -> pd.DataFrame | None:
    """The clearance list to export, with the tactic in the report language."""
    if pm.clearance is None:
        return None
    i = 1 if lang == "en" else 0
    c = pm.clearance.assign(
        tactic=pm.clearance["slow_reason"].map(lambda k: CLEARANCE_TACTICS[k][i])
    )
    return (
        c.reindex(columns=CLEARANCE_COLUMNS)
        .sort_values(["stock_value", "on_hand"], ascending=False)
        .reset_index(drop=True)
    )


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def headline(pm: Any) -> dict[str, Any]:
    """Headline numbers for ``summary.json`` (``extra``)."""
    c = pm.concentration
    return {
        "items": int(len(pm.items)),
        "a_items": c.a_items,
        "top20_share": _num(c.top20_share),
        "gini": _num(c.gini),
        "restock_now": None if pm.stock is None else int(pm.stock["restock_now"].sum()),
        "stockout_risk": None if pm.stock is None else int(pm.stock["stockout_risk"].sum()),
        "clearance": None if pm.clearance is None else int(len(pm.clearance)),
        "role_changes": int((pm.changes["role"] != pm.changes["role_before"]).sum()),
        "tier_changes": int((pm.changes["tier"] != pm.changes["tier_before"]).sum()),
        "entering_decline": int(len(pm.entering)),
        "forecast_wape": _num(pm.backtest.wape),
        "forecast_naive_wape": _num(pm.backtest.naive_wape),
        "next_festival": None if pm.festival is None else pm.festival.name,
        "cart_gap_items": None if pm.cart is None else int(len(pm.cart)),
        "bundle_pairs": int(len(pm.pairs)),
    }


def kpis(pm: Any, *, lang: str = "zh") -> dict[str, dict[str, Any]]:
    """Headline KPI cards for the index page."""
    h = headline(pm)
    zh = lang != "en"
    cards = {
        "a_items": (h["a_items"], "A 类商品数" if zh else "Class A items", "count"),
        "top20_share": (
            h["top20_share"],
            "前20%商品销售占比" if zh else "Top 20% items' share",
            "%",
        ),
        "restock_now": (h["restock_now"], "需立即补货" if zh else "Restock now", "count"),
        "clearance": (h["clearance"], "待清仓商品" if zh else "Items to clear", "count"),
    }
    return {
        k: {"value": v, "label": lab, "unit": u}
        for k, (v, lab, u) in cards.items()
        if v is not None
    }
