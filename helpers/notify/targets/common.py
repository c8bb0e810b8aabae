"""What every platform renderer shares: how much of the message is shown, and fitting it
into the platform's size limit by summarising the long tail (never cutting a line)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from helpers import i18n
from helpers.notify.message import AlertLine, Message

T = TypeVar("T")


#: Alerts kept while the lines of "what changed" are given up to fit a size limit.
KEEP_ALERTS = 3


@dataclass(frozen=True)
class Shown:
    """How many alerts, next actions and lines of "what changed" a rendering lists (the
    alerts and actions left out are counted in one line)."""

    alerts: int
    actions: int
    answer: int = 0

    @classmethod
    def everything(cls, message: Message) -> Shown:
        return cls(len(message.alerts), len(message.actions), len(message.what_changed))


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


def paren(text: str, lang: str) -> str:
    """``（text）`` after Chinese text, `` (text)`` after English."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def day_note(alert: AlertLine, message: Message) -> str:
    """``（连续第 3 天）`` / ``(day 3)`` when the alert also fired on earlier runs."""
    if alert.day < 2:
        return ""
    note = message.word("notify_day", n=alert.day)
    return paren(note, message.lang)


def reductions(start: Shown) -> Iterator[Shown]:
    """Ever smaller renderings, in the order content is given up: alerts down to
    :data:`KEEP_ALERTS` (least urgent first), then the lines of "what changed" (last first),
    then the remaining alerts, then the actions (last first)."""
    a, c, w = start.alerts, start.actions, start.answer
    while a > min(KEEP_ALERTS, start.alerts):
        a -= 1
        yield Shown(a, c, w)
    while w > 0:
        w -= 1
        yield Shown(a, c, w)
    while a > 0:
        a -= 1
        yield Shown(a, c, w)
    while c > 0:
        c -= 1
        yield Shown(a, c, w)


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

    Starts from ``max_alerts`` / ``max_actions`` (and every line of "what changed") and
    gives content up in the order of :func:`reductions` until it fits; lines are dropped
    whole, and the alerts and actions left out are counted in one line ("另有 N 条").
    Raises ``ValueError`` if even the bare message is too long.
    """
    start = Shown(
        min(len(message.alerts), max_alerts),
        min(len(message.actions), max_actions),
        len(message.what_changed),
    )
    for shown in (start, *reductions(start)):
        out = render(message, shown)
        if size(out) <= limit:
            return out, shown
    raise ValueError(f"the message does not fit in {limit} even without its lists")


def renderer(
    payload: Callable[[Message, Shown], T], size: Callable[[T], int], limit: int
) -> Callable[..., T]:
    """A platform's ``render(message, *, max_alerts, max_actions)``: the fullest ``payload``
    whose ``size`` is within ``limit`` (:func:`fit`), the long tail summarised."""

    def render(message: Message, *, max_alerts: int, max_actions: int) -> T:
        return fit(payload, size, limit, message, max_alerts=max_alerts, max_actions=max_actions)[0]

    return render


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


def json_bytes(body: Any) -> bytes:
    """A request body as UTF-8 JSON bytes (Chinese text kept as is, not ``\\u`` escaped)."""
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def coded_verdict(
    text: str, *, code_keys: tuple[str, ...], message_key: str, rate_limited: set[int]
) -> Verdict:
    """Read a JSON answer that carries a result code (0 = delivered).

    The code is the first of ``code_keys`` present in the answer (named by the first key in
    the error); a code in ``rate_limited`` is worth retrying; an answer that is not a JSON
    object is "unexpected".
    """
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        return Verdict(False, False, f"unexpected answer: {text[:100]!r}")
    code = next((answer[k] for k in code_keys if k in answer), None)
    if code == 0:
        return Verdict(True)
    error = f"{code_keys[0]} {code}: {error_text(answer, message_key)}"
    return Verdict(False, code in rate_limited, error)


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
        lines.append(f"{bold(esc(h.label))} {esc(h.value)}{paren(esc(h.change), message.lang)}")
    return Block("", tuple(lines))


def outline(
    message: Message, shown: Shown, esc: Callable[[Any], str], bold: Callable[[str], str]
) -> list[Block]:
    """The message as blocks of lines, data text passed through ``esc`` (the dialect's
    inert function) and emphasis through ``bold``; the link is left to the dialect."""
    blocks = [_opening(message, esc, bold)]
    if shown.answer and message.what_changed:
        lines = tuple(esc(line) for line in message.what_changed[: shown.answer])
        blocks.append(Block(message.word("notify_what_changed"), lines))
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
            esc(a.text) + (paren(esc(a.money), message.lang) if a.money else "")
            for a in message.actions[: shown.actions]
        ]
        tail = more_actions(message, shown)
        blocks.append(Block(message.word("notify_actions"), tuple(actions), numbered=True))
        if tail:
            blocks.append(Block("", (tail,)))
    if message.failed:
        blocks.append(Block(message.word("notify_failed"), tuple(esc(f) for f in message.failed)))
    return blocks
