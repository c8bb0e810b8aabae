"""The message as plain text: what ``playbook notify --dry-run`` prints when no target is
configured, and the text part of the e-mail. Data text is on one line and links in it are
broken (:func:`helpers.notify.inert.one_line`); nothing is summarised."""

from __future__ import annotations

from helpers.notify import inert
from helpers.notify.message import Message
from helpers.notify.targets.common import Shown, outline

KIND = "text"


def render_text(message: Message, shown: Shown | None = None) -> str:
    shown = shown or Shown.everything(message)
    parts = [inert.one_line(message.title), "=" * 40]
    for block in outline(message, shown, inert.one_line, lambda s: s):
        if block.heading:
            parts += ["", block.heading]
        for i, line in enumerate(block.lines, 1):
            prefix = f"{i}. " if block.numbered else ("- " if block.heading else "")
            parts.append(prefix + line)
    if message.link:
        parts += ["", f"{message.word('notify_link')}: {message.link}"]
    return "\n".join(parts) + "\n"
