"""Planted facts of the product matrix (商品矩阵与库存): a top seller about to run out and two
slow movers, in the inventory of the sample shop.

* ``stockout``: the 美妆 best seller ``BT0001`` (class A, about 11 units a day) is drawn down
  over the last ``DRAW_DAYS`` days to ``ON_HAND_AT_END`` units on the run date: about two
  days of cover against a lead time of ten days, so it runs out before any new delivery can
  arrive, and long before 双12.
* ``never_sold``: a new SKU ``HM0099`` (家居, launched 120 days before the end) sits in the
  warehouse with ``NEVER_SOLD_ON_HAND`` units and no sale at all: a no-sale slow mover.
* ``overstock``: the 数码 long-tail item ``DG0040`` holds ``OVERSTOCK_ON_HAND`` units over the
  last ``DRAW_DAYS`` days, hundreds of days of cover.

Only ``products`` (one new row) and ``inventory`` change; no order, traffic or refund moves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.sample.planting import Planter, SampleSpec, Tables

STOCKOUT_SKU = "BT0001"
ON_HAND_AT_END = 22
STOCKOUT_LEAD_TIME = 10.0
DRAW_DAYS = 14
NEVER_SOLD_SKU = "HM0099"
NEVER_SOLD_ON_HAND = 240
OVERSTOCK_SKU = "DG0040"
OVERSTOCK_ON_HAND = 420


def planted_matrix_facts(end: Any) -> dict[str, dict[str, Any]]:
    """The planted facts, for the tests that check the notebook finds them."""
    end = pd.Timestamp(end).normalize()
    return {
        "stockout": {"sku_id": STOCKOUT_SKU, "on_hand": ON_HAND_AT_END,
                     "lead_time_days": STOCKOUT_LEAD_TIME, "date": end},
        "never_sold": {"sku_id": NEVER_SOLD_SKU, "on_hand": NEVER_SOLD_ON_HAND},
        "overstock": {"sku_id": OVERSTOCK_SKU, "on_hand": OVERSTOCK_ON_HAND},
    }  # fmt: skip


def _draw_down(inv: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """The stock-out SKU's last ``DRAW_DAYS`` snapshots fall by about 11 units a day to
    ``ON_HAND_AT_END`` (no delivery arrives), with its lead time set to ten days."""
    days = (end - inv["date"]).dt.days
    rows = (inv["sku_id"] == STOCKOUT_SKU) & (days < DRAW_DAYS)
    back = days[rows].to_numpy()
    daily = 11 + rng.integers(-2, 3, size=DRAW_DAYS)
    left = ON_HAND_AT_END + np.array([daily[:k].sum() for k in back])
    inv.loc[rows, "on_hand"] = left.astype("int64")
    inv.loc[inv["sku_id"] == STOCKOUT_SKU, "lead_time_days"] = STOCKOUT_LEAD_TIME
    return inv


def plant_matrix(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
    """Plant the stock-out risk and the slow movers described in the module docstring."""
    end = spec.end
    inv = tables["inventory"].copy()
    inv["date"] = pd.to_datetime(inv["date"])
    inv = _draw_down(inv, end, rng)
    last = (end - inv["date"]).dt.days < DRAW_DAYS
    inv.loc[(inv["sku_id"] == OVERSTOCK_SKU) & last, "on_hand"] = OVERSTOCK_ON_HAND
    products = tables["products"].copy()
    launch = end - pd.Timedelta(days=120)
    new = {"sku_id": NEVER_SOLD_SKU, "title": "山野复古款露营挂灯", "category": "家居",
           "list_price": 159.0, "unit_cost": 71.5, "launch_date": launch}  # fmt: skip
    products = pd.concat([products, pd.DataFrame([new])], ignore_index=True)
    products["launch_date"] = pd.to_datetime(products["launch_date"])
    dates = sorted(inv["date"].unique())
    extra = pd.DataFrame(
        {"date": dates, "sku_id": NEVER_SOLD_SKU, "on_hand": NEVER_SOLD_ON_HAND,
         "lead_time_days": 18.0}
    )  # fmt: skip
    inv = pd.concat([inv, extra.loc[extra["date"] >= launch]], ignore_index=True)
    inv = inv.sort_values(["date", "sku_id"]).reset_index(drop=True)
    inv["date"] = inv["date"].astype(tables["inventory"]["date"].dtype)
    return {**tables, "inventory": inv, "products": products}


PLANTER = Planter(
    name="product_matrix",
    plant=plant_matrix,
    what="a best seller about to run out (BT0001) and two slow movers (HM0099 never sold, "
    "DG0040 overstocked)",
)
