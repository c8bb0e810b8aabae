"""E-mail over SMTP: an HTML body (the message, then the run's reports and alerts as on
its index page) with a plain-text part, the HTML reports optionally attached.

Built with :mod:`email.message` (headers encoded, one line each) and sent with
:mod:`smtplib`: ``ssl`` connects with TLS from the first byte (``SMTP_SSL``, port 465),
``starttls`` upgrades a plain connection (port 587, RFC 3207), ``none`` is for a local
relay. Data text in the HTML is escaped and its links broken
(:func:`helpers.notify.inert.html_text`); nothing is cut.
"""

from __future__ import annotations

import base64
import html
import json
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from helpers.notify import inert
from helpers.notify.config import Target
from helpers.notify.message import Message
from helpers.notify.targets.common import Shown, outline
from helpers.notify.targets.text import render_text

KIND = "email"
_STYLE = (
    "body{font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f2328;"
    "line-height:1.5}h2{font-size:1.05rem;margin:1.2rem 0 .3rem}"
    "td,th{padding:.2rem .5rem;border-bottom:1px solid #eaeef2;text-align:left}"
)


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def _notebooks(summary: Mapping[str, Any], lang: str) -> str:
    """The run's reports and their status, as on the run index page."""
    rows = []
    for nb in summary.get("notebooks") or []:
        ok = nb.get("status") == "ok"
        status = ("成功" if ok else "失败") if lang == "zh" else ("ok" if ok else "failed")
        rows.append(
            f"<tr><td>{inert.html_text(nb.get('title') or nb.get('name'))}</td>"
            f"<td>{status}</td></tr>"
        )
    head = "报告" if lang == "zh" else "Reports"
    return f"<h2>{head}</h2><table>{''.join(rows)}</table>" if rows else ""


def charts(notebook: Path, limit: int, lang: str) -> list[bytes]:
    """The first ``limit`` PNG charts of an executed notebook, as its report shows them
    (cells tagged ``remove-cell`` or with the other language's tag left out); [] when the
    notebook is missing or unreadable."""
    if limit <= 0:
        return []
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    skip = {"remove-cell", "lang-en" if lang == "zh" else "lang-zh"}
    found: list[bytes] = []
    for cell in nb.get("cells") or []:
        if skip & set(cell.get("metadata", {}).get("tags", [])):
            continue
        for out in cell.get("outputs") or []:
            png = (out.get("data") or {}).get("image/png")
            text = "".join(png) if isinstance(png, list) else str(png or "")
            try:
                data = base64.b64decode(text, validate=True)
            except ValueError:  # a damaged output: left out
                continue
            if data and len(found) < limit:
                found.append(data)
    return found


def html_body(message: Message, summary: Mapping[str, Any], n_charts: int = 0) -> str:
    """The HTML page of the e-mail (every alert and action listed; ``n_charts`` inline
    images ``cid:chart<i>@playbook`` after the headline)."""
    shown = Shown.everything(message)
    parts = [f"<h1 style='font-size:1.3rem'>{inert.html_text(message.title)}</h1>"]
    images = "".join(
        f'<p><img src="cid:chart{i}@playbook" alt="" style="max-width:100%"></p>'
        for i in range(n_charts)
    )
    for k, block in enumerate(outline(message, shown, inert.html_text, _bold)):
        if k == 1:
            parts.append(images)
        if block.heading:
            parts.append(f"<h2>{html.escape(block.heading)}</h2>")
        tag = "ol" if block.numbered else "ul"
        items = "".join(f"<li>{line}</li>" for line in block.lines)
        parts.append(f"<{tag}>{items}</{tag}>" if block.heading else "<br>".join(block.lines))
    parts.append(_notebooks(summary, message.lang))
    if message.link:
        link = html.escape(message.link, quote=True)
        parts.append(f'<p><a href="{link}">{message.word("notify_link")}</a></p>')
    lang = "zh-CN" if message.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


def build_email(
    message: Message,
    summary: Mapping[str, Any],
    target: Target,
    attachments: Sequence[Path] = (),
    images: Sequence[bytes] = (),
) -> EmailMessage:
    """The e-mail: subject = the message title (one line), text and HTML parts, ``images``
    (PNG) shown inline in the HTML, ``attachments`` attached."""
    mail = EmailMessage()
    mail["Subject"] = inert.one_line(message.title, 200)
    mail["From"] = target.sender
    mail["To"] = ", ".join(target.recipients)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=target.sender.rsplit("@", 1)[-1])
    mail.set_content(render_text(message))
    mail.add_alternative(html_body(message, summary, len(images)), subtype="html")
    html_part = mail.get_body(("html",))
    if html_part is not None:
        for i, png in enumerate(images):
            html_part.add_related(png, "image", "png", cid=f"<chart{i}@playbook>")
    for path in attachments:
        mail.add_attachment(path.read_bytes(), maintype="text", subtype="html", filename=path.name)
    return mail


def send_email(
    mail: EmailMessage, target: Target, *, username: str, password: str, timeout: float
) -> None:
    """Send ``mail`` through the target's server (raises on failure, see module doc)."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if target.security == "ssl":
        smtp = smtplib.SMTP_SSL(target.smtp_host, target.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(target.smtp_host, target.port, timeout=timeout)
    with smtp:
        if target.security == "starttls":
            smtp.starttls(context=context)
        if username:
            smtp.login(username, password)
        smtp.send_message(mail)
