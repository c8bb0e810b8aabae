"""Item roles: 引流款 / 利润款 / 形象款 by traffic, margin and price, and 爆款 / 常青款 /
潜力款 by sales level and growth; every label carries its reason in words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.product_matrix.sales import window_mask
from helpers.product_matrix.theme import ProductMatrixSettings

ROLES = {
    "driver": ("引流款", "traffic driver"),
    "profit": ("利润款", "profit item"),
    "image": ("形象款", "image item"),
    "unassigned": ("未定角色", "unassigned"),
}
TIERS = {
    "hit": ("爆款", "hit"),
    "evergreen": ("常青款", "evergreen"),
    "potential": ("潜力款", "potential"),
    "": ("", ""),
}


def traffic_share(
    item_traffic: pd.DataFrame,
    items: pd.DataFrame,
    *,
    end: pd.Timestamp,
    days: int,
) -> tuple[pd.Series, str]:
    """Each item's share of the shop's item traffic over the window, and its basis.

    ``share = item visitors / visitors of all items`` (basis ``"visitors"``) from
    ``facts.item_traffic``; without item traffic in the window, ``share = orders with the
    item / sum of orders over items`` (basis ``"orders"``), the best stand-in for traffic.
    Indexed by ``sku_id`` like ``items``.
    """
    tr = item_traffic.loc[window_mask(item_traffic["date"], end, days)]
    visitors = tr.groupby("sku_id")["visitors"].sum()
    if len(tr) and visitors.sum() > 0:
        share = visitors / visitors.sum()
        return share.reindex(items["sku_id"]).fillna(0.0), "visitors"
    orders = items.set_index("sku_id")["orders"].astype("float64")
    total = orders.sum()
    return (orders / total if total > 0 else orders * np.nan), "orders"


def growth(rate: pd.DataFrame, weeks: int = 4) -> pd.Series:
    """Growth of the daily sales rate: mean of the last ``weeks`` weekly rates over the mean
    of the ``weeks`` before, minus 1 (``rate`` from :func:`sales.weekly_rate`).

    NaN when the earlier mean is 0 or unknown.
    """
    recent = rate.iloc[-weeks:].mean()
    before = rate.iloc[-2 * weeks : -weeks].mean()
    return recent / before.where(before > 0) - 1.0


def selling_weeks(rate: pd.DataFrame, weeks: int) -> pd.Series:
    """Share of the last ``weeks`` weeks in which the item sold at all."""
    last = rate.iloc[-weeks:]
    return (last.fillna(0.0) > 0).sum() / max(len(last), 1)


def _pct(x: float) -> str:
    return "–" if pd.isna(x) else f"{x:.1%}"


def _role_row(r: Any, cfg: ProductMatrixSettings, basis: str) -> tuple[str, str, str]:
    """(role, reason zh, reason en) of one item row (see :func:`assign_roles`)."""
    tz, te = ("流量占比", "traffic share") if basis == "visitors" else ("订单占比", "order share")
    m, s = r.margin, r.traffic_share
    if s >= cfg.driver_traffic_share and not pd.isna(m) and m <= cfg.thin_margin:
        return "driver", f"{tz} {_pct(s)}，毛利率 {_pct(m)}", f"{te} {_pct(s)}, margin {_pct(m)}"
    if r.premium and r.net_units <= r.cat_median_units:
        return (
            "image",
            f"标价 {r.list_price:,.0f} 位于类目前 {1 - cfg.image_price_quantile:.0%}，"
            f"销量 {r.net_units:,.0f} 件不高于类目中位 {r.cat_median_units:,.0f} 件",
            f"list price {r.list_price:,.0f} in the top {1 - cfg.image_price_quantile:.0%} "
            f"of its category, {r.net_units:,.0f} units, not above the category median "
            f"{r.cat_median_units:,.0f}",
        )
    focused = r.abc_revenue in ("A", "B") and r.net_units >= cfg.min_units
    if not pd.isna(m) and m >= cfg.profit_margin and focused:
        return (
            "profit",
            f"毛利率 {_pct(m)}，销量 {r.net_units:,.0f} 件",
            f"margin {_pct(m)}, {r.net_units:,.0f} units",
        )
    if pd.isna(m):
        return "unassigned", f"没有成本价，{tz} {_pct(s)}", f"no unit cost, {te} {_pct(s)}"
    return (
        "unassigned",
        f"{tz} {_pct(s)}，毛利率 {_pct(m)}，不满足任何角色条件",
        f"{te} {_pct(s)}, margin {_pct(m)}: no role's conditions met",
    )


def _tier_row(r: Any, cfg: ProductMatrixSettings) -> tuple[str, str, str]:
    """(tier, reason zh, reason en) of one item row (see :func:`assign_roles`)."""
    g, wk, cls = r.growth, r.selling_weeks, r.abc_revenue
    gz = "–" if pd.isna(g) else f"{g:+.0%}"
    if cls == "A" and not pd.isna(g) and g >= cfg.hit_growth:
        return (
            "hit",
            f"A 类，近4周日均销量较前4周 {gz}",
            f"class A, daily sales {gz} vs 4 weeks before",
        )
    if cls in ("A", "B") and wk >= 0.8 and (pd.isna(g) or abs(g) <= 0.3):
        return (
            "evergreen",
            f"{cls} 类，近{cfg.evergreen_weeks}周有 {wk:.0%} 的周有销量，增速 {gz}",
            f"class {cls}, sold in {wk:.0%} of the last {cfg.evergreen_weeks} weeks, growth {gz}",
        )
    if cls != "A" and not pd.isna(g) and g >= cfg.potential_growth and r.net_units >= cfg.min_units:
        return "potential", f"{cls} 类，增速 {gz}", f"class {cls}, growth {gz}"
    return "", "", ""


def assign_roles(
    table: pd.DataFrame,
    *,
    share: pd.Series,
    basis: str,
    growth: pd.Series,
    selling: pd.Series,
    settings: ProductMatrixSettings,
) -> pd.DataFrame:
    """Role and tier of every item, each with its reason (zh and en).

    Rules, first match wins (thresholds from :class:`ProductMatrixSettings`):

    * ``driver`` (引流款): ``traffic_share >= driver_traffic_share`` and ``margin <=
      thin_margin``;
    * ``image`` (形象款): list price at or above the ``image_price_quantile`` of its
      category and net units at or below the category median;
    * ``profit`` (利润款): ``margin >= profit_margin``, class A or B (demand focused on it)
      and ``net_units >= min_units``;
    * else ``unassigned``.

    Tier (first match): ``hit`` (爆款) class A with ``growth >= hit_growth``; ``evergreen``
    (常青款) class A/B selling in >= 80 % of the last ``evergreen_weeks`` weeks with
    ``|growth| <= 30 %``; ``potential`` (潜力款) not A, ``growth >= potential_growth`` and
    ``net_units >= min_units``; else empty.

    Parameters
    ----------
    table : :func:`abc.abc_table` output.
    share, basis : :func:`traffic_share` output.
    growth, selling : per-SKU growth (:func:`growth`) and share of selling weeks.
    """
    t = table.copy()
    t["traffic_share"] = share.reindex(t["sku_id"]).to_numpy()
    t["growth"] = growth.reindex(t["sku_id"]).to_numpy()
    t["selling_weeks"] = selling.reindex(t["sku_id"]).fillna(0.0).to_numpy()
    price = pd.to_numeric(t["list_price"], errors="coerce").fillna(t["avg_price"])
    t["list_price"] = price
    cat = t["category"].fillna("")
    cut = price.groupby(cat).transform(lambda p: p.quantile(settings.image_price_quantile))
    t["premium"] = (price >= cut) & (price.groupby(cat).transform("nunique") > 1)
    t["cat_median_units"] = t["net_units"].groupby(cat).transform("median")
    rows = list(t.itertuples(index=False))
    roles = [_role_row(r, settings, basis) for r in rows]
    tiers = [_tier_row(r, settings) for r in rows]
    role_cols = ["role", "role_reason_zh", "role_reason_en"]
    tier_cols = ["tier", "tier_reason_zh", "tier_reason_en"]
    t[role_cols] = pd.DataFrame(roles, columns=role_cols, index=t.index)
    t[tier_cols] = pd.DataFrame(tiers, columns=tier_cols, index=t.index)
    return t.drop(columns=["premium", "cat_median_units"])


def role_changes(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Items whose role or tier differs between two :func:`assign_roles` results.

    Two tier moves are not listed, being momentum rather than a change of standing: between
    爆款 and 常青款 (growth crossed ``hit_growth``; both are established sellers) and into or
    out of 潜力款 from no tier (a small item's growth crossed ``potential_growth``). Returns ``sku_id, title, role_before, role, tier_before, tier`` for SKUs present in both
    (a SKU new since then is not a change of role), sorted by revenue now.
    """
    cols = ["sku_id", "role", "tier"]
    m = now[["sku_id", "title", "revenue", "role", "tier"]].merge(
        before[cols], on="sku_id", suffixes=("", "_before")
    )
    pair = m["tier_before"] + ">" + m["tier"]
    noise = pair.isin(["hit>evergreen", "evergreen>hit", ">potential", "potential>"])
    tier_moved = (m["tier"] != m["tier_before"]) & ~noise
    changed = m.loc[(m["role"] != m["role_before"]) | tier_moved]
    changed = changed.sort_values(["revenue", "sku_id"], ascending=[False, True])
    return changed[["sku_id", "title", "role_before", "role", "tier_before", "tier"]].reset_index(
        drop=True
    )
