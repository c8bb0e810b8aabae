"""Data-derived text made inert for each chat dialect: no markup, links or mentions.

Text that comes from the data (shop, channel and item names, alert and action sentences)
is put into a chat message only through these functions. Each one:

* writes the text on one line (newlines and control characters become spaces), so no
  Markdown block (heading, quote, list, table) can start inside it, and caps its length
  (:data:`MAX_CHARS`, ending with "…");
* breaks every autolink: ``://`` becomes ``：//``, ``www.`` and the dot before a domain
  ending become the full-width ``．`` (``evil.example`` -> ``evil．example``), so neither
  the platform nor the reader's client turns it into a link;
* turns ``@`` into the full-width ``＠``: no ``@all`` / ``@所有人`` / ``<@U123>`` mention
  and no mail autolink;
* replaces the characters the dialect acts on by their full-width look-alikes (Markdown
  dialects: ``* _ ` ~ [ ] < > | \\ & #``) or, for Slack, escapes ``& < >`` as the
  ``&amp; &lt; &gt;`` entities its formatting reference asks for
  (https://api.slack.com/reference/surfaces/formatting#escaping) and replaces
  ``* _ ~ ` `` (mrkdwn has no backslash escape), so ``<!channel>`` stays literal text.

The reader sees the same words; only the look-alike characters differ.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: Longest piece of data text in a message (characters).
MAX_CHARS = 600

_SPACE_RE = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029]+")
#: a dot between a name and a domain ending (evil.example, shop.com.cn), not 3.14
_DOMAIN_DOT_RE = re.compile(r"(?<=[A-Za-z0-9-])\.(?=[A-Za-z][A-Za-z0-9-]*)")
_MARKDOWN = str.maketrans(
    {
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "~": "～",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "|": "｜",
        "\\": "＼",
        "&": "＆",
        "#": "＃",
    }
)
_SLACK = str.maketrans({"*": "＊", "_": "＿", "`": "｀", "~": "～"})


def one_line(value: Any, limit: int = MAX_CHARS) -> str:
    """``value`` as one line of at most ``limit`` characters, links and mentions broken."""
    if value is None:
        return ""
    text = _SPACE_RE.sub(" ", str(value)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = text.replace("://", "：//").replace("@", "＠")
    text = re.sub(r"(?i)\bwww\.", lambda m: m.group(0)[:-1] + "．", text)
    return _DOMAIN_DOT_RE.sub("．", text)


def markdown(value: Any, limit: int = MAX_CHARS) -> str:
    """Inert text for 企业微信 / 钉钉 Markdown and 飞书 text (see module doc)."""
    return one_line(value, limit).translate(_MARKDOWN)


def slack(value: Any, limit: int = MAX_CHARS) -> str:
    """Inert text for Slack ``mrkdwn`` (``& < >`` as entities, see module doc)."""
    text = one_line(value, limit).translate(_SLACK)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_text(value: Any, limit: int = MAX_CHARS) -> str:
    """Inert text for an HTML e-mail (entities for ``& < > " '``, links broken)."""
    return html.escape(one_line(value, limit), quote=True)
