"""Planted facts of the retention notebook (its own random stream).

On top of the base shop this planter

* makes one cohort churn: of the customers whose first purchase fell in the month eight
  months before the last day (2026-03 for the default sample, as after a bad product batch),
  90 % of the later orders are re-assigned to new customer ids, so hardly anyone of that
  cohort comes back (its row of the cohort heat map is pale from month 1 on);
* plants a win-back campaign that worked in the last week: up to 60 orders of the last 7
  days through 私域 (private traffic) that were the only order of a brand-new customer are
  re-assigned to dormant big spenders (two or more orders, none in the last 400 days, among
  the 300 biggest spenders), who therefore move from 重要保持 (loyal, slipping) to 重要价值
  (champions) in the week's movement table.

Orders, order lines and money stay as they are (only who bought changes), so GMV, units and
items of every day are unchanged; new and returning buyer counts move. Re-assigned orders of
the churned cohort get new ids ``C9xxxxxx`` with a customers row (lowest tier).
:func:`planted_retention_facts` returns the same facts for the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sample.planting import Planter, SampleSpec, Tables

#: months before the last day's month of the churning cohort
COHORT_MONTHS_BACK = 8
#: share of the cohort's later orders taken away from it
CHURN = 0.9
#: win-back campaign: channel, most orders, days, dormant for at least, among top spenders
WINBACK = ("私域", 60, 7, 400, 300)
NEW_ID_BASE = 9_000_000


def churn_month(end: pd.Timestamp) -> pd.Period:
    """The first-purchase month of the churning cohort."""
    return pd.Timestamp(end).to_period("M") - COHORT_MONTHS_BACK


def planted_retention_facts(end: pd.Timestamp) -> dict[str, object]:
    """The retention facts planted in the sample shop (asserted by the tests)."""
    return {
        "churned_cohort": str(churn_month(end)),
        "winback_channel": WINBACK[0],
        "winback_orders": WINBACK[1],
        "winback_flow": ("重要保持", "重要价值"),
    }


def _paid(orders: pd.DataFrame) -> pd.DataFrame:
    paid = orders.loc[orders["paid_at"].notna(), ["customer_id", "paid_at", "paid_amount"]]
    return paid.assign(paid_at=pd.to_datetime(paid["paid_at"]))


def _churn(orders: pd.DataFrame, rng: np.random.Generator, end: pd.Timestamp) -> pd.Series:
    """New customer ids for the churned cohort's later orders (index: order rows)."""
    paid = _paid(orders)
    month = paid["paid_at"].dt.to_period("M")
    first = month.groupby(paid["customer_id"]).transform("min")
    later = paid.index[(first == churn_month(end)) & (month > first)]
    taken = later[rng.random(len(later)) < CHURN]
    ids = [f"C{NEW_ID_BASE + i:07d}" for i in range(1, len(taken) + 1)]
    return pd.Series(ids, index=taken, dtype=object)


def _winback(orders: pd.DataFrame, rng: np.random.Generator, end: pd.Timestamp) -> pd.Series:
    """Dormant big spenders for the campaign's orders (index: order rows)."""
    channel, most, days, dormant_days, top = WINBACK
    paid = _paid(orders)
    count = paid.groupby("customer_id")["paid_at"].transform("size")
    recent = paid["paid_at"] >= end - pd.Timedelta(days=days - 1)
    candidates = paid.index[recent & (count == 1) & (orders.loc[paid.index, "channel"] == channel)]
    g = paid.groupby("customer_id")
    stats = pd.DataFrame(
        {"n": g.size(), "last": g["paid_at"].max(), "spend": g["paid_amount"].sum()}
    )
    dormant = stats.loc[(stats["n"] >= 2) & (stats["last"] < end - pd.Timedelta(days=dormant_days))]
    pool = dormant.sort_values("spend", ascending=False).head(top).index.to_numpy()
    n = min(most, len(candidates), len(pool))
    rows = rng.choice(candidates.to_numpy(), size=n, replace=False)
    who = rng.choice(pool, size=n, replace=False)
    return pd.Series(who, index=rows, dtype=object)


def _new_customers(customers: pd.DataFrame, orders: pd.DataFrame, new: pd.Series) -> pd.DataFrame:
    """Customers rows for the new ids: the old buyer's attributes, lowest tier, first seen on
    the order's day."""
    old = orders.loc[new.index, "customer_id"].to_numpy()
    base = customers.set_index("customer_id").reindex(old).reset_index(drop=True)
    base.insert(0, "customer_id", new.to_numpy())
    base["first_seen"] = pd.to_datetime(orders.loc[new.index, "paid_at"]).dt.normalize().to_numpy()
    base["member_tier"] = "普通会员"
    return base.loc[:, list(customers.columns)]


def plant_retention(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
    """Plant the churned cohort and the win-back campaign (see the module docstring)."""
    orders = tables["orders"].copy()
    end = pd.Timestamp(spec.end).normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    won = _winback(orders, rng, end)
    orders.loc[won.index, "customer_id"] = won
    churned = _churn(orders, rng, end)
    orders.loc[churned.index, "customer_id"] = churned
    customers = tables["customers"]
    added = _new_customers(
        customers, orders.assign(customer_id=tables["orders"]["customer_id"]), churned
    )
    if "first_seen" in customers.columns:
        added["first_seen"] = added["first_seen"].astype(customers["first_seen"].dtype)
    return {
        **tables,
        "orders": orders,
        "customers": pd.concat([customers, added], ignore_index=True),
    }


PLANTER = Planter(
    name="retention",
    plant=plant_retention,
    what="the 2026-03 cohort churns; a 私域 win-back brings dormant big spenders back last week",
)
