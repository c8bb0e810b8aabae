"""Shipping times and order status (stream 7), with the P3 backlog and the Spring Festival
warehouse pause."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.sample.orders import Demand, OrderTimes
from helpers.sample.shop import NAT, SEC, Shop


@dataclass(frozen=True)
class Shipping:
    """Per order: shipped time (ns, ``NAT`` if not shipped by the end of E) and status
    (``completed``/``shipped``/``paid``/``pending``/``cancelled``; ``refunded`` is set
    later by the after-sales step)."""

    shipped: np.ndarray
    status: np.ndarray


def _ship_hours(shop: Shop, rng: np.random.Generator, ot: OrderTimes, dem: Demand) -> np.ndarray:
    """Hours from payment to shipping: log-normal around 8 h (2-20 h), 0.5 % late (24-40 h)
    outside the quiet weeks, around 18 h on burst days and the day after."""
    n = ot.n
    hours = np.clip(rng.lognormal(np.log(8.0), 0.5, n), 2.0, 20.0)
    late = (rng.random(n) < 0.005) & ~dem.quiet[ot.day]
    hours = np.where(late, rng.uniform(24, 40, n), hours)
    busy = ot.burst | np.roll(dem.burst, 1)[ot.day]
    return np.where(busy, np.clip(rng.lognormal(np.log(18), 0.5, n), 3, 60), hours)


def _backlog(shop: Shop, rng: np.random.Generator, ot: OrderTimes, shipped: np.ndarray) -> tuple:
    """P3: ``unshipped_share`` of the orders paid on E-1 before the hour stay unshipped;
    ``late_share`` of the orders paid on E-2 ship 26-40 h after payment.
    Returns (stuck flag, shipped)."""
    p3 = shop.plan["P3"]
    d1, d2 = shop.day_of(p3["unshipped_paid_on"]), shop.day_of(p3["late_paid_on"])
    paid_day = ot.paid_day(shop)
    paid_hour = (ot.paid - shop.day_ns[0]) % (86400 * SEC) / (3600 * SEC)
    early = paid_hour < p3["unshipped_before_hour"]
    cand = np.flatnonzero(ot.paid_flag & (paid_day == d1) & early)
    stuck = np.zeros(ot.n, dtype=bool)
    stuck[rng.permutation(cand)[: round(cand.size * p3["unshipped_share"])]] = True
    slow = ot.paid_flag & (paid_day == d2) & (rng.random(ot.n) < p3["late_share"])
    shipped = np.where(slow, ot.paid + (rng.uniform(26, 40, ot.n) * 3600 * SEC), shipped)
    return stuck, shipped


def shipping(shop: Shop, ot: OrderTimes, dem: Demand) -> Shipping:
    """Shipped time and status of every order (stream 7).

    A shipped order is completed when confirmed (4-12 days after shipping) before the end
    of E; an unpaid order created on E is pending, older ones cancelled.
    """
    rng = shop.rng(7)
    hours = _ship_hours(shop, rng, ot, dem)
    shipped = ot.paid + (hours * 3600 * 1e9).astype(np.int64)
    # Spring Festival: the warehouse reopens on SF+6
    close = shop.days["sf_close"].to_numpy()[ot.day]
    reopen = shop.days["sf_reopen"].to_numpy().astype(np.int64)[ot.day]
    late_open = (rng.uniform(8, 56, ot.n) * 3600 * 1e9).astype(np.int64)
    shipped = np.where(close, reopen + late_open, shipped)
    stuck, shipped = _backlog(shop, rng, ot, shipped)
    cutoff = shop.cutoff_ns
    shipped = np.where(stuck | ~ot.paid_flag | (shipped >= cutoff), NAT, shipped)
    confirm = shipped + (rng.uniform(4, 12, ot.n) * 86400 * SEC).astype(np.int64)
    status = np.where(shipped != NAT, np.where(confirm < cutoff, "completed", "shipped"), "paid")
    pending = ot.created >= cutoff - 86400 * SEC
    status = np.where(ot.paid_flag, status, np.where(pending, "pending", "cancelled"))
    return Shipping(shipped=shipped, status=status.astype(object))
