"""What every alert check builds on: the alert types, the rule context, the rule registry.

* :class:`Alert` and :class:`AlertReport` - one finding, and all findings of a run with the
  checks that could not run.
* :class:`RuleContext` - the facts of one run cut at the run date, with the settings; a
  rule reads nothing else. :func:`rule_context` builds it from a ``Facts`` object.
* :class:`Rule` and :data:`REGISTRY` - an alert rule declared once: id, names, the tables
  it needs, the thresholds it reads, how it evaluates and its next-action text.
  :mod:`helpers.alerts.rules` and :mod:`helpers.alerts.anomaly` register theirs here; the
  data check, the actions, the docs and the report read the registry.
* :class:`Skip` - raised by a rule that lacks its data; the message is the recorded reason.
* Shared tools: :func:`robust_z`, :func:`window`, :func:`sums`, :func:`promo_dates` ...

This module imports no other module of :mod:`helpers.alerts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from helpers import i18n, numbers
from helpers.cells import frame_records
from helpers.settings import Settings, Thresholds

MAD_SCALE = 1.4826  # MAD x 1.4826 estimates the standard deviation of normal noise


@dataclass(frozen=True)
class Alert:
    """One alert.

    Attributes
    ----------
    rule : rule id (a key of :data:`REGISTRY`).
    severity : ``high`` / ``medium`` / ``low`` (:data:`helpers.i18n.SEVERITIES`).
    metric : metric id (a key of :data:`helpers.i18n.METRICS`).
    scope : ``shop`` / ``channel`` / ``item`` / ``order`` / ``reason``.
    subject : channel name, sku_id or refund reason; ``""`` for the whole shop.
    date : run date ``YYYY-MM-DD``.
    value : the observed value (ratio, count or money), or None.
    reference : the threshold or baseline it was compared with, or None.
    message_zh, message_en : one concrete sentence with the numbers.
    hint_zh, hint_en : the specific next step the data point to (e.g. the dominant return
        reason and what to fix), filling the rule's ``{hint}`` placeholder; empty when the
        data hold no more than the message.
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
    hint_zh: str = ""
    hint_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ALERT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Alert))
SKIP_COLUMNS: tuple[str, ...] = ("rule", "reason", "reason_zh")


@dataclass(frozen=True)
class AlertReport:
    """All alerts of a run and the checks that could not run.

    Attributes
    ----------
    alerts : DataFrame with the :class:`Alert` columns, sorted by severity, rule (report
        order of :data:`REGISTRY`), metric and subject.
    skipped : DataFrame ``rule, reason, reason_zh``: checks (or parts of them) not evaluated
        for lack of data, the reason in English and in Chinese.
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
            "alerts": [clean_record(r) for r in frame_records(self.alerts)],
            "skipped": [clean_record(r) for r in frame_records(self.skipped)],
        }

    def not_checked(self, lang: str = "zh") -> list[str]:
        """The checks not evaluated, one line each: the rule's name and the reason, in
        ``lang`` (plain text; escape it for Markdown)."""
        zh = i18n.check_lang(lang) == "zh"
        return [
            f"{REGISTRY.label(str(r.rule), lang)}：{r.reason_zh}"
            if zh
            else f"{REGISTRY.label(str(r.rule), lang)}: {r.reason}"
            for r in self.skipped.itertuples(index=False)
        ]


class Skip(Exception):
    """Raised by a rule that cannot be evaluated: the recorded reason, in English and (``zh``)
    in Chinese."""

    def __init__(self, reason: str, zh: str) -> None:
        super().__init__(reason)
        self.zh = zh


@dataclass(frozen=True)
class Findings:
    """What a rule found when parts of it could not run (e.g. one metric lacks history).

    A rule returns a plain list of alerts when it ran in full, raises :class:`Skip` when it
    could not run at all, and returns ``Findings`` to record the parts it skipped, each as
    ``(reason, reason_zh)``.
    """

    alerts: list[Alert]
    skipped: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# small tools


def clean_record(rec: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-ready record: floats rounded to 6 decimals, NaN and NA -> None, numpy ints -> int."""
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


def has_values(df: pd.DataFrame | None, col: str) -> bool:
    """Whether ``df`` has column ``col`` with at least one value."""
    return df is not None and col in df.columns and bool(df[col].notna().any())


def window(df: pd.DataFrame, end: pd.Timestamp, days: int, *, include_end: bool = True):
    """Rows with ``date`` in ``[end - days + 1, end]`` (or ``[end - days, end - 1]``)."""
    if include_end:
        lo, hi = end - pd.Timedelta(days=days - 1), end
    else:
        lo, hi = end - pd.Timedelta(days=days), end - pd.Timedelta(days=1)
    return df.loc[(df["date"] >= lo) & (df["date"] <= hi)]


def sums(df: pd.DataFrame, cols: Iterable[str]) -> pd.DataFrame:
    """One-row frame of column sums (NaN treated as 0), ready for ``add_ratios``."""
    return pd.DataFrame(
        [{c: float(pd.to_numeric(df[c], errors="coerce").sum()) for c in cols if c in df}]
    )


def day_rows(df: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The rows of ``day``; :class:`Skip` when there are none."""
    rows = df.loc[df["date"] == day]
    if rows.empty:
        raise Skip(f"no daily row for {day:%Y-%m-%d}", f"没有 {day:%Y-%m-%d} 的日数据")
    return rows


# --------------------------------------------------------------------------------------
# the rule context


@dataclass(frozen=True)
class RuleContext:
    """The facts of one run, cut at the run date, and the settings: all a rule reads.

    Attributes
    ----------
    run_date : the day checked (midnight).
    settings : the run's settings; :attr:`th` is ``settings.thresholds``.
    daily, daily_channel, daily_item, item_traffic, refunds : the facts' frames with
        ``date`` on or before the run date (None when the facts lack them).
    open_orders, promo_days : as in the facts.
    market : the ``market`` table, for the industry CVR.
    available : contract tables present (None when unknown: then read off the frames).
    facts_run_date : the run date the facts were built for.
    """

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

    def alert(
        self,
        rule: str,
        severity: str,
        metric: str,
        where: tuple[str, str],
        value: Any,
        reference: Any,
        message: tuple[str, str],
        hint: tuple[str, str] = ("", ""),
    ) -> Alert:
        """An :class:`Alert` dated on the run date.

        ``where`` is ``(scope, subject)``, ``message`` ``(zh, en)``; NaN values become None
        and the English message names the known channels in English.
        """
        scope, subject = where
        return Alert(
            rule=rule,
            severity=severity,
            metric=metric,
            scope=scope,
            subject=subject,
            date=self.day,
            value=numbers.as_float(value),
            reference=numbers.as_float(reference),
            message_zh=message[0],
            message_en=i18n.english_channels(message[1]),
            hint_zh=hint[0],
            hint_en=i18n.english_channels(hint[1]),
        )

    def has_table(self, name: str) -> bool:
        """Whether a contract table was present (from ``facts.available`` or the data)."""
        if self.available:
            return name in self.available
        if name == "traffic":
            return has_values(self.daily, "uv")
        if name == "ad_spend":
            return has_values(self.daily, "ad_spend")
        if name == "after_sales":
            return self.refunds is not None
        return False

    def require_daily(self) -> pd.DataFrame:
        """The daily facts; :class:`Skip` without them."""
        if self.daily is None or self.daily.empty:
            raise Skip("no daily facts", "没有日汇总数据")
        return self.daily

    def require_refunds(self) -> pd.DataFrame:
        """The after-sales facts; :class:`Skip` without the after_sales table."""
        if not self.has_table("after_sales") or self.refunds is None:
            raise Skip("no after_sales table", "缺少售后表")
        return self.refunds

    def require_traffic(self) -> None:
        """:class:`Skip` unless the traffic table is present and the daily facts carry UV."""
        if not self.has_table("traffic") or not has_values(self.daily, "uv"):
            raise Skip("no traffic table", "缺少流量表")

    def promo_dates(self) -> set[pd.Timestamp]:
        """Festival and promotion days: ``daily.phase`` set, or listed in ``promo_days``."""
        days: set[pd.Timestamp] = set()
        if self.daily is not None and "phase" in self.daily.columns:
            days |= set(self.daily.loc[self.daily["phase"].notna(), "date"])
        pdays = self.promo_days
        if isinstance(pdays, pd.DataFrame) and not pdays.empty and "date" in pdays.columns:
            days |= set(pd.to_datetime(pdays["date"]).dt.normalize())
        return {pd.Timestamp(d) for d in days}

    def channel_frame(self, channel: str, dates: pd.DatetimeIndex) -> pd.DataFrame:
        """One channel's daily rows on ``dates`` (missing days: additive columns NaN)."""
        dc = self.daily_channel
        if dc is None:
            raise Skip("no channel facts", "没有分渠道日汇总数据")
        rows = dc.loc[dc["channel"] == channel]
        num = rows.select_dtypes("number").columns.difference(["date"])
        rows = rows.groupby("date")[list(num)].sum(min_count=1).reindex(dates)
        rows.index.name = "date"
        return rows.reset_index()


def _get(facts: Any, name: str) -> Any:
    if isinstance(facts, Mapping):
        return facts.get(name)
    return getattr(facts, name, None)


def _cut(df: Any, run_date: pd.Timestamp, col: str = "date") -> pd.DataFrame | None:
    if df is None or not isinstance(df, pd.DataFrame):
        return None
    if col in df.columns:
        dates = pd.to_datetime(df[col]).dt.normalize()
        df = df.loc[dates <= run_date].copy()
        df[col] = dates.loc[df.index]
    return df


def _run_date(facts: Any, run_date: Any) -> pd.Timestamp:
    """The day to check: ``run_date``, else the facts' run date, else their last day."""
    if run_date is not None and str(run_date) != "":
        return pd.Timestamp(run_date).normalize()
    facts_rd = _get(facts, "run_date")
    if facts_rd is not None:
        return pd.Timestamp(facts_rd).normalize()
    daily = _get(facts, "daily")
    if isinstance(daily, pd.DataFrame) and not daily.empty:
        return pd.Timestamp(pd.to_datetime(daily["date"]).max()).normalize()
    raise ValueError("run_date is unknown: pass run_date or facts with run_date/daily")


def rule_context(
    facts: Any, settings: Settings, run_date: Any = None, market: pd.DataFrame | None = None
) -> RuleContext:
    """The :class:`RuleContext` of ``facts`` on ``run_date`` (default: the facts' run date).

    ``facts`` is read by duck typing: any object (or mapping) with the attributes
    ``run_date``, ``daily``, ``daily_channel``, ``daily_item``, ``item_traffic``,
    ``open_orders``, ``refunds``, ``promo_days`` and ``available`` works; missing attributes
    mean "no data". Dated frames are cut at the run date.
    """
    facts_rd = _get(facts, "run_date")
    facts_rd = None if facts_rd is None else pd.Timestamp(facts_rd).normalize()
    rd = _run_date(facts, run_date)
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
    return RuleContext(
        run_date=rd,
        settings=settings,
        daily=_cut(_get(facts, "daily"), rd),
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


# --------------------------------------------------------------------------------------
# rules, declared once


@dataclass(frozen=True)
class ActionText:
    """A rule's next step as a template per language, filled from the alert row.

    Placeholders (see :func:`helpers.alerts.actions.action_fields`): ``{who}`` (shop,
    channel, item or reason by the alert's scope), ``{channel}``, ``{item}``, ``{subject}``,
    ``{metric}`` / ``{metrics}`` (names of the alert's metric / of the grouped metrics),
    ``{value}`` / ``{reference}`` (formatted as the metric), ``{value_pct}``,
    ``{reference_pct}``, ``{value_num}``, ``{reference_num}``.

    ``words`` adds placeholders whose wording depends on the alert's scope:
    ``{"drill": {"channel": (zh, en), "*": (zh, en)}}`` (``*`` for every other scope).
    """

    zh: str
    en: str
    words: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)

    def template(self, lang: str) -> str:
        return self.zh if i18n.check_lang(lang) == "zh" else self.en


#: ``evaluate(ctx)``: ``ctx`` is a :class:`RuleContext` for the daily review's rules, the
#: theme's own results (e.g. :class:`helpers.retention.Retention`) for a theme's rules.
Evaluate = Callable[[Any], "list[Alert] | Findings"]
History = Callable[[Thresholds], int]


@dataclass(frozen=True)
class Rule:
    """One alert rule, declared once.

    Attributes
    ----------
    id : rule id, the ``rule`` of its alerts.
    name : display name (zh, en).
    catches : what it catches, one English sentence with the formula (for the docs).
    evaluate : ``evaluate(ctx) -> list[Alert]``; raises :class:`Skip` when its data is
        missing, or returns :class:`Findings` to record the parts it skipped.
    action : the next step for its alerts (:class:`ActionText`).
    rank : place in the report among alerts of the same severity (lower first).
    needs : contract tables it needs besides orders and order lines (skipped without them).
    enriched_by : tables that only add metrics (the rule runs in part without them).
    requires : data it needs beyond tables, as the data check names it: ``shipped_at``
        (orders carry shipping times), ``industry_cvr``, ``item_cart_traffic`` (item traffic
        with add-to-cart users), ``after_sales_sku``, ``after_sales_order`` (after-sales cases
        name their item / order). The first one missing is reported.
    min_history : days of order history it needs, from the thresholds (None: no minimum).
    thresholds : the :class:`helpers.settings.Thresholds` fields it reads.
    kind : ``threshold`` (a fixed rule of the methodology) or ``statistical`` (a series
        against its own baseline); the thresholds run first.
    theme : the theme whose notebook evaluates the rule: ``daily_review`` (on a
        :class:`RuleContext`, by :func:`helpers.alerts.collect_alerts`) or another theme (on
        that theme's results, by the theme itself; declared in its ``alert_rules`` module).
    settings : the ``playbook.yaml`` section holding its :attr:`thresholds`
        (``thresholds``, or the theme's section such as ``retention``).
    """

    id: str
    name: tuple[str, str]
    catches: str
    evaluate: Evaluate
    action: ActionText
    rank: int
    needs: tuple[str, ...] = ()
    enriched_by: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    min_history: History | None = None
    thresholds: tuple[str, ...] = ()
    kind: str = "threshold"
    theme: str = "daily_review"
    settings: str = "thresholds"

    def label(self, lang: str = "zh") -> str:
        """The rule's display name in ``lang``."""
        return self.name[0] if i18n.check_lang(lang) == "zh" else self.name[1]

    def history_days(self, thresholds: Thresholds) -> int | None:
        """Days of history it needs with these thresholds (None: no minimum)."""
        return None if self.min_history is None else int(self.min_history(thresholds))

    def run(self, ctx: object) -> tuple[list[Alert], list[tuple[str, str, str]]]:
        """Evaluate on ``ctx`` (a :class:`RuleContext`, or the theme's results for a theme's
        rule): its alerts and its skipped parts as ``(rule, reason, reason_zh)``."""
        try:
            found = self.evaluate(ctx)
        except Skip as e:
            return [], [(self.id, str(e), e.zh)]
        if isinstance(found, Findings):
            return list(found.alerts), [(self.id, en, zh) for en, zh in found.skipped]
        return list(found), []


class RuleRegistry:
    """The alert rules, in the order they are evaluated (registration order).

    Like papermill's engine registry: :meth:`register` adds a rule, the rest of the
    package reads rules by id or iterates over them.
    """

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, rule: Rule) -> Rule:
        """Add ``rule``; an id can be registered once."""
        if rule.id in self._rules:
            raise ValueError(f"alert rule {rule.id!r} is already registered")
        self._rules[rule.id] = rule
        return rule

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(list(self._rules.values()))

    def __len__(self) -> int:
        return len(self._rules)

    def get(self, rule_id: str) -> Rule | None:
        return self._rules.get(rule_id)

    def of_kind(self, kind: str, theme: str = "daily_review") -> list[Rule]:
        """The rules of one :attr:`Rule.kind` of ``theme``, in registration order."""
        return [r for r in self._rules.values() if r.kind == kind and r.theme == theme]

    def rule(self, **declaration: Any) -> Callable[[Evaluate], Evaluate]:
        """Decorator: register the decorated function as the ``evaluate`` of a :class:`Rule`
        with the other fields given here (``@REGISTRY.rule(id=..., name=..., ...)``)."""

        def register(evaluate: Evaluate) -> Evaluate:
            self.register(Rule(evaluate=evaluate, **declaration))
            return evaluate

        return register

    def unregister(self, rule_id: str) -> Rule:
        """Remove a rule (for tests that register an example rule)."""
        return self._rules.pop(rule_id)

    def in_report_order(self, theme: str | None = "daily_review") -> list[Rule]:
        """The rules of ``theme`` (every theme's with None) by :attr:`Rule.rank`."""
        rules = [r for r in self._rules.values() if theme is None or r.theme == theme]
        return sorted(rules, key=lambda r: r.rank)

    def rank(self, rule_id: str) -> int:
        """Position of ``rule_id`` in the report order (unknown ids last)."""
        order = [r.id for r in self.in_report_order(None)]
        return order.index(rule_id) if rule_id in order else 99

    def label(self, rule_id: str, lang: str = "zh") -> str:
        """Display name of ``rule_id`` in ``lang`` (the id itself when unknown)."""
        rule = self._rules.get(rule_id)
        return rule_id if rule is None else rule.label(lang)


#: Every alert rule. Rules register here when their module is imported;
#: importing :mod:`helpers.alerts` imports them all.
REGISTRY = RuleRegistry()
