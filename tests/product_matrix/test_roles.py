"""Roles on their thresholds, tiers and role changes, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.product_matrix.roles import (
    assign_roles,
    growth,
    role_changes,
    selling_weeks,
    traffic_share,
)
from helpers.product_matrix.theme import ProductMatrixSettings

CFG = ProductMatrixSettings()  # driver share 2 %, thin margin 25 %, profit margin 45 %


def _table() -> pd.DataFrame:
    """Six items of one category; list prices 10..60 (90th percentile = 55)."""
    return pd.DataFrame(
        {
            "sku_id": ["drv", "edge", "img", "prof", "thin", "nocost"],
            "title": list("abcdef"),
            "category": ["x"] * 6,
            "revenue": [500.0, 400.0, 50.0, 300.0, 200.0, 100.0],
            "margin": [0.25, 0.2501, 0.6, 0.45, 0.30, np.nan],
            "net_units": [100.0, 80.0, 1.0, 20.0, 40.0, 30.0],
            "list_price": [10.0, 20.0, 60.0, 30.0, 40.0, 50.0],
            "avg_price": [10.0, 20.0, 60.0, 30.0, 40.0, 50.0],
            "abc_revenue": ["A", "A", "C", "B", "B", "C"],
        }
    )


def _roles(share, growth_=None, selling=None, cfg=CFG, basis="visitors"):
    t = _table()
    idx = t["sku_id"]
    return assign_roles(
        t,
        share=pd.Series(share, index=idx),
        basis=basis,
        growth=pd.Series(growth_ if growth_ is not None else [0.0] * 6, index=idx),
        selling=pd.Series(selling if selling is not None else [1.0] * 6, index=idx),
        settings=cfg,
    ).set_index("sku_id")


def test_roles_on_their_thresholds():
    r = _roles([0.02, 0.05, 0.001, 0.01, 0.01, 0.01])
    # drv: share exactly 2 % and margin exactly 25 % -> 引流款 (both bounds inclusive)
    assert r.loc["drv", "role"] == "driver"
    assert r.loc["drv", "role_reason_en"] == "traffic share 2.0%, margin 25.0%"
    assert r.loc["drv", "role_reason_zh"] == "流量占比 2.0%，毛利率 25.0%"
    # edge: margin 25.01 % is just above thin: not a driver; below 45 %: no role
    assert r.loc["edge", "role"] == "unassigned"
    # img: price 60 >= the 90th percentile 55 and 1 unit <= median units 35 -> 形象款
    assert r.loc["img", "role"] == "image"
    # prof: margin exactly 45 %, class B, 20 units = min_units -> 利润款
    assert r.loc["prof", "role"] == "profit"
    assert r.loc["prof", "role_reason_en"] == "margin 45.0%, 20 units"
    assert r.loc["nocost", "role"] == "unassigned"
    assert r.loc["nocost", "role_reason_en"].startswith("no unit cost")


def test_driver_share_just_below_the_threshold_and_order_basis():
    r = _roles([0.0199, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert r.loc["drv", "role"] == "unassigned"
    r = _roles([0.5, 0.0, 0.0, 0.0, 0.0, 0.0], basis="orders")
    assert r.loc["drv", "role_reason_en"] == "order share 50.0%, margin 25.0%"


def test_tiers():
    # drv: A with +10 % growth -> 爆款 (bound inclusive); edge: A, +9 %, sold 80 % of weeks ->
    # 常青款; prof: B, +30 %, 20 units, sold in half the weeks -> 潜力款; thin: B, +50 %, 40 units ->
    # 潜力款; img: C, +100 % but 1 unit -> none
    r = _roles(
        [0.0] * 6,
        growth_=[0.10, 0.09, 1.0, 0.30, 0.5, np.nan],
        selling=[1.0, 0.8, 1.0, 0.5, 1.0, 1.0],
    )
    assert r["tier"].to_dict() == {
        "drv": "hit",
        "edge": "evergreen",
        "img": "",
        "prof": "potential",
        "thin": "potential",
        "nocost": "",
    }
    assert r.loc["drv", "tier_reason_en"] == "class A, daily sales +10% vs 4 weeks before"


def test_growth_and_selling_weeks_by_hand():
    rate = pd.DataFrame({"a": [1, 1, 1, 1, 2, 2, 2, 0.0], "b": [0, 0, 0, 0, 1, 1, 0, 0.0]})
    g = growth(rate)
    # a: last four mean (2+2+2+0)/4 = 1.5 over the four before 1.0 -> +50 %
    assert g["a"] == pytest.approx(0.5)
    assert np.isnan(g["b"])  # nothing before: growth unknown
    # b sold in 2 of the last 4 weeks
    assert selling_weeks(rate, 4)["b"] == pytest.approx(0.5)


def test_traffic_share_from_visitors_or_orders():
    end = pd.Timestamp("2026-03-31")
    items = pd.DataFrame({"sku_id": ["a", "b"], "orders": [3.0, 1.0]})
    tr = pd.DataFrame(
        {"date": [end, end, end - pd.Timedelta(days=40)], "sku_id": ["a", "b", "b"],
         "visitors": [30, 10, 1000]}
    )  # fmt: skip
    share, basis = traffic_share(tr, items, end=end, days=30)
    assert basis == "visitors" and share.tolist() == [0.75, 0.25]  # 30 / 40, 10 / 40
    share, basis = traffic_share(tr.iloc[:0], items, end=end, days=30)
    assert basis == "orders" and share.tolist() == [0.75, 0.25]  # 3 / 4, 1 / 4


def test_role_changes():
    now = pd.DataFrame(
        {"sku_id": ["a", "b", "c"], "title": list("xyz"), "revenue": [3, 2, 1],
         "role": ["driver", "profit", "image"], "tier": ["hit", "", ""]}
    )  # fmt: skip
    before = pd.DataFrame(
        {"sku_id": ["a", "b"], "role": ["driver", "unassigned"], "tier": ["potential", ""]}
    )
    ch = role_changes(now, before)
    # a: tier potential -> hit; b: unassigned -> profit; c is new (no change of role)
    assert ch["sku_id"].tolist() == ["a", "b"]
    assert ch.loc[1, "role_before"] == "unassigned"


def test_a_move_between_hit_and_evergreen_is_not_a_change():
    now = pd.DataFrame(
        {"sku_id": ["a", "b", "c"], "title": ["x", "y", "z"], "revenue": [3, 2, 1],
         "role": ["profit", "profit", "profit"], "tier": ["hit", "potential", "potential"]}
    )  # fmt: skip
    before = pd.DataFrame(
        {"sku_id": ["a", "b", "c"], "role": ["profit"] * 3, "tier": ["evergreen", "evergreen", ""]}
    )
    # a: hit <-> evergreen and c: none -> potential are momentum, not a change of standing
    assert role_changes(now, before)["sku_id"].tolist() == ["b"]
