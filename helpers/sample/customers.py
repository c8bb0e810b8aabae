"""Buyers: who places each order (stream 4) and the customers table (stream 10).

Pseudonymous ids only (``C0000123``) with a province, age band, gender and member tier;
never a name, phone number or address.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.sample.draws import sample_idx
from helpers.sample.orders import OrderTimes
from helpers.sample.profile import (
    AGE,
    AGE_W,
    CH_RETURNING,
    GENDER,
    GENDER_W,
    PROV_W,
    PROVINCES,
    TIERS,
)
from helpers.sample.shop import Shop


@dataclass(frozen=True)
class Buyers:
    """``customer`` index of each order; ``new`` whether the order brings a new customer;
    ``province`` index of each customer (``n`` customers)."""

    customer: np.ndarray
    new: np.ndarray
    province: np.ndarray

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.province)

    @property
    def order_province(self) -> np.ndarray:
        """Province index of each order (its buyer's)."""
        return self.province[self.customer]


def buyers(shop: Shop, ot: OrderTimes) -> Buyers:
    """Assign a buyer to every order: new ones join, returning ones come back (stream 4).

    P(returning) = channel share of returning buyers x (0.35 + 0.65 ramp), the ramp growing
    over the first months. Each new customer holds 1, 3 or 12 tickets (70/22/8 %); a
    returning order draws a ticket among the customers so far, biased to the early ones.
    """
    rng = shop.rng(4)
    n_orders = ot.n
    ramp = np.clip((ot.day + 60) / 240.0, 0.0, 1.0)
    p_ret = CH_RETURNING[ot.channel] * (0.35 + 0.65 * ramp)
    ret = rng.random(n_orders) < p_ret
    ret[: min(n_orders, 50)] = False
    new = ~ret
    n_cust = int(new.sum())
    cust_w = rng.choice(np.array([1, 3, 12]), size=n_cust, p=[0.70, 0.22, 0.08])
    cust_of = np.empty(n_orders, dtype=np.int64)
    cust_of[new] = np.arange(n_cust)
    tickets_cum = np.cumsum(cust_w)  # tickets held by customers 0..k
    new_before = np.cumsum(new) - new  # customers created before order i
    ret_idx = np.flatnonzero(ret)
    avail = tickets_cum[new_before[ret_idx] - 1]
    pick = np.floor(avail * rng.random(ret_idx.size) ** 0.45).astype(np.int64)
    cust_of[ret_idx] = np.searchsorted(tickets_cum, pick, side="right")
    return Buyers(customer=cust_of, new=new, province=sample_idx(rng, PROV_W, n_cust))


def customers_table(
    shop: Shop, ot: OrderTimes, who: Buyers, paid_amount: np.ndarray
) -> pd.DataFrame:
    """The customers table (stream 10): first seen up to 30 days before the first order,
    member tier by total spend (500 / 1,500 / 4,000 CNY), age band and gender."""
    rng = shop.rng(10)
    n_cust = who.n
    first_day = ot.day[who.new]
    first_seen = shop.dates[0] + pd.to_timedelta(
        np.maximum(first_day - rng.geometric(0.35, n_cust) + 1, first_day - 30), unit="D"
    )
    spend = np.bincount(who.customer, weights=paid_amount, minlength=n_cust)
    tier = np.searchsorted(np.array([500.0, 1500.0, 4000.0]), spend, side="right")
    return pd.DataFrame(
        {
            "customer_id": np.char.add("C", np.char.zfill(np.arange(1, n_cust + 1).astype(str), 7)),
            "first_seen": pd.Series(first_seen).astype("datetime64[ns]"),
            "member_tier": np.array(TIERS, dtype=object)[tier],
            "region": np.array(PROVINCES, dtype=object)[who.province],
            "age_band": np.array(AGE, dtype=object)[sample_idx(rng, AGE_W, n_cust)],
            "gender": np.array(GENDER, dtype=object)[sample_idx(rng, GENDER_W, n_cust)],
        }
    )
