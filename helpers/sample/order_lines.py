"""Order lines: how many per order, which SKU, quantity and price (stream 5), and the
order_items table. P5 (price rise, buyers go elsewhere) and the past stock-outs act here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.sample.catalog import sku_weights
from helpers.sample.draws import charm, sample_idx, sample_rows
from helpers.sample.orders import OrderTimes
from helpers.sample.profile import CAT_QTY, CATEGORIES
from helpers.sample.shop import Shop


@dataclass(frozen=True)
class Lines:
    """One entry per order line: its order index, line number, day, SKU row, category,
    quantity, unit price (CNY) and whether a flash sale (限时折扣) priced it; ``start`` and
    ``count`` per order: its first line and number of lines."""

    order: np.ndarray
    line_no: np.ndarray
    day: np.ndarray
    sku: np.ndarray
    cat: np.ndarray
    qty: np.ndarray
    price: np.ndarray
    flash: np.ndarray
    start: np.ndarray
    count: np.ndarray

    @property
    def value(self) -> np.ndarray:
        """quantity x unit price (CNY)."""
        return self.qty * self.price


def _choose_skus(
    shop: Shop, rng: np.random.Generator, day: np.ndarray, live: np.ndarray
) -> np.ndarray:
    """Draw a SKU per line from the month's popularity, 食品 x3 around 年货节 and
    服饰/美妆 x1.6 on live streams; no sale before launch (the category's best seller)."""
    dates, ci = shop.dates, shop.cat["cat"].to_numpy()
    month_key = (dates.year * 12 + dates.month).to_numpy()
    months = np.unique(month_key)
    l_month = np.searchsorted(months, month_key[day])
    l_nh = shop.days["nianhuo"].to_numpy()[day]
    key = l_month * 4 + l_nh * 2 + live
    sku = np.empty(len(day), dtype=np.int64)
    w_month = {}
    for km in np.unique(key):
        mi, rest = divmod(int(km), 4)
        nh, lv = divmod(rest, 2)
        if mi not in w_month:
            v = int(months[mi]) - 1
            mid = pd.Timestamp(v // 12, v % 12 + 1, 15)
            w_month[mi] = sku_weights(shop.cat, min(mid, shop.end), shop.end)
        w = w_month[mi].copy()
        if nh:
            w[ci == 2] *= 3.0
        if lv:
            w[(ci == 0) | (ci == 1)] *= 1.6
        m = key == km
        sku[m] = sample_idx(rng, w, int(m.sum()))
    first_of_cat = np.array([np.flatnonzero(ci == c)[0] for c in range(len(CATEGORIES))])
    early = day < shop.launch_day[sku]
    sku[early] = first_of_cat[ci[sku[early]]]
    return sku


def _move_away(shop: Shop, rng: np.random.Generator, sku: np.ndarray, day: np.ndarray) -> None:
    """Past stock-outs: buyers take the next item of the category. P5: after the price
    rise only ``keep`` of the buyers stay (in place)."""
    for so in shop.plan["stockouts"]["items"]:
        s = shop.sku_index[so["sku_id"]]
        m = (sku == s) & (day >= shop.day_of(so["start"])) & (day <= shop.day_of(so["end"]))
        sku[m] = s + 1
    p5 = shop.sku_index[shop.plan["P5"]["sku_id"]]
    m = (sku == p5) & (day >= shop.day_of(shop.plan["P5"]["start"]))
    away = m & (rng.random(len(sku)) > shop.plan["P5"]["keep"])
    sku[away] = np.where(p5 + 1 < shop.nsku, p5 + 1, p5 - 1)


def _one_line_per_sku(shop: Shop, sku: np.ndarray, day: np.ndarray, line_no: np.ndarray) -> None:
    """One line per SKU within an order: move repeats to the next available item (in place)."""
    n_l = len(sku)
    p5 = shop.sku_index[shop.plan["P5"]["sku_id"]]
    p5_start = shop.day_of(shop.plan["P5"]["start"])
    blocked = np.zeros(n_l, dtype=bool)
    for _ in range(20):
        dup = np.zeros(n_l, dtype=bool)
        for back in (1, 2):
            same = np.zeros(n_l, dtype=bool)
            same[back:] = (sku[back:] == sku[:-back]) & (line_no[back:] > back)
            dup |= same
        dup |= blocked
        if not dup.any():
            break
        sku[dup] = (sku[dup] + 1) % shop.nsku
        blocked = (day < shop.launch_day[sku]) | ((sku == p5) & (day >= p5_start))
        blocked |= shop.stocked_out(sku, day)
        blocked &= dup


def _unit_prices(shop: Shop, sku: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """List price, less the discount on flash-sale days, P5's raised price from its start.
    Returns (unit price, flash-sale flag) per line."""
    dayf, cat = shop.days, shop.cat
    price = cat["list_price"].to_numpy()[sku]
    mech = dayf["mechanic"].to_numpy(dtype=object)
    flash = np.array([x == "限时折扣" for x in mech])[day]
    rate_d = dayf["discount_rate"].to_numpy()
    price = np.where(flash, np.round(price * (1 - rate_d[day]), 2), price)
    p5 = shop.sku_index[shop.plan["P5"]["sku_id"]]
    p5_start = shop.day_of(shop.plan["P5"]["start"])
    p5_raised = charm(np.array([cat["list_price"].iloc[p5] * (1 + shop.plan["P5"]["price_up"])]))[0]
    price = np.where((sku == p5) & (day >= p5_start), p5_raised, price)
    return price, flash


def order_lines(shop: Shop, ot: OrderTimes) -> Lines:
    """1-3 lines per order (more on burst days), SKU, quantity and price (stream 5)."""
    rng = shop.rng(5)
    k_norm = sample_idx(rng, np.array([0.64, 0.26, 0.10]), ot.n) + 1
    k_burst = sample_idx(rng, np.array([0.50, 0.30, 0.20]), ot.n) + 1
    n_lines = np.where(ot.burst, k_burst, k_norm)
    l_ord = np.repeat(np.arange(ot.n), n_lines)
    l_start = np.cumsum(n_lines) - n_lines
    line_no = np.arange(int(n_lines.sum())) - l_start[l_ord] + 1
    day = ot.day[l_ord]
    sku = _choose_skus(shop, rng, day, ot.channel[l_ord] == shop.live)
    _move_away(shop, rng, sku, day)
    _one_line_per_sku(shop, sku, day, line_no)
    l_cat = shop.cat["cat"].to_numpy()[sku]
    qty = sample_rows(rng, CAT_QTY, l_cat) + 1
    price, flash = _unit_prices(shop, sku, day)
    return Lines(
        order=l_ord,
        line_no=line_no,
        day=day,
        sku=sku,
        cat=l_cat,
        qty=qty,
        price=price,
        flash=flash,
        start=l_start,
        count=n_lines,
    )


def order_items_table(shop: Shop, ot: OrderTimes, lines: Lines) -> pd.DataFrame:
    """The order_items table (one row per line)."""
    return pd.DataFrame(
        {
            "order_id": ot.order_id[lines.order],
            "line_no": lines.line_no.astype("int64"),
            "sku_id": shop.cat["sku_id"].to_numpy()[lines.sku],
            "quantity": lines.qty.astype("int64"),
            "unit_price": lines.price,
            "title": shop.cat["title"].to_numpy()[lines.sku],
        }
    )
