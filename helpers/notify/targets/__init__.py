"""One module per platform, each with the same functions: ``render(message, max_alerts=,
max_actions=)`` -> request body, ``preview(body)`` -> text as the group will read it,
``request(url, secret, body, now)`` -> (address, bytes) signed when the platform signs,
``verdict(status, text)`` -> :class:`~helpers.notify.targets.common.Verdict`. E-mail
(:mod:`.mail`) builds a MIME message instead."""

from types import ModuleType

from helpers.notify.targets import dingtalk, feishu, slack, wecom

#: Chat target kind -> its module.
WEBHOOKS: dict[str, ModuleType] = {
    "wecom": wecom,
    "dingtalk": dingtalk,
    "feishu": feishu,
    "slack": slack,
}

__all__ = ["WEBHOOKS"]
