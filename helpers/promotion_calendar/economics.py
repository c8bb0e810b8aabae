"""What an event cost and earned: discounts, margin, refunds, ROI, new customers.

Definitions (per event; *window* = warm-up .. after-glow, *watched* = pre .. post, *base* =
the ``baseline_days`` ordinary days before the watched days):

* gross profit ``GP = GMV - unit_cost x units`` over the order lines whose SKU has a unit
  cost; GMV is the paid amount, already net of discounts. Gross margin ``= GP / GMV``
  (same lines).
* discount cost = sum of ``orders.discount_amount`` of the orders paid in the window.
* extra ad spend = ad spend in the window - window days x the mean daily spend of the base
  days (not below 0).
* incremental gross profit = (GMV of the watched days x their margin) - (baseline GMV of the
  watched days x the base margin) - extra ad spend.
* promotion cost = discount cost + extra ad spend;  ROI = incremental gross profit /
  promotion cost (0.5 = every yuan spent came back with 0.5 more gross profit).
* refund rate (by orders) = paid orders of the window with an after-sales case by the run
  date / paid orders of the window; the same for the base days.
* new customers = buyers whose first paid order falls in the window; *came back* = their
  next paid order within ``return_window_days``; counted only once that window has closed
  by the run date (``returned_known``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.facts import as_of
from helpers.promotion_calendar.evaluation import Evaluation, promotions_of, watched_days
from helpers.promotion_calendar.theme import PromotionCalendarSettings

ECONOMICS_COLUMNS = [
    "promo_id",
    "name",
    "mechanic",
    "discount_rate",
    "window_gmv",
    "margin",
    "baseline_margin",
    "discount_cost",
    "extra_ad_spend",
    "incremental_gmv",
    "incremental_gross_profit",
    "promotion_cost",
    "roi",
    "refund_rate",
    "baseline_refund_rate",
    "new_customers",
    "returned_known",
    "returned",
    "return_share",
    "baseline_return_share",
]


#: The columns of ``orders`` that :func:`paid_orders` reads.
ORDER_COLUMNS = (
    "order_id",
    "customer_id",
    "created_at",
    "paid_at",
    "paid_amount",
    "discount_amount",
)


def paid_orders(orders: pd.DataFrame, run_date: pd.Timestamp) -> pd.DataFrame:
    """Orders paid by the end of ``run_date``: ``order_id, customer_id, paid_at, date,
    discount_amount`` (NaN when the export has no discounts)."""
    # the cut needs the order's times; the rest of the orders' columns are not read here
    wanted = [c for c in ORDER_COLUMNS if c in orders.columns]
    o = as_of({"orders": orders[wanted]}, run_date)["orders"]
    o = o[o["paid_at"].notna()]
    disc = (
        pd.to_numeric(o["discount_amount"], errors="coerce")
        if "discount_amount" in o.columns
        else pd.Series(np.nan, index=o.index)
    )
    cust = o["customer_id"].astype("string").str.strip()
    cust = cust.mask(cust == "")  # blank ids -> <NA>
    return pd.DataFrame(
        {
            "order_id": o["order_id"].to_numpy(),
            "customer_id": cust.to_numpy(),
            "paid_at": o["paid_at"].to_numpy(),
            "date": o["paid_at"].dt.normalize().to_numpy(),
            "discount_amount": disc.to_numpy(dtype=float),
            "paid_amount": pd.to_numeric(o["paid_amount"], errors="coerce").to_numpy(),
        }
    )


def daily_margin(daily_item: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """Per day: ``date, costed_gmv, costed_units, cost`` over order lines whose SKU has a
    unit cost (cost = unit_cost x units, currency)."""
    cols = ["date", "costed_gmv", "costed_units", "cost"]
    if products is None or "unit_cost" not in products.columns or daily_item.empty:
        return pd.DataFrame(columns=cols).astype({"date": "datetime64[ns]"})
    unit_cost = pd.to_numeric(products.set_index("sku_id")["unit_cost"], errors="coerce")
    unit_cost = unit_cost[~unit_cost.index.duplicated()].dropna()
    lines = daily_item[daily_item["sku_id"].isin(unit_cost.index)]
    lines = lines.assign(cost=lines["sku_id"].map(unit_cost) * lines["units"])
    out = lines.groupby("date", as_index=False).agg(
        costed_gmv=("gmv", "sum"), costed_units=("units", "sum"), cost=("cost", "sum")
    )
    return out[cols]


def _margin(margins: pd.DataFrame, days: pd.Series) -> float:
    m = margins[margins["date"].isin(days)]
    gmv = m["costed_gmv"].sum()
    return float((gmv - m["cost"].sum()) / gmv) if gmv > 0 else np.nan


def _base_days(watched: pd.DataFrame, ordinary: pd.Series, n: int) -> pd.Series:
    before = ordinary[(ordinary.index < watched["date"].min()) & ordinary]
    return pd.Series(before.index[-n:])


def _refund_rate(orders: pd.DataFrame, days: pd.Series) -> float:
    o = orders.loc[orders["date"].isin(days), "refunded"]
    return float(o.mean()) if len(o) else np.nan


def _returns(firsts: pd.DataFrame, days: pd.Series, run_date: pd.Timestamp, window: int):
    """(new customers, with a closed return window, came back) of first orders on ``days``."""
    new = firsts[firsts["first"].dt.normalize().isin(days)]
    horizon = pd.Timedelta(days=window)
    known = new[new["first"] + horizon < run_date + pd.Timedelta(days=1)]
    back = known["second"].notna() & (known["second"] <= known["first"] + horizon)
    return len(new), len(known), int(back.sum())


def first_two_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """Per identified customer (sorted by id): ``first`` and ``second`` paid_at (NaT
    without a second)."""
    codes, ids = pd.factorize(orders["customer_id"], sort=True)
    paid = orders["paid_at"].to_numpy(dtype="datetime64[ns]")
    named = np.flatnonzero(codes >= 0)
    rows = named[np.lexsort((paid[named].view("int64"), codes[named]))]
    who = codes[rows]
    starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]]) if len(rows) else rows
    ends = np.r_[starts[1:], len(rows)]
    second = np.full(len(starts), np.datetime64("NaT"), dtype="datetime64[ns]")
    has_second = ends - starts >= 2
    second[has_second] = paid[rows[starts[has_second] + 1]]
    index = pd.Index(ids.take(who[starts]), name="customer_id")
    return pd.DataFrame({"first": paid[rows[starts]], "second": second}, index=index)


def event_economics(
    evaluation: Evaluation,
    events: pd.DataFrame,
    *,
    daily: pd.DataFrame,
    margins: pd.DataFrame,
    orders: pd.DataFrame,
    refunded: pd.Index | None,
    ordinary: pd.Series,
    run_date: pd.Timestamp,
    settings: PromotionCalendarSettings,
) -> pd.DataFrame:
    """One row per evaluated event (:data:`ECONOMICS_COLUMNS`; see the module docstring).

    Parameters
    ----------
    evaluation : the GMV evaluation of the events.
    events : the calendar (:func:`helpers.festivals.calendar`).
    daily : facts ``daily`` (``date``, ``ad_spend``).
    margins : :func:`daily_margin` (empty without unit costs: margin and ROI are NaN).
    orders : :func:`paid_orders`.
    refunded : order ids with an after-sales case (None without after-sales data).
    ordinary : the ordinary-day flags of :func:`.evaluation.ordinary_days`.
    """
    firsts = first_two_orders(orders)
    if refunded is not None:
        ids = pd.Index(pd.Series(refunded, dtype=object).dropna().unique())
        orders = orders.assign(refunded=ids.get_indexer(orders["order_id"].astype(object)) >= 0)
    ads = daily.set_index("date")["ad_spend"] if "ad_spend" in daily else pd.Series(dtype=float)
    shop = _Shop(evaluation, margins, orders, ads, refunded, firsts, run_date, settings)
    rows = []
    promos = promotions_of(events).set_index("promo_id")
    for pid in evaluation.phases["promo_id"].unique():
        e = promos.loc[pid]
        e = e.iloc[0] if isinstance(e, pd.DataFrame) else e
        w = watched_days(e, pre_days=settings.pre_days, post_days=settings.post_days)
        w = w[w["date"] <= run_date]
        rows.append(
            _economics_row(pid, e, w, _base_days(w, ordinary, settings.baseline_days), shop)
        )
    return pd.DataFrame(rows, columns=ECONOMICS_COLUMNS)


@dataclass(frozen=True)
class _Shop:
    """What every event's economics row reads besides the event itself."""

    evaluation: Evaluation
    margins: pd.DataFrame
    orders: pd.DataFrame
    ads: pd.Series
    refunded: pd.Index | None
    firsts: pd.DataFrame
    run_date: pd.Timestamp
    settings: PromotionCalendarSettings


def _economics_row(pid, e, w: pd.DataFrame, base, shop: _Shop) -> dict:
    """The :data:`ECONOMICS_COLUMNS` of one event: ``w`` its watched days, ``base`` its
    baseline days."""
    window = w.loc[~w["phase"].isin(("pre", "post")), "date"]
    evaluation, margins, orders, ads = shop.evaluation, shop.margins, shop.orders, shop.ads
    refunded, firsts, run_date = shop.refunded, shop.firsts, shop.run_date
    return_window = shop.settings.return_window_days
    total = evaluation.row(pid, "total")
    watched_margin = _margin(margins, w["date"])
    base_margin = _margin(margins, base)
    in_window = orders["date"].isin(window)
    disc = orders.loc[in_window, "discount_amount"]
    discount = float(disc.sum()) if disc.notna().any() else np.nan
    spend = ads.reindex(window)
    base_spend = ads.reindex(base).mean()
    extra = float(max(spend.sum() - len(window) * base_spend, 0.0)) if spend.notna().any() else 0.0
    inc_gp = total["actual"] * watched_margin - total["baseline"] * base_margin - extra
    cost = (0.0 if np.isnan(discount) else discount) + extra
    new, known, back = _returns(firsts, window, run_date, return_window)
    bnew, bknown, bback = _returns(firsts, base, run_date, return_window)
    return {
        "promo_id": pid,
        "name": e["name"],
        "mechanic": e["mechanic"],
        "discount_rate": e["discount_rate"],
        "window_gmv": float(orders.loc[in_window, "paid_amount"].sum()),
        "margin": _margin(margins, window),
        "baseline_margin": base_margin,
        "discount_cost": discount,
        "extra_ad_spend": extra,
        "incremental_gmv": float(total["incremental"]),
        "incremental_gross_profit": inc_gp,
        "promotion_cost": cost,
        "roi": inc_gp / cost if cost > 0 and not np.isnan(inc_gp) else np.nan,
        "refund_rate": _refund_rate(orders, window) if refunded is not None else np.nan,
        "baseline_refund_rate": _refund_rate(orders, base) if refunded is not None else np.nan,
        "new_customers": new,
        "returned_known": known,
        "returned": back,
        "return_share": back / known if known else np.nan,
        "baseline_return_share": bback / bknown if bknown else np.nan,
    }
