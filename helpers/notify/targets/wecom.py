"""企业微信 group robot (群机器人): a ``markdown`` message posted to the webhook.

Documented format (developer.work.weixin.qq.com, 群机器人配置说明, document 91770):
``{"msgtype": "markdown", "markdown": {"content": "..."}}``; ``content`` at most 4096 bytes
of UTF-8; ``<@userid>`` inside the content mentions a member (so data text never carries
``<`` or ``@``: :mod:`helpers.notify.inert`); at most 20 messages a minute per robot. The
webhook address ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...`` carries the
key, so it is read from an environment variable. The answer is JSON with ``errcode`` 0 on
success; 45009 means the robot's rate limit was hit (retried).
"""

from __future__ import annotations

import json
from typing import Any

from helpers.notify.message import Message
from helpers.notify.targets import markdown
from helpers.notify.targets.common import Shown, Verdict, error_text, fit, utf8_size

KIND = "wecom"
#: ``markdown.content`` limit in bytes (UTF-8).
LIMIT_BYTES = 4096
RATE_LIMITED = {45009}


def payload(message: Message, shown: Shown) -> dict[str, Any]:
    content = markdown.body(message, shown, newline="\n")
    return {"msgtype": "markdown", "markdown": {"content": content}}


def render(message: Message, *, max_alerts: int, max_actions: int) -> dict[str, Any]:
    """The request body, the long tail summarised so the content fits in 4096 bytes."""
    body, _ = fit(
        payload,
        lambda p: utf8_size(p["markdown"]["content"]),
        LIMIT_BYTES,
        message,
        max_alerts=max_alerts,
        max_actions=max_actions,
    )
    return body


def preview(body: dict[str, Any]) -> str:
    return body["markdown"]["content"]


def request(url: str, secret: str, body: dict[str, Any], now: float) -> tuple[str, bytes]:
    """The address and JSON bytes to post (the robot does not sign)."""
    return url, json.dumps(body, ensure_ascii=False).encode("utf-8")


def verdict(status: int, text: str) -> Verdict:
    """Read the robot's answer (HTTP 200 with ``errcode``)."""
    try:
        answer = json.loads(text)
    except ValueError:
        return Verdict(False, False, f"unexpected answer: {text[:100]!r}")
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code == 0:
        return Verdict(True)
    return Verdict(False, code in RATE_LIMITED, f"errcode {code}: {error_text(answer, 'errmsg')}")
