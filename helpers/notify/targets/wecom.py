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

from typing import Any

from helpers.notify.message import Message
from helpers.notify.targets import markdown
from helpers.notify.targets.common import Shown, Verdict, coded_verdict, json_bytes

KIND = "wecom"
#: ``markdown.content`` limit in bytes (UTF-8).
LIMIT_BYTES = 4096
RATE_LIMITED = {45009}


def payload(message: Message, shown: Shown) -> dict[str, Any]:
    content = markdown.body(message, shown, newline="\n")
    return {"msgtype": "markdown", "markdown": {"content": content}}


def preview(body: dict[str, Any]) -> str:
    return body["markdown"]["content"]


#: The request body, the long tail summarised to fit LIMIT_BYTES.
render = markdown.sized_renderer(payload, preview, LIMIT_BYTES)


def request(url: str, secret: str, body: dict[str, Any], now: float) -> tuple[str, bytes]:
    """The address and JSON bytes to post (the robot does not sign)."""
    return url, json_bytes(body)


def verdict(status: int, text: str) -> Verdict:
    """Read the robot's answer (HTTP 200 with ``errcode``)."""
    return coded_verdict(
        text, code_keys=("errcode",), message_key="errmsg", rate_limited=RATE_LIMITED
    )
