"""The after-sales line of the checklist: refund, return and complaint requests still waiting
for the shop (售后待处理)."""

from __future__ import annotations

import pandas as pd

from helpers.numbers import num
from helpers.start_here.status import Item, unavailable
from helpers.start_here.theme import StartHereSettings

AFTER_SALES: tuple[str, str] = ("售后待处理", "After-sales requests waiting")
#: Request statuses that mean the case is closed (lower case; English and common
#: platform wording). Any other status counts as waiting for the shop.
CLOSED_CASE_STATUSES = frozenset(
    {
        "completed",
        "closed",
        "rejected",
        "cancelled",
        "canceled",
        "refunded",
        "success",
        "退款成功",
        "退款关闭",
        "售后关闭",
        "已完成",
        "已关闭",
        "已拒绝",
        "拒绝退款",
        "已撤销",
    }
)


def waiting_requests(after_sales: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Requests made before ``cutoff`` whose status is not closed, oldest first.

    ``hours_waiting = (cutoff - requested_at)`` in hours. The status is the one at export
    time. Columns ``case_id, order_id, sku_id, type, reason, requested_at, hours_waiting,
    refund_amount`` (those the table has).
    """
    a = after_sales.loc[after_sales["requested_at"] < cutoff]
    closed = a["status"].astype("string").str.strip().str.lower().isin(CLOSED_CASE_STATUSES)
    a = a.loc[~closed.fillna(False).astype(bool)]
    cols = [
        c
        for c in ("case_id", "order_id", "sku_id", "type", "reason", "requested_at")
        if c in a.columns
    ]
    out = a[cols].assign(
        hours_waiting=((cutoff - a["requested_at"]).dt.total_seconds() / 3600.0).round(2)
    )
    if "refund_amount" in a.columns:
        out["refund_amount"] = a["refund_amount"]
    return out.sort_values(["hours_waiting", "case_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def after_sales_item(
    after_sales: pd.DataFrame | None, cutoff: pd.Timestamp, settings: StartHereSettings
) -> Item:
    """Waiting requests: urgent when one has waited longer than ``refund_reply_hours``,
    attention when some wait, ok when none."""
    if after_sales is None:
        why = (
            "没有售后表（after_sales），无法列出待处理的退款和售后申请。",
            "No after-sales table (after_sales): waiting refund requests cannot be listed.",
        )
        return unavailable("after_sales", AFTER_SALES, ("after_sales",), why)
    if "status" not in after_sales.columns or after_sales["status"].isna().all():
        why = (
            "售后表没有退款状态（after_sales.status），分不出哪些申请还在等处理。",
            "The after-sales table has no status (after_sales.status): waiting requests "
            "cannot be told from closed ones.",
        )
        return unavailable("after_sales", AFTER_SALES, ("after_sales.status",), why)
    rows = waiting_requests(after_sales, cutoff)
    n = len(rows)
    limit = settings.refund_reply_hours
    old = int((rows["hours_waiting"] > limit).sum())
    status = "ok" if n == 0 else "urgent" if old else "attention"
    detail = (
        f"{n} 个售后申请等待处理，其中 {old} 个已超过 {num(limit)} 小时："
        "先处理最久的，超时平台会直接判给买家。",
        f"{n} after-sales requests are waiting, {old} of them for more than {num(limit)} h: "
        "answer the oldest first; the platform decides overdue ones for the buyer.",
    )
    return Item("after_sales", AFTER_SALES, status, n, detail, rows)
