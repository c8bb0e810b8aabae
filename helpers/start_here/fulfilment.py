"""Order-side checklist items: unpaid orders to remind (催付), orders past the shipping SLA
and parcels that stopped moving (物流异常).

"Now" is the end of the run date (``facts.cutoff``): the morning the checklist is read.
Nothing created, paid or shipped after it is used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.facts import CLOSED_STATUSES, Facts
from helpers.facts.frames import channel_or_unknown
from helpers.numbers import num
from helpers.start_here.status import Item, count_status, unavailable
from helpers.start_here.theme import StartHereSettings

UNPAID: tuple[str, str] = ("催付：未付款订单", "Unpaid orders to remind (催付)")
SHIPPING: tuple[str, str] = ("超时未发货", "Orders past the shipping SLA")
LOGISTICS: tuple[str, str] = ("物流异常：发货后不动", "Logistics exceptions (shipped, not moving)")
#: Column of ``orders`` with the time of the parcel's latest tracking event.
TRACKING_COLUMN = "logistics_updated_at"
#: Days of paid orders the usual payment window is measured on.
PAYMENT_WINDOW_DAYS = 28
HOUR = pd.Timedelta(hours=1)


def usual_payment_minutes(
    orders: pd.DataFrame, cutoff: pd.Timestamp, settings: StartHereSettings
) -> float:
    """Minutes within which ``unpaid_usual_share`` of recent orders were paid.

    ``window = max(unpaid_min_minutes, quantile_q(paid_at - created_at))`` over orders paid in
    the 28 days before ``cutoff`` (linear interpolation between order statistics, as
    :func:`numpy.quantile`); ``unpaid_min_minutes`` when none was paid.
    """
    paid = orders.loc[
        (orders["paid_at"] < cutoff)
        & (orders["paid_at"] >= cutoff - PAYMENT_WINDOW_DAYS * 24 * HOUR)
    ]
    delay = ((paid["paid_at"] - paid["created_at"]).dt.total_seconds() / 60.0).clip(lower=0)
    delay = delay.dropna()
    if delay.empty:
        return float(settings.unpaid_min_minutes)
    return max(
        float(settings.unpaid_min_minutes), float(np.quantile(delay, settings.unpaid_usual_share))
    )


def unpaid_to_remind(
    orders: pd.DataFrame, cutoff: pd.Timestamp, settings: StartHereSettings
) -> pd.DataFrame:
    """Orders created before ``cutoff``, not paid by then and not closed, unpaid for longer
    than the usual payment window but not longer than ``unpaid_close_hours``.

    ``hours_unpaid = (cutoff - created_at)`` in hours; longest waiting first. Columns
    ``order_id, channel, created_at, hours_unpaid``.
    """
    window_h = usual_payment_minutes(orders, cutoff, settings) / 60.0
    unpaid = (orders["created_at"] < cutoff) & ~(orders["paid_at"] < cutoff)
    unpaid &= ~orders["status"].isin(CLOSED_STATUSES)
    o = orders.loc[unpaid]
    hours = (cutoff - o["created_at"]).dt.total_seconds() / 3600.0
    keep = (hours > window_h) & (hours <= settings.unpaid_close_hours)
    out = pd.DataFrame(
        {
            "order_id": o["order_id"],
            "channel": channel_or_unknown(o),
            "created_at": o["created_at"],
            "hours_unpaid": hours.round(2),
        }
    ).loc[keep]
    return out.sort_values(["hours_unpaid", "order_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def unpaid_item(orders: pd.DataFrame, cutoff: pd.Timestamp, settings: StartHereSettings) -> Item:
    """The 催付 line: how many unpaid orders deserve a reminder, and the list."""
    rows = unpaid_to_remind(orders, cutoff, settings)
    minutes = usual_payment_minutes(orders, cutoff, settings)
    n = len(rows)
    detail = (
        f"{n} 笔订单下单超过 {num(minutes)} 分钟仍未付款（{settings.unpaid_usual_share:.0%} 的买家在"
        f"这段时间内付款），且未满 {num(settings.unpaid_close_hours)} 小时自动关闭：可以发催付消息。",
        f"{n} orders unpaid more than {num(minutes)} minutes after they were placed "
        f"({settings.unpaid_usual_share:.0%} of buyers pay within that) and not yet closed "
        f"after {num(settings.unpaid_close_hours)} h: send a payment reminder.",
    )
    return Item("unpaid", UNPAID, count_status(n, settings.unpaid_urgent), n, detail, rows)


def shipping_item(
    facts: Facts, has_ship_times: bool, sla_hours: float, settings: StartHereSettings
) -> Item:
    """Orders paid more than ``sla_hours`` before the cutoff and still not shipped
    (``facts.open_orders``, the same list as the ``unshipped_sla`` alert)."""
    if not has_ship_times:
        why = (
            "订单没有发货时间（orders.shipped_at），无法判断哪些订单超时未发货。",
            "The orders carry no shipping time (orders.shipped_at): overdue orders cannot be told.",
        )
        return unavailable("shipping", SHIPPING, ("orders.shipped_at",), why)
    late = facts.open_orders.loc[facts.open_orders["hours_waiting"] > sla_hours]
    rows = late[["order_id", "channel", "paid_at", "hours_waiting"]].reset_index(drop=True)
    rows = rows.assign(hours_waiting=rows["hours_waiting"].round(2))
    n = len(rows)
    oldest = float(rows["hours_waiting"].max()) if n else 0.0
    detail = (
        f"{n} 笔订单付款超过 {num(sla_hours)} 小时仍未发货"
        + (f"，最久的已等 {num(oldest)} 小时：今天优先发出，必要时先联系买家说明。" if n else "。"),
        f"{n} orders paid more than {num(sla_hours)} h ago are not shipped"
        + (f"; the oldest has waited {num(oldest)} h: ship them first today." if n else "."),
    )
    return Item("shipping", SHIPPING, count_status(n, settings.ship_urgent), n, detail, rows)


def stalled_parcels(
    orders: pd.DataFrame, cutoff: pd.Timestamp, settings: StartHereSettings
) -> pd.DataFrame:
    """Parcels shipped before ``cutoff``, not completed (delivered and confirmed), whose
    latest tracking event (the shipping time when there is none) is more than
    ``logistics_stale_hours`` before ``cutoff``.

    A latest event after ``cutoff`` means the parcel moved later and is not judged (the
    event before the cutoff is unknown). Columns ``order_id, channel, shipped_at,
    last_event_at, hours_still``.
    """
    o = orders.loc[(orders["shipped_at"] < cutoff) & (orders["status"] != "completed")]
    last = o[TRACKING_COLUMN].where(o[TRACKING_COLUMN].notna(), o["shipped_at"])
    o, last = o.loc[last < cutoff], last.loc[last < cutoff]
    still = (cutoff - last).dt.total_seconds() / 3600.0
    out = pd.DataFrame(
        {
            "order_id": o["order_id"],
            "channel": channel_or_unknown(o),
            "shipped_at": o["shipped_at"],
            "last_event_at": last,
            "hours_still": still.round(2),
        }
    ).loc[still > settings.logistics_stale_hours]
    return out.sort_values(["hours_still", "order_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def logistics_item(orders: pd.DataFrame, cutoff: pd.Timestamp, settings: StartHereSettings) -> Item:
    """The 物流异常 line; unavailable without tracking times (``orders.logistics_updated_at``)."""
    if TRACKING_COLUMN not in orders.columns or orders[TRACKING_COLUMN].isna().all():
        why = (
            "数据里没有物流轨迹时间（orders.logistics_updated_at：包裹最近一条物流记录的时间，"
            "可从快递或平台的物流导出得到），无法判断发货后哪些包裹不动了。",
            "The data hold no tracking times (orders.logistics_updated_at: the time of the "
            "parcel's latest tracking event, from the courier's or the platform's logistics "
            "export): parcels that stopped moving cannot be found.",
        )
        return unavailable("logistics", LOGISTICS, (f"orders.{TRACKING_COLUMN}",), why)
    rows = stalled_parcels(orders, cutoff, settings)
    n = len(rows)
    hours = num(settings.logistics_stale_hours)
    detail = (
        f"{n} 个已发货包裹超过 {hours} 小时没有新的物流记录：联系快递核实，主动告知买家。",
        f"{n} shipped parcels have had no tracking event for more than {hours} h: check with "
        "the courier and tell the buyers first.",
    )
    status = count_status(n, settings.logistics_urgent)
    return Item("logistics", LOGISTICS, status, n, detail, rows)
