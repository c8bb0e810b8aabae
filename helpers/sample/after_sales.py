"""After-sales cases (streams 8 and 9) with the P2 size-chart returns; orders whose every
line was fully refunded become ``refunded``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sample.draws import sample_rows
from helpers.sample.order_lines import Lines
from helpers.sample.orders import Money, OrderTimes
from helpers.sample.profile import CAT_REFUND, REASON_W, REASONS
from helpers.sample.shop import NAT, SEC, Shop

_DAY_NS = 86400 * SEC


def _case_lines(shop: Shop, rng: np.random.Generator, p_ref: np.ndarray, sku: np.ndarray):
    """Lines with a case: systematic sampling per SKU (lines in time order), so that each
    item gets its expected share of cases and normal items do not cross the return-rate
    alert by chance. Returns the line indices."""
    nsku, n_l = shop.nsku, len(sku)
    by_sku = np.argsort(sku, kind="stable")
    cum = np.cumsum(p_ref[by_sku])
    first = np.searchsorted(sku[by_sku], np.arange(nsku))
    grp = sku[by_sku]
    cum_in = cum - np.where(first[grp] > 0, cum[first[grp] - 1], 0.0)
    k = np.floor(cum_in + rng.random(nsku)[grp])
    k_prev = np.concatenate([[0.0], k[:-1]])
    k_prev[first[first < n_l]] = 0.0
    has = np.zeros(n_l, dtype=bool)
    has[by_sku] = k > k_prev
    return np.flatnonzero(has)


def _reasons(rng: np.random.Generator, l_cat: np.ndarray, p2_on: np.ndarray, not_yet: np.ndarray):
    """Reason per case: by category, 尺码不符 for 95 % of P2 cases; before the parcel
    arrives, 物流太慢 or 不喜欢/不想要 (half each)."""
    reason = sample_rows(rng, REASON_W, l_cat)
    size_err = p2_on & (rng.random(l_cat.size) < 0.95)
    reason = np.where(size_err, REASONS.index("尺码不符"), reason)
    early = np.where(
        rng.random(l_cat.size) < 0.5, REASONS.index("物流太慢"), REASONS.index("不喜欢/不想要")
    )
    return np.where(not_yet, early, reason)


def after_sales(
    shop: Shop,
    ot: OrderTimes,
    lines: Lines,
    money: Money,
    shipped: np.ndarray,
    status: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The after_sales table and the order status with fully refunded orders ``refunded``.

    P(case) per paid line = category rate x SKU factor (0.8-1.2) x 1.2 on burst days; P2's
    SKU from its start: ``return_prob``. Requested 1-10 days after payment (P2: 1-4);
    only requests before the end of E are kept; 7 % of the settled ones are rejected.
    """
    rng = shop.rng(8)
    sku_mult = shop.rng(9).uniform(0.8, 1.2, shop.nsku)
    sku, l_ord = lines.sku, lines.order
    p2 = shop.sku_index[shop.plan["P2"]["sku_id"]]
    p2_on = (sku == p2) & (ot.paid_day(shop)[l_ord] >= shop.day_of(shop.plan["P2"]["start"]))
    p_ref = CAT_REFUND[lines.cat] * sku_mult[sku] * np.where(ot.burst[l_ord], 1.2, 1.0)
    p_ref = np.where(p2_on, shop.plan["P2"]["return_prob"], p_ref)
    p_ref = np.where(ot.paid_flag[l_ord], p_ref, 0.0)
    a_line = _case_lines(shop, rng, p_ref, sku)
    a_ord = l_ord[a_line]
    delay = np.clip(1.0 + rng.gamma(1.5, 1.6, a_line.size), 1.0, 10.0)
    delay = np.where(p2_on[a_line], rng.uniform(1.0, 4.0, a_line.size), delay)
    req = ot.paid[a_ord] + (delay * 86400 * SEC).astype(np.int64)
    s_at = shipped[a_ord]
    not_yet = (s_at == NAT) | (s_at > req)
    reason = _reasons(rng, lines.cat[a_line], p2_on[a_line], not_yet)
    refund_only = (
        not_yet
        | (reason == REASONS.index("物流太慢"))
        | ((lines.cat[a_line] == 2) & (reason == REASONS.index("质量问题")))
    )
    qty = lines.qty[a_line]
    a_qty = np.where((qty > 1) & (rng.random(a_line.size) < 0.5), 1, qty)
    goods, disc = money.goods[a_ord], money.discount[a_ord]
    share = np.where(goods > 0, (goods - disc) / goods, 1.0)
    a_amt = np.round(a_qty * lines.price[a_line] * share, 2)
    done = req + 3 * _DAY_NS < shop.cutoff_ns
    a_status = np.where(
        done, np.where(rng.random(a_line.size) < 0.07, "rejected", "completed"), "processing"
    )
    sel = np.flatnonzero(req < shop.cutoff_ns)
    sel = sel[np.argsort(req[sel], kind="stable")]
    table = pd.DataFrame(
        {
            "case_id": np.char.add("R", np.char.zfill(np.arange(1, sel.size + 1).astype(str), 7)),
            "order_id": ot.order_id[a_ord[sel]],
            "sku_id": shop.cat["sku_id"].to_numpy()[sku[a_line[sel]]],
            "requested_at": pd.to_datetime(req[sel]).floor("s"),
            "refund_amount": a_amt[sel],
            "quantity": a_qty[sel].astype("int64"),
            "reason": np.array(REASONS, dtype=object)[reason[sel]],
            "type": np.where(refund_only[sel], "refund_only", "return"),
            "status": a_status[sel],
        }
    )
    full = (a_status[sel] == "completed") & (a_qty[sel] == qty[sel])
    full_lines = np.bincount(a_ord[sel][full], minlength=ot.n)
    refunded = ot.paid_flag & (full_lines >= lines.count)
    return table, np.where(refunded, "refunded", status).astype(object)
