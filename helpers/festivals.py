"""The platform festival calendar (平台大促) and promo-day lookups.

Chinese e-commerce runs on a fixed rhythm of platform festivals. Each has a warm-up
(预热/蓄水: deposits, add-to-cart, coupons), a burst (爆发: payment day(s)) and an after-glow
(余热: the tail of delayed payments and returns). When a shop has no ``promotions`` table,
this calendar stands in for the platform part of it; shop events come only from data.

The Spring Festival date comes from the ``holidays`` package (China calendar), so 年货节 moves
with the lunar new year.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import pandas as pd

from helpers.contract import PROMOTIONS

PHASES = ("warmup", "burst", "afterglow")
PHASE_ZH = {"warmup": "预热", "burst": "爆发", "afterglow": "余热"}

# (promo key, zh name, en name, mechanic, discount, month, burst day, burst days, warm-up
#  days, after-glow days)
_FIXED = (
    ("38", "38节", "Women's Day sale", "满减", 0.10, 3, 8, 1, 7, 1),
    ("618", "618", "618 mid-year sale", "满减", 0.15, 6, 18, 1, 24, 2),
    ("99", "99划算节", "99 sale", "限时折扣", 0.10, 9, 9, 1, 5, 1),
    ("1111", "双11", "Singles' Day (11.11)", "满减", 0.20, 11, 11, 1, 22, 2),
    ("1212", "双12", "Double 12", "满减", 0.12, 12, 12, 1, 4, 1),
)


@lru_cache(maxsize=64)
def spring_festival(year: int) -> dt.date:
    """Date of the Chinese New Year (Spring Festival, 春节 day 1) in ``year``."""
    for day, name in sorted(holidays.China(years=year, language="en_US").items()):
        if "Spring Festival" in name:
            return day
    raise ValueError(f"no Spring Festival found for {year}")  # pragma: no cover


def platform_festivals(start: dt.date | str, end: dt.date | str) -> pd.DataFrame:
    """Platform festivals whose dates touch ``[start, end]``, as a ``promotions`` table.

    Parameters
    ----------
    start, end : first and last calendar day of interest (inclusive).

    Returns
    -------
    DataFrame with the ``promotions`` contract columns; ``kind`` is ``platform``.
    """
    start_d = pd.Timestamp(start).date()
    end_d = pd.Timestamp(end).date()
    rows = []
    for year in range(start_d.year - 1, end_d.year + 2):
        sf = spring_festival(year)
        # 年货节: a week-long burst ending two weeks before the Spring Festival.
        rows.append(
            dict(
                promo_id=f"nianhuo-{year}",
                name="年货节",
                kind="platform",
                warmup_start=sf - dt.timedelta(days=28),
                start_date=sf - dt.timedelta(days=21),
                end_date=sf - dt.timedelta(days=15),
                afterglow_end=sf - dt.timedelta(days=13),
                mechanic="满减",
                discount_rate=0.10,
            )
        )
        for key, zh, _en, mech, disc, month, day, burst, warm, glow in _FIXED:
            s = dt.date(year, month, day)
            e = s + dt.timedelta(days=burst - 1)
            rows.append(
                dict(
                    promo_id=f"{key}-{year}",
                    name=zh,
                    kind="platform",
                    warmup_start=s - dt.timedelta(days=warm),
                    start_date=s,
                    end_date=e,
                    afterglow_end=e + dt.timedelta(days=glow),
                    mechanic=mech,
                    discount_rate=disc,
                )
            )
    df = pd.DataFrame(rows, columns=PROMOTIONS.column_names)
    first = df["warmup_start"].fillna(df["start_date"])
    last = df["afterglow_end"].fillna(df["end_date"])
    df = df[(last >= start_d) & (first <= end_d)]
    for col in ("warmup_start", "start_date", "end_date", "afterglow_end"):
        df[col] = pd.to_datetime(df[col])
    return df.sort_values("start_date").reset_index(drop=True)


def promo_days(promotions: pd.DataFrame) -> pd.DataFrame:
    """Expand promotions into one row per day and phase.

    Parameters
    ----------
    promotions : a ``promotions`` table.

    Returns
    -------
    DataFrame ``date`` (datetime64, midnight), ``promo_id``, ``name``, ``phase`` (warmup /
    burst / afterglow). Where events overlap, a day keeps its strongest phase
    (burst > afterglow > warmup) and the event of that phase.
    """
    cols = ["date", "promo_id", "name", "phase"]
    if promotions is None or promotions.empty:
        return pd.DataFrame(columns=cols).astype({"date": "datetime64[ns]"})
    parts = []
    for p in promotions.itertuples(index=False):
        start = pd.Timestamp(p.start_date).normalize()
        end = pd.Timestamp(p.end_date).normalize()
        ws = getattr(p, "warmup_start", None)
        ae = getattr(p, "afterglow_end", None)
        spans = [("burst", start, end)]
        if ws is not None and not pd.isna(ws) and pd.Timestamp(ws) < start:
            spans.append(("warmup", pd.Timestamp(ws).normalize(), start - pd.Timedelta(days=1)))
        if ae is not None and not pd.isna(ae) and pd.Timestamp(ae) > end:
            spans.append(("afterglow", end + pd.Timedelta(days=1), pd.Timestamp(ae).normalize()))
        for phase, a, b in spans:
            for d in pd.date_range(a, b, freq="D"):
                parts.append((d, p.promo_id, p.name, phase))
    out = pd.DataFrame(parts, columns=cols)
    rank = out["phase"].map({"burst": 0, "afterglow": 1, "warmup": 2})
    out = (
        out.assign(_r=rank)
        .sort_values(["date", "_r", "promo_id"])
        .drop_duplicates("date")
        .drop(columns="_r")
        .reset_index(drop=True)
    )
    out["date"] = out["date"].astype("datetime64[ns]")
    return out
