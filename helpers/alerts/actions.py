"""Next actions: turn the day's alerts into a short, concrete to-do list.

Each alert becomes one next step that names the metric, the channel or item, and what to
check, following the methodology: diagnose top-down (shop trend -> channel -> item) and change
one variable at a time, then review the effect the next day. Alerts of the same rule and
subject (e.g. CVR and GMV of the shop both falling, or the day's and the 7-day refund rate)
are grouped into one step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from helpers import i18n
from helpers.alerts.base import ALERT_COLUMNS, REGISTRY, ActionText, Alert, AlertReport
from helpers.cells import frame_records
from helpers.numbers import as_float, num, pct
from helpers.report import alert_key

ACTION_COLUMNS: tuple[str, ...] = (
    "priority",
    "rule",
    "metric",
    "subject",
    "action",
    "severity",
    "key",
    "alert_keys",
    "money_at_stake",
    "stake_kind",
)

#: Column of an alerts frame holding the money each alert puts at stake (see
#: :func:`helpers.daily_review.stakes.money_at_stake`); optional.
STAKE = "money_at_stake"
#: Column saying whether that money is lost every day (``per_day``, the default) or at risk
#: once (``once``: e.g. overdue orders' paid amount); optional.
STAKE_KIND = "stake_kind"
#: Horizon on which a per-day stake is compared with a one-time stake when ranking: a cause
#: left alone for a week costs 7 x its daily money; a one-time amount counts once.
STAKE_HORIZON_DAYS = 7

#: The assistant's daily checklist, kept on a quiet day.
ROUTINE_CHECKS = {
    "zh": "今日无告警：照常完成每日检查——订单状态、发货与物流、退货退款、客服工单、"
    "推广数据、今日活动安排",
    "en": "No alerts today: keep the daily checklist - order status, shipping and logistics, "
    "returns and refunds, service tickets, ad data, today's promotion plan",
}

#: The next step of an alert of an unknown rule: this prefix and the alert's message.
GENERIC = ActionText(zh="核实并下钻：{message}", en="Verify and drill down: {message}")

#: How a subject is named inside a next step, by scope (zh, en); ``{subject}`` is filled in.
WHO: dict[str, tuple[str, str]] = {
    "channel": ("{subject} 渠道", "{channel_en} channel"),
    "item": ("商品 {subject}", "Item {subject}"),
    "reason": ("退款原因「{subject}」", "refund reason '{subject}'"),
}


def _as_frame(alerts: Any) -> pd.DataFrame:
    if isinstance(alerts, AlertReport):
        return alerts.alerts
    if isinstance(alerts, pd.DataFrame):
        return alerts
    rows = [a.to_dict() if isinstance(a, Alert) else dict(a) for a in alerts]
    return pd.DataFrame(rows, columns=list(ALERT_COLUMNS))


def who(subject: str, scope: str, lang: str) -> str:
    """The subject as a next step names it: 店铺 / Shop, ``直播 渠道``, ``商品 S1`` ..."""
    if not subject:
        return "店铺" if lang == "zh" else "Shop"
    pair = WHO.get(scope)
    if pair is None:
        return subject
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(subject=subject, channel_en=i18n.channel_label(subject, "en"))


def action_fields(row: pd.Series, metrics: list[str], lang: str, text: ActionText) -> dict:
    """The placeholders of an :class:`~helpers.alerts.base.ActionText` for one alert row
    (the first of its group) and the metrics of the group."""
    value, reference = as_float(row["value"]), as_float(row["reference"])
    metric, scope, subject = str(row["metric"]), str(row["scope"]), row["subject"]
    pick = 0 if lang == "zh" else 1
    fields = {
        "who": who(subject, scope, lang),
        "channel": who(subject, "channel", lang),
        "item": who(subject, "item", lang),
        "subject": subject,
        "metric": i18n.metric_in_text(metric, lang),
        "metrics": ("、" if lang == "zh" else ", ").join(
            i18n.metric_in_text(m, lang) for m in metrics
        ),
        "value": i18n.metric_value_in_text(metric, value),
        "reference": i18n.metric_value_in_text(metric, reference),
        "value_pct": pct(value),
        "reference_pct": pct(reference),
        "value_num": num(value),
        "reference_num": num(reference),
        "message": str(row.get("message_zh" if lang == "zh" else "message_en", "")),
    }
    for name, by_scope in text.words.items():
        fields[name] = by_scope.get(scope, by_scope.get("*", ("", "")))[pick]
    hint = _text(row.get("hint_zh" if lang == "zh" else "hint_en", ""))
    if hint or "hint" not in fields:  # the data's hint, else the rule's default wording
        fields["hint"] = hint
    return fields


def _text(value: Any) -> str:
    """A text cell, empty for a missing value."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def action_text(row: pd.Series, metrics: list[str], lang: str) -> str:
    """The next step for one group of alerts: its rule's template filled from ``row``."""
    rule = REGISTRY.get(str(row["rule"]))
    text = GENERIC if rule is None else rule.action
    return text.template(lang).format(**action_fields(row, metrics, lang, text))


def next_actions(
    alerts: pd.DataFrame | AlertReport | Iterable[Alert], *, lang: str = "zh", limit: int = 8
) -> pd.DataFrame:
    """One concrete next step per cause (alerts of the same rule and subject grouped).

    Parameters
    ----------
    alerts : the ``alerts`` frame of :func:`helpers.alerts.collect_alerts` (or the report
        itself, or a list of :class:`~helpers.alerts.Alert`), optionally with a
        ``money_at_stake`` column (¥ a day lost or at risk, per alert).
    lang : ``zh`` or ``en``.
    limit : at most this many steps (the most urgent ones).

    Returns
    -------
    DataFrame :data:`ACTION_COLUMNS`. ``priority`` is 1..n: the money at stake first (largest
    first; steps without an estimate after those with one; a ``per_day`` stake weighs
    :data:`STAKE_HORIZON_DAYS` x its money against a one-time (``once``) amount, the two are
    never added), then severity, rule order
    (:data:`helpers.alerts.base.REGISTRY`) and subject. A step's money is the largest of its
    alerts' (one cause, counted once); ``metric`` lists the grouped metrics comma-separated;
    ``key`` is ``"<rule>|<subject>"`` (``"anomaly|<metric>"`` for the shop-wide statistical
    check, ``"<rule>|<scope>"`` without a subject), stable across days; ``alert_keys`` the :func:`helpers.report.alert_key` of the
    grouped alerts. Without alerts, one row (rule ``none``) keeps the daily routine checks.
    A statistical flag (``anomaly``) on a metric that a rule alert also covers gives no step
    of its own (one cause, one step).
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    df = _as_frame(alerts)
    if df.empty:
        return _routine(lang)
    df = _one_step_per_cause(df)
    stake = df[STAKE] if STAKE in df else pd.Series(np.nan, index=df.index)
    kind = df[STAKE_KIND] if STAKE_KIND in df else pd.Series("per_day", index=df.index)
    df = df.assign(
        _k=kind.fillna("per_day").astype(str),
        subject=df["subject"].fillna("").astype(str),
        _s=df["severity"].map(i18n.SEVERITY_RANK).fillna(99),
        _r=df["rule"].map(REGISTRY.rank),
        _m=pd.to_numeric(stake, errors="coerce"),
    )
    # anomalies are shop-wide: one step per metric; other rules: one step per subject
    df = df.assign(_g=np.where(df["rule"] == "anomaly", df["metric"], df["subject"]))
    df = df.sort_values(["_s", "_r", "rule", "_g", "metric"], kind="stable")
    rows = [_step(grp, lang) for _, grp in df.groupby(["rule", "_g"], sort=False)]
    out = pd.DataFrame(rows).assign(_none=lambda f: f[STAKE].isna(), _neg=lambda f: -_horizon(f))
    out = out.sort_values(["_none", "_neg", "_s", "_r", "rule", "subject", "metric"], kind="stable")
    out = out.head(limit).reset_index(drop=True)
    out.insert(0, "priority", np.arange(1, len(out) + 1))
    return out[list(ACTION_COLUMNS)]


def _horizon(steps: pd.DataFrame) -> pd.Series:
    """Money of each step over :data:`STAKE_HORIZON_DAYS`: a per-day stake x the horizon,
    a one-time stake once (the ranking key; the money shown stays as estimated)."""
    days = np.where(steps[STAKE_KIND].eq("once"), 1.0, float(STAKE_HORIZON_DAYS))
    return steps[STAKE] * days


def _routine(lang: str) -> pd.DataFrame:
    """The one step of a day without alerts: the daily routine checks."""
    row: dict[str, Any] = dict.fromkeys(ACTION_COLUMNS, "")
    row.update(priority=1, rule="none", action=ROUTINE_CHECKS[lang], key="none")
    row.update(alert_keys=[], money_at_stake=np.nan, stake_kind="")
    return pd.DataFrame([row], columns=list(ACTION_COLUMNS))


def _step(grp: pd.DataFrame, lang: str) -> dict[str, Any]:
    """One next step from the alerts of one cause (sorted, most urgent first)."""
    first = grp.iloc[0]
    metrics = list(dict.fromkeys(grp["metric"].astype(str)))
    money = grp["_m"].max()
    return {
        "_s": first["_s"],
        "_r": first["_r"],
        "rule": str(first["rule"]),
        "metric": ", ".join(metrics),
        "subject": first["subject"],
        "action": _localise(action_text(first, metrics, lang), lang),
        "severity": str(first["severity"]),
        "key": f"{first['rule']}|{first['_g'] or first['scope']}",
        "alert_keys": [alert_key(r) for r in frame_records(grp)],
        STAKE: float(money) if pd.notna(money) else np.nan,
        STAKE_KIND: str(first["_k"]),
    }


def _one_step_per_cause(df: pd.DataFrame) -> pd.DataFrame:
    """Leave out statistical flags on a metric that a rule already acts on in the same
    direction (both above, or both below, their reference): the rule's step names the channel
    or item behind it (one ad-spend jump gives one step, not two); and a refund reason's
    concentration when an item's return step already names that reason as its cause."""
    up = pd.to_numeric(df["value"], errors="coerce") > pd.to_numeric(
        df["reference"], errors="coerce"
    )
    key: pd.Series = df["metric"].astype(str) + up.map({True: "+", False: "-"})
    ruled: set[str] = set(key[df["rule"] != "anomaly"])
    df = df.loc[~(df["rule"].eq("anomaly") & key.isin(ruled))]
    # a reason that an item's return step already names is the same cause: one step
    hints = " ".join(df.loc[df["rule"].eq("item_return_rate"), "hint_zh"].fillna("").astype(str))
    named = df["subject"].astype(str).map(lambda r: bool(r) and f"「{r}」" in hints)
    return df.loc[~(df["rule"].eq("return_concentration") & df["scope"].eq("reason") & named)]


def _localise(text: str, lang: str) -> str:
    """English actions name the known channels in English."""
    return i18n.english_channels(text) if lang == "en" else text
