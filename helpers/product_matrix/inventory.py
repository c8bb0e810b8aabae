"""Inventory health: days of cover, safety stock, reorder point, suggested order, stock-out
risk before the next platform festival and slow movers with clearance tactics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from helpers import festivals

CLEARANCE_TACTICS = {
    "no_sale": (
        "放进福袋或清仓专区，停止补货",
        "put it in a lucky bag (福袋) or the clearance corner; stop reordering",
    ),
    "overstock": (
        "和热销款搭配成套餐，或设会员专享价加快周转",
        "bundle it with a best seller, or give members a special price to move it faster",
    ),
}


def latest_stock(inventory: pd.DataFrame, *, end: pd.Timestamp) -> pd.DataFrame:
    """The last snapshot on or before ``end`` per SKU: ``sku_id, stock_date, on_hand,
    lead_time_days`` (lead time NaN when the table has none)."""
    inv = inventory.assign(date=pd.to_datetime(inventory["date"]))
    inv = inv.loc[inv["date"] <= end].sort_values(["sku_id", "date"])
    last = inv.groupby("sku_id").tail(1)
    out = pd.DataFrame(
        {
            "sku_id": last["sku_id"].to_numpy(),
            "stock_date": last["date"].to_numpy(),
            "on_hand": pd.to_numeric(last["on_hand"], errors="coerce").to_numpy(dtype="float64"),
            "lead_time_days": pd.to_numeric(
                last.get("lead_time_days", pd.Series(np.nan, index=last.index)), errors="coerce"
            ).to_numpy(dtype="float64"),
        }
    )
    return out.reset_index(drop=True)


def stockout_days(inventory: pd.DataFrame, *, end: pd.Timestamp, days: int) -> pd.Series:
    """Days with ``on_hand == 0`` per SKU among the snapshots of the last ``days`` days."""
    inv = inventory.assign(date=pd.to_datetime(inventory["date"]))
    start = end - pd.Timedelta(days=days - 1)
    inv = inv.loc[(inv["date"] >= start) & (inv["date"] <= end)]
    return (pd.to_numeric(inv["on_hand"], errors="coerce") == 0).groupby(inv["sku_id"]).sum()


def reorder_plan(
    stock: pd.DataFrame,
    demand: pd.DataFrame,
    *,
    service_level: float,
    default_lead_time: float,
    review_days: int,
) -> pd.DataFrame:
    """Safety stock, reorder point and suggested order quantity per SKU.

    With ``mu`` and ``sigma`` the mean and standard deviation (ddof 1) of daily demand over
    ``demand``'s days, ``L`` the lead time in days, ``R`` the review period and ``z`` the
    standard normal quantile of the service level:

    * ``safety_stock = z x sigma x sqrt(L)``;
    * ``reorder_point = mu x L + safety_stock``;
    * ``days_of_cover = on_hand / mu`` (inf when mu = 0);
    * ``restock_now = on_hand <= reorder_point`` (and mu > 0);
    * ``order_qty = ceil(reorder_point + mu x R - on_hand)`` when restocking, else 0
      (order up to the reorder point plus one review period of demand).

    Parameters
    ----------
    stock : :func:`latest_stock` output.
    demand : daily units, dates x SKUs (:func:`sales.daily_demand`).
    """
    z = float(norm.ppf(service_level))
    mu = demand.mean().reindex(stock["sku_id"]).fillna(0.0).to_numpy()
    sigma = demand.std(ddof=1).reindex(stock["sku_id"]).fillna(0.0).to_numpy()
    lead = stock["lead_time_days"].fillna(default_lead_time).to_numpy(dtype="float64")
    on_hand = stock["on_hand"].to_numpy(dtype="float64")
    ss = z * sigma * np.sqrt(lead)
    rop = mu * lead + ss
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(mu > 0, on_hand / np.where(mu > 0, mu, 1.0), np.inf)
    restock = (on_hand <= rop) & (mu > 0)
    qty = np.where(restock, np.ceil(np.maximum(rop + mu * review_days - on_hand, 0.0)), 0.0)
    return stock.assign(
        lead_time_days=lead,
        mean_daily=mu,
        sd_daily=sigma,
        days_of_cover=cover,
        safety_stock=ss,
        reorder_point=rop,
        restock_now=restock,
        order_qty=qty,
    )


@dataclass(frozen=True)
class Festival:
    """The next platform festival after the run date (from :mod:`helpers.festivals`)."""

    name: str
    warmup_start: pd.Timestamp
    start: pd.Timestamp
    end: pd.Timestamp

    def days_to_end(self, run_date: pd.Timestamp) -> int:
        """Days from the day after the run date up to and including the burst's last day."""
        return int((self.end - run_date).days)


def next_festival(run_date: pd.Timestamp, calendar: str = "cn") -> Festival | None:
    """The first platform festival whose burst starts after ``run_date`` (None when the
    shop's ``platform_calendar`` is ``none``)."""
    if calendar != "cn":
        return None
    fest = festivals.platform_festivals(run_date.date(), (run_date + pd.Timedelta(days=400)).date())
    fest = fest.loc[fest["start_date"] > run_date].sort_values("start_date")
    if fest.empty:
        return None
    f = fest.iloc[0]
    warm = f["warmup_start"] if not pd.isna(f["warmup_start"]) else f["start_date"]
    return Festival(
        str(f["name"]),
        pd.Timestamp(warm),
        pd.Timestamp(f["start_date"]),
        pd.Timestamp(f["end_date"]),
    )


def festival_risk(
    plan: pd.DataFrame, festival: Festival, *, run_date: pd.Timestamp, uplift: float
) -> pd.DataFrame:
    """Whether each SKU runs out before the festival's burst ends, without a new delivery.

    Expected demand up to the end of the burst ``= mu x (days_to_end - burst_days) + mu x
    uplift x burst_days``; ``stockout_risk = on_hand < expected demand``. ``order_by`` is the
    last day an order placed now-or-later still arrives in time: ``run_date + floor(cover
    days) - lead time`` (in the past when it is already too late). For an item at risk the
    suggested ``order_qty`` becomes at least ``ceil(expected demand + safety stock - on
    hand)``, enough to last through the burst.
    """
    burst_days = int((festival.end - festival.start).days) + 1
    days = festival.days_to_end(run_date)
    need = plan["mean_daily"] * (days - burst_days) + plan["mean_daily"] * uplift * burst_days
    cover = np.where(np.isfinite(plan["days_of_cover"]), plan["days_of_cover"], 10_000.0)
    order_by = run_date + pd.to_timedelta(np.floor(cover) - plan["lead_time_days"], unit="D")
    risk = (plan["on_hand"] < need) & (plan["mean_daily"] > 0)
    festival_qty = np.ceil(np.maximum(need + plan["safety_stock"] - plan["on_hand"], 0.0))
    return plan.assign(
        festival_demand=need,
        stockout_risk=risk,
        order_by=order_by.where(plan["on_hand"] < need),
        order_qty=np.where(risk, np.maximum(plan["order_qty"], festival_qty), plan["order_qty"]),
    )


def slow_movers(
    plan: pd.DataFrame,
    last_sale: pd.Series,
    *,
    run_date: pd.Timestamp,
    no_sale_days: int,
    cover_days: float,
) -> pd.DataFrame:
    """SKUs with stock that does not move, and what to try.

    ``slow`` when ``on_hand > 0`` and either no sale in ``no_sale_days`` days (reason
    ``no_sale``; never sold counts as no sale) or ``days_of_cover > cover_days`` (reason
    ``overstock``). ``days_since_sale`` = run date - last sale date (NaN when never sold).
    """
    last = last_sale.reindex(plan["sku_id"]).to_numpy()
    since = (run_date - pd.to_datetime(last)).days.to_numpy(dtype="float64")
    no_sale = (plan["on_hand"] > 0) & ~(since < no_sale_days)
    over = (plan["on_hand"] > 0) & (plan["days_of_cover"] > cover_days) & ~no_sale
    out = plan.assign(
        days_since_sale=since,
        slow_reason=np.where(no_sale, "no_sale", np.where(over, "overstock", "")),
    )
    return out.loc[no_sale | over].reset_index(drop=True)
