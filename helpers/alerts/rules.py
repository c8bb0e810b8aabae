"""Alerts: the methodology's rule checks, the alert types, and the report of both halves.

Two halves, as the daily loop (看数据 - 告警 - 行动 - 复盘) describes them:

* **Rules** (:func:`rule_alerts`) - fixed thresholds from :class:`helpers.settings.Thresholds`:
  CVR far below the industry mean, refund rate too high, paid orders not shipped within the
  SLA, ad spend / ROAS swings, metrics falling several days in a row, returns concentrated on
  one reason or item, items with a high return rate, items with high add-to-cart but low
  payment (加购高、支付低), and a channel whose CVR collapses.
* **Statistics** (:func:`helpers.alerts.anomaly.anomaly_alerts`, in :mod:`helpers.alerts.anomaly`) - each
  daily series against a one-step-ahead forecast from its own weekly seasonal baseline (robust
  STL on the days before, promo days masked), scaled by the robust spread of the previous
  days' one-step errors.

Every check is skipped, with the reason recorded, when the data it needs is missing (no
traffic table, no after-sales table ...). :func:`collect_alerts` runs both halves and returns
an :class:`AlertReport`: the alerts table and the skipped checks.

The functions read a ``Facts`` object by duck typing: any object (or mapping) with the
attributes ``run_date``, ``daily``, ``daily_channel``, ``daily_item``, ``item_traffic``,
``open_orders``, ``refunds``, ``promo_days`` and ``available`` works; missing attributes mean
"no data". Nothing after the run date is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from helpers import i18n
from helpers.metrics.kpis import add_ratios
from helpers.settings import Settings, Thresholds

#: Severity levels, most urgent first.
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

#: Rule ids in report order, with their Chinese and English names.
RULES: dict[str, tuple[str, str]] = {
    "unshipped_sla": ("付款超时未发货", "Paid orders not shipped within the SLA"),
    "channel_cvr_drop": ("渠道转化率骤降", "Channel CVR drop"),
    "cvr_below_industry": ("转化率低于行业均值", "CVR below the industry mean"),
    "refund_rate": ("退款率过高", "Refund rate too high"),
    "ad_swing": ("推广花费/ROAS 异常波动", "Ad spend / ROAS swing"),
    "consecutive_decline": ("指标连续下降", "Metric falling several days in a row"),
    "return_concentration": ("退货集中", "Returns concentrated on one reason or item"),
    "item_return_rate": ("商品退货率过高", "Item return rate too high"),
    "cart_high_pay_low": ("加购高、支付低", "High add-to-cart, low payment"),
    "anomaly": ("偏离周内基线", "Off the weekly seasonal baseline"),
}
RULE_RANK: dict[str, int] = {r: i for i, r in enumerate(RULES)}

#: Unshipped orders older than this (hours) are reported apart as probably stale records.
STALE_ORDER_HOURS = 7 * 24

#: Display names of the metrics alerts refer to (zh, en).
METRIC_NAMES: dict[str, tuple[str, str]] = {
    "gmv": ("GMV", "GMV"),
    "orders": ("订单数", "orders"),
    "buyers": ("支付买家数", "buyers"),
    "uv": ("访客数 UV", "UV"),
    "cvr": ("转化率", "CVR"),
    "arpu": ("客单价", "revenue per buyer"),
    "ad_spend": ("推广花费", "ad spend"),
    "roas": ("ROAS", "ROAS"),
    "refund_rate": ("退款率", "refund rate"),
    "refund_rate_7d": ("近7日退款率", "7-day refund rate"),
    "unshipped_orders": ("超时未发货订单", "overdue unshipped orders"),
    "return_share": ("退货占比", "share of refund cases"),
    "item_return_rate": ("商品退货率", "item return rate"),
    "item_cvr": ("商品转化率", "item CVR"),
}

MAD_SCALE = 1.4826  # MAD x 1.4826 estimates the standard deviation of normal noise


@dataclass(frozen=True)
class Alert:
    """One alert.

    Attributes
    ----------
    rule : rule id (a key of :data:`RULES`).
    severity : ``high`` / ``medium`` / ``low``.
    metric : metric id (a key of :data:`METRIC_NAMES`).
    scope : ``shop`` / ``channel`` / ``item`` / ``order`` / ``reason``.
    subject : channel name, sku_id or refund reason; ``""`` for the whole shop.
    date : run date ``YYYY-MM-DD``.
    value : the observed value (ratio, count or money), or None.
    reference : the threshold or baseline it was compared with, or None.
    message_zh, message_en : one concrete sentence with the numbers.
    """

    rule: str
    severity: str
    metric: str
    scope: str
    subject: str
    date: str
    value: float | None
    reference: float | None
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ALERT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Alert))
SKIP_COLUMNS: tuple[str, ...] = ("rule", "reason")


@dataclass(frozen=True)
class AlertReport:
    """All alerts of a run and the checks that could not run.

    Attributes
    ----------
    alerts : DataFrame with the :class:`Alert` columns, sorted by severity, rule (report
        order of :data:`RULES`), metric and subject.
    skipped : DataFrame ``rule, reason``: checks not evaluated for lack of data.
    """

    alerts: pd.DataFrame
    skipped: pd.DataFrame

    def __len__(self) -> int:
        return len(self.alerts)

    def to_records(self) -> dict[str, list[dict[str, Any]]]:
        """JSON-ready ``{"alerts": [...], "skipped": [...]}``.

        Deterministic: rows in the report order, floats rounded to 6 decimals, NaN -> None.
        """
        return {
            "alerts": [_clean_record(r) for r in self.alerts.to_dict("records")],
            "skipped": [_clean_record(r) for r in self.skipped.to_dict("records")],
        }


class _Skip(Exception):
    """Raised by a rule that cannot be evaluated; the message is the recorded reason."""


# --------------------------------------------------------------------------------------
# small helpers


def _clean_record(rec: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in rec.items():
        if isinstance(v, float | np.floating):
            out[k] = None if not np.isfinite(v) else round(float(v), 6)
        elif v is None or (not isinstance(v, str) and pd.isna(v)):
            out[k] = None
        elif isinstance(v, np.integer):
            out[k] = int(v)
        else:
            out[k] = v
    return out


def _f(x: Any) -> float | None:
    """Float or None (NaN/None -> None)."""
    if x is None:
        return None
    x = float(x)
    return None if not np.isfinite(x) else x


def _pct(x: float | None) -> str:
    """Format a ratio as a percentage: 0.0123 -> '1.2%', 0.0045 -> '0.45%'."""
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:.2%}" if abs(x) < 0.01 else f"{x:.1%}"


def _num(x: float | None) -> str:
    """Format an amount or count: 12345.6 -> '12,346', 3.456 -> '3.46'."""
    if x is None or not np.isfinite(x):
        return "n/a"
    if float(x).is_integer() or abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.2f}"


def _metric_name(metric: str, lang: str) -> str:
    zh, en = METRIC_NAMES.get(metric, (metric, metric))
    return zh if lang == "zh" else en


def _fmt_metric(metric: str, x: float | None) -> str:
    return _pct(x) if metric in ("cvr", "refund_rate", "item_cvr") else _num(x)


def _get(facts: Any, name: str) -> Any:
    if isinstance(facts, Mapping):
        return facts.get(name)
    return getattr(facts, name, None)


def robust_z(x: float, history: Iterable[float], *, floor_share: float = 0.05) -> float | None:
    """Robust z-score of ``x`` against ``history``.

    ``z = (x - median(h)) / max(1.4826 * MAD(h), floor_share * |median(h)|)`` where
    ``MAD(h) = median(|h - median(h)|)``. The floor keeps a very steady history (MAD near 0)
    from turning tiny moves into huge z. Returns None when the history is empty, ``x`` is NaN
    or the scale is 0 (a history of zeros).
    """
    h = np.asarray(list(history), dtype=float)
    h = h[np.isfinite(h)]
    if h.size == 0 or x is None or not np.isfinite(x):
        return None
    med = float(np.median(h))
    mad = float(np.median(np.abs(h - med)))
    scale = max(MAD_SCALE * mad, floor_share * abs(med))
    if scale <= 0:
        return None
    return (float(x) - med) / scale


def _ratios(df: pd.DataFrame) -> pd.DataFrame:
    """Ratios of additive columns: the one shared formula set, :func:`helpers.metrics.kpis.add_ratios`."""
    return add_ratios(df)


# --------------------------------------------------------------------------------------
# context


@dataclass(frozen=True)
class _Ctx:
    run_date: pd.Timestamp
    settings: Settings
    daily: pd.DataFrame | None
    daily_channel: pd.DataFrame | None
    daily_item: pd.DataFrame | None
    item_traffic: pd.DataFrame | None
    open_orders: pd.DataFrame | None
    refunds: pd.DataFrame | None
    promo_days: pd.DataFrame | None
    market: pd.DataFrame | None
    available: frozenset[str] | None
    facts_run_date: pd.Timestamp | None

    @property
    def th(self) -> Thresholds:
        return self.settings.thresholds

    @property
    def day(self) -> str:
        return self.run_date.strftime("%Y-%m-%d")

    def alert(self, **kw: Any) -> Alert:
        kw.setdefault("date", self.day)
        kw["value"] = _f(kw.get("value"))
        kw["reference"] = _f(kw.get("reference"))
        kw["message_en"] = i18n.english_channels(kw.get("message_en", ""))
        return Alert(**kw)

    def has_table(self, name: str) -> bool:
        """Whether a contract table was present (from ``facts.available`` or the data)."""
        if self.available:
            return name in self.available
        if name == "traffic":
            return _has_values(self.daily, "uv")
        if name == "ad_spend":
            return _has_values(self.daily, "ad_spend")
        if name == "after_sales":
            return self.refunds is not None
        return False


def _has_values(df: pd.DataFrame | None, col: str) -> bool:
    return df is not None and col in df.columns and bool(df[col].notna().any())


def _cut(df: Any, run_date: pd.Timestamp, col: str = "date") -> pd.DataFrame | None:
    if df is None or not isinstance(df, pd.DataFrame):
        return None
    if col in df.columns:
        dates = pd.to_datetime(df[col]).dt.normalize()
        df = df.loc[dates <= run_date].copy()
        df[col] = dates.loc[df.index]
    return df


def _context(facts: Any, settings: Settings, run_date: Any, market: pd.DataFrame | None) -> _Ctx:
    facts_rd = _get(facts, "run_date")
    facts_rd = None if facts_rd is None else pd.Timestamp(facts_rd).normalize()
    daily = _get(facts, "daily")
    if run_date is not None and str(run_date) != "":
        rd = pd.Timestamp(run_date).normalize()
    elif facts_rd is not None:
        rd = facts_rd
    elif isinstance(daily, pd.DataFrame) and not daily.empty:
        rd = pd.Timestamp(pd.to_datetime(daily["date"]).max()).normalize()
    else:
        raise ValueError("run_date is unknown: pass run_date or facts with run_date/daily")
    if market is None:
        market = _get(facts, "market")
    available = _get(facts, "available")
    refunds = _get(facts, "refunds")
    if (
        isinstance(refunds, pd.DataFrame)
        and "date" not in refunds.columns
        and "requested_at" in refunds.columns
    ):
        refunds = refunds.assign(date=pd.to_datetime(refunds["requested_at"]).dt.normalize())
    return _Ctx(
        run_date=rd,
        settings=settings,
        daily=_cut(daily, rd),
        daily_channel=_cut(_get(facts, "daily_channel"), rd),
        daily_item=_cut(_get(facts, "daily_item"), rd),
        item_traffic=_cut(_get(facts, "item_traffic"), rd),
        open_orders=_get(facts, "open_orders"),
        refunds=_cut(refunds, rd),
        promo_days=_get(facts, "promo_days"),
        market=market if isinstance(market, pd.DataFrame) else None,
        available=frozenset(available) if available is not None else None,
        facts_run_date=facts_rd,
    )


def _window(df: pd.DataFrame, end: pd.Timestamp, days: int, *, include_end: bool = True):
    """Rows with ``date`` in ``[end - days + 1, end]`` (or ``[end - days, end - 1]``)."""
    if include_end:
        lo, hi = end - pd.Timedelta(days=days - 1), end
    else:
        lo, hi = end - pd.Timedelta(days=days), end - pd.Timedelta(days=1)
    return df.loc[(df["date"] >= lo) & (df["date"] <= hi)]


def _require_daily(ctx: _Ctx) -> pd.DataFrame:
    if ctx.daily is None or ctx.daily.empty:
        raise _Skip("no daily facts")
    return ctx.daily


def _require_traffic(ctx: _Ctx) -> None:
    if not ctx.has_table("traffic") or not _has_values(ctx.daily, "uv"):
        raise _Skip("no traffic table")


def _day_rows(df: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    rows = df.loc[df["date"] == day]
    if rows.empty:
        raise _Skip(f"no daily row for {day:%Y-%m-%d}")
    return rows


def _sums(df: pd.DataFrame, cols: Iterable[str]) -> pd.DataFrame:
    """One-row frame of column sums (NaN treated as 0), ready for ``_ratios``."""
    return pd.DataFrame(
        [{c: float(pd.to_numeric(df[c], errors="coerce").sum()) for c in cols if c in df}]
    )


# --------------------------------------------------------------------------------------
# rules


def industry_cvr(
    settings: Settings, market: pd.DataFrame | None, run_date: Any
) -> tuple[float | None, str]:
    """Industry mean CVR and where it came from.

    ``settings.industry_cvr`` when set; else the ``market`` table's ``avg_cvr`` of the latest
    month on or before ``run_date``, weighted by ``market_gmv`` over categories when every
    category has a positive market size, else the plain mean. ``(None, "")`` when neither.
    """
    if settings.industry_cvr is not None:
        return float(settings.industry_cvr), "settings"
    if market is None or market.empty or not {"month", "avg_cvr"} <= set(market.columns):
        return None, ""
    m = market.loc[
        (pd.to_datetime(market["month"]) <= pd.Timestamp(run_date)) & market["avg_cvr"].notna()
    ]
    if m.empty:
        return None, ""
    latest = pd.to_datetime(m["month"]).max()
    rows = m.loc[pd.to_datetime(m["month"]) == latest]
    cvr = rows["avg_cvr"].astype(float)
    if "market_gmv" in rows.columns:
        w = pd.to_numeric(rows["market_gmv"], errors="coerce").astype(float)
        if w.notna().all() and (w > 0).all():
            return float((cvr * w).sum() / w.sum()), f"market {latest:%Y-%m}"
    return float(cvr.mean()), f"market {latest:%Y-%m}"


def _rule_cvr_below_industry(ctx: _Ctx) -> list[Alert]:
    # shop CVR = buyers / uv on the run date; alert when CVR < industry x (1 - x)
    ind, source = industry_cvr(ctx.settings, ctx.market, ctx.run_date)
    if ind is None or ind <= 0:
        raise _Skip("no industry CVR (settings.industry_cvr or market.avg_cvr)")
    daily = _require_daily(ctx)
    _require_traffic(ctx)
    row = _ratios(_day_rows(daily, ctx.run_date)).iloc[0]
    cvr = _f(row["cvr"])
    if cvr is None:
        raise _Skip(f"no visitors on {ctx.day}")
    x = ctx.th.cvr_below_industry
    limit = ind * (1 - x)
    if cvr >= limit:
        return []
    gap = 1 - cvr / ind
    sev = "high" if gap >= 2 * x else "medium"
    return [
        ctx.alert(
            rule="cvr_below_industry",
            severity=sev,
            metric="cvr",
            scope="shop",
            subject="",
            value=cvr,
            reference=ind,
            message_zh=f"店铺转化率 {_pct(cvr)}，低于行业均值 {_pct(ind)} {gap:.0%}"
            f"（告警线：低于均值 {x:.0%}，即 {_pct(limit)}）",
            message_en=f"Shop CVR {_pct(cvr)} is {gap:.0%} below the industry mean {_pct(ind)} "
            f"(alert line: {x:.0%} below, i.e. {_pct(limit)}; source: {source})",
        )
    ]


def _rule_refund_rate(ctx: _Ctx) -> list[Alert]:
    # refund rate = refund_cases / orders (count basis), on the run date and over 7 days
    if not ctx.has_table("after_sales"):
        raise _Skip("no after_sales table")
    daily = _require_daily(ctx)
    mx = ctx.th.refund_rate_max
    out = []
    windows = (
        ("refund_rate", _day_rows(daily, ctx.run_date), "当日", "on the day"),
        ("refund_rate_7d", _window(daily, ctx.run_date, 7), "近7日", "over the last 7 days"),
    )
    for metric, rows, zh_w, en_w in windows:
        s = _sums(rows, ["refund_cases", "orders"])
        cases, orders = float(s["refund_cases"].iloc[0]), float(s["orders"].iloc[0])
        if orders <= 0:
            continue
        rate = cases / orders
        if rate <= mx:
            continue
        out.append(
            ctx.alert(
                rule="refund_rate",
                severity="high" if rate >= 2 * mx else "medium",
                metric=metric,
                scope="shop",
                subject="",
                value=rate,
                reference=mx,
                message_zh=f"{zh_w}退款率 {_pct(rate)}（{_num(cases)} 笔售后 / {_num(orders)} 单），"
                f"高于阈值 {_pct(mx)}",
                message_en=f"Refund rate {en_w} {_pct(rate)} ({_num(cases)} cases / "
                f"{_num(orders)} orders) is above the {_pct(mx)} limit",
            )
        )
    return out


def _rule_unshipped_sla(ctx: _Ctx) -> list[Alert]:
    # overdue = paid, not shipped at the cutoff, hours_waiting > ship_sla_hours
    oo = ctx.open_orders
    if oo is None or not isinstance(oo, pd.DataFrame) or "hours_waiting" not in oo.columns:
        raise _Skip("no open orders in facts")
    if ctx.facts_run_date is not None and ctx.facts_run_date != ctx.run_date:
        raise _Skip("open orders are only known for the facts' own run date")
    sla = ctx.th.ship_sla_hours
    late = oo.loc[pd.to_numeric(oo["hours_waiting"], errors="coerce") > sla]
    n = len(late)
    if n == 0:
        return []
    oldest = float(late["hours_waiting"].max())
    if "channel" in late.columns:
        by = late["channel"].fillna("未知").astype(str).value_counts()
        by = by.sort_index().sort_values(ascending=False, kind="stable")
        parts_zh = "、".join(f"{c} {k} 单" for c, k in by.items())
        parts_en = ", ".join(f"{c} {k}" for c, k in by.items())
    else:
        parts_zh = parts_en = ""
    # Orders waiting for weeks are rarely a picking backlog: usually they were closed or
    # shipped without the export saying so. Name them apart so the warehouse works on the
    # recent ones and someone checks the stale ones' status.
    stale = int((late["hours_waiting"] > STALE_ORDER_HOURS).sum())
    recent = n - stale
    stale_zh = (
        f"；其中 {stale} 单已等待超过 {STALE_ORDER_HOURS // 24} 天，多半是状态未更新，请核对订单状态"
        if stale
        else ""
    )
    stale_en = (
        f"; {stale} of them have waited more than {STALE_ORDER_HOURS // 24} days, most likely "
        "a status never updated: check those orders' status"
        if stale
        else ""
    )
    return [
        ctx.alert(
            rule="unshipped_sla",
            severity="high" if recent >= 10 else "medium",
            metric="unshipped_orders",
            scope="order",
            subject="",
            value=float(n),
            reference=sla,
            message_zh=f"{n} 单付款超过 {_num(sla)} 小时仍未发货（最久 {oldest:.0f} 小时"
            + (f"；{parts_zh}" if parts_zh else "")
            + stale_zh
            + "）",
            message_en=f"{n} paid orders not shipped within {_num(sla)} h (oldest waiting "
            f"{oldest:.0f} h" + (f"; by channel: {parts_en}" if parts_en else "") + stale_en + ")",
        )
    ]


def _channel_frame(ctx: _Ctx, channel: str, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """One channel's daily rows on ``dates`` (missing days: additive columns 0)."""
    dc = ctx.daily_channel
    rows = dc.loc[dc["channel"] == channel]
    num = rows.select_dtypes("number").columns.difference(["date"])
    rows = rows.groupby("date")[list(num)].sum(min_count=1).reindex(dates)
    rows.index.name = "date"
    return rows.reset_index()


def _rule_ad_swing(ctx: _Ctx) -> list[Alert]:
    # robust z of spend and ROAS (ad_gmv / ad_spend) vs the channel's trailing lookback days
    if not ctx.has_table("ad_spend") or not _has_values(ctx.daily_channel, "ad_spend"):
        raise _Skip("no ad_spend table")
    lb = ctx.th.ad_lookback_days
    zmax = ctx.th.ad_swing_z
    dates = pd.date_range(ctx.run_date - pd.Timedelta(days=lb), ctx.run_date, freq="D")
    first_day = _require_daily(ctx)["date"].min()
    dates = dates[dates >= first_day]
    if len(dates) < 8:
        raise _Skip("fewer than 7 days of ad history")
    dc = ctx.daily_channel.loc[ctx.daily_channel["date"].isin(dates)]
    spenders = dc.groupby("channel")["ad_spend"].sum()
    out = []
    for ch in sorted(spenders.index[spenders > 0].astype(str)):
        f = _channel_frame(ctx, ch, dates)
        f["ad_spend"] = f["ad_spend"].fillna(0.0)
        f["ad_gmv"] = f["ad_gmv"].fillna(0.0) if "ad_gmv" in f else np.nan
        hist, today = f.iloc[:-1], f.iloc[-1]
        checks = [("ad_spend", hist["ad_spend"], float(today["ad_spend"]))]
        hist_roas = (hist["ad_gmv"] / hist["ad_spend"].where(hist["ad_spend"] > 0)).dropna()
        if today["ad_spend"] > 0 and len(hist_roas) >= 7:
            checks.append(("roas", hist_roas, float(today["ad_gmv"] / today["ad_spend"])))
        for metric, h, x in checks:
            z = robust_z(x, h)
            if z is None or abs(z) <= zmax:
                continue
            med = float(np.median(h))
            name_zh, name_en = METRIC_NAMES[metric]
            up = z > 0
            out.append(
                ctx.alert(
                    rule="ad_swing",
                    severity="high" if abs(z) >= 2 * zmax else "medium",
                    metric=metric,
                    scope="channel",
                    subject=ch,
                    value=x,
                    reference=med,
                    message_zh=f"{ch} 渠道{name_zh} {_num(x)}，近{lb}日中位数 {_num(med)}，"
                    f"{'异常偏高' if up else '异常偏低'}（稳健 z={z:.1f}）",
                    message_en=f"{ch}: {name_en} {_num(x)} vs a {lb}-day median of {_num(med)}, "
                    f"abnormally {'high' if up else 'low'} (robust z={z:.1f})",
                )
            )
    return out


def _promo_dates(ctx: _Ctx) -> set[pd.Timestamp]:
    days: set[pd.Timestamp] = set()
    if ctx.daily is not None and "phase" in ctx.daily.columns:
        days |= set(ctx.daily.loc[ctx.daily["phase"].notna(), "date"])
    pdays = ctx.promo_days
    if isinstance(pdays, pd.DataFrame) and not pdays.empty and "date" in pdays.columns:
        days |= set(pd.to_datetime(pdays["date"]).dt.normalize())
    return {pd.Timestamp(d) for d in days}


def _is_strict_decline(values: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(values)) and np.all(np.diff(values) < 0))


def _decline_alert(
    ctx: _Ctx, metric: str, scope: str, subject: str, values: np.ndarray, promo: bool
) -> Alert:
    n = len(values) - 1
    fall = 1 - values[-1] / values[0] if values[0] else np.nan
    sev = "low" if promo else ("high" if fall >= 0.30 else "medium")
    path = " → ".join(_fmt_metric(metric, v) for v in values)
    who_zh = f"{subject} 渠道" if subject else "店铺"
    who_en = f"{subject} channel" if subject else "Shop"
    note_zh = "（窗口内有大促，回落可能是活动后的正常回归）" if promo else ""
    note_en = " (a promotion falls in the window; the fall may be the usual post-event dip)"
    return ctx.alert(
        rule="consecutive_decline",
        severity=sev,
        metric=metric,
        scope=scope,
        subject=subject,
        value=float(values[-1]),
        reference=float(values[0]),
        message_zh=f"{who_zh}{_metric_name(metric, 'zh')}连续 {n} 天下降：{path}"
        f"（累计 -{fall:.0%}）{note_zh}",
        message_en=f"{who_en} {_metric_name(metric, 'en')} fell {n} days in a row: {path} "
        f"(-{fall:.0%} in total)" + (note_en if promo else ""),
    )


def _rule_consecutive_decline(ctx: _Ctx) -> list[Alert]:
    # values on run_date - n .. run_date (n + 1 points), each strictly below the one before
    n = int(ctx.th.consecutive_decline_days)
    daily = _require_daily(ctx)
    dates = pd.date_range(ctx.run_date - pd.Timedelta(days=n), ctx.run_date, freq="D")
    if daily["date"].min() > dates[0]:
        raise _Skip(f"fewer than {n + 1} days of history")
    promo = bool(_promo_dates(ctx) & set(dates))
    d = _ratios(daily.set_index("date").reindex(dates).rename_axis("date").reset_index())
    traffic = ctx.has_table("traffic") and _has_values(ctx.daily, "uv")
    metrics = ["cvr", "gmv", "uv"] if traffic else ["gmv"]
    out = []
    min_drop = float(ctx.th.consecutive_decline_min_drop)
    for m in metrics:
        v = d[m].to_numpy(dtype=float)
        if _is_strict_decline(v) and _total_drop(v) >= min_drop:
            out.append(_decline_alert(ctx, m, "shop", "", v, promo))
    if traffic and ctx.daily_channel is not None and _has_values(ctx.daily_channel, "uv"):
        for ch in sorted(ctx.daily_channel["channel"].dropna().astype(str).unique()):
            f = _ratios(_channel_frame(ctx, ch, dates))
            if not (f["uv"].iloc[-1] >= ctx.th.channel_min_visitors):
                continue
            v = f["cvr"].to_numpy(dtype=float)
            if _is_strict_decline(v) and _total_drop(v) >= min_drop:
                out.append(_decline_alert(ctx, "cvr", "channel", ch, v, promo))
    return out


def _total_drop(values: np.ndarray) -> float:
    """Relative fall from the first to the last point: 1 - last / first."""
    return 1.0 - values[-1] / values[0] if values[0] > 0 else 0.0


def _refund_window(ctx: _Ctx) -> pd.DataFrame:
    if not ctx.has_table("after_sales") or ctx.refunds is None:
        raise _Skip("no after_sales table")
    return _window(ctx.refunds, ctx.run_date, ctx.th.return_window_days)


def _rule_return_concentration(ctx: _Ctx) -> list[Alert]:
    # share = cases with that reason (item) / all cases in the window
    r = _refund_window(ctx)
    th = ctx.th
    w = th.return_window_days
    total = len(r)
    if total < th.return_concentration_min_cases:
        return []
    out = []
    for col, scope, zh, en in (
        ("reason", "reason", "原因", "reason"),
        ("sku_id", "item", "商品", "item"),
    ):
        if col not in r.columns or r[col].isna().all():
            continue
        # A source that states one reason for everything (e.g. "order canceled") has no
        # reason breakdown: a 100 % share of that reason is not a finding.
        if col == "reason" and ctx.refunds["reason"].dropna().nunique() < 2:
            continue
        counts = r[col].dropna().astype(str).value_counts().sort_index()
        for subj, k in counts.items():
            share = k / total
            if share <= th.return_concentration_share:
                continue
            high = share >= (1 + th.return_concentration_share) / 2
            out.append(
                ctx.alert(
                    rule="return_concentration",
                    severity="high" if high else "medium",
                    metric="return_share",
                    scope=scope,
                    subject=subj,
                    value=share,
                    reference=th.return_concentration_share,
                    message_zh=f"近{w}日售后集中于{zh}「{subj}」：{k}/{total} 笔，占 {_pct(share)}"
                    f"（阈值 {_pct(th.return_concentration_share)}）",
                    message_en=f"Refund cases of the last {w} days concentrate on {en} "
                    f"'{subj}': {k}/{total} = {_pct(share)} "
                    f"(limit {_pct(th.return_concentration_share)})",
                )
            )
    return out


def _rule_item_return_rate(ctx: _Ctx) -> list[Alert]:
    # item return rate = returned units (refund quantity, 1 per case when missing) /
    # units sold, both over the return window
    r = _refund_window(ctx)
    if ctx.daily_item is None or "units" not in ctx.daily_item.columns:
        raise _Skip("no item sales in facts")
    th = ctx.th
    w = th.return_window_days
    sold = _window(ctx.daily_item, ctx.run_date, w).groupby("sku_id")["units"].sum()
    if "sku_id" not in r.columns or r["sku_id"].isna().all():
        raise _Skip("after_sales has no sku_id")
    # A credit note that names no order cannot be matched to a sale: it may reverse units
    # sold long before the window, and would push the "rate" past 100 %.
    if "order_id" in r.columns:
        r = r.loc[r["order_id"].notna()]
        if r.empty and "order_id" in ctx.refunds and ctx.refunds["order_id"].isna().all():
            raise _Skip("after-sales cases name no order: returns cannot be matched to sales")
    r = r.loc[r["sku_id"].notna()]
    if "quantity" in r.columns:
        q = pd.to_numeric(r["quantity"], errors="coerce").astype(float).fillna(1.0)
    else:
        q = pd.Series(1.0, index=r.index)
    returned = q.groupby(r["sku_id"].astype(str)).sum()
    out = []
    for sku in sorted(returned.index):
        units = float(sold.get(sku, 0.0))
        if units < th.item_min_units or units <= 0:
            continue
        rate = float(returned[sku]) / units
        if rate <= th.item_return_rate_max:
            continue
        out.append(
            ctx.alert(
                rule="item_return_rate",
                severity="high" if rate >= 2 * th.item_return_rate_max else "medium",
                metric="item_return_rate",
                scope="item",
                subject=sku,
                value=rate,
                reference=th.item_return_rate_max,
                message_zh=f"商品 {sku} 近{w}日退货率 {_pct(rate)}（退 {_num(returned[sku])} 件 / "
                f"售 {_num(units)} 件），高于阈值 {_pct(th.item_return_rate_max)}",
                message_en=f"Item {sku}: return rate {_pct(rate)} over {w} days "
                f"({_num(returned[sku])} returned / {_num(units)} sold), above "
                f"{_pct(th.item_return_rate_max)}",
            )
        )
    return out


CART_WINDOW_DAYS = 14


def _rule_cart_high_pay_low(ctx: _Ctx) -> list[Alert]:
    # over 14 days: cart rate = cart_users / visitors >= cart_rate threshold and
    # item CVR = orders (buyer proxy) / visitors < ratio x shop CVR (buyers / uv)
    it = ctx.item_traffic
    if it is None or it.empty or "visitors" not in it.columns:
        raise _Skip("no item-level traffic")
    if "cart_users" not in it.columns or it["cart_users"].isna().all():
        raise _Skip("no add-to-cart data in item traffic")
    daily = _require_daily(ctx)
    _require_traffic(ctx)
    th = ctx.th
    shop = _ratios(_sums(_window(daily, ctx.run_date, CART_WINDOW_DAYS), ["buyers", "uv"]))
    shop_cvr = _f(shop["cvr"].iloc[0])
    if shop_cvr is None:
        raise _Skip("no shop visitors in the window")
    t = _window(it, ctx.run_date, CART_WINDOW_DAYS)
    t = t.assign(sku_id=t["sku_id"].astype(str))[["sku_id", "visitors", "cart_users"]]
    t = t.groupby("sku_id").sum(min_count=1)
    if ctx.daily_item is not None and not ctx.daily_item.empty:
        di = _window(ctx.daily_item, ctx.run_date, CART_WINDOW_DAYS)
        orders = di.groupby(di["sku_id"].astype(str))["orders"].sum()
    else:
        orders = pd.Series(dtype=float)
    limit = th.cart_high_pay_low_cvr_ratio * shop_cvr
    out = []
    for sku, row in t.iterrows():
        vis = float(row["visitors"]) if pd.notna(row["visitors"]) else 0.0
        if vis < th.cart_min_visitors or vis <= 0:
            continue
        cart_rate = float(row["cart_users"]) / vis if pd.notna(row["cart_users"]) else np.nan
        item_cvr = float(orders.get(sku, 0.0)) / vis
        if not (cart_rate >= th.cart_high_pay_low_cart_rate and item_cvr < limit):
            continue
        out.append(
            ctx.alert(
                rule="cart_high_pay_low",
                severity="medium",
                metric="item_cvr",
                scope="item",
                subject=str(sku),
                value=item_cvr,
                reference=limit,
                message_zh=f"商品 {sku} 加购高、支付低：近{CART_WINDOW_DAYS}日加购率 {_pct(cart_rate)}，"
                f"转化率 {_pct(item_cvr)}，不到店铺转化率 {_pct(shop_cvr)} 的 "
                f"{th.cart_high_pay_low_cvr_ratio:.0%}；排查价格敏感、竞品分流、信任信号（评价/买家秀/保障）不足",
                message_en=f"Item {sku}: high add-to-cart, low payment - cart rate "
                f"{_pct(cart_rate)} over {CART_WINDOW_DAYS} days but CVR {_pct(item_cvr)}, under "
                f"{th.cart_high_pay_low_cvr_ratio:.0%} of the shop CVR {_pct(shop_cvr)}; check "
                "price sensitivity, competitor diversion and missing trust signals "
                "(reviews, buyer photos, guarantees)",
            )
        )
    return out


def _rule_channel_cvr_drop(ctx: _Ctx) -> list[Alert]:
    # channel CVR today = buyers / uv; trailing = sum buyers / sum uv over the 7 days before
    # (promo days replaced by the next earlier normal days); drop = 1 - today / trailing
    _require_traffic(ctx)
    dc = ctx.daily_channel
    if dc is None or not _has_values(dc, "uv"):
        raise _Skip("no channel traffic")
    th = ctx.th
    # baseline days: the 7 most recent non-promo days before the run date (within 35 days),
    # i.e. the trailing 7 days unless a festival falls in them
    promo = _promo_dates(ctx)
    recent = pd.date_range(ctx.run_date - pd.Timedelta(days=35), periods=35, freq="D")
    base_days = [d for d in recent if d not in promo][-7:]
    out = []
    for ch in sorted(dc["channel"].dropna().astype(str).unique()):
        rows = dc.loc[dc["channel"] == ch]
        today = _sums(rows.loc[rows["date"] == ctx.run_date], ["buyers", "uv"]).iloc[0]
        if not today["uv"] >= th.channel_min_visitors:
            continue
        before = rows.loc[(rows["date"] < ctx.run_date) & (rows["date"].isin(base_days))]
        trail = _sums(before, ["buyers", "uv"]).iloc[0]
        if not trail["uv"] > 0 or not trail["buyers"] > 0:
            continue
        cvr, base = today["buyers"] / today["uv"], trail["buyers"] / trail["uv"]
        drop = 1 - cvr / base
        if drop <= th.channel_cvr_drop:
            continue
        out.append(
            ctx.alert(
                rule="channel_cvr_drop",
                severity="high" if drop >= 2 * th.channel_cvr_drop else "medium",
                metric="cvr",
                scope="channel",
                subject=ch,
                value=cvr,
                reference=base,
                message_zh=f"{ch} 渠道转化率 {_pct(cvr)}，较近7日均值 {_pct(base)} 下降 {drop:.0%}"
                f"（访客 {_num(today['uv'])}）",
                message_en=f"{ch} channel CVR {_pct(cvr)}, down {drop:.0%} from its 7-day "
                f"average {_pct(base)} ({_num(today['uv'])} visitors)",
            )
        )
    return out


_RULE_FUNCS = {
    "cvr_below_industry": _rule_cvr_below_industry,
    "refund_rate": _rule_refund_rate,
    "unshipped_sla": _rule_unshipped_sla,
    "ad_swing": _rule_ad_swing,
    "consecutive_decline": _rule_consecutive_decline,
    "return_concentration": _rule_return_concentration,
    "item_return_rate": _rule_item_return_rate,
    "cart_high_pay_low": _rule_cart_high_pay_low,
    "channel_cvr_drop": _rule_channel_cvr_drop,
}


def _evaluate_rules(ctx: _Ctx) -> tuple[list[Alert], list[tuple[str, str]]]:
    alerts: list[Alert] = []
    skipped: list[tuple[str, str]] = []
    for rule, func in _RULE_FUNCS.items():
        try:
            alerts.extend(func(ctx))
        except _Skip as e:
            skipped.append((rule, str(e)))
    return alerts, skipped


def rule_alerts(
    facts: Any,
    settings: Settings,
    *,
    run_date: Any = None,
    market: pd.DataFrame | None = None,
) -> list[Alert]:
    """Evaluate every threshold rule of the methodology on the run date.

    Rule ids and formulas (parameters from ``settings.thresholds``):

    - ``cvr_below_industry``: buyers / uv on the run date < industry mean x
      (1 - ``cvr_below_industry``); industry mean from ``settings.industry_cvr`` or the
      ``market`` table (see :func:`industry_cvr`).
    - ``refund_rate``: refund_cases / orders on the run date (metric ``refund_rate``) and over
      the last 7 days (``refund_rate_7d``) > ``refund_rate_max``.
    - ``unshipped_sla``: open orders with hours_waiting > ``ship_sla_hours``; high when >= 10.
    - ``ad_swing``: per ad channel, spend and ROAS vs its trailing ``ad_lookback_days``
      (:func:`robust_z`), |z| > ``ad_swing_z``.
    - ``consecutive_decline``: shop CVR, GMV, UV and channel CVR strictly fell on each of the
      last ``consecutive_decline_days`` days (low severity when a promo day is in the window).
    - ``return_concentration``: over ``return_window_days``, one reason or item holds more
      than ``return_concentration_share`` of the refund cases, with at least
      ``return_concentration_min_cases`` cases.
    - ``item_return_rate``: returned units / units sold over the window > ``item_return_rate_max``
      with >= ``item_min_units`` sold.
    - ``cart_high_pay_low``: over 14 days, cart_users / visitors >= ``cart_high_pay_low_cart_rate``
      and orders / visitors < ``cart_high_pay_low_cvr_ratio`` x shop CVR, with >=
      ``cart_min_visitors`` visitors.
    - ``channel_cvr_drop``: 1 - CVR(run date) / CVR(7 days before, ratio of sums; promo days
      left out of the baseline and replaced by earlier normal days) > ``channel_cvr_drop``
      with >= ``channel_min_visitors`` visitors on the run date.

    Rules whose data is missing are skipped; :func:`collect_alerts` reports why.

    Parameters
    ----------
    facts : a ``Facts`` object (or anything with its attributes).
    settings : run settings.
    run_date : day to check; default ``facts.run_date``.
    market : optional ``market`` table for the industry CVR.
    """
    ctx = _context(facts, settings, run_date, market)
    return _evaluate_rules(ctx)[0]


# --------------------------------------------------------------------------------------
# everything together


def alerts_frame(alerts: Iterable[Alert]) -> pd.DataFrame:
    """Alerts as a DataFrame with :data:`ALERT_COLUMNS`, in report order.

    Order: severity (high first), rule (order of :data:`RULES`), metric, subject.
    """
    df = pd.DataFrame([a.to_dict() for a in alerts], columns=list(ALERT_COLUMNS))
    for c in ("value", "reference"):
        df[c] = df[c].astype(float)
    if df.empty:
        return df
    key = df.assign(
        _s=df["severity"].map(SEVERITY_RANK).fillna(99),
        _r=df["rule"].map(RULE_RANK).fillna(99),
    )
    key = key.sort_values(["_s", "_r", "rule", "metric", "scope", "subject"], kind="stable")
    return key.drop(columns=["_s", "_r"]).reset_index(drop=True)


def collect_alerts(
    facts: Any,
    settings: Settings,
    *,
    run_date: Any = None,
    market: pd.DataFrame | None = None,
) -> AlertReport:
    """Run every rule (:func:`rule_alerts`) and the statistical check
    (:func:`helpers.alerts.anomaly.anomaly_alerts`).

    Returns
    -------
    AlertReport with ``alerts`` (sorted, see :func:`alerts_frame`) and ``skipped``
    (``rule, reason`` for each check not evaluated, e.g. "no traffic table").
    """
    # imported here, not at the top: helpers.alerts.anomaly builds on this module's types
    from helpers.alerts.anomaly import ANOMALY_METRICS, _evaluate_anomalies

    ctx = _context(facts, settings, run_date, market)
    alerts, skipped = _evaluate_rules(ctx)
    more, skipped_more = _evaluate_anomalies(ctx, ANOMALY_METRICS)
    skipped_df = pd.DataFrame(skipped + skipped_more, columns=list(SKIP_COLUMNS))
    return AlertReport(alerts=alerts_frame(alerts + more), skipped=skipped_df)
