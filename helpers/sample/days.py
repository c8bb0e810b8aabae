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


def day_drivers(dates: pd.DatetimeIndex, end: pd.Timestamp, promos: pd.DataFrame) -> pd.DataFrame:
    """Per-day drivers: order level, promo multipliers, CVR lift, cart lift, logistics."""
    n = len(dates)
    age = (end - dates).days.to_numpy()
    level = 150.0 * (80.0 / 150.0) ** (age / 729.0)
    pdays = promo_days(promos).set_index("date")
    info = promos.set_index("promo_id")
    phase = pdays["phase"].reindex(dates).to_numpy(dtype=object)
    pid = pdays["promo_id"].reindex(dates).to_numpy(dtype=object)
    order_mult = np.ones(n)
    cvr_mult = np.ones(n)
    cart_mult = np.ones(n)
    spend_mult = np.ones(n)
    promo_id = np.full(n, None, dtype=object)
    mechanic = np.full(n, None, dtype=object)
    disc = np.zeros(n)
    nianhuo = np.zeros(n, dtype=bool)
    for i in range(n):
        if phase[i] is None or (isinstance(phase[i], float) and np.isnan(phase[i])):
            continue
        name = info.loc[pid[i], "name"]
        if name == "年货节":
            nianhuo[i] = True
        if phase[i] == "burst":
            m = BURST.get(name, BURST_SHOP)
            order_mult[i] = m
            cvr_mult[i] = 2.0 if m >= 4 else 1.6
            cart_mult[i] = 1.2
            spend_mult[i] = 1.8 if m >= 3 else 1.4
            promo_id[i] = pid[i]
            mechanic[i] = info.loc[pid[i], "mechanic"]
            disc[i] = info.loc[pid[i], "discount_rate"]
        elif phase[i] == "warmup":
            order_mult[i] = 1.0 if name == "年货节" else 0.9
            cvr_mult[i] = 0.85
            cart_mult[i] = 1.8
            spend_mult[i] = 1.25
        else:  # afterglow
            order_mult[i] = 1.3
            cart_mult[i] = 1.1
            spend_mult[i] = 1.1
    # Spring Festival: demand dips, the warehouse pauses (shipping slows)
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
    return pd.DataFrame(
        {
            "date": dates,
            "level": level,
            "weekday": WEEKDAY[dates.day_of_week],
            "phase": phase,
            "promo_id": promo_id,
            "mechanic": mechanic,
            "discount_rate": disc,
            "order_mult": order_mult,
            "cvr_mult": cvr_mult,
            "cart_mult": cart_mult,
            "spend_mult": spend_mult,
            "nianhuo": nianhuo,
            "sf_close": sf_close,
            "sf_reopen": sf_reopen,
        }
    )
