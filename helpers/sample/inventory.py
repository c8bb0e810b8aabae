"""The inventory table (stream 15): daily stock per SKU for the last 90 days, simulated
from the units sold with reorders, lead times and the planted past stock-outs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sample.order_lines import Lines
from helpers.sample.orders import OrderTimes
from helpers.sample.profile import CAT_LEAD
from helpers.sample.shop import Shop

#: days of inventory snapshots (ending on E)
INVENTORY_DAYS = 90


def _units_sold(shop: Shop, ot: OrderTimes, lines: Lines) -> np.ndarray:
    """Units of paid lines per payment day (rows) and SKU (columns)."""
    units = np.zeros((shop.nd, shop.nsku))
    lp = ot.paid_flag[lines.order]
    l_pday = ot.paid_day(shop)[lines.order]
    np.add.at(units, (l_pday[lp].astype(np.int64), lines.sku[lp]), lines.qty[lp])
    return units


def _forced_out(shop: Shop, i0: int, n_inv: int) -> np.ndarray:
    """True on the snapshot days (from day ``i0``) of each planted stock-out."""
    forced = np.zeros((n_inv, shop.nsku), dtype=bool)
    for so in shop.plan["stockouts"]["items"]:
        a, b = shop.day_of(so["start"]) - i0, shop.day_of(so["end"]) - i0
        if b >= 0:
            forced[max(a, 0) : b + 1, shop.sku_index[so["sku_id"]]] = True
    return forced


def _simulate(
    rng: np.random.Generator, units: np.ndarray, lead: np.ndarray, forced: np.ndarray, i0: int
) -> np.ndarray:
    """Stock on hand at the end of each snapshot day.

    Start with 25-60 days of sales; sell; reorder 30-45 days of the smoothed sales (+10)
    when stock falls below (lead time + 7) days; the order arrives after the lead time.
    A forced stock-out empties the shelf; its late delivery (35 days + 10) arrives the day
    after.
    """
    n_inv, nsku = forced.shape
    avg = np.maximum(units[max(0, i0 - 28) : max(i0, 1)].mean(axis=0), 0.3)
    on_hand = np.round(avg * rng.uniform(25, 60, nsku))
    pipeline: dict[int, np.ndarray] = {}
    snaps = np.zeros((n_inv, nsku))
    on_order = np.zeros(nsku, dtype=bool)
    for j in range(n_inv):
        i = i0 + j
        arrive = pipeline.pop(j, None)
        if arrive is not None:
            on_hand += arrive
            on_order &= arrive == 0
        avg = 0.8 * avg + 0.2 * units[i]
        on_hand = np.maximum(on_hand - units[i], 0)
        on_hand[forced[j]] = 0
        if j > 0:  # the late delivery arrives right after a forced stock-out
            back = forced[j - 1] & ~forced[j]
            on_hand[back] += np.round(avg[back] * 35) + 10
            on_order[back] = False
        reorder = (~on_order) & (on_hand < avg * (lead + 7))
        if reorder.any():
            qty_in = np.where(reorder, np.round(avg * rng.uniform(30, 45, nsku)) + 10, 0)
            for ld in np.unique(lead[reorder]).astype(int):
                m = reorder & (lead == ld)
                pipeline.setdefault(j + ld, np.zeros(nsku))
                pipeline[j + ld] = pipeline[j + ld] + np.where(m, qty_in, 0)
            on_order |= reorder
        snaps[j] = on_hand
    return snaps


def inventory(shop: Shop, ot: OrderTimes, lines: Lines) -> pd.DataFrame:
    """Daily stock on hand and lead time per launched SKU for the last 90 days.
    Lead time = category lead (7-25 days) x 0.7-1.3, rounded."""
    rng = shop.rng(15)
    nd, nsku = shop.nd, shop.nsku
    n_inv = min(INVENTORY_DAYS, nd)
    i0 = nd - n_inv
    units = _units_sold(shop, ot, lines)
    lead = np.round(CAT_LEAD[shop.cat["cat"].to_numpy()] * rng.uniform(0.7, 1.3, nsku))
    snaps = _simulate(rng, units, lead, _forced_out(shop, i0, n_inv), i0)
    launched = shop.launch_day[None, :] <= np.arange(i0, nd)[:, None]
    return pd.DataFrame(
        {
            "date": np.repeat(shop.dates[i0:], nsku),
            "sku_id": np.tile(shop.cat["sku_id"].to_numpy(), n_inv),
            "on_hand": snaps.ravel().astype("int64"),
            "lead_time_days": np.tile(lead, n_inv),
        }
    )[launched.ravel()].reset_index(drop=True)
