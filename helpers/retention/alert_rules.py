"""The retention alert rules, declared once in :data:`helpers.alerts.REGISTRY`.

Each rule reads a :class:`~helpers.retention.snapshot.Retention` (the notebook's results)
and compares a customer measure with the same measure a year earlier; its thresholds are
fields of the ``retention:`` section of ``playbook.yaml``. ``playbook check``, the retention
page's not-checked list and docs/alerts.md read these declarations. This module imports
nothing of the retention package at run time, so :func:`helpers.themes.load_alert_rules`
can register the rules without loading the theme's computations.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from helpers.alerts.base import REGISTRY, ActionText, Alert, Evaluate, Skip

if TYPE_CHECKING:  # pragma: no cover - types only
    from helpers.retention.snapshot import Retention

#: Days of order history both rules need: the measure a year before the run date.
YEAR_DAYS = 366


def _known(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _year_on_year(
    r: Retention, rule: str, metric: str, now: float, before: float, worse: float, step: float,
    text: tuple[str, str],
) -> list[Alert]:  # fmt: skip
    """The rule's alert when the measure got ``worse`` than a year earlier by ``step`` or
    more (high at twice ``step``); none otherwise. ``text`` is ``(zh, en)``."""
    if worse < step:
        return []
    severity = "high" if worse >= 2 * step else "medium"
    return [Alert(rule=rule, severity=severity, metric=metric, scope="shop", subject="",
                  date=f"{r.run_date:%Y-%m-%d}", value=now, reference=before,
                  message_zh=text[0], message_en=text[1])]  # fmt: skip


def retention_rule(**declaration: Any) -> Callable[[Evaluate], Evaluate]:
    """``REGISTRY.rule`` with what every retention rule shares: the theme and its settings
    section, and a year of order history (the measure a year before the run date)."""
    return REGISTRY.rule(
        min_history=lambda _thresholds: YEAR_DAYS,
        theme="retention",
        settings="retention",
        **declaration,
    )


@retention_rule(
    id="dormant_share_up",
    name=("沉睡客户占比上升", "Dormant share up"),
    catches=(
        "a rise in the share of dormant customers against a year earlier: dormant share - "
        "share a year ago >= `dormant_share_rise` (high at twice that)"
    ),
    action=ActionText(
        "先看召回名单：按累计实付从高到低联系沉睡客户。",
        "Start with the win-back list: reach the dormant customers, highest spend first.",
    ),
    rank=110,
    thresholds=("dormant_share_rise",),
)
def dormant_share_up(r: Retention) -> list[Alert]:
    """Dormant share now against the share a year earlier (:class:`Skip` without it)."""
    now, before = r.dormant_share, r.dormant_share_last_year
    if not (_known(now) and _known(before)):
        raise Skip("no customers a year before the run date", "复盘日一年前还没有客户")
    rise, step = now - before, r.settings.dormant_share_rise
    zh = f"沉睡客户占比 {now:.1%}，比一年前（{before:.1%}）上升 {rise * 100:.1f} 个百分点：先看召回名单。"
    en = f"Dormant share {now:.1%}, {rise * 100:.1f} points above a year ago ({before:.1%}): start with the win-back list."
    return _year_on_year(r, "dormant_share_up", "dormant_share", now, before, rise, step, (zh, en))


@retention_rule(
    id="repeat_rate_down",
    name=("复购率下降", "Repeat rate down"),
    catches=(
        "a fall of the repeat-purchase rate against the same window a year earlier: repeat "
        "rate / rate a year ago - 1 <= -`repeat_rate_fall` (high at twice that)"
    ),
    action=ActionText(
        "查新客首单体验和老客触达。",
        "Check the first-order experience and customer outreach.",
    ),
    rank=120,
    thresholds=("repeat_rate_fall",),
)
def repeat_rate_down(r: Retention) -> list[Alert]:
    """Repeat rate of the window against the same window a year earlier."""
    now, before = r.repeat.rate, r.repeat_last_year.rate
    if not (_known(now) and _known(before)) or before == 0:
        raise Skip(
            "no repeat purchases in the same window a year earlier",
            "去年同期没有复购可比",
        )
    change, step = now / before - 1, r.settings.repeat_rate_fall
    days = r.settings.repeat_window_days
    zh = f"近 {days} 天复购率 {now:.1%}，比去年同期（{before:.1%}）下降 {-change:.0%}：查新客首单体验和老客触达。"
    en = f"Repeat rate over {days} days {now:.1%}, {-change:.0%} below the same window a year ago ({before:.1%}): check first-order experience and customer outreach."
    return _year_on_year(r, "repeat_rate_down", "repeat_rate", now, before, -change, step, (zh, en))
