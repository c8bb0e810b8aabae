"""The traffic funnel by channel: 曝光 -> 访客 -> 加购 -> 支付.

For each channel over a window of ``days`` days ending on the run date:

* ``ctr = uv / impressions`` (曝光 -> 访客), ``cart_rate = cart_users / uv`` (访客 -> 加购),
  ``cvr = buyers / uv`` (访客 -> 支付), all ratios of window sums (see
  :mod:`helpers.metrics.kpis`);
* ``prev_cvr`` = the CVR of the previous window of the same length, ``cvr_change`` =
  ``cvr / prev_cvr - 1`` (relative) and ``cvr_diff = cvr - prev_cvr`` (absolute).

Without a ``traffic`` table the traffic columns and every ratio over UV are NaN; orders,
buyers and GMV are still shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.facts import Facts, as_day
from helpers.metrics.kpis import safe_ratio, window_sums

#: Name of the shop total row.
TOTAL = "全店"
FUNNEL_COLUMNS = [
    "channel",
    "impressions",
    "uv",
    "cart_users",
    "buyers",
    "orders",
    "gmv",
    "ctr",
    "cart_rate",
    "cvr",
    "prev_cvr",
    "cvr_change",
    "cvr_diff",
    "is_total",
]


def channel_funnel(facts: Facts, *, run_date: Any = None, days: int = 1) -> pd.DataFrame:
    """Funnel per channel over the ``days`` days ending on ``run_date`` (default: the
    facts' run date), plus a shop total row (``channel = "全店"``, ``is_total = True``).

    Channels are sorted by GMV, then UV (largest first), then name; channels with no traffic, orders or ads in
    either window are dropped. The total row takes the shop-level buyers from ``daily``
    (a buyer counted once per day even when buying through two channels).

    Returns
    -------
    DataFrame with :data:`FUNNEL_COLUMNS` (counts, currency GMV and ratios).
    """
    if days < 1:
        raise ValueError("days must be >= 1")
    day = facts.run_date if run_date is None else as_day(run_date)
    span = pd.Timedelta(days=days)
    one = pd.Timedelta(days=1)
    cur_start, prev_end = day - span + one, day - span
    prev_start = prev_end - span + one

    cur = window_sums(facts, cur_start, day, by="channel").set_index("channel")
    prev = window_sums(facts, prev_start, prev_end, by="channel").set_index("channel")
    cur["prev_cvr"] = prev["cvr"].reindex(cur.index)
    activity = ["gmv", "orders", "uv", "impressions", "ad_spend"]
    active = cur[activity].fillna(0).ne(0).any(axis=1)
    active |= prev[activity].fillna(0).ne(0).any(axis=1).reindex(cur.index, fill_value=False)
    cur = cur.loc[active].reset_index()
    cur = cur.sort_values(
        ["gmv", "uv", "channel"], ascending=[False, False, True], na_position="last"
    )

    tot = window_sums(facts, cur_start, day).iloc[0]
    tot_prev = window_sums(facts, prev_start, prev_end).iloc[0]
    total = {c: tot.get(c, np.nan) for c in FUNNEL_COLUMNS if c in tot.index}
    total.update({"channel": TOTAL, "prev_cvr": tot_prev["cvr"]})
    out = pd.concat([cur, pd.DataFrame([total])], ignore_index=True)
    out["is_total"] = out["channel"].eq(TOTAL) & (out.index == len(out) - 1)
    out["cvr_change"] = safe_ratio(out["cvr"], out["prev_cvr"]) - 1.0
    out["cvr_diff"] = out["cvr"] - out["prev_cvr"]
    out = out.reindex(columns=FUNNEL_COLUMNS)
    for col in ("impressions", "uv", "cart_users", "buyers", "orders", "gmv", "prev_cvr"):
        out[col] = out[col].astype("float64")
    return out
