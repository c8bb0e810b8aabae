"""What every platform renderer shares: how much of the message is shown, and fitting it
into the platform's size limit by summarising the long tail (never cutting a line)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from helpers import i18n
from helpers.notify.message import AlertLine, Message

T = TypeVar("T")


@dataclass(frozen=True)
class Shown:
    """How many alerts and next actions a rendering lists (the rest are counted)."""

    alerts: int
    actions: int


class Verdict(NamedTuple):
    """A platform's answer to a request: delivered, worth retrying, and the reason."""

    ok: bool
    retry: bool = False
    error: str = ""


def more_alerts(message: Message, shown: Shown) -> str:
    """``另有 3 条告警（中 2 条、低 1 条）...`` for the alerts not listed ('' when none)."""
    rest = message.alerts[shown.alerts :]
    if not rest:
        return ""
    counts = Counter(a.severity for a in rest)
    sep = "、" if message.lang == "zh" else ", "
    detail = sep.join(
        f"{i18n.label(i18n.SEVERITY, s, message.lang)} {counts[s]}"
        for s in sorted(counts, key=lambda s: i18n.SEVERITY_RANK.get(s, 9))
    )
    return message.word("notify_more_alerts", n=len(rest), detail=detail)


def more_actions(message: Message, shown: Shown) -> str:
    rest = len(message.actions) - shown.actions
    return message.word("notify_more_actions", n=rest) if rest > 0 else ""


def day_note(alert: AlertLine, message: Message) -> str:
    """``（连续第 3 天）`` / ``(day 3)`` when the alert also fired on earlier runs."""
    if alert.day < 2:
        return ""
    note = message.word("notify_day", n=alert.day)
    return f"（{note}）" if message.lang == "zh" else f" ({note})"


def fit(
    render: Callable[[Message, Shown], T],
    size: Callable[[T], int],
    limit: int,
    message: Message,
    *,
    max_alerts: int,
    max_actions: int,
) -> tuple[T, Shown]:
    """The fullest rendering of ``message`` whose ``size`` is within ``limit``.

    Starts from ``max_alerts`` / ``max_actions`` and lists one alert fewer (the least urgent
    first), then one action fewer, until it fits; what is left out is counted in one line
    ("另有 N 条"). Raises ``ValueError`` if even the bare message is too long.
    """
    shown = Shown(min(len(message.alerts), max_alerts), min(len(message.actions), max_actions))
    while True:
        out = render(message, shown)
        if size(out) <= limit:
            return out, shown
        if shown.alerts > 0:
            shown = Shown(shown.alerts - 1, shown.actions)
        elif shown.actions > 0:
            shown = Shown(shown.alerts, shown.actions - 1)
        else:
            raise ValueError(f"the message does not fit in {limit} even without its lists")


def utf8_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8 (the unit of the Chinese platforms' limits)."""
    return len(text.encode("utf-8"))


def error_text(body: Any, *keys: str) -> str:
    """The first of ``keys`` present in a JSON answer, as text."""
    if isinstance(body, dict):
        for k in keys:
            if body.get(k):
                return str(body[k])[:200]
    return str(body)[:200]


@dataclass(frozen=True)
class Block:
    """A part of the message: its heading ('' for the opening part) and its lines."""

    heading: str
    lines: tuple[str, ...]
    numbered: bool = False


def _opening(message: Message, esc: Callable[[Any], str], bold: Callable[[str], str]) -> Block:
    lines = []
    if message.baseline:
        lines.append(esc(message.word("notify_baseline", label=message.baseline)))
    for h in message.headlines:
        lines.append(f"{bold(esc(h.label))} {esc(h.value)}（{esc(h.change)}）")
    if message.what_changed:
        lines.append(f"{bold(message.word('notify_what_changed'))}：{esc(message.what_changed)}")
    return Block("", tuple(lines))


def outline(
    message: Message, shown: Shown, esc: Callable[[Any], str], bold: Callable[[str], str]
) -> list[Block]:
    """The message as blocks of lines, data text passed through ``esc`` (the dialect's
    inert function) and emphasis through ``bold``; the link is left to the dialect."""
    blocks = [_opening(message, esc, bold)]
    alerts = [
        f"{bold('【' + a.severity_label + '】' if message.lang == 'zh' else '[' + a.severity_label + ']')} "
        f"{esc(a.text)}{day_note(a, message)}"
        for a in message.alerts[: shown.alerts]
    ]
    tail = more_alerts(message, shown)
    if not message.alerts:
        alerts = [message.word("notify_no_alerts")]
    blocks.append(
        Block(
            message.word("notify_alerts", n=len(message.alerts)),
            tuple(alerts + [tail] * bool(tail)),
        )
    )
    if message.actions:
        actions = [
            f"{esc(a.text)}" + (f"（{esc(a.money)}）" if a.money else "")
            for a in message.actions[: shown.actions]
        ]
        tail = more_actions(message, shown)
        blocks.append(Block(message.word("notify_actions"), tuple(actions), numbered=True))
        if tail:
            blocks.append(Block("", (tail,)))
    if message.failed:
        blocks.append(Block(message.word("notify_failed"), tuple(esc(f) for f in message.failed)))
    return blocks
