"""Sending the morning message: timeout, bounded retry with backoff, sent-markers, outcome.

For each target of ``notify.targets``:

1. **already sent?** A sent-marker ``<report root>/.notify/<date>/<target>.json`` is written
   after a successful send; a rerun of the date skips the target (status ``already_sent``)
   unless the mode is ``force``.
2. **secrets**: the environment variables the target names are read now; a missing one
   fails the target (status ``failed``, the variable named, never its value).
3. **send**: chat targets POST JSON with :mod:`urllib.request` (time limit
   ``notify.timeout_seconds``); a network error, HTTP 429, HTTP 5xx or the platform's
   "rate limited" answer is retried up to ``notify.retries`` times, waiting
   ``backoff_seconds * 2**k`` before retry k+1 (or the server's ``Retry-After``, at most
   :data:`MAX_WAIT_SECONDS`); other answers (HTTP 4xx, a refused signature ...) fail at once.
   E-mail retries connection errors and temporary (4xx) SMTP replies the same way.
4. **record**: the outcome of every target is written into the run's ``summary.json`` under
   ``notifications`` (``{target: {kind, status, attempts, error}}``) and a failure is
   printed on stderr. The run's exit code does not change: a push that fails never hides
   the run's own result.

Nothing here prints or stores a webhook address or a secret: errors are reduced to the
platform's answer or the network error, with the address removed.
"""

from __future__ import annotations

import email.utils
import json
import os
import smtplib
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from helpers import report, staging
from helpers.notify import history
from helpers.notify.config import NotifySettings, Target, secret_status
from helpers.notify.message import REVIEW_NOTEBOOK, Message, build_message
from helpers.notify.targets import WEBHOOKS, mail
from helpers.notify.targets.common import Verdict

#: Longest wait between two attempts, in seconds (also caps ``Retry-After``).
MAX_WAIT_SECONDS = 60.0
MARKER_DIR = ".notify"
SUMMARY_FILE = history.SUMMARY_FILE
#: Run modes: ``auto`` follows ``notify.enabled``; ``on`` sends; ``off`` does not;
#: ``force`` sends even to targets already sent for the date.
MODES = ("auto", "on", "off", "force")


@dataclass(frozen=True)
class Outcome:
    """What happened to one target.

    Attributes
    ----------
    target, kind : str
    status : str
        ``sent``, ``failed``, ``already_sent`` or ``dry_run``.
    attempts : int
        Requests made (0 when none was).
    error : str
        Why it failed ('' otherwise); never holds a secret.
    """

    target: str
    kind: str
    status: str
    attempts: int = 0
    error: str = ""


@dataclass(frozen=True)
class Retry:
    """The retry policy: ``retries`` further attempts, waits doubling from ``backoff``."""

    retries: int = 3
    backoff: float = 1.0
    timeout: float = 10.0

    def wait(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), MAX_WAIT_SECONDS)
        return min(self.backoff * 2 ** (attempt - 1), MAX_WAIT_SECONDS)


class SendError(Exception):
    """One failed attempt; ``retry`` says whether another may succeed."""

    def __init__(self, text: str, *, retry: bool, retry_after: float | None = None):
        super().__init__(text)
        self.retry = retry
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as seconds from ``now``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return " ".join(text.split())[:300]


def post_once(url: str, data: bytes, timeout: float, judge: Callable[[int, str], Verdict]) -> None:
    """One POST; raises :class:`SendError` unless the platform accepted the message."""
    req = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            status, text = resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        retry = exc.code == 429 or exc.code >= 500
        after = retry_after_seconds(exc.headers.get("Retry-After"), time.time())
        raise SendError(f"HTTP {exc.code}", retry=retry, retry_after=after) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendError(f"network error: {reason}", retry=True) from None
    verdict = judge(status, text)
    if not verdict.ok:
        raise SendError(verdict.error, retry=verdict.retry)


def with_retries(
    attempt: Callable[[], None], policy: Retry, sleep: Callable[[float], None]
) -> tuple[int, str]:
    """Call ``attempt`` until it succeeds or retries run out -> (attempts, last error)."""
    for n in range(1, policy.retries + 2):
        try:
            attempt()
            return n, ""
        except SendError as exc:
            if not exc.retry or n > policy.retries:
                return n, str(exc)
            sleep(policy.wait(n, exc.retry_after))
    return policy.retries + 1, "gave up"  # pragma: no cover - the loop always returns


def _smtp_attempt(send: Callable[[], None]) -> Callable[[], None]:
    """``send`` with SMTP and socket errors turned into :class:`SendError` (temporary 4xx
    replies and connection problems retried, permanent 5xx not)."""

    def attempt() -> None:
        try:
            send()
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"SMTP {exc.smtp_code}", retry=400 <= exc.smtp_code < 500) from None
        except smtplib.SMTPRecipientsRefused:
            raise SendError("SMTP: every recipient refused", retry=False) from None
        except smtplib.SMTPNotSupportedError as exc:  # no STARTTLS: never send in clear
            raise SendError(f"SMTP: {exc}", retry=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"SMTP: {type(exc).__name__}: {exc}", retry=True) from None

    return attempt


@dataclass(frozen=True)
class Sending:
    """What sending to targets needs besides the target: the message, the summary, the
    report folder, the settings and the environment."""

    message: Message
    summary: Mapping[str, Any]
    report_dir: Path
    notify: NotifySettings
    environ: Mapping[str, str]
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time

    @property
    def policy(self) -> Retry:
        n = self.notify
        return Retry(n.retries, n.backoff_seconds, n.timeout_seconds)


def _send_webhook(target: Target, s: Sending) -> tuple[int, str]:
    module = WEBHOOKS[target.kind]
    body = module.render(
        s.message, max_alerts=s.notify.max_alerts, max_actions=s.notify.max_actions
    )
    url = s.environ.get(target.webhook_env, "").strip()
    secret = s.environ.get(target.secret_env, "").strip() if target.secret_env else ""

    def attempt() -> None:
        address, data = module.request(url, secret, body, s.clock())
        post_once(address, data, s.policy.timeout, module.verdict)

    attempts, error = with_retries(attempt, s.policy, s.sleep)
    return attempts, _scrub(error, (url, secret))


def _send_email(target: Target, s: Sending) -> tuple[int, str]:
    files = [s.report_dir / str(nb.get("report")) for nb in s.summary.get("notebooks") or []]
    attach = [p for p in files if target.attach_reports and p.is_file() and p.suffix == ".html"]
    review = s.report_dir / f"{REVIEW_NOTEBOOK}.ipynb"
    images = mail.charts(review, target.inline_charts, s.message.lang)
    built = mail.build_email(s.message, s.summary, target, attach, images)
    user = s.environ.get(target.username_env, "") if target.username_env else ""
    password = s.environ.get(target.password_env, "") if target.password_env else ""

    def send() -> None:
        mail.send_email(built, target, username=user, password=password, timeout=s.policy.timeout)

    attempts, error = with_retries(_smtp_attempt(send), s.policy, s.sleep)
    return attempts, _scrub(error, (user, password))


def marker_path(report_dir: Path, target: Target) -> Path:
    """The sent-marker of ``target`` for the run in ``report_dir``."""
    return report_dir.parent / MARKER_DIR / report_dir.name / f"{target.name}.json"


def send_target(target: Target, s: Sending, *, force: bool = False) -> Outcome:
    """Send the message to one target (see module doc) and write its sent-marker."""
    marker = marker_path(s.report_dir, target)
    if marker.is_file() and not force:
        return Outcome(target.name, target.kind, "already_sent")
    status = secret_status(target, s.environ)
    if not status.ready:
        missing = ", ".join(status.missing)
        return Outcome(target.name, target.kind, "failed", 0, f"environment not set: {missing}")
    sender = _send_email if target.kind == "email" else _send_webhook
    try:
        attempts, error = sender(target, s)
    except ValueError as exc:  # a message that does not fit at all
        return Outcome(target.name, target.kind, "failed", 0, str(exc))
    if error:
        return Outcome(target.name, target.kind, "failed", attempts, error)
    marker.parent.mkdir(parents=True, exist_ok=True)
    stamp = {"target": target.name, "kind": target.kind, "sent_at": int(s.clock())}
    staging.atomic_write_text(marker, json.dumps(stamp) + "\n")
    return Outcome(target.name, target.kind, "sent", attempts)


def read_summary(report_dir: Path) -> dict[str, Any]:
    """The ``summary.json`` of a run folder (``ValueError`` naming the file when unusable)."""
    path = report_dir / SUMMARY_FILE
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"no readable {SUMMARY_FILE} in {report_dir}: {exc}") from None
    if not isinstance(summary, dict):
        raise ValueError(f"{path}: not a run summary")
    return summary


def message_for(report_dir: Path, notify: NotifySettings) -> tuple[Message, dict[str, Any]]:
    """The message of the run in ``report_dir`` (with day N from the earlier runs)."""
    summary = read_summary(report_dir)
    keys = [history.alert_key(a) for a in summary.get("alerts") or [] if isinstance(a, dict)]
    days = history.streaks(report_dir.parent, report_dir.name, keys)
    return build_message(summary, days=days, report_url=notify.report_url), summary


def record(report_dir: Path, outcomes: list[Outcome]) -> None:
    """Write the outcomes into the run's ``summary.json`` (``notifications``), atomically
    and under the report root's lock."""
    with staging.root_lock(report_dir.parent):
        summary = read_summary(report_dir)
        notes = dict(summary.get("notifications") or {})
        for o in outcomes:
            item = asdict(o)
            notes[item.pop("target")] = item
        summary["notifications"] = notes
        staging.atomic_write_text(report_dir / SUMMARY_FILE, report.dumps(summary))


def deliver(
    report_dir: Path,
    notify: NotifySettings,
    *,
    force: bool = False,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    stream: IO[str] | None = None,
) -> list[Outcome]:
    """Send the run's message to every target, record the outcomes, report failures.

    Returns the outcome per target (empty when no target is configured). Failures are
    printed on ``stream`` (stderr), one line each; nothing is raised for a failed push.
    """
    if not notify.targets:
        return []
    report_dir = Path(report_dir)
    message, summary = message_for(report_dir, notify)
    env = os.environ if environ is None else environ
    sending = Sending(message, summary, report_dir, notify, env, sleep, clock)
    outcomes = [send_target(t, sending, force=force) for t in notify.targets]
    record(report_dir, outcomes)
    out = stream or sys.stderr
    for o in outcomes:
        if o.status == "failed":
            print(f"playbook: notify {o.target} ({o.kind}) failed: {o.error}", file=out)
    return outcomes


def preview(report_dir: Path, notify: NotifySettings) -> str:
    """What would be sent, as each group would read it (``playbook notify --dry-run``):
    one section per target, or the plain-text message when none is configured."""
    from helpers.notify.targets.text import render_text

    message, _ = message_for(Path(report_dir), notify)
    if not notify.targets:
        return render_text(message)
    parts = []
    for t in notify.targets:
        if t.kind == "email":
            body = render_text(message)
        else:
            module = WEBHOOKS[t.kind]
            rendered = module.render(
                message, max_alerts=notify.max_alerts, max_actions=notify.max_actions
            )
            body = module.preview(rendered)
        parts.append(f"----- {t.name} ({t.kind}) -----\n{body.rstrip()}\n")
    return "\n".join(parts)


def after_run(
    report_dir: Path, notify: NotifySettings, mode: str = "auto", **kwargs: Any
) -> list[Outcome]:
    """The batch run's last step: send unless ``mode`` (or ``notify.enabled``) says not.

    ``mode``: ``auto`` (send when ``notify.enabled``), ``on``, ``off`` or ``force``. Any
    error is printed on stderr and gives no outcome: it never fails the run.
    """
    if mode not in MODES:
        raise ValueError(f"notify mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "off" or (mode == "auto" and not notify.enabled):
        return []
    try:
        return deliver(report_dir, notify, force=mode == "force", **kwargs)
    except Exception as exc:  # noqa: BLE001 - a push never fails the run
        print(f"playbook: notify failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return []
