"""The morning message, built once from a run's ``summary.json`` for every platform.

What it holds, in the report language: shop and date; GMV and up to four headline numbers
with their change against the review's primary baseline (``review.headline``; without a
review, the daily review's KPI cards against the same weekday last week); the review's
"what changed" answer; the alerts by severity with "day N" when the same alert key fired
on the previous runs too (:mod:`.history`), those behind the top next actions first within
a severity; the next actions, highest money at stake
first; the notebooks that failed; a link to the report when ``notify.report_url`` is set.

The fields keep the data's own text: each platform's renderer makes it inert in its own
dialect (:mod:`.inert`). Numbers are formatted by :mod:`helpers.numbers`, words come from
:mod:`helpers.i18n`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from helpers import i18n, numbers
from helpers.notify.history import alert_key

#: The daily review's notebook (its KPI cards are the fallback headline).
REVIEW_NOTEBOOK = "05_daily_review"
#: Headline numbers shown besides GMV when the review gives none.
FALLBACK_METRICS = ("gmv", "orders", "cvr", "arpu", "uv")
MAX_HEADLINES = 5


@dataclass(frozen=True)
class Headline:
    """One headline number: label, formatted value and change against the baseline."""

    label: str
    value: str
    change: str


@dataclass(frozen=True)
class AlertLine:
    """One alert: severity key (high/medium/low), its label, the text, and day N."""

    severity: str
    severity_label: str
    text: str
    day: int = 1


@dataclass(frozen=True)
class ActionLine:
    """One next action: its rank, text and money at stake (formatted, '' when unknown)."""

    rank: int
    text: str
    money: str = ""


@dataclass(frozen=True)
class Message:
    """Everything a platform renderer needs (data text raw; renderers make it inert).

    Attributes
    ----------
    lang : str
        ``zh`` or ``en``.
    shop, date : str
        Shop name and run date.
    baseline : str
        The label of the baseline the changes are measured against ('' when unknown).
    headlines : tuple of Headline
    what_changed : tuple of str
        The review's answer to "what changed", one sentence per line (empty without a
        review).
    alerts : tuple of AlertLine
        Most urgent first.
    actions : tuple of ActionLine
        By rank (highest money at stake first).
    failed : tuple of str
        Titles of the notebooks that failed.
    link : str
        The report's address ('' when no ``report_url`` is configured).
    """

    lang: str
    shop: str
    date: str
    baseline: str
    headlines: tuple[Headline, ...]
    what_changed: tuple[str, ...]
    alerts: tuple[AlertLine, ...]
    actions: tuple[ActionLine, ...]
    failed: tuple[str, ...]
    link: str = ""

    def word(self, key: str, **fields: object) -> str:
        """A fixed text of the message in its language (:func:`helpers.i18n.t`)."""
        return i18n.t(key, self.lang, **fields)

    @property
    def title(self) -> str:
        return self.word("notify_title", shop=self.shop, date=self.date)


def find_section(summary: Mapping[str, Any], key: str) -> Any:
    """``summary[key]``, else the first notebook's ``extra[key]`` (the review's sidecar)."""
    if summary.get(key) is not None:
        return summary[key]
    extra = summary.get("extra") or {}
    for name in sorted(extra, key=lambda n: (n != REVIEW_NOTEBOOK, n)):
        block = extra[name]
        if isinstance(block, Mapping) and block.get(key) is not None:
            return block[key]
    return None


def change_text(change: Any, unit: str = "pct") -> str:
    """A change against the baseline as the review gives it: ``unit`` ``pct`` = percent
    (-12.3 -> ``-12.3%``), ``pp`` = percentage points for rates (-0.456 -> ``-0.46pp``,
    -1.23 -> ``-1.2pp``); an en dash when missing."""
    value = numbers.as_float(change)
    if value is None:
        return numbers.MISSING
    if unit == "pp":
        return f"{value:+.1f}pp" if abs(value) >= 1 else f"{value:+.2f}pp"
    return f"{value:+.1f}%"


def _value_text(metric: str, value: Any, currency: str, unit: Any = None) -> str:
    known = i18n.metric_unit(metric)
    if known:
        return numbers.format_value(numbers.as_float(value), known, currency=currency)
    return numbers.format_number(value, unit)


def _review_headlines(review: Mapping[str, Any], lang: str, currency: str) -> list[Headline]:
    rows = [r for r in review.get("headline") or [] if isinstance(r, Mapping)]
    rows.sort(key=lambda r: r.get("metric") != "gmv")
    return [
        Headline(
            i18n.metric_label(str(r.get("metric")), lang),
            _value_text(str(r.get("metric")), r.get("value"), currency),
            change_text(r.get("change"), str(r.get("change_unit") or "pct")),
        )
        for r in rows[:MAX_HEADLINES]
    ]


def _kpi_headlines(summary: Mapping[str, Any], lang: str, currency: str) -> list[Headline]:
    kpis = summary.get("kpis") or {}
    cards = kpis.get(REVIEW_NOTEBOOK) or next(
        (v for v in kpis.values() if isinstance(v, Mapping) and "gmv" in v), {}
    )
    out = []
    for metric in FALLBACK_METRICS:
        card = cards.get(metric)
        if isinstance(card, Mapping):
            value = _value_text(metric, card.get("value"), currency, card.get("unit"))
            label = i18n.metric_label(metric, lang)
            change = numbers.format_change(numbers.as_float(card.get("vs_last_week")))
            out.append(Headline(label, value, change))
    return out[: MAX_HEADLINES - 1]


def _headlines(summary: Mapping[str, Any], review: Any, lang: str) -> tuple[list, str]:
    """The headline numbers and the label of their baseline."""
    currency = str(summary.get("currency") or "CNY")
    if isinstance(review, Mapping) and review.get("headline"):
        base = review.get("baseline") or {}
        label = str(base.get(f"label_{lang}") or base.get("label_zh") or "")
        return _review_headlines(review, lang, currency), label
    return _kpi_headlines(summary, lang, currency), i18n.label(
        i18n.BASELINES, "same_weekday_last_week", lang
    )


def _action_ranks(summary: Mapping[str, Any]) -> dict[str, float]:
    """Alert key -> rank of the first next action that names it."""
    ranks: dict[str, float] = {}
    for r in find_section(summary, "next_actions") or []:
        if isinstance(r, Mapping):
            rank = numbers.as_float(r.get("rank")) or math.inf
            for key in r.get("alert_keys") or []:
                ranks[str(key)] = min(ranks.get(str(key), math.inf), rank)
    return ranks


def _alert_order(a: Mapping[str, Any], ranks: Mapping[str, float]) -> tuple:
    """Most urgent first; within a severity the alerts behind the top-ranked next actions
    (highest money at stake), then the daily review's, then the others as listed."""
    sev = i18n.SEVERITY_RANK.get(str(a.get("severity") or "").lower(), len(i18n.SEVERITIES))
    return sev, ranks.get(alert_key(a), math.inf), a.get("notebook") != REVIEW_NOTEBOOK


def _alerts(summary: Mapping[str, Any], lang: str, days: Mapping[str, int]) -> list[AlertLine]:
    rows = [a for a in summary.get("alerts") or [] if isinstance(a, Mapping)]
    ranks = _action_ranks(summary)
    rows.sort(key=lambda a: _alert_order(a, ranks))  # stable: ties keep the summary's order
    out = []
    for a in rows:
        sev = str(a.get("severity") or "").lower()
        text = a.get(f"message_{lang}") or a.get("message") or a.get("rule_name") or ""
        label = i18n.label(i18n.SEVERITY, sev, lang)
        out.append(AlertLine(sev, label, str(text), int(days.get(alert_key(a), 1))))
    return out


def _actions(summary: Mapping[str, Any], lang: str) -> list[ActionLine]:
    rows = [r for r in find_section(summary, "next_actions") or [] if isinstance(r, Mapping)]
    rows.sort(key=lambda r: numbers.as_float(r.get("rank")) or 1e9)
    out = []
    for i, r in enumerate(rows, 1):
        money = numbers.as_float(r.get("money_at_stake"))
        currency = str(r.get("currency") or summary.get("currency") or "CNY")
        shown = "" if not money else numbers.format_value(money, "currency", currency=currency)
        text = r.get(f"text_{lang}") or r.get("text_zh") or ""
        key = "notify_at_stake_once" if r.get("stake_kind") == "once" else "notify_at_stake"
        out.append(ActionLine(i, str(text), i18n.t(key, lang, money=shown) if shown else ""))
    return out


def _answer(review: Any, lang: str) -> tuple[str, ...]:
    """The lines of the review's "what changed" answer (one sentence per line)."""
    if not isinstance(review, Mapping):
        return ()
    answer = (review.get("answers") or {}).get("what_changed") or {}
    text = str(answer.get(lang) or "") if isinstance(answer, Mapping) else ""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def build_message(
    summary: Mapping[str, Any], *, days: Mapping[str, int] | None = None, report_url: str = ""
) -> Message:
    """The message of one run (``summary`` = its ``summary.json``).

    Parameters
    ----------
    days : alert key -> day N (:func:`helpers.notify.history.streaks`); missing keys = 1.
    report_url : where report folders are published; the link is
        ``<report_url>/<run_date>/index.html``.
    """
    lang = str(summary.get("lang")) if summary.get("lang") in i18n.LANGS else "zh"
    date = str(summary.get("run_date") or "")
    review = find_section(summary, "review")
    headlines, baseline = _headlines(summary, review, lang)
    failed = [
        str(nb.get("title") or nb.get("name"))
        for nb in summary.get("notebooks") or []
        if isinstance(nb, Mapping) and nb.get("status") != "ok"
    ]
    link = f"{report_url.rstrip('/')}/{date}/index.html" if report_url else ""
    return Message(
        lang=lang,
        shop=str(summary.get("shop_name") or ""),
        date=date,
        baseline=baseline,
        headlines=tuple(headlines),
        what_changed=_answer(review, lang),
        alerts=tuple(_alerts(summary, lang, days or {})),
        actions=tuple(_actions(summary, lang)),
        failed=tuple(failed),
        link=link,
    )
