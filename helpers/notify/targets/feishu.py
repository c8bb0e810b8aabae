"""飞书 (Lark) custom bot (自定义机器人): a ``post`` (rich text) message, optionally signed.

Documented format (open.feishu.cn, 自定义机器人使用指南): ``{"msg_type": "post", "content":
{"post": {"zh_cn": {"title": ..., "content": [[{"tag": "text", "text": ...}], ...]}}}}``;
each inner list is one line of ``text`` / ``a`` (link) elements; text elements are shown
literally (mentions need an ``at`` element, never produced here); the request body must
stay within 20 KB; the bot allows 100 requests a minute and 5 a second (answer codes 9499
and 11232 mean rate-limited and are retried). Success is ``{"code": 0}``.

Signature (签名校验), as Feishu documents it: ``timestamp`` = current time in seconds;
``string_to_sign = timestamp + "\\n" + secret`` is the HMAC **key**;
``sign = base64(HmacSHA256(key=string_to_sign, message=""))`` (an empty message); both go
into the JSON body as ``"timestamp"`` (text) and ``"sign"``. The server rejects a timestamp
more than an hour off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from helpers.notify import inert
from helpers.notify.message import Message
from helpers.notify.targets.common import (
    Shown,
    Verdict,
    coded_verdict,
    json_bytes,
    outline,
    renderer,
)

KIND = "feishu"
#: Request body limit (bytes).
LIMIT_BYTES = 20 * 1024
RATE_LIMITED = {9499, 11232}
LOCALES = {"zh": "zh_cn", "en": "en_us"}


def _text(text: str) -> list[dict[str, str]]:
    return [{"tag": "text", "text": text}]


def payload(message: Message, shown: Shown) -> dict[str, Any]:
    """The ``post`` body: one line per element list; data text inert."""
    rows: list[list[dict[str, str]]] = []
    for block in outline(message, shown, inert.markdown, lambda s: s):
        if block.heading:
            rows.append(_text(f"【{block.heading}】" if message.lang == "zh" else block.heading))
        for i, line in enumerate(block.lines, 1):
            prefix = f"{i}. " if block.numbered else ("• " if block.heading else "")
            rows.append(_text(prefix + line))
    if message.link:
        rows.append([{"tag": "a", "text": message.word("notify_link"), "href": message.link}])
    post = {LOCALES[message.lang]: {"title": inert.markdown(message.title), "content": rows}}
    return {"msg_type": "post", "content": {"post": post}}


def _size(body: dict[str, Any]) -> int:
    # room for the signature fields added at sending time
    return len(json_bytes(body)) + 100


#: The request body, the long tail summarised to fit LIMIT_BYTES.
render = renderer(payload, _size, LIMIT_BYTES)


def preview(body: dict[str, Any]) -> str:
    post = next(iter(body["content"]["post"].values()))
    lines = [post["title"]]
    for row in post["content"]:
        lines.append(
            "".join(
                f"{e['text']} ({e['href']})" if e.get("tag") == "a" else e.get("text", "")
                for e in row
            )
        )
    return "\n".join(lines)


def sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature (module doc): HMAC-SHA256 of an empty message, keyed by
    ``timestamp + "\\n" + secret``, in base64."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def request(url: str, secret: str, body: dict[str, Any], now: float) -> tuple[str, bytes]:
    """The webhook address and the JSON bytes (with ``timestamp`` and ``sign`` when a
    secret is set)."""
    if secret:
        ts = int(now)
        body = {"timestamp": str(ts), "sign": sign(secret, ts), **body}
    return url, json_bytes(body)


def verdict(status: int, text: str) -> Verdict:
    """Read the bot's answer (``code``, or ``StatusCode`` in older answers; 0 = delivered)."""
    return coded_verdict(
        text, code_keys=("code", "StatusCode"), message_key="msg", rate_limited=RATE_LIMITED
    )
