"""Orders: how many per day and channel (stream 2), when (stream 3), their money (stream 6),
and the orders table.

Arrays run over orders in creation order (``order_id`` follows creation time); timestamps
are int64 nanoseconds (``NAT`` for none).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.sample.draws import lognormal, sample_idx
from helpers.sample.profile import CH_SHARE, CHANNELS, HOURS, PROVINCES, REMOTE
from helpers.sample.shop import NAT, SEC, Shop


@dataclass(frozen=True)
class Demand:
    """Expected and realised orders per day (rows) and channel (columns).

    ``lam0`` expected paid orders; ``n_paid`` / ``n_unpaid`` realised counts; ``quiet`` the
    last three weeks (kept quiet so that the planted problems stand out); ``burst`` festival
    burst days.
    """

    lam0: np.ndarray
    n_paid: np.ndarray
    n_unpaid: np.ndarray
    quiet: np.ndarray
    burst: np.ndarray


@dataclass(frozen=True)
class OrderTimes:
    """One entry per order, in creation order: day and channel index, whether it is paid,
    created and paid time (ns), whether its day is a festival burst, its id."""

    day: np.ndarray
    channel: np.ndarray
    paid_flag: np.ndarray
    created: np.ndarray
    paid: np.ndarray
    burst: np.ndarray
    order_id: np.ndarray

    @property
    def n(self) -> int:
        """Number of orders."""
        return len(self.order_id)

    def paid_day(self, shop: Shop) -> np.ndarray:
        """Day index of the payment time (for unpaid orders: of the would-be payment)."""
        return (self.paid - shop.day_ns[0]) // (86400 * SEC)


@dataclass(frozen=True)
class Money:
    """Per order: goods value, discount, shipping fee, amount paid (0 if unpaid), promo id."""

    goods: np.ndarray
    discount: np.ndarray
    fee: np.ndarray
    paid_amount: np.ndarray
    promo_id: np.ndarray


def demand(shop: Shop) -> Demand:
    """Expected and realised orders per day and channel (stream 2), with P1 applied.

    expected = level x weekday x promo multiplier x noise x scale x channel share; the
    realised paid count is Poisson around it (rounded in the quiet last three weeks), unpaid
    orders are Poisson at 3.1 % of it. P1: on its dates 直播 keeps ``factor`` of its orders.
    """
    rng = shop.rng(2)
    dayf, nd, live = shop.days, shop.nd, shop.live
    day_noise = lognormal(rng, 0.05, nd)
    ch_noise = lognormal(rng, 0.06, (nd, len(CHANNELS)))
    quiet = np.arange(nd) >= nd - 21
    day_noise[quiet] = day_noise[quiet] ** 0.6
    ch_noise[quiet] = ch_noise[quiet] ** 0.6
    level = (dayf["level"] * dayf["weekday"] * dayf["order_mult"]).to_numpy()
    base = level * day_noise * shop.scale
    lam0 = base[:, None] * CH_SHARE[None, :] * ch_noise
    burst = (dayf["phase"] == "burst").to_numpy()
    lam0[burst, live] *= 1.3  # live streams carry the festivals
    n_paid = rng.poisson(lam0)
    n_paid[quiet] = np.round(lam0[quiet])
    n_unpaid = rng.poisson(lam0 * 0.031)
    for d in shop.plan["P1"]["dates"]:  # P1: the live room converts a quarter of its orders
        i = (d - shop.dates[0]).days
        if 0 <= i < nd:
            n_paid[i, live] = round(n_paid[i, live] * shop.plan["P1"]["factor"])
    return Demand(lam0=lam0, n_paid=n_paid, n_unpaid=n_unpaid, quiet=quiet, burst=burst)


def _order_hours(
    rng: np.random.Generator, burst: np.ndarray, live: np.ndarray, n: int
) -> np.ndarray:
    """Hour of day of each order: evenings for live streams, midnight rush on burst days."""
    hours_live = HOURS.copy()
    hours_live[19:] *= 2.5
    hours_burst = HOURS.copy()
    hours_burst[0] *= 6
    hours_burst[20:] *= 1.5
    hour = np.empty(n, dtype=np.int64)
    for is_b, is_l, hw in (
        (False, False, HOURS),
        (False, True, hours_live),
        (True, False, hours_burst),
        (True, True, hours_burst * np.where(np.arange(24) >= 19, 2.0, 1.0)),
    ):
        m = (burst == is_b) & (live == is_l)
        hour[m] = sample_idx(rng, hw, int(m.sum()))
    return hour


def order_times(shop: Shop, dem: Demand) -> OrderTimes:
    """Spread the orders of each (day, channel) over the day and number them (stream 3).

    Inside each cell the first ``n_paid`` orders are paid; payment follows creation after a
    log-normal delay (median 90 s, 5 s .. 50 min); a payment after the end of E is unpaid.
    """
    counts = (dem.n_paid + dem.n_unpaid).ravel()
    n_orders = int(counts.sum())
    cell = np.repeat(np.arange(counts.size), counts)
    o_day = cell // len(CHANNELS)
    o_ch = cell % len(CHANNELS)
    start = np.cumsum(counts) - counts
    pos = np.arange(n_orders) - start[cell]
    o_paid = pos < dem.n_paid.ravel()[cell]
    rng = shop.rng(3)
    o_burst = dem.burst[o_day]
    hour = _order_hours(rng, o_burst, o_ch == shop.live, n_orders)
    created = shop.day_ns[o_day] + (hour * 3600 + rng.integers(0, 3600, n_orders)) * SEC
    pay_delay = np.clip(rng.lognormal(np.log(90), 1.0, n_orders), 5, 3000).astype(np.int64)
    paid = created + pay_delay * SEC
    o_paid &= paid < shop.cutoff_ns
    order = np.argsort(created, kind="stable")
    return OrderTimes(
        day=o_day[order],
        channel=o_ch[order],
        paid_flag=o_paid[order],
        created=created[order],
        paid=paid[order],
        burst=o_burst[order],
        order_id=np.char.add("O", np.char.zfill(np.arange(1, n_orders + 1).astype(str), 8)),
    )


def order_money(
    shop: Shop,
    ot: OrderTimes,
    line_value: np.ndarray,
    line_order: np.ndarray,
    first_line_flash: np.ndarray,
    province: np.ndarray,
) -> Money:
    """Discounts, shipping fee and amount paid per order (stream 6).

    满减: ``floor(goods / 200) x 200 x rate`` off; 会员专享: ``goods x rate`` off; otherwise
    15 % of orders use a coupon (10 off from 99, 20 off from 199). Shipping 6 below 49 yuan
    net, 12 below 99 to remote provinces. paid = goods - discount + fee (CNY).
    """
    rng = shop.rng(6)
    dayf = shop.days
    goods = np.round(np.bincount(line_order, weights=line_value, minlength=ot.n), 2)
    o_mech = dayf["mechanic"].to_numpy(dtype=object)[ot.day]
    o_rate = dayf["discount_rate"].to_numpy()[ot.day]
    is_mj = np.array([x == "满减" for x in o_mech])
    is_member = np.array([x == "会员专享" for x in o_mech])
    disc = np.where(is_mj, np.floor(goods / 200.0) * 200.0 * o_rate, 0.0)
    disc = np.where(is_member, np.round(goods * o_rate, 2), disc)
    coupon = (~is_mj) & (~is_member) & (rng.random(ot.n) < 0.15)
    disc = np.where(coupon & (goods >= 199), 20.0, np.where(coupon & (goods >= 99), 10.0, disc))
    disc = np.round(disc, 2)
    remote = np.isin(np.array(PROVINCES)[province], list(REMOTE))
    net = goods - disc
    fee = np.where(net >= 49, 0.0, 6.0)
    fee = np.where(remote & (net < 99), 12.0, fee)
    paid_amount = np.where(ot.paid_flag, np.round(net + fee, 2), 0.0)
    day_promo = dayf["promo_id"].to_numpy(dtype=object)[ot.day]
    no_promo = np.full(ot.n, None, dtype=object)
    promo_col = np.where(
        first_line_flash, day_promo, np.where(is_mj | is_member, day_promo, no_promo)
    )
    return Money(goods=goods, discount=disc, fee=fee, paid_amount=paid_amount, promo_id=promo_col)


def timestamps(x: np.ndarray) -> pd.Series:
    """int64 ns (``NAT`` for none) -> datetime64[ns] Series floored to the second."""
    return pd.Series(pd.to_datetime(x)).dt.floor("s").astype("datetime64[ns]")


def orders_table(
    ot: OrderTimes,
    customer: np.ndarray,
    province: np.ndarray,
    money: Money,
    shipped: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    """The orders table (one row per order, ids only: customer id and province)."""
    return pd.DataFrame(
        {
            "order_id": ot.order_id,
            "customer_id": np.char.add("C", np.char.zfill((customer + 1).astype(str), 7)),
            "created_at": timestamps(ot.created),
            "paid_at": timestamps(np.where(ot.paid_flag, ot.paid, NAT)),
            "status": status,
            "paid_amount": money.paid_amount,
            "channel": np.array(CHANNELS, dtype=object)[ot.channel],
            "shipped_at": timestamps(shipped),
            "discount_amount": money.discount,
            "shipping_fee": money.fee,
            "province": np.array(PROVINCES, dtype=object)[province],
            "promo_id": money.promo_id,
        }
    )
