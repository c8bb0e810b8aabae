"""The Markdown body shared by the 企业微信 and 钉钉 robots (their dialects differ only in
line breaks and colour tags, passed in by the two target modules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from helpers.notify import inert
from helpers.notify.message import Message
from helpers.notify.targets.common import Shown, outline, renderer, utf8_size

T = TypeVar("T")


def _bold(text: str) -> str:
    return f"**{text}**"


def body(message: Message, shown: Shown, *, newline: str, heading: str = "###") -> str:
    """The Markdown text: title, blocks (bulleted or numbered), link.

    Every piece of data text goes through :func:`helpers.notify.inert.markdown`; the only
    link is the configured report address.
    """
    esc: Callable = inert.markdown
    parts = [f"{heading} {esc(message.title)}"]
    for block in outline(message, shown, esc, _bold):
        if block.heading:
            parts.append(f"{heading}# {block.heading}")
        for i, line in enumerate(block.lines, 1):
            prefix = f"{i}. " if block.numbered else ("- " if block.heading else "")
            parts.append(prefix + line)
    if message.link:
        parts.append(f"[{message.word('notify_link')}]({message.link})")
    return newline.join(parts)


def sized_renderer(
    payload: Callable[[Message, Shown], T], text: Callable[[T], str], limit_bytes: int
) -> Callable[..., T]:
    """A robot's ``render``: the fullest ``payload`` whose Markdown ``text`` stays within
    ``limit_bytes`` of UTF-8 (the unit of the Chinese platforms' limits)."""
    return renderer(payload, lambda body: utf8_size(text(body)), limit_bytes)
