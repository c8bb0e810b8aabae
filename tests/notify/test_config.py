"""The notify: section of playbook.yaml: loaded, checked, documented; secrets stay in the
environment and never reach the facts cache key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import context
from helpers.notify.config import SMTP_PORTS, Target, secret_status
from helpers.settings import SettingsError, load_settings
from helpers.settings_doc import to_markdown

YAML = """\
shop_name: 测试店
notify:
  enabled: false
  report_url: https://reports.example.com/shop
  retries: 2
  targets:
    - name: ops
      kind: dingtalk
      webhook_env: DING_URL
      secret_env: DING_SECRET
    - name: mail
      kind: email
      smtp_host: smtp.example.com
      security: ssl
      sender: playbook@example.com
      recipients: boss@example.com
"""


def _load(tmp_path: Path, text: str):
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_the_section_loads(tmp_path):
    s = _load(tmp_path, YAML)
    n = s.notify
    assert (n.enabled, n.retries, n.timeout_seconds) == (False, 2, 10.0)
    ops, mail = n.targets
    assert (ops.kind, ops.webhook_env, ops.secret_env) == ("dingtalk", "DING_URL", "DING_SECRET")
    assert mail.recipients == ("boss@example.com",)  # one address is a list of one
    assert mail.port == SMTP_PORTS["ssl"] == 465
    assert load_settings(None).notify.targets == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("notify:\n  targets:\n    - name: a b\n      kind: slack\n      webhook_env: X\n", "name"),
        ("notify:\n  targets:\n    - name: a\n      kind: slack\n", "webhook_env"),
        (
            "notify:\n  targets:\n    - name: a\n      kind: slack\n      webhook_env: 1X\n",
            "webhook_env",
        ),
        ("notify:\n  timeout_seconds: 0\n", "timeout_seconds"),
        ("notify:\n  enabled: yes please\n", "enabled"),
        ("notify:\n  targets: ops\n", "targets"),
        (
            "notify:\n  targets:\n    - name: m\n      kind: email\n      smtp_host: h\n"
            "      sender: a@b.cn\n      recipients: [nobody]\n",
            "recipients",
        ),
        (
            "notify:\n  targets:\n    - name: m\n      kind: email\n      smtp_host: h\n"
            "      sender: a@b.cn\n      recipients: [c@d.cn]\n      username_env: U\n",
            "password_env",
        ),
    ],
)
def test_bad_values_name_their_key(tmp_path, text, key):
    with pytest.raises(SettingsError, match=key):
        _load(tmp_path, text)


def test_secret_status_reports_names_only():
    t = Target(name="x", kind="feishu", webhook_env="F", secret_env="S")
    st = secret_status(t, {"F": "https://open.feishu.cn/open-apis/bot/v2/hook/abc", "S": "  "})
    assert (st.present, st.missing, st.ready) == (("F",), ("S",), False)


def test_documented_in_the_configuration_doc():
    doc = to_markdown()
    assert "### `notify:`" in doc and "#### `notify.targets:`" in doc
    for key in (
        "report_url",
        "retries",
        "backoff_seconds",
        "webhook_env",
        "secret_env",
        "smtp_host",
        "security",
        "attach_reports",
    ):
        assert f"| `{key}` |" in doc


def test_notify_settings_do_not_change_the_facts_cache(tmp_path):
    plain = load_settings(None)
    with_targets = _load(tmp_path, YAML).replace(shop_name=plain.shop_name)
    day = pd.Timestamp("2026-11-15")
    assert context._facts_dir(tmp_path, "f", day, plain) == context._facts_dir(
        tmp_path, "f", day, with_targets
    )
