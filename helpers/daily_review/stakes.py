"""Money at stake (钱在哪里): how much each alert costs or puts at risk, in the shop's
currency, so the next actions can be ranked by money rather than by severity alone.

Each stake has a kind (:func:`stake_kinds`): ``per_day`` (lost again every day the cause
stays: a GMV gap, refunds, an ad overspend) or ``once`` (a one-time amount at risk: the paid
amount of the overdue orders, at risk once, not every day). The two are labelled apart and
never added; :func:`helpers.alerts.actions.next_actions` ranks them on a common horizon.

Formulas (``D`` = the run date; the "day row" is the shop's, or the alert's channel's, row
of ``D``; ``ref`` is the alert's reference, ``value`` its value; negatives count as 0):

* GMV-equivalent of a metric gap (anomaly, consecutive decline, channel CVR drop, CVR below
  the industry): ``gmv``: ref - value; ``uv``: (ref - value) x GMV/UV; ``cvr``:
  (ref - value) x UV x GMV/buyers; ``arpu``: (ref - value) x buyers; ``aov``:
  (ref - value) x orders; ``orders``/``buyers``: (ref - value) x GMV per order/buyer;
  ``uv_value``: (ref - value) x UV; ``roas``: (ref - value) x ad spend; ``ad_spend``:
  value - ref (money spent above the usual level);
* unshipped orders (kind ``once``): the paid amount of the overdue orders that are not stale
  (waiting at most a week): money a cancellation or a platform penalty can take back, once;
* item return rate / return concentration: refund amount of the item's (the reason's) cases
  over the return window / the window's days;
* refund rate: (rate - max(the shop's usual rate, the limit)) x GMV of the window / its days;
* 加购高支付低: the item's visitors a day over 14 days x (reference CVR - its CVR) x its
  revenue per order.

An alert whose money cannot be estimated from the data gets NaN (ranked after the others).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from helpers.facts import Facts
from helpers.facts.frames import isin_fast
from helpers.metrics.refunds import refund_baseline, refund_basis, refund_rate
from helpers.settings import Settings

DAY = pd.Timedelta(days=1)
#: days over which the 加购高支付低 rule reads item traffic
CART_DAYS = 14
#: overdue orders waiting longer than this (hours) are stale records, not parcels at risk
STALE_HOURS = 7 * 24


def _ratio(a: Any, b: Any) -> float:
    a, b = float(a), float(b)
    return a / b if b and np.isfinite(a) and np.isfinite(b) else float("nan")


def gmv_equivalent(metric: str, value: float, ref: float, row: pd.Series) -> float:
    """The money a day of a gap ``ref - value`` in ``metric`` is worth (see the module)."""
    gap = ref - value
    g = row.get
    per = {
        "gmv": lambda: gap,
        "uv": lambda: gap * _ratio(g("gmv", 0), g("uv", 0)),
        "cvr": lambda: gap * float(g("uv", 0)) * _ratio(g("gmv", 0), g("buyers", 0)),
        "arpu": lambda: gap * float(g("buyers", 0)),
        "aov": lambda: gap * float(g("orders", 0)),
        "orders": lambda: gap * _ratio(g("gmv", 0), g("orders", 0)),
        "buyers": lambda: gap * _ratio(g("gmv", 0), g("buyers", 0)),
        "uv_value": lambda: gap * float(g("uv", 0)),
        "roas": lambda: gap * float(g("ad_spend", 0)),
        "ad_spend": lambda: -gap,
    }
    f = per.get(metric)
    if f is None:
        return float("nan")
    out = float(f())
    return max(out, 0.0) if math.isfinite(out) else float("nan")


def _day_row(facts: Facts, scope: str, subject: str) -> pd.Series:
    """The run date's additive facts of the shop or of one channel."""
    day = facts.run_date
    if scope == "channel" and subject:
        dc = facts.daily_channel
        rows = dc.loc[(dc["date"] == day) & (dc["channel"] == subject)]
    else:
        rows = facts.daily.loc[facts.daily["date"] == day]
    return rows.select_dtypes("number").sum() if not rows.empty else pd.Series(dtype=float)


def _overdue_value(facts: Facts, orders: pd.DataFrame | None, sla_hours: float) -> float:
    oo = facts.open_orders
    late = oo.loc[(oo["hours_waiting"] > sla_hours) & (oo["hours_waiting"] <= STALE_HOURS)]
    if orders is None or "paid_amount" not in orders:
        return float("nan")
    mine = orders.loc[isin_fast(orders["order_id"], late["order_id"])]  # the late ones only
    amount = mine.drop_duplicates("order_id").set_index("order_id")["paid_amount"]
    return float(late["order_id"].map(amount).fillna(0).sum())


def _refund_money(facts: Facts, col: str, subject: str, days: int) -> float:
    r = facts.refunds
    recent = r.loc[(r["date"] > facts.run_date - days * DAY) & (r[col] == subject)]
    return float(recent["refund_amount"].fillna(0).sum()) / days


def _refund_rate_money(facts: Facts, settings: Settings, metric: str) -> float:
    th = settings.thresholds
    days = int(th.refund_window_days)
    basis = refund_basis(facts.refunds)
    now = refund_rate(facts.daily, facts.refunds, facts.run_date, days, basis)
    usual = refund_baseline(facts.daily, facts.refunds, facts.run_date, days, basis)
    pick = "count_rate" if metric == "refund_rate" else "amount_rate"
    floor = max(th.refund_rate_max, getattr(usual, pick) if usual is not None else 0.0)
    return max(getattr(now, pick) - floor, 0.0) * now.gmv / days


def _cart_money(facts: Facts, sku: str, value: float, ref: float) -> float:
    start = facts.run_date - (CART_DAYS - 1) * DAY
    it = facts.item_traffic
    visitors = it.loc[(it["sku_id"] == sku) & (it["date"] >= start), "visitors"].sum()
    di = facts.daily_item
    sold = di.loc[(di["sku_id"] == sku) & (di["date"] >= start)]
    per_order = _ratio(sold["gmv"].sum(), sold["orders"].sum())
    return max((ref - value) * float(visitors) / CART_DAYS * per_order, 0.0)


def alert_money(
    alert: pd.Series, facts: Facts, settings: Settings, orders: pd.DataFrame | None
) -> float:
    """Money at stake of one alert row (see the module's formulas); NaN when unknown."""
    rule, metric, scope = str(alert["rule"]), str(alert["metric"]), str(alert["scope"])
    subject = str(alert["subject"] or "")
    value, ref = float(alert["value"] or np.nan), float(alert["reference"] or np.nan)
    window = int(settings.thresholds.return_window_days)
    if rule == "unshipped_sla":
        return _overdue_value(facts, orders, settings.thresholds.ship_sla_hours)
    if rule == "item_return_rate":
        return _refund_money(facts, "sku_id", subject, window)
    if rule == "return_concentration":
        col = "reason" if scope == "reason" else "sku_id"
        return _refund_money(facts, col, subject, window)
    if rule == "refund_rate":
        return _refund_rate_money(facts, settings, metric)
    if rule == "cart_high_pay_low":
        return _cart_money(facts, subject, value, ref)
    return gmv_equivalent(metric, value, ref, _day_row(facts, scope, subject))


#: Rules whose money at stake is a one-time amount (every other rule's is per day).
ONE_TIME_RULES = frozenset({"unshipped_sla"})


def stake_kinds(alerts: pd.DataFrame) -> pd.Series:
    """``once`` for the rules of :data:`ONE_TIME_RULES`, else ``per_day``, aligned with
    ``alerts``."""
    rules = alerts["rule"] if "rule" in alerts else pd.Series(dtype=str, index=alerts.index)
    return pd.Series(
        np.where(rules.isin(ONE_TIME_RULES), "once", "per_day"), index=alerts.index, dtype=object
    )


def money_at_stake(
    alerts: pd.DataFrame, facts: Facts, settings: Settings, orders: pd.DataFrame | None = None
) -> pd.Series:
    """``money_at_stake`` of every alert (¥, a day or once by :func:`stake_kinds`; rounded
    to the unit; NaN when unknown), aligned with ``alerts``."""
    if alerts.empty:
        return pd.Series(dtype=float, index=alerts.index)
    money = [alert_money(row, facts, settings, orders) for _, row in alerts.iterrows()]
    return pd.Series(money, index=alerts.index, dtype=float).round(0)
