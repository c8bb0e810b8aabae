"""The platform festival calendar (平台大促) and promo-day lookups.

Chinese e-commerce runs on a fixed rhythm of platform festivals. Each has a warm-up
(预热/蓄水: deposits, add-to-cart, coupons), a burst (爆发: payment day(s)) and an after-glow
(余热: the tail of delayed payments and returns). When a shop has no ``promotions`` table,
this calendar stands in for the platform part of it; shop events come only from data.

The Spring Festival date comes from the ``holidays`` package (China calendar), so 年货节 moves
with the lunar new year. The same maintained library gives the national public holidays of any
country; for China it also names the make-up workdays (调休上班), from which
:func:`holiday_periods` rebuilds the official days-off blocks. :func:`logistics_pause` is the
window around the Spring Festival in which couriers and warehouses stop (快递停运), and
:func:`calendar` merges all of it with a shop's own ``promotions`` table into one event list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

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


#: festival key -> English name (the zh name is the ``name`` column)
FESTIVAL_EN = {"nianhuo": "New Year goods fair"} | {row[0]: row[2] for row in _FIXED}
#: zh name -> festival key
FESTIVAL_KEY = {"年货节": "nianhuo"} | {row[1]: row[0] for row in _FIXED}


def festival_name(name: str, lang: str = "zh") -> str:
    """A platform festival's name in ``lang`` (other names are returned unchanged)."""
    key = FESTIVAL_KEY.get(name)
    return FESTIVAL_EN[key] if lang == "en" and key else name


def platform_festivals(
    start: dt.date | str,
    end: dt.date | str,
    windows: Mapping[str, Mapping[str, int]] | None = None,
) -> pd.DataFrame:
    """Platform festivals whose dates touch ``[start, end]``, as a ``promotions`` table.

    Parameters
    ----------
    start, end : first and last calendar day of interest (inclusive).
    windows : optional overrides per festival key (``38``, ``618``, ``99``, ``1111``, ``1212``,
        ``nianhuo``): ``{"618": {"warmup_days": 20, "afterglow_days": 3}}``. Keys not given
        keep the defaults (618: 24 warm-up days and 2 after-glow days; 双11: 22 and 2 ...).

    Returns
    -------
    DataFrame with the ``promotions`` contract columns; ``kind`` is ``platform``.
    """
    start_d = pd.Timestamp(start).date()
    end_d = pd.Timestamp(end).date()
    windows = windows or {}
    rows = []
    for year in range(start_d.year - 1, end_d.year + 2):
        sf = spring_festival(year)
        # 年货节: a week-long burst ending two weeks before the Spring Festival.
        nh = windows.get("nianhuo", {})
        rows.append(
            dict(
                promo_id=f"nianhuo-{year}",
                name="年货节",
                kind="platform",
                warmup_start=sf - dt.timedelta(days=21 + nh.get("warmup_days", 7)),
                start_date=sf - dt.timedelta(days=21),
                end_date=sf - dt.timedelta(days=15),
                afterglow_end=sf - dt.timedelta(days=15 - nh.get("afterglow_days", 2)),
                mechanic="满减",
                discount_rate=0.10,
            )
        )
        for key, zh, _en, mech, disc, month, day, burst, warm, glow in _FIXED:
            warm = windows.get(key, {}).get("warmup_days", warm)
            glow = windows.get(key, {}).get("afterglow_days", glow)
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
    starts = pd.to_datetime(promotions["start_date"]).dt.normalize()
    ends = pd.to_datetime(promotions["end_date"]).dt.normalize()
    for p, start, end in zip(promotions.itertuples(index=False), starts, ends, strict=True):
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


# --------------------------------------------------------------------------- public holidays

#: IANA timezone -> ISO country, for shops whose settings name no country.
TIMEZONE_COUNTRY = {
    "Asia/Shanghai": "CN",
    "Asia/Chongqing": "CN",
    "Asia/Urumqi": "CN",
    "Europe/London": "GB",
    "America/Sao_Paulo": "BR",
    "America/New_York": "US",
    "America/Los_Angeles": "US",
    "Europe/Berlin": "DE",
    "Europe/Paris": "FR",
    "Asia/Tokyo": "JP",
}
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")
#: Spring Festival logistics pause (快递停运), days relative to the festival (first, last).
LOGISTICS_PAUSE = (-4, 5)


def country_for(timezone: str, platform_calendar: str = "cn") -> str | None:
    """The ISO country whose public holidays apply: China on the Chinese platform calendar,
    else the country of the shop's timezone (None when unknown)."""
    if platform_calendar == "cn":
        return "CN"
    return TIMEZONE_COUNTRY.get(timezone)


def public_holidays(start: dt.date | str, end: dt.date | str, country: str | None) -> pd.DataFrame:
    """National public holidays and make-up workdays in ``[start, end]``.

    Parameters
    ----------
    start, end : first and last day (inclusive).
    country : ISO code known to the ``holidays`` package (``CN``, ``GB``, ``BR`` ...); for
        ``GB`` the England list is used. None gives an empty table.

    Returns
    -------
    DataFrame ``date`` (datetime64), ``name`` (English, from the library), ``kind``:
    ``holiday`` (a day off) or ``workday`` (调休上班: a weekend day worked to make up a
    bridged day off, named by the library as "Day off (substituted from mm/dd/yyyy)").
    """
    cols = ["date", "name", "kind"]
    if not country:
        return pd.DataFrame(columns=cols).astype({"date": "datetime64[ns]"})
    start_d, end_d = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    years = range(start_d.year, end_d.year + 1)
    subdiv = "ENG" if country == "GB" else None
    lib = holidays.country_holidays(country, subdiv=subdiv, years=years, language="en_US")
    rows = []
    for day, name in sorted(lib.items()):
        rows.append((day, name, "holiday"))
        for mm, dd, yyyy in _SUBSTITUTED.findall(name):
            rows.append((dt.date(int(yyyy), int(mm), int(dd)), "Make-up workday", "workday"))
    out = pd.DataFrame(rows, columns=cols).drop_duplicates(["date", "kind"])
    out = out[(out["date"] >= start_d) & (out["date"] <= end_d)]
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out.sort_values(["date", "kind"]).reset_index(drop=True)


def holiday_periods(start: dt.date | str, end: dt.date | str, country: str | None) -> pd.DataFrame:
    """Blocks of consecutive days off around the public holidays (e.g. 春节 1.28-2.4 in 2025).

    A day is off when it is a public holiday, or a Saturday/Sunday that is not a make-up
    workday. A block is a maximal run of days off that holds at least one public holiday;
    its name is the holiday named on most of its days (bridging "Day off" days and the
    "(observed)" suffix aside; the earliest on a tie).

    Returns
    -------
    DataFrame ``name, start, end, days`` (dates as datetime64).
    """
    cols = ["name", "start", "end", "days"]
    # widen by a fortnight so a block crossing the edges is whole
    lo = pd.Timestamp(start) - pd.Timedelta(days=14)
    hi = pd.Timestamp(end) + pd.Timedelta(days=14)
    table = public_holidays(lo, hi, country)
    if table.empty:
        return pd.DataFrame(columns=cols)
    hol = table[table["kind"] == "holiday"]
    work = set(table.loc[table["kind"] == "workday", "date"])
    days = pd.date_range(lo, hi, freq="D")
    first_name = hol.drop_duplicates("date").set_index("date")["name"]
    off = [(d in first_name.index) or (d.day_of_week >= 5 and d not in work) for d in days]
    blocks, run = [], []
    for d, is_off in zip(days, off, strict=True):
        if is_off:
            run.append(d)
            continue
        blocks.append(run)
        run = []
    blocks.append(run)
    rows = []
    for b in blocks:
        named = [d for d in b if d in first_name.index]
        if named and b[-1] >= pd.Timestamp(start) and b[0] <= pd.Timestamp(end):
            rows.append((_block_name([first_name[d] for d in named]), b[0], b[-1], len(b)))
    return pd.DataFrame(rows, columns=cols)


def _block_name(names: list[str]) -> str:
    plain = [n.replace(" (observed)", "") for n in names if not n.startswith("Day off")]
    plain = plain or names
    return max(plain, key=lambda n: (plain.count(n), -plain.index(n)))


#: English holiday names (as the ``holidays`` library spells them) -> Chinese.
HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Chinese New Year (Spring Festival)": "春节",
    "Chinese New Year's Eve": "除夕",
    "Tomb-Sweeping Day": "清明节",
    "Labor Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-Autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Make-up workday": "调休上班",
    "Christmas Day": "圣诞节",
    "Boxing Day": "节礼日",
    "Good Friday": "耶稣受难日",
    "Easter Monday": "复活节星期一",
    "Early May Bank Holiday": "五月初银行假日",
    "May Day": "五月初银行假日",
    "Spring Bank Holiday": "春季银行假日",
    "Late Summer Bank Holiday": "夏末银行假日",
}


def holiday_name(name: str, lang: str = "zh") -> str:
    """A public holiday's name in ``lang`` (zh: from :data:`HOLIDAY_ZH`, else 公共假日)."""
    if lang == "en":
        return name
    return HOLIDAY_ZH.get(name.replace(" (observed)", ""), "公共假日")


def logistics_pause(
    year: int, pause: tuple[int, int] = LOGISTICS_PAUSE
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the Spring Festival logistics pause (快递停运) in ``year``.

    ``pause`` is (first, last) in days relative to the Spring Festival; the default (-4, 5)
    stops shipping four days before the new year and resumes on its sixth day.
    """
    sf = pd.Timestamp(spring_festival(year))
    return sf + pd.Timedelta(days=pause[0]), sf + pd.Timedelta(days=pause[1])


EVENT_COLUMNS = [*PROMOTIONS.column_names, "source"]


def calendar(
    start: dt.date | str,
    end: dt.date | str,
    *,
    promotions: pd.DataFrame | None = None,
    platform_calendar: str = "cn",
    country: str | None = None,
    windows: Mapping[str, Mapping[str, int]] | None = None,
    pause: tuple[int, int] = LOGISTICS_PAUSE,
) -> pd.DataFrame:
    """Every dated event of ``[start, end]`` in one table: the shop's promotions, the platform
    festivals, public-holiday blocks, make-up workdays and the logistics pause.

    Platform festivals come from the shop's ``promotions`` table when it has them (a festival
    there replaces the generated one with the same ``promo_id``), else from
    :func:`platform_festivals` when ``platform_calendar == "cn"``. Non-Chinese shops
    (``none``) get their own promotions and ``country``'s public holidays only.

    Returns
    -------
    DataFrame with the ``promotions`` columns plus ``source`` (``shop`` for rows of the
    promotions table, ``platform`` for generated festivals, ``holiday``, ``workday``,
    ``logistics``). Holiday rows have ``kind`` ``holiday``, ``start_date``/``end_date`` the
    block, no warm-up or after-glow.
    """
    parts = []
    own = promotions if promotions is not None else pd.DataFrame(columns=PROMOTIONS.column_names)
    if not own.empty:
        parts.append(own.reindex(columns=PROMOTIONS.column_names).assign(source="shop"))
    if platform_calendar == "cn":
        plat = platform_festivals(start, end, windows)
        plat = plat[~plat["promo_id"].isin(own["promo_id"])]
        parts.append(plat.assign(source="platform"))
    parts.append(_holiday_events(start, end, country))
    if country == "CN":
        parts.append(_pause_events(start, end, pause))
    parts = [p for p in parts if not p.empty]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out = out.reindex(columns=EVENT_COLUMNS)
    for col in ("warmup_start", "start_date", "end_date", "afterglow_end"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    first = out["warmup_start"].fillna(out["start_date"])
    last = out["afterglow_end"].fillna(out["end_date"])
    keep = (last >= pd.Timestamp(start)) & (first <= pd.Timestamp(end))
    return out[keep].sort_values(["start_date", "promo_id"]).reset_index(drop=True)


def _calendar_row(kind: str, name: Any, start: Any, end: Any) -> dict[str, Any]:
    """One calendar event of ``kind`` (``holiday`` / ``workday``), its id from its start."""
    return dict(
        promo_id=f"{kind}-{start:%Y%m%d}",
        name=name,
        kind=kind,
        start_date=start,
        end_date=end,
        source=kind,
    )


def _holiday_events(start: dt.date | str, end: dt.date | str, country: str | None) -> pd.DataFrame:
    periods = holiday_periods(start, end, country)
    rows = [_calendar_row("holiday", p.name, p.start, p.end) for p in periods.itertuples()]
    table = public_holidays(start, end, country)
    for w in table[table["kind"] == "workday"].itertuples():
        rows.append(_calendar_row("workday", w.name, w.date, w.date))
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def _pause_events(start: dt.date | str, end: dt.date | str, pause: tuple[int, int]) -> pd.DataFrame:
    rows = []
    for year in range(pd.Timestamp(start).year, pd.Timestamp(end).year + 1):
        a, b = logistics_pause(year, pause)
        rows.append(
            dict(
                promo_id=f"logistics-{year}",
                name="快递停运",
                kind="logistics",
                start_date=a,
                end_date=b,
                source="logistics",
            )
        )
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)
