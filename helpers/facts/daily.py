"""The daily facts: one row per calendar day with sales, buyers, traffic, ads, after-sales,
shipping and the promotion of the day (definitions in :func:`helpers.facts.build_facts`)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from helpers import festivals
from helpers.facts.frames import add_measures, zero_fill
from helpers.facts.model import (
    AD_COLUMNS,
    CLOSED_STATUSES,
    DAILY_COLUMNS,
    PROMO_DAY_COLUMNS,
    SHIP_TIME_UNKNOWN,
    TRAFFIC_COLUMNS,
)
from helpers.facts.refunds import is_complaint
from helpers.settings import Settings


def sales_by_day(paid: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Per payment day (index ``date``): ``gmv, orders, buyers, guest_buyers`` of the paid
    orders and ``units`` (float sum of line quantities) of their lines; days with sales only."""
    by_day = paid.groupby("date").agg(
        gmv=("paid_amount", "sum"),
        orders=("order_id", "size"),
        buyers=("buyer_key", "nunique"),
        guest_buyers=("is_guest", "sum"),
    )
    by_day["units"] = lines.groupby("date")["quantity"].sum()
    return by_day


def daily_sales(
    dates: pd.DatetimeIndex, by_day: pd.DataFrame, new_by_day: pd.Series
) -> pd.DataFrame:
    """``date, gmv, orders, buyers, guest_buyers, units, new_buyers, returning_buyers`` on
    every day of ``dates`` from :func:`sales_by_day` (0 on days without sales)."""
    daily = pd.DataFrame(index=dates)
    daily = daily.join(by_day)
    daily["new_buyers"] = new_by_day
    zero_fill(daily, ("gmv", "units"), ("orders", "buyers", "new_buyers", "guest_buyers"))
    daily["units"] = daily["units"].round().astype("int64")
    daily["returning_buyers"] = daily["buyers"] - daily["new_buyers"] - daily["guest_buyers"]
    return daily.reset_index()


def add_refunds(daily: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """``refund_cases, refund_amount`` (money cases) and ``complaint_cases`` by request day."""
    complaint = is_complaint(cases)
    refunds = cases.loc[~complaint]
    rby = refunds.groupby("date").agg(
        refund_cases=("case_id", "size"), refund_amount=("refund_amount", "sum")
    )
    daily = daily.join(rby, on="date")
    daily = daily.join(
        cases.loc[complaint].groupby("date").size().rename("complaint_cases"), on="date"
    )
    zero_fill(daily, ("refund_amount",), ("refund_cases", "complaint_cases"))
    return daily


def ship_counts(paid: pd.DataFrame, sla_hours: float) -> pd.DataFrame:
    """``date, ship_due, ship_on_time``: orders paid ``max(1, ceil(sla / 24))`` days before
    ``date``, not closed without shipping and with a known shipping time; on time when
    ``shipped_at - paid_at <= sla_hours`` (days with such orders only)."""
    lag = pd.Timedelta(days=max(1, math.ceil(sla_hours / 24.0)))
    closed_unshipped = paid["status"].isin(CLOSED_STATUSES) & paid["shipped_at"].isna()
    due = paid.loc[~closed_unshipped & ~paid[SHIP_TIME_UNKNOWN]]
    on_time = (due["shipped_at"] - due["paid_at"]) <= pd.Timedelta(hours=sla_hours)
    ship = pd.DataFrame({"date": due["date"] + lag, "on_time": on_time.fillna(False)})
    sby = ship.groupby("date").agg(ship_due=("on_time", "size"), ship_on_time=("on_time", "sum"))
    return sby.reset_index()


def add_shipping(daily: pd.DataFrame, ship: pd.DataFrame) -> pd.DataFrame:
    """``ship_due`` / ``ship_on_time`` of :func:`ship_counts` joined by day (0 without)."""
    daily = daily.join(ship.set_index("date")[["ship_due", "ship_on_time"]], on="date")
    zero_fill(daily, (), ("ship_due", "ship_on_time"))
    return daily


def promo_calendar(
    promotions: pd.DataFrame | None, settings: Settings, first_day: pd.Timestamp, day: Any
) -> pd.DataFrame:
    """``date, promo_id, name, phase`` of the promotions table, else of the Chinese platform
    festivals (``platform_calendar == "cn"``, up to 60 days after ``day``), else empty."""
    if promotions is None and settings.platform_calendar == "cn":
        promotions = festivals.platform_festivals(
            first_day.date(), (day + pd.Timedelta(days=60)).date()
        )
    pdays = festivals.promo_days(promotions)  # type: ignore[arg-type]  # None -> empty
    pdays = pdays.reindex(columns=PROMO_DAY_COLUMNS)
    pdays["date"] = pdays["date"].astype("datetime64[ns]")
    return pdays


def daily_facts(
    sales: pd.DataFrame,
    channel_traffic: pd.DataFrame | None,
    ads: pd.DataFrame | None,
    cases: pd.DataFrame,
    ship: pd.DataFrame,
    pdays: pd.DataFrame,
) -> pd.DataFrame:
    """The daily table: sales plus traffic, ads, after-sales, shipping (:func:`ship_counts`)
    and promotion."""
    daily = add_measures(sales, channel_traffic, TRAFFIC_COLUMNS, ["date"])
    daily = add_measures(daily, ads, AD_COLUMNS, ["date"])
    daily = add_refunds(daily, cases)
    daily = add_shipping(daily, ship)
    daily = daily.merge(
        pdays[["date", "phase", "name"]].rename(columns={"name": "promo"}), on="date", how="left"
    )
    return daily[DAILY_COLUMNS].reset_index(drop=True)
