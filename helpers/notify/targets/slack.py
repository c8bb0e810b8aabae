"""Slack incoming webhook: Block Kit sections in ``mrkdwn`` with a plain-text fallback.

Documented format (api.slack.com, incoming webhooks / Block Kit / formatting reference):
``{"text": <fallback>, "blocks": [...]}``; a ``header`` block takes plain text up to 150
characters, a ``section`` text up to 3,000 characters, a message up to 50 blocks (the
blocks together are kept under :data:`LIMIT_CHARS`); ``& < >`` are control characters that
must be escaped as HTML entities, ``<!channel>``, ``<@U123>`` and ``<url|text>`` being what
they would otherwise form (:func:`helpers.notify.inert.slack`). About one message a second;
HTTP 429 with ``Retry-After`` when exceeded. Success is HTTP 200 with the body ``ok``.
"""

from __future__ import annotations

from typing import Any

from helpers.notify import inert
from helpers.notify.message import Message
from helpers.notify.targets.common import Shown, Verdict, json_bytes, outline, renderer

KIND = "slack"
SECTION_CHARS = 3000
HEADER_CHARS = 150
MAX_BLOCKS = 50
#: Total characters of the blocks' text (Slack refuses much longer block messages).
LIMIT_CHARS = 12000


def _bold(text: str) -> str:
    return f"*{text}*"


def _sections(lines: list[str]) -> list[dict[str, Any]]:
    """``lines`` as mrkdwn sections of at most 3,000 characters, split between lines."""
    out: list[dict[str, Any]] = []
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > SECTION_CHARS:
            out.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        out.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    return out


def payload(message: Message, shown: Shown) -> dict[str, Any]:
    title = inert.markdown(message.title, HEADER_CHARS)  # look-alikes, no entities
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title}}
    ]
    for block in outline(message, shown, inert.slack, _bold):
        lines = [_bold(block.heading)] if block.heading else []
        for i, line in enumerate(block.lines, 1):
            prefix = f"{i}. " if block.numbered else ("• " if block.heading else "")
            lines.append(prefix + line)
        blocks.extend(_sections(lines))
    if message.link:
        link = f"<{message.link}|{message.word('notify_link')}>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": link}})
    return {"text": inert.slack(message.title), "blocks": blocks}


def _size(body: dict[str, Any]) -> int:
    if len(body["blocks"]) > MAX_BLOCKS:
        return LIMIT_CHARS + 1
    return sum(len(b["text"]["text"]) for b in body["blocks"])


#: The request body, the long tail summarised to fit LIMIT_CHARS.
render = renderer(payload, _size, LIMIT_CHARS)


def preview(body: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in body["blocks"])


def request(url: str, secret: str, body: dict[str, Any], now: float) -> tuple[str, bytes]:
    return url, json_bytes(body)


def verdict(status: int, text: str) -> Verdict:
    if text.strip() == "ok":
        return Verdict(True)
    return Verdict(False, False, f"unexpected answer: {text[:100]!r}")
