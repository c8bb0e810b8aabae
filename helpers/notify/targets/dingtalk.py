"""钉钉 custom robot (自定义机器人): a ``markdown`` message with a title, optionally signed.

Documented format (open.dingtalk.com, 自定义机器人接入 / 消息类型): ``{"msgtype": "markdown",
"markdown": {"title": ..., "text": ...}, "at": {"isAtAll": false}}``; a line break needs a
blank line (``\\n\\n``); mentions happen only through ``at`` plus ``@<mobile>`` in the text,
and ``at`` is always empty here; at most 20 messages a minute per robot (errcode 130101
"send too fast" is retried). The text is kept within 20,000 bytes.

Signing (加签), as DingTalk documents it: ``timestamp`` = current time in milliseconds;
``string_to_sign = timestamp + "\\n" + secret``; ``sign = urlencode(base64(
HmacSHA256(key=secret, message=string_to_sign)))``; both are appended to the webhook
address as ``&timestamp=...&sign=...``. The server rejects a timestamp more than an hour
off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from typing import Any

from helpers.notify import inert
from helpers.notify.message import Message
from helpers.notify.targets import markdown
from helpers.notify.targets.common import Shown, Verdict, coded_verdict, json_bytes

KIND = "dingtalk"
LIMIT_BYTES = 20000
RATE_LIMITED = {130101, 130102}


def payload(message: Message, shown: Shown) -> dict[str, Any]:
    text = markdown.body(message, shown, newline="\n\n")
    title = inert.markdown(message.title, 64)
    return {
        "msgtype": "markdown",
        "markdown": {"title": title, "text": text},
        "at": {"isAtAll": False, "atMobiles": [], "atUserIds": []},
    }


def preview(body: dict[str, Any]) -> str:
    return body["markdown"]["text"]


#: The request body, the long tail summarised to fit LIMIT_BYTES.
render = markdown.sized_renderer(payload, preview, LIMIT_BYTES)


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (module doc), URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def request(url: str, secret: str, body: dict[str, Any], now: float) -> tuple[str, bytes]:
    """The address (signed when a secret is set) and the JSON bytes to post."""
    if secret:
        ts = int(now * 1000)
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={ts}&sign={sign(secret, ts)}"
    return url, json_bytes(body)


def verdict(status: int, text: str) -> Verdict:
    """Read the robot's answer (HTTP 200 with ``errcode``)."""
    return coded_verdict(
        text, code_keys=("errcode",), message_key="errmsg", rate_limited=RATE_LIMITED
    )
