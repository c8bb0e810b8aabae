"""The ``notify:`` section of ``playbook.yaml``: where the morning message goes.

Secrets (webhook addresses, which carry the robot's key or access token, signing secrets,
SMTP passwords) are never written in the settings file: each target names the environment
variables that hold them, read only when a message is sent (:func:`secret_status` tells
``playbook check`` whether they are set without showing them).

This module imports nothing from the rest of the package, so :mod:`helpers.settings` can
build the section without an import circle.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

#: Target kinds: 企业微信 group robot, 钉钉 custom robot, 飞书 custom bot, Slack incoming
#: webhook, e-mail over SMTP.
KINDS = ("wecom", "dingtalk", "feishu", "slack", "email")
#: Kinds that post JSON to a webhook address.
WEBHOOK_KINDS = ("wecom", "dingtalk", "feishu", "slack")
#: Kinds whose robot can require a signature (the secret is optional).
SIGNED_KINDS = ("dingtalk", "feishu")
SECURITY = ("starttls", "ssl", "none")
#: Default SMTP port of each ``security`` choice.
SMTP_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_ADDRESS_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


class NotifyConfigError(ValueError):
    """A ``notify:`` section that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Target:
    """One place the morning message is sent to (an item of ``notify.targets``).

    Attributes
    ----------
    name : str
        Short name of the target (letters, digits, ``-``, ``_``): shown in ``playbook check``,
        in ``summary.json`` and used for its sent-marker.
    kind : str
        ``wecom`` (企业微信 group robot), ``dingtalk`` (钉钉 custom robot), ``feishu`` (飞书
        custom bot), ``slack`` (Slack incoming webhook) or ``email`` (SMTP).
    webhook_env : str
        Chat targets: the environment variable holding the robot's webhook address (it
        carries the key or access token, so it is a secret).
    secret_env : str
        钉钉 / 飞书: the environment variable holding the signing secret when the robot has
        signing (加签 / 签名校验) switched on; empty when it has not.
    smtp_host : str
        E-mail: the SMTP server.
    smtp_port : int
        E-mail: its port; 0 = the usual port of ``security`` (587, 465 or 25).
    security : str
        E-mail: ``starttls`` (default), ``ssl`` (TLS from the first byte) or ``none`` (a
        local relay only).
    username_env, password_env : str
        E-mail: the environment variables holding the SMTP login (empty: no login).
    sender : str
        E-mail: the From address.
    recipients : list
        E-mail: the To addresses.
    attach_reports : bool
        E-mail: attach the HTML reports of the run (self-contained pages with their charts).
    inline_charts : int
        E-mail: show this many charts of the daily review inside the message (0 = none).
    """

    name: str = ""
    kind: str = ""
    webhook_env: str = ""
    secret_env: str = ""
    smtp_host: str = ""
    smtp_port: int = 0
    security: str = "starttls"
    username_env: str = ""
    password_env: str = ""
    sender: str = ""
    recipients: tuple[str, ...] = ()
    attach_reports: bool = False
    inline_charts: int = 0

    @property
    def port(self) -> int:
        """The SMTP port to connect to."""
        return self.smtp_port or SMTP_PORTS[self.security]

    def env_names(self) -> tuple[str, ...]:
        """The environment variables this target reads (required ones and optional ones)."""
        names = (self.webhook_env, self.secret_env, self.username_env, self.password_env)
        return tuple(n for n in names if n)


@dataclass(frozen=True)
class NotifySettings:
    """Sending the morning message after each batch run (``notify:``).

    Attributes
    ----------
    enabled : bool
        Send after every ``playbook run`` when targets are configured (``--notify`` /
        ``--no-notify`` override it for one run).
    targets : list
        Where to send: a list of targets, each with the keys of the table below.
    report_url : str
        Address where the report folder is published (``https://...``); the message then
        links ``<report_url>/<date>/index.html``. Empty: no link.
    timeout_seconds : float
        Time limit of one request to a chat platform or SMTP server, in seconds.
    retries : int
        Further attempts after a network error, HTTP 429 or 5xx (0 = try once).
    backoff_seconds : float
        Wait before the first retry, in seconds; doubled before each further one (a
        ``Retry-After`` from the server wins, up to 60 s).
    max_alerts : int
        Alerts listed in a chat message; the rest are counted in one line.
    max_actions : int
        Next actions listed (the highest money at stake first).
    """

    enabled: bool = True
    targets: tuple[Target, ...] = ()
    report_url: str = ""
    timeout_seconds: float = 10.0
    retries: int = 3
    backoff_seconds: float = 1.0
    max_alerts: int = 8
    max_actions: int = 3


#: Allowed range of each number of the section (inclusive).
RANGES: dict[str, tuple[float, float]] = {
    "timeout_seconds": (0.1, 300),
    "retries": (0, 10),
    "backoff_seconds": (0, 60),
    "max_alerts": (0, 50),
    "max_actions": (0, 20),
    "smtp_port": (0, 65535),
    "inline_charts": (0, 20),
}


def _bad(where: str, key: str, value: Any, expected: str) -> NotifyConfigError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:56] + "...'"
    return NotifyConfigError(f"{where}: {key} = {shown} is not allowed: expected {expected}")


def _value(where: str, key: str, value: Any, default: Any) -> Any:
    """``value`` checked against the type of its default (bool, int, float, text, list)."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise _bad(where, key, value, "true or false")
        return value
    if isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or (isinstance(default, int) and value != int(value)):
            raise _bad(
                where, key, value, "a whole number" if isinstance(default, int) else "a number"
            )
        low, high = RANGES[key.rsplit(".", 1)[-1]]
        if not low <= value <= high:
            raise _bad(where, key, value, f"a number from {low:g} to {high:g}")
        return type(default)(value)
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _bad(where, key, value, "a list of text")
        return tuple(value)
    if not isinstance(value, str) or "\n" in value or "\r" in value:
        raise _bad(where, key, value, "one line of text (put it in quotes)")
    return value.strip()


def _fields(cls: type, raw: Any, where: str, prefix: str, skip: tuple[str, ...] = ()) -> dict:
    """The keys of ``raw`` checked against the fields of dataclass ``cls``."""
    if not isinstance(raw, Mapping):
        raise _bad(where, prefix.rstrip(".") or "notify", raw, "a mapping (key: value lines)")
    defaults = {f.name: f.default for f in fields(cls)}
    unknown = sorted(str(k) for k in raw if k not in defaults)
    if unknown:
        known = ", ".join(defaults)
        raise NotifyConfigError(f"{where}: unknown setting {prefix}{unknown[0]}; known: {known}")
    return {
        k: _value(where, f"{prefix}{k}", v, defaults[k]) for k, v in raw.items() if k not in skip
    }


def _check_target(t: Target, where: str, key: str) -> None:
    if not _NAME_RE.match(t.name):
        raise _bad(where, f"{key}.name", t.name, "1 to 40 letters, digits, - or _")
    if t.kind not in KINDS:
        raise _bad(where, f"{key}.kind", t.kind, " or ".join(KINDS))
    for env_key in ("webhook_env", "secret_env", "username_env", "password_env"):
        name = getattr(t, env_key)
        if name and not _ENV_RE.match(name):
            raise _bad(where, f"{key}.{env_key}", name, "the name of an environment variable")
    if t.kind in WEBHOOK_KINDS and not t.webhook_env:
        raise _bad(where, f"{key}.webhook_env", "", "the environment variable of the webhook")
    if t.secret_env and t.kind not in SIGNED_KINDS:
        raise _bad(
            where, f"{key}.secret_env", t.secret_env, "empty (only dingtalk and feishu sign)"
        )
    if t.kind == "email":
        _check_email(t, where, key)


def _check_email(t: Target, where: str, key: str) -> None:
    if not t.smtp_host:
        raise _bad(where, f"{key}.smtp_host", t.smtp_host, "the SMTP server's host name")
    if t.security not in SECURITY:
        raise _bad(where, f"{key}.security", t.security, " or ".join(SECURITY))
    for address in (t.sender, *t.recipients):
        if not _ADDRESS_RE.match(address):
            raise _bad(where, f"{key}.sender/recipients", address, "an e-mail address")
    if not t.recipients:
        raise _bad(where, f"{key}.recipients", [], "at least one e-mail address")
    if bool(t.username_env) != bool(t.password_env):
        raise _bad(where, f"{key}.password_env", t.password_env, "set with username_env")


def build_notify(raw: Any, where: str = "settings") -> NotifySettings:
    """The ``notify:`` mapping of ``playbook.yaml`` as :class:`NotifySettings`, checked.

    Raises
    ------
    NotifyConfigError
        An unknown key, a value of the wrong type or out of range, a target without its
        webhook variable, two targets with one name; the message names the key.
    """
    if raw is None:
        return NotifySettings()
    values = _fields(NotifySettings, raw, where, "notify.", skip=("targets",))
    url = values.get("report_url", "")
    if url and not re.match(r"^https?://[^\s<>|\"]+$", url):
        raise _bad(where, "notify.report_url", url, "an address starting with https://")
    items = raw.get("targets") or []
    if not isinstance(items, list):
        raise _bad(where, "notify.targets", items, "a list of targets (lines starting with -)")
    targets = []
    for i, item in enumerate(items):
        key = f"notify.targets[{i}]"
        target = Target(**_fields(Target, item, where, f"{key}."))
        _check_target(target, where, key)
        targets.append(target)
    names = [t.name for t in targets]
    if len(set(names)) != len(names):
        raise _bad(where, "notify.targets", names, "each target with its own name")
    return NotifySettings(**values, targets=tuple(targets))


@dataclass(frozen=True)
class SecretStatus:
    """Whether the environment variables a target reads are set (never their values).

    Attributes
    ----------
    target : Target
    present : tuple of str
        The variables that are set (non-empty).
    missing : tuple of str
        The variables that are not set.
    """

    target: Target
    present: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        """Every variable the target names is set."""
        return not self.missing


def secret_status(target: Target, environ: Mapping[str, str] | None = None) -> SecretStatus:
    """Which of ``target``'s environment variables are set in ``environ`` (``os.environ``)."""
    env = os.environ if environ is None else environ
    names = target.env_names()
    present = tuple(n for n in names if env.get(n, "").strip())
    return SecretStatus(target, present, tuple(n for n in names if n not in present))
