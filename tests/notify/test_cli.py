"""The notification steps of the commands: ``playbook run`` sends after publishing (its exit
code unchanged by a failed push), ``playbook notify`` sends or prints a past run's message,
``playbook check`` names the targets and whether their variables are set."""

from __future__ import annotations

import shutil

import pytest
from locations import FIXTURES
from notify.conftest import sample_summary, write_run

from helpers import runner
from helpers.cli import main
from helpers.notify import build_notify
from helpers.notify.status import notify_status_text
from helpers.runner import Prepared

DATE = "2026-11-15"
CONFIG = """\
notify:
  retries: 0
  report_url: https://reports.example.com/shop
  targets:
    - name: ops
      kind: wecom
      webhook_env: TEST_NOTIFY_WECOM
"""


def _prepare(data_dir, settings, *, cache_dir, run_date):
    return Prepared(DATE, quarantined_rows=0)


def test_run_sends_once_and_never_changes_the_exit_code(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TEST_NOTIFY_WECOM", server.url + "/send?key=RUN-KEY")
    config = tmp_path / "playbook.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "reports"
    common = {
        "data_dir": tmp_path,
        "out_dir": out,
        "cache_dir": tmp_path / "cache",
        "notebooks_dir": FIXTURES / "notebooks",
        "prepare": _prepare,
        "progress": False,
        "config": config,
        "kernels": "fresh",
    }
    server.answer((200, {}, '{"errcode":0,"errmsg":"ok"}'))
    first = runner.run(only=["01_ok", "02_raises"], **common)
    assert first.exit_code == 1  # 02_raises failed; the push does not change it
    assert [(o.target, o.status) for o in first.notifications] == [("ops", "sent")]
    (req,) = server.requests
    content = req.json["markdown"]["content"]
    assert "#### 未能完成的报告\n- " in content  # the failed notebook is named
    assert "[查看完整报告](https://reports.example.com/shop/2026-11-15/index.html)" in content

    second = runner.run(only=["01_ok"], **common)  # a rerun of the date
    assert second.exit_code == 0
    assert [o.status for o in second.notifications] == ["already_sent"]
    assert len(server.requests) == 1

    server.answer((500, {}, "down"))
    capsys.readouterr()
    third = runner.run(only=["01_ok"], notify="force", **common)
    assert third.exit_code == 0  # the push failed, the run did not
    assert [(o.status, o.error) for o in third.notifications] == [("failed", "HTTP 500")]
    assert "notify ops (wecom) failed: HTTP 500" in capsys.readouterr().err
    summary = (out / DATE / "summary.json").read_text(encoding="utf-8")
    assert '"status": "failed"' in summary and "RUN-KEY" not in summary

    off = runner.run(only=["01_ok"], notify="off", **common)
    assert off.notifications == [] and len(server.requests) == 2
    with pytest.raises(runner.RunError, match="notify mode"):
        runner.run(only=["01_ok"], notify="loud", **common)


def test_notify_command_dry_run_send_and_exit_codes(server, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    write_run(out, {**sample_summary(), "run_date": "2026-11-14"})
    write_run(out, sample_summary())
    config = tmp_path / "playbook.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("TEST_NOTIFY_WECOM", server.url + "/send?key=CLI-KEY")

    assert main(["notify", "--out", str(out), "--config", str(config), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("----- ops (wecom) -----\n### 山野生活旗舰店 运营日报 · 2026-11-15")
    assert "（连续第 2 天）" in printed  # every alert also fired on 11-14
    assert "CLI-KEY" not in printed and server.requests == []

    server.answer((200, {}, '{"errcode":0}'))
    args = ["notify", "--out", str(out), "--date", "2026-11-14", "--config", str(config)]
    assert main(args) == 0
    assert capsys.readouterr().out == "ops (wecom): sent\n"
    assert main(args) == 0
    assert capsys.readouterr().out == "ops (wecom): already_sent\n"
    server.answer((400, {}, "no"))
    assert main([*args, "--force"]) == 1
    assert main(["notify", "--out", str(tmp_path / "none")]) == 2


def test_dry_run_without_targets_prints_the_plain_message(tmp_path, capsys):
    out = tmp_path / "reports"
    summary = sample_summary()
    write_run(out, summary)
    assert main(["notify", "--out", str(out), "--data", str(tmp_path), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("山野生活旗舰店 运营日报 · 2026-11-15\n")
    assert f"告警（{len(summary['alerts'])} 条）" in printed


def test_check_names_targets_and_variables_never_values():
    notify = build_notify(
        {
            "targets": [
                {"name": "ops", "kind": "wecom", "webhook_env": "W"},
                {"name": "ding", "kind": "dingtalk", "webhook_env": "D", "secret_env": "S"},
            ]
        }
    )
    env = {"W": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET1", "D": "x"}
    zh = notify_status_text(notify, "zh", env)
    assert "✓ ops (企业微信群机器人) 环境变量已设置: W" in zh
    assert "✗ ding (钉钉自定义机器人) 缺少环境变量: S; 环境变量已设置: D" in zh
    assert "SECRET1" not in zh
    en = notify_status_text(build_notify(None), "en", {})
    assert "No notify targets configured" in en


@pytest.mark.notebooks
def test_sample_run_message(sample_run, tmp_path, capsys):
    """The real summary of the sample shop, as the dry run prints it for 企业微信."""
    out = tmp_path / "reports"
    (out / DATE).mkdir(parents=True)
    shutil.copy(sample_run.report_dir / "summary.json", out / DATE / "summary.json")
    summary = sample_run.summary
    config = tmp_path / "playbook.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    assert main(["notify", "--out", str(out), "--config", str(config), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    content = printed.split("\n", 1)[1]
    assert len(content.encode("utf-8")) <= 4096
    assert content.startswith("### 山野生活旗舰店 运营日报 · 2026-11-15\n对比基线：")
    review = summary["extra"]["05_daily_review"]["review"]
    assert f"对比基线：{review['baseline']['label_zh']}" in content
    assert "**支付金额 GMV** ¥31,047.80（" in content and "pp）" in content  # CVR in points
    assert "#### 哪里变了\n- " in content
    assert f"#### 告警（{len(summary['alerts'])} 条）" in content
    # within "high", the alert behind the first next action with a high alert comes first
    high = [a for a in summary["alerts"] if a["severity"] == "high"]
    steps = summary["extra"]["05_daily_review"]["next_actions"]
    first_action = next(s for s in steps if any(a["key"] in s["alert_keys"] for a in high))
    behind = [a for a in high if a["key"] in first_action["alert_keys"]]
    first_alert = content.split("- **【高】** ", 1)[1].split("\n", 1)[0]
    assert behind and first_alert == behind[0]["message_zh"]
    assert f"1. {steps[0]['text_zh']}" in content
    assert f"{first_action['text_zh']}（" in content


@pytest.mark.notebooks
def test_sample_run_message_in_english(sample_run_en, tmp_path):
    """An English run gives an English message (the report language)."""
    from helpers.notify.message import build_message
    from helpers.notify.targets import slack

    m = build_message(sample_run_en.summary)
    body = slack.render(m, max_alerts=8, max_actions=3)
    shown = slack.preview(body)
    assert body["blocks"][0]["text"]["text"] == "山野生活旗舰店 daily report · 2026-11-15"
    assert shown.split("\n", 1)[1].startswith("Compared with: ")
    assert "*GMV (paid amount)* ¥31,047.80 (" in shown  # no full-width brackets in English
    assert "*What changed*" in shown and "*Next actions*" in shown
    assert f"*Alerts ({len(m.alerts)})*" in shown
    for word in ("对比基线", "告警", "下一步", "哪里变了", "另有", "见完整报告"):
        assert word not in shown
