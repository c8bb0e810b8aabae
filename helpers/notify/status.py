"""What ``playbook check`` says about the ``notify:`` section: the configured targets and
whether the environment variables they name are set (never their values)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from helpers.notify.config import NotifySettings, secret_status

_WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "head": "消息推送",
        "none": "未配置推送目标（playbook.yaml 的 notify: 一节）。",
        "off": "已关闭（notify.enabled: false），playbook run --notify 时才发送。",
        "ready": "环境变量已设置",
        "missing": "缺少环境变量",
        "kinds": {
            "wecom": "企业微信群机器人",
            "dingtalk": "钉钉自定义机器人",
            "feishu": "飞书自定义机器人",
            "slack": "Slack",
            "email": "邮件",
        },
    },
    "en": {
        "head": "Notifications",
        "none": "No notify targets configured (the notify: section of playbook.yaml).",
        "off": "Switched off (notify.enabled: false); sent only with playbook run --notify.",
        "ready": "environment variables set",
        "missing": "environment variables missing",
        "kinds": {
            "wecom": "WeCom group robot",
            "dingtalk": "DingTalk custom robot",
            "feishu": "Feishu custom bot",
            "slack": "Slack",
            "email": "e-mail",
        },
    },
}


def notify_status_text(
    notify: NotifySettings, lang: str = "zh", environ: Mapping[str, str] | None = None
) -> str:
    """Lines for ``playbook check``: one per target, with the variables set and missing."""
    w = _WORDS.get(lang, _WORDS["zh"])
    env = os.environ if environ is None else environ
    lines = ["", f"{w['head']}:"]
    if not notify.targets:
        return "\n".join([*lines, f"  {w['none']}"]) + "\n"
    if not notify.enabled:
        lines.append(f"  {w['off']}")
    for t in notify.targets:
        s = secret_status(t, env)
        state = f"{w['ready']}: {', '.join(s.present)}" if s.present else ""
        if s.missing:
            state = f"{w['missing']}: {', '.join(s.missing)}" + (f"; {state}" if state else "")
        lines.append(
            f"  {'✓' if s.ready else '✗'} {t.name} ({w['kinds'][t.kind]}) {state}".rstrip()
        )
    return "\n".join(lines) + "\n"
