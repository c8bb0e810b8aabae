"""The calendar: promotions (the promotions table) and the per-day drivers of demand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.festivals import platform_festivals, promo_days, spring_festival
from helpers.sample.profile import BURST, BURST_SHOP, ONE_DAY, WEEKDAY


def promotions(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Platform festivals touching the range plus the shop's own events (none after end)."""
    plat = platform_festivals(start, end)
    rows = []
    for year in range(start.year, end.year + 1):
        for pid, name, mech, rate, day, warm in (
            (f"shop-anniv-{year}", "店庆", "满减", 0.12, pd.Timestamp(year, 8, 18), 5),
            (f"shop-member-{year}", "会员日", "会员专享", 0.10, pd.Timestamp(year, 4, 25), 3),
        ):
            rows.append(
                {
                    "promo_id": pid,
                    "name": name,
                    "kind": "shop",
                    "warmup_start": day - warm * ONE_DAY,
                    "start_date": day,
                    "end_date": day,
                    "afterglow_end": day + ONE_DAY,
                    "mechanic": mech,
                    "discount_rate": rate,
                }
            )
    shop = pd.DataFrame(rows, columns=plat.columns)
    promos = pd.concat([plat, shop], ignore_index=True)
    promos = promos[(promos["warmup_start"] >= start) & (promos["afterglow_end"] <= end)]
    for col in ("warmup_start", "start_date", "end_date", "afterglow_end"):
        promos[col] = pd.to_datetime(promos[col]).astype("datetime64[ns]")
    return promos.sort_values(["start_date", "promo_id"]).reset_index(drop=True)


#: the per-day multipliers a promotion phase sets (orders, conversion, carts, ad spend)
_MULTIPLIERS = ("order_mult", "cvr_mult", "cart_mult", "spend_mult")


def _promo_effects(phase: np.ndarray, pid: np.ndarray, info: pd.DataFrame) -> dict[str, np.ndarray]:
    """Multipliers of each day's phase: a burst lifts orders (``BURST``), conversion, carts
    and ad spend and applies its mechanic; a warm-up lifts carts and lowers conversion; an
    after-glow keeps orders up. 年货节 days are flagged (食品 sells more)."""
    n = len(phase)
    out = {k: np.ones(n) for k in _MULTIPLIERS}
    out["promo_id"] = np.full(n, None, dtype=object)
    out["mechanic"] = np.full(n, None, dtype=object)
    out["discount_rate"] = np.zeros(n)
    out["nianhuo"] = np.zeros(n, dtype=bool)
    for i in range(n):
        if phase[i] is None or (isinstance(phase[i], float) and np.isnan(phase[i])):
            continue
        name = info.loc[pid[i], "name"]
        if name == "年货节":
            out["nianhuo"][i] = True
        if phase[i] == "burst":
            m = BURST.get(name, BURST_SHOP)
            mults = (m, 2.0 if m >= 4 else 1.6, 1.2, 1.8 if m >= 3 else 1.4)
            out["promo_id"][i] = pid[i]
            out["mechanic"][i] = info.loc[pid[i], "mechanic"]
            out["discount_rate"][i] = info.loc[pid[i], "discount_rate"]
        elif phase[i] == "warmup":
            mults = (1.0 if name == "年货节" else 0.9, 0.85, 1.8, 1.25)
        else:  # afterglow
            mults = (1.3, 1.0, 1.1, 1.1)
        for key, value in zip(_MULTIPLIERS, mults, strict=True):
            out[key][i] = value
    return out


def _spring_festival(
    dates: pd.DatetimeIndex, order_mult: np.ndarray, cvr_mult: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Spring Festival: demand dips from SF-8 to SF+7 (``order_mult``, ``cvr_mult`` changed
    in place); the warehouse closes SF-4 .. SF+5 and reopens on SF+6. Returns (closed,
    reopening time)."""
    n = len(dates)
    sf_close = np.zeros(n, dtype=bool)
    sf_reopen = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    for year in sorted({d.year for d in dates}):
        sf = pd.Timestamp(spring_festival(year))
        rel = (dates - sf).days.to_numpy()
        dip = (rel >= -8) & (rel <= 7)
        order_mult[dip] *= 0.55 + 0.45 * (np.abs(rel[dip]) / 8.0) ** 2
        cvr_mult[dip] *= 0.9
        close = (rel >= -4) & (rel <= 5)
        sf_close |= close
        sf_reopen[close] = np.datetime64(sf + 6 * ONE_DAY, "ns")
    return sf_close, sf_reopen


def day_drivers(dates: pd.DatetimeIndex, end: pd.Timestamp, promos: pd.DataFrame) -> pd.DataFrame:
    """Per-day drivers: order level (80 paid orders a day two years before ``end`` growing
    to 150), weekday rhythm, promo multipliers, CVR lift, cart lift, logistics."""
    age = (end - dates).days.to_numpy()
    pdays = promo_days(promos).set_index("date")
    phase = pdays["phase"].reindex(dates).to_numpy(dtype=object)
    pid = pdays["promo_id"].reindex(dates).to_numpy(dtype=object)
    fx = _promo_effects(phase, pid, promos.set_index("promo_id"))
    sf_close, sf_reopen = _spring_festival(dates, fx["order_mult"], fx["cvr_mult"])
    return pd.DataFrame(
        {
            "date": dates,
            "level": 150.0 * (80.0 / 150.0) ** (age / 729.0),
            "weekday": WEEKDAY[dates.day_of_week],
            "phase": phase,
            "promo_id": fx["promo_id"],
            "mechanic": fx["mechanic"],
            "discount_rate": fx["discount_rate"],
            "order_mult": fx["order_mult"],
            "cvr_mult": fx["cvr_mult"],
            "cart_mult": fx["cart_mult"],
            "spend_mult": fx["spend_mult"],
            "nianhuo": fx["nianhuo"],
            "sf_close": sf_close,
            "sf_reopen": sf_reopen,
        }
    )
