"""The three answers of a 复盘: where did it change (哪里变了), why (为什么变), what next
(下一步怎么改), written from a :class:`~helpers.daily_review.review.DailyReview`.

Every sentence is built from the review's tables; names that come from the data are escaped
so that the sentences are safe in Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from IPython.display import Markdown

from helpers import i18n, numbers
from helpers.alerts.completeness import RULE_ID as INCOMPLETE_RULE
from helpers.cells import cell_number, cell_optional_number
from helpers.daily_review.review import DailyReview
from helpers.festivals import PHASE_ZH, festival_name
from helpers.report import escape_text
from helpers.sections import Text, pick

#: The three questions, in the order the answers are shown.
STORY_HEADINGS: dict[str, Text] = {
    "where": ("哪里变了", "Where did it change"),
    "why": ("为什么变", "Why"),
    "next": ("下一步怎么改", "What we change next"),
}

#: Sentence templates ``(zh, en)``; fields are filled with formatted, escaped values.
SENTENCES: dict[str, Text] = {
    "gmv": (
        "GMV {value}，较前一日 {vs_prev_day}，较上周同日 {vs_last_week}，较近7日日均 {vs_avg_7d}。",
        "GMV {value}: {vs_prev_day} vs the previous day, {vs_last_week} vs the same weekday "
        "last week, {vs_avg_7d} vs the 7-day average.",
    ),
    "vs_base": (
        "较对比基线（日均 {base}）{change}。",
        " {change} against the baseline ({base} a day).",
    ),
    "cmp_prev_day": (
        "对比口径：前一日（{start}）。数据还不到一周，没有上周同日可比。",
        "Compared with the previous day ({start}): the data hold less than a week, so there "
        "is no same weekday last week.",
    ),
    "cmp_last_week": (
        "对比口径：上周同日（{start}），与今天同一个星期几。",
        "Compared with the same weekday last week ({start}).",
    ),
    "cmp_clean_weeks": (
        "对比口径：{festival}之前最近 {days} 天的日均（{start} 至 {end}）。上周同日和近7日处于"
        "{festival}{phases}期间，大促拉高了基数，直接比会看成暴跌，所以这里避开{festival}。",
        "Compared with the daily average of the {days} days before {festival} ({start} to "
        "{end}). Last week and the 7-day window fall inside {festival} ({phases}), which "
        "inflates them; compared directly the day would read as a collapse, so the comparison "
        "avoids {festival}.",
    ),
    "cmp_last_year": (
        "对比口径：去年同期（{start}）。上周同日和近7日处于{festival}{phases}期间，"
        "所以改用去年同一阶段比较，避开{festival}带来的失真。",
        "Compared with the same day last year ({start}). Last week and the 7-day window fall "
        "inside {festival} ({phases}), so the comparison uses last year's same phase and "
        "avoids the distortion of {festival}.",
    ),
    "cmp_last_week_festival": (
        "对比口径：上周同日（{start}），但它处于{festival}{phases}期间，数据里没有干净的对照期，"
        "涨跌要打折看。",
        "Compared with the same weekday last week ({start}), which falls inside {festival} "
        "({phases}); the data hold no clean period to compare with, so read the changes "
        "with care.",
    ),
    "shift_down": (
        "**{channel}** 连续 {days} 天远低于基线：近 {days} 天日均 {recent}，基线日均 {base}"
        "（{change}），渠道断崖，先查这里。",
        "**{channel}** has been far below its baseline {days} days running: {recent} a day "
        "against {base} ({change}); the channel broke, look here first.",
    ),
    "shift_down_incomplete": (
        "**{channel}** 连续 {days} 天低于基线：近 {days} 天日均 {recent}，基线日均 {base}"
        "（{change}）；今天的数据可能不完整，补齐数据后再判断是否真的下滑。",
        "**{channel}** has been below its baseline {days} days running: {recent} a day "
        "against {base} ({change}); today's data may be incomplete, so complete them before "
        "reading a decline.",
    ),
    "closed_days": (
        "本店通常{days}不营业（近 {weeks} 周里至少 {share} 的{days}没有订单）：这些休息日不计入"
        "基线、均值和趋势，不当作零销售。",
        "The shop is usually closed on {days} (no order on at least {share} of the last "
        "{weeks}): those days are left out of baselines, averages and trends, not counted as "
        "zero sales.",
    ),
    "closed_today": (
        "今天是{days}，本店通常{days}不营业（近 {weeks} 周里至少 {share} 的{days}没有订单）："
        "今天不与营业日比较，也不发告警。",
        "Today is a {days}, and the shop is usually closed on {days} (no order on at least "
        "{share} of the last {weeks}): today is not judged against trading days and raises "
        "no alert.",
    ),
    "incomplete": (
        "⚠ 数据可能不完整：{message}。先核对数据，下面的涨跌不代表生意断崖。",
        "⚠ Data possibly incomplete: {message}. Check the data first; the changes below do "
        "not mean the business collapsed.",
    ),
    "shift_up": (
        "**{channel}** 连续 {days} 天远高于基线：近 {days} 天日均 {recent}，基线日均 {base}"
        "（{change}）。",
        "**{channel}** has been far above its baseline {days} days running: {recent} a day "
        "against {base} ({change}).",
    ),
    "worst_channel": (
        "较对比基线拖累最大的渠道：**{channel}**（{delta}）。",
        "Largest drag against the baseline: **{channel}** ({delta}).",
    ),
    "best_channel": (
        "较对比基线增长最多的渠道：{channel}（+{delta}）。",
        "Largest rise against the baseline: {channel} (+{delta}).",
    ),
    "no_channels": (
        "订单没有渠道信息，无法按渠道下钻。",
        "The orders carry no channel, so there is no drill-down by channel.",
    ),
    "items": (
        "该渠道下拖累最大的商品：{names}（只涉及一两笔订单的波动不计）。",
        "Items dragging that channel most: {names} (moves of one or two orders left out).",
    ),
    "no_traffic": (
        "没有流量表：GMV 变化按 买家数 × 客单价 拆分（UV 与转化率需要流量数据）。",
        "No traffic table: the GMV change is split into buyers x revenue per buyer "
        "(UV and CVR need traffic data).",
    ),
    "split": (
        "GMV 变化拆解（对比基线）：{parts}。主要来自 **{main}**。",
        "GMV change split (vs the baseline): {parts}. Mostly **{main}**.",
    ),
}

#: How many alerts and actions the story repeats (the sections below list them all).
STORY_ALERTS = 4
STORY_ACTIONS = 5


def _say(key: str, lang: str, **fields: object) -> str:
    return pick(SENTENCES[key], lang).format(**fields)


def _kpi(review: DailyReview, metric: str) -> pd.Series | None:
    """The headline KPI row of ``metric``, or None when it is absent or unavailable."""
    rows = review.kpis.loc[review.kpis["metric"] == metric]
    if rows.empty or ("available" in rows and not bool(rows["available"].iloc[0])):
        return None
    return rows.iloc[0]


def comparison_line(review: DailyReview, lang: str) -> str | None:
    """对比口径: which baseline the conclusion uses and, near a festival, why."""
    c = review.comparison
    if c is None:
        return None
    sep = "、" if lang == "zh" else ", "
    phase_names = PHASE_ZH if lang == "zh" else {p: p for p in c.phases}
    festival = escape_text(festival_name(c.festival or "", lang)) if c.festival else ""
    return _say(
        f"cmp_{c.kind}",
        lang,
        start=f"{c.start:%Y-%m-%d}",
        end=f"{c.end:%Y-%m-%d}",
        days=c.days,
        festival=festival,
        phases=sep.join(phase_names[p] for p in c.phases),
    )


def closed_line(review: DailyReview, lang: str) -> str | None:
    """The weekdays the shop is usually closed on, in one line (None when it trades daily):
    left out of the baselines, and on such a day no judgement at all."""
    week = review.week
    if not week.closed:
        return None
    key = "closed_today" if review.closed_today else "closed_days"
    return _say(key, lang, days=week.names(lang), weeks=week.weeks, share=f"{week.share:.0%}")


def incomplete_line(review: DailyReview, lang: str) -> str | None:
    """The data-completeness flag (rule ``data_incomplete``) in words, or None."""
    alerts = review.alerts.alerts
    rows = alerts.loc[alerts["rule"] == INCOMPLETE_RULE] if not alerts.empty else alerts
    if rows.empty:
        return None
    message = str(rows["message_zh" if lang == "zh" else "message_en"].iloc[0])
    message = message.split("：", 1)[-1] if lang == "zh" else message.split(": ", 1)[-1]
    return _say("incomplete", lang, message=escape_text(message))


def _shift_lines(review: DailyReview, lang: str, money: Callable[[float], str]) -> list[str]:
    """Channels whose level shifted (several days far from the baseline), named first; a
    fall is worded softly on a day whose data may be incomplete."""
    days = review.shifts.attrs.get("days", 2)
    soft = "_incomplete" if review.data_incomplete else ""
    return [
        _say(
            f"shift_{r.direction}" + (soft if r.direction == "down" else ""),
            lang,
            channel=escape_text(i18n.channel_label(str(r.channel), lang)),
            days=days,
            recent=money(cell_number(r.gmv_recent)),
            base=money(cell_number(r.gmv_base)),
            change=numbers.format_change(cell_optional_number(r.change_pct)),
        )
        for r in review.shifts.itertuples(index=False)
    ]


def _channel_lines(review: DailyReview, lang: str, money: Callable[[float], str]) -> list[str]:
    """The channels (and items) that moved GMV most, or a note that there are no channels."""
    d = review.drill
    if not review.has_channels:
        return [_say("no_channels", lang)]
    ch = d.channels.set_index("channel")
    lines = _shift_lines(review, lang, money)
    named: tuple[tuple[str, str | None], ...] = (
        ("worst_channel", d.worst_channel),
        ("best_channel", d.best_channel),
    )
    for key, name in named:
        if name is not None:
            channel = escape_text(i18n.channel_label(name, lang))
            delta = money(cell_number(ch.loc[name, "gmv_change"]))
            lines.append(_say(key, lang, channel=channel, delta=delta))
    falling = d.items.loc[d.items["gmv_change"] < 0] if not d.items.empty else d.items
    if not falling.empty and d.worst_channel is not None:
        sep = "、" if lang == "zh" else ", "
        names = sep.join(escape_text(s) for s in falling["sku_id"].head(3))
        lines.append(_say("items", lang, names=names))
    return lines


def where_lines(review: DailyReview, *, lang: str = "zh", currency: str = "CNY") -> list[str]:
    """哪里变了: the shop's GMV against its baselines, then the channels and items that moved."""

    def money(v: float) -> str:
        return numbers.format_value(v, "currency", currency=currency)

    flag, cmp = incomplete_line(review, lang), comparison_line(review, lang)
    lines: list[str] = [x for x in (closed_line(review, lang), flag, cmp) if x]
    gmv = _kpi(review, "gmv")
    if review.closed_today and (gmv is None or not gmv["value"]):
        return lines  # a day off: no "-100 %" against the trading days
    if gmv is not None:
        changes = {k: numbers.format_change(gmv[k]) for k in ("vs_prev_day", "vs_last_week")}
        lines.append(
            _say(
                "gmv",
                lang,
                value=money(gmv["value"]),
                vs_avg_7d=numbers.format_change(gmv["vs_avg_7d"]),
                **changes,
            )
        )
    d = review.drill
    if review.comparison is not None and d.gmv_before > 0:
        change = numbers.format_change(d.gmv_after / d.gmv_before - 1.0)
        lines[-1] += _say("vs_base", lang, base=money(d.gmv_before), change=change)
    return lines + _channel_lines(review, lang, money)


def why_lines(review: DailyReview, *, lang: str = "zh") -> list[str]:
    """为什么变: the GMV split's contributions and its main factor, then the top alerts (but
    the data-completeness flag, said once under 哪里变了 before the changes it qualifies)."""
    lines: list[str] = []
    if "split" in review.skipped:
        lines.append(_say("no_traffic", lang))
    split = review.split
    if split["contribution"].notna().all():
        parts = [
            f"{i18n.label(i18n.FACTORS, str(r.factor), lang)} {r.contribution:+,.0f}"
            for r in split.itertuples(index=False)
        ]
        main = str(split["factor"].iloc[split["contribution"].abs().argmax()])
        sep = "；" if lang == "zh" else "; "
        lines.append(
            _say("split", lang, parts=sep.join(parts), main=i18n.label(i18n.FACTORS, main, lang))
        )
    alerts = review.alerts.alerts
    if not alerts.empty:
        alerts = alerts.loc[alerts["rule"] != INCOMPLETE_RULE]
        messages = alerts["message_zh" if lang == "zh" else "message_en"].head(STORY_ALERTS)
        lines += [escape_text(m) for m in messages]
    return lines


def story(review: DailyReview, *, lang: str = "zh", currency: str = "CNY") -> dict[str, list[str]]:
    """The three answers of the review as short Markdown-safe sentences.

    Returns ``{"where": [...], "why": [...], "next": [...]}``. Data-derived names are
    escaped; numbers come from the review's tables.
    """
    return {
        "where": where_lines(review, lang=lang, currency=currency),
        "why": why_lines(review, lang=lang),
        "next": [escape_text(a) for a in review.actions["action"].head(STORY_ACTIONS)],
    }


def story_block(story: dict[str, list[str]], *, lang: str = "zh") -> Markdown:
    """The three answers of the review as one Markdown block (lines already escaped)."""
    parts = []
    for key, heading in STORY_HEADINGS.items():
        lines = story.get(key) or [i18n.t("none", lang)]
        parts.append(f"**{pick(heading, lang)}**\n\n" + "\n".join(f"- {line}" for line in lines))
    return Markdown("\n\n".join(parts))
