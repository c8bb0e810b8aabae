"""The 异常宝贝 line of the checklist: items (and channels) whose traffic or conversion
dropped, whose refunds jumped, or that are running out of stock.

Drops are computed here from the facts (an item's daily visitors and CVR over the recent
ordinary days against the ordinary days before); refund spikes, 加购高支付低 items and channel
CVR drops are taken from the alert rules that already find them, so the checklist and the
daily review agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.facts import Facts
from helpers.product_matrix.inventory import latest_stock
from helpers.start_here.status import Item
from helpers.start_here.theme import StartHereSettings

ABNORMAL: tuple[str, str] = ("异常宝贝与渠道", "Abnormal items and channels")
ROW_COLUMNS = ["kind", "scope", "subject", "value", "reference", "status"]
#: alert rule -> checklist kind
ALERT_KINDS = {
    "item_return_rate": "refund_spike",
    "cart_high_pay_low": "cart_high_pay_low",
    "channel_cvr_drop": "channel_cvr_drop",
}
KIND_TEXT = {
    "traffic_drop": ("流量下跌", "traffic drop"),
    "cvr_drop": ("转化率下跌", "CVR drop"),
    "refund_spike": ("退货激增", "refund spike"),
    "cart_high_pay_low": ("加购高支付低", "high add-to-cart, low payment"),
    "channel_cvr_drop": ("渠道转化率骤降", "channel CVR drop"),
    "low_stock": ("库存不足", "low stock"),
    "out_of_stock": ("断货", "out of stock"),
}
#: days of sales the average daily units of the stock check are taken over
DEMAND_DAYS = 28


def windows(facts: Facts, settings: StartHereSettings) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """The last ``item_window_days`` calendar days up to the run date and the
    ``item_baseline_days`` days before them."""
    end, n, m = facts.run_date, settings.item_window_days, settings.item_baseline_days
    recent = pd.date_range(end - pd.Timedelta(days=n - 1), end, freq="D")
    base = pd.date_range(end - pd.Timedelta(days=n + m - 1), end - pd.Timedelta(days=n), freq="D")
    return recent, base


def _window_totals(facts: Facts, days: pd.DatetimeIndex) -> tuple[pd.DataFrame, float, float]:
    """Per item visitors ``v`` and orders ``o`` over ``days``; the shop's UV and buyers."""
    it, di, d = facts.item_traffic, facts.daily_item, facts.daily
    v = it.loc[it["date"].isin(days)].groupby("sku_id")["visitors"].sum()
    o = di.loc[di["date"].isin(days)].groupby("sku_id")["orders"].sum()
    shop = d.loc[d["date"].isin(days), ["uv", "buyers"]].sum()
    frame = pd.DataFrame({"v": v, "o": o.reindex(v.index).fillna(0.0)})
    return frame, float(shop["uv"]), float(shop["buyers"])


def item_drops(facts: Facts, settings: StartHereSettings) -> pd.DataFrame:
    """Items whose visitors or CVR fell well below what the shop's own movement predicts.

    With ``V``, ``O`` an item's visitors and orders and ``U``, ``B`` the shop's UV and buyers
    summed over the recent window ``r`` (``n`` days) and the baseline ``b`` (``m`` days):

    * traffic: ``value = V_r / n`` (daily visitors), ``reference = V_b / m x (U_r / n) /
      (U_b / m)`` (the baseline scaled by the shop's traffic change, so a festival that lifts
      every item is not read as a move of one);
    * conversion: ``value = O_r / V_r``, ``reference = O_b / V_b x (B_r / U_r) / (B_b / U_b)``
      (orders as the buyer proxy).

    ``drop = 1 - value / reference``; a row when the drop exceeds ``item_drop`` (urgent from
    ``item_drop_urgent``) and the expected count behind it (``reference x n`` visitors, or
    ``reference x V_r`` orders) is at least ``item_min_visitors`` / ``item_min_orders``.
    Rows as :data:`ROW_COLUMNS`.
    """
    recent, base = windows(facts, settings)
    if facts.item_traffic.empty:
        return pd.DataFrame(columns=ROW_COLUMNS)
    r, ur, br = _window_totals(facts, recent)
    b, ub, bb = _window_totals(facts, base)
    if min(ur, ub, br, bb) <= 0:
        return pd.DataFrame(columns=ROW_COLUMNS)
    n, m = len(recent), len(base)
    r = r.reindex(b.index).fillna(0.0)
    traffic = pd.DataFrame({"value": r["v"] / n, "reference": b["v"] / m * (ur / n) / (ub / m)})
    traffic = traffic.loc[traffic["reference"] * n >= settings.item_min_visitors]
    cvr = pd.DataFrame(
        {
            "value": r["o"] / r["v"].where(r["v"] > 0),
            "reference": b["o"] / b["v"].where(b["v"] > 0) * (br / ur) / (bb / ub),
        }
    )
    cvr = cvr.loc[cvr["reference"] * r["v"] >= settings.item_min_orders].dropna()
    rows = [_dropped(traffic, "traffic_drop", settings), _dropped(cvr, "cvr_drop", settings)]
    return pd.concat(rows, ignore_index=True)


def _dropped(frame: pd.DataFrame, kind: str, settings: StartHereSettings) -> pd.DataFrame:
    frame = frame.loc[frame["reference"] > 0]
    drop = 1 - frame["value"] / frame["reference"]
    hit = frame.loc[drop > settings.item_drop]
    status = np.where(drop.loc[hit.index] >= settings.item_drop_urgent, "urgent", "attention")
    return pd.DataFrame(
        {
            "kind": kind,
            "scope": "item",
            "subject": hit.index.astype(str),
            "value": hit["value"].to_numpy(),
            "reference": hit["reference"].to_numpy(),
            "status": status,
        },
        columns=ROW_COLUMNS,
    )


def low_stock(facts: Facts, inventory: pd.DataFrame, settings: StartHereSettings) -> pd.DataFrame:
    """Items that sold in the last 28 days and are out of stock (urgent) or whose days of
    cover ``on_hand / (units of the 28 days / 28)`` are under ``low_stock_days`` (they run
    out within the week; the reorder plan by lead time is the product matrix's). ``value`` =
    days of cover, ``reference`` = ``low_stock_days``."""
    stock = latest_stock(inventory, end=facts.run_date)
    start = facts.run_date - pd.Timedelta(days=DEMAND_DAYS - 1)
    di = facts.daily_item
    units = di.loc[(di["date"] >= start) & (di["date"] <= facts.run_date)]
    mu = (units.groupby("sku_id")["units"].sum() / DEMAND_DAYS).reindex(stock["sku_id"])
    s = stock.assign(mu=mu.fillna(0.0).to_numpy())
    s = s.loc[s["mu"] > 0]
    cover = s["on_hand"] / s["mu"]
    limit = pd.Series(float(settings.low_stock_days), index=s.index)
    hit = s.loc[cover < limit]
    out = hit["on_hand"] <= 0
    return pd.DataFrame(
        {
            "kind": np.where(out, "out_of_stock", "low_stock"),
            "scope": "item",
            "subject": hit["sku_id"].astype(str).to_numpy(),
            "value": cover.loc[hit.index].round(1).to_numpy(),
            "reference": limit.loc[hit.index].to_numpy(),
            "status": np.where(out, "urgent", "attention"),
        },
        columns=ROW_COLUMNS,
    )


def from_alerts(alerts: pd.DataFrame) -> pd.DataFrame:
    """The item and channel alerts the checklist repeats (:data:`ALERT_KINDS`); a ``high``
    alert is urgent, any other attention."""
    if alerts is None or alerts.empty:
        return pd.DataFrame(columns=ROW_COLUMNS)
    a = alerts.loc[alerts["rule"].isin(list(ALERT_KINDS))]
    return pd.DataFrame(
        {
            "kind": a["rule"].map(ALERT_KINDS).to_numpy(),
            "scope": a["scope"].to_numpy(),
            "subject": a["subject"].astype(str).to_numpy(),
            "value": a["value"].to_numpy(dtype="float64"),
            "reference": a["reference"].to_numpy(dtype="float64"),
            "status": np.where(a["severity"] == "high", "urgent", "attention"),
        },
        columns=ROW_COLUMNS,
    )


def abnormal_item(
    facts: Facts,
    inventory: pd.DataFrame | None,
    alerts: pd.DataFrame,
    settings: StartHereSettings,
) -> Item:
    """Every abnormal item and channel in one list, urgent rows first; the line is urgent when
    one row is, attention when any, ok when none. Without traffic only stock and refunds are
    checked, without inventory no stock."""
    parts = [from_alerts(alerts)]
    if "traffic" in facts.available:
        parts.append(item_drops(facts, settings))
    if inventory is not None:
        parts.append(low_stock(facts, inventory, settings))
    parts = [p for p in parts if not p.empty]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ROW_COLUMNS)
    rows = rows.drop_duplicates(["kind", "scope", "subject"])
    rank = rows["status"].map({"urgent": 0, "attention": 1})
    rows = rows.assign(_r=rank).sort_values(["_r", "kind", "subject"]).drop(columns="_r")
    rows = rows.reset_index(drop=True)
    n = len(rows)
    status = "ok" if n == 0 else "urgent" if (rows["status"] == "urgent").any() else "attention"
    kinds = rows["kind"].value_counts()
    zh = "、".join(f"{KIND_TEXT[str(k)][0]} {c} 个" for k, c in kinds.items())
    en = ", ".join(f"{KIND_TEXT[str(k)][1]} {c}" for k, c in kinds.items())
    checked = [] if "traffic" in facts.available else ["traffic"]
    checked += [] if inventory is not None else ["inventory"]
    lack = (
        (
            f"（缺少 {', '.join(checked)} 表，相应检查未做）",
            f" (no {', '.join(checked)}: not checked)",
        )
        if checked
        else ("", "")
    )
    detail = (
        (f"{n} 个商品或渠道异常：{zh}。" if n else "没有发现异常的商品或渠道。") + lack[0],
        (f"{n} items or channels look abnormal: {en}." if n else "No abnormal item or channel.")
        + lack[1],
    )
    return Item("abnormal", ABNORMAL, status, n, detail, rows)
