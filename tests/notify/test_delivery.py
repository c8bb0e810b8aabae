"""Sending to a recording server on 127.0.0.1: payload shape per platform, signatures
recomputed with the documented algorithms, retry on 429/5xx then give-up, sent-markers,
the outcome in summary.json, e-mail through a local SMTP server."""

from __future__ import annotations

import base64
import email
import hashlib
import hmac
import io
import json
import time
from email import policy
from urllib.parse import quote_plus

from notify.conftest import sample_summary, write_run

from helpers.notify import build_notify, delivery

SECRET = "SECabc123-test-secret"
NOW = 1_763_170_000.0  # a fixed clock: 2025-11-15 ...


def _settings(server_url, *targets, **extra):
    raw = {"retries": 2, "backoff_seconds": 0.5, "timeout_seconds": 5, **extra}
    raw["targets"] = list(targets)
    return build_notify(raw)


def _deliver(folder, notify, env, **kw):
    waits: list[float] = []
    err = io.StringIO()
    outcomes = delivery.deliver(
        folder, notify, environ=env, sleep=waits.append, clock=lambda: NOW, stream=err, **kw
    )
    return outcomes, waits, err.getvalue()


def _summary(folder):
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_wecom_markdown_within_4096_bytes(server, run_folder):
    server.answer((200, {}, '{"errcode":0,"errmsg":"ok"}'))
    notify = _settings(server.url, {"name": "ops", "kind": "wecom", "webhook_env": "W"})
    outcomes, waits, err = _deliver(
        run_folder, notify, {"W": server.url + "/cgi-bin/webhook/send?key=K1"}
    )
    assert [(o.status, o.attempts) for o in outcomes] == [("sent", 1)]
    (req,) = server.requests
    assert req.path == "/cgi-bin/webhook/send" and req.query == {"key": ["K1"]}
    assert req.headers["Content-Type"].startswith("application/json")
    body = req.json
    assert body["msgtype"] == "markdown" and set(body) == {"msgtype", "markdown"}
    content = body["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert content.startswith("### 山野生活旗舰店 运营日报 · 2026-11-15")
    assert "**支付金额 GMV** ¥31,047.80（-12.0%）" in content
    assert "1. 排查直播间转化（每天涉及约 ¥5,242.00）" in content
    assert _summary(run_folder)["notifications"] == {
        "ops": {"kind": "wecom", "status": "sent", "attempts": 1, "error": ""}
    }
    assert waits == [] and err == ""


def test_dingtalk_signature_recomputed(server, run_folder):
    server.answer((200, {}, '{"errcode":0,"errmsg":"ok"}'))
    target = {"name": "ding", "kind": "dingtalk", "webhook_env": "D", "secret_env": "S"}
    env = {"D": server.url + "/robot/send?access_token=T0K", "S": SECRET}
    outcomes, _, _ = _deliver(run_folder, _settings(server.url, target), env)
    assert outcomes[0].status == "sent"
    (req,) = server.requests
    ts = req.query["timestamp"][0]
    assert ts == str(int(NOW * 1000))  # milliseconds
    # DingTalk: sign = urlencode(base64(HmacSHA256(secret, timestamp + "\n" + secret)))
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert req.query["sign"] == [expected]  # parse_qs undid the urlencoding
    assert quote_plus(expected) in req.path + "?" + "&".join(
        f"{k}={quote_plus(v[0])}" for k, v in req.query.items()
    )
    assert req.query["access_token"] == ["T0K"]
    body = req.json
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "山野生活旗舰店 运营日报 · 2026-11-15"
    assert body["at"]["isAtAll"] is False and body["at"]["atMobiles"] == []
    assert "\n\n" in body["markdown"]["text"]


def test_feishu_post_and_signature_recomputed(server, run_folder):
    server.answer((200, {}, '{"code":0,"msg":"success","data":{}}'))
    target = {"name": "fs", "kind": "feishu", "webhook_env": "F", "secret_env": "S"}
    env = {"F": server.url + "/open-apis/bot/v2/hook/abc", "S": SECRET}
    outcomes, _, _ = _deliver(run_folder, _settings(server.url, target), env)
    assert outcomes[0].status == "sent"
    body = server.requests[0].json
    assert body["timestamp"] == str(int(NOW))  # seconds
    # Feishu: sign = base64(HmacSHA256(key = timestamp + "\n" + secret, message = ""))
    key = f"{body['timestamp']}\n{SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == "山野生活旗舰店 运营日报 · 2026-11-15"
    assert all(e["tag"] == "text" for row in post["content"] for e in row)
    assert len(server.requests[0].body) <= 20 * 1024


def test_slack_blocks(server, run_folder):
    server.answer((200, {}, "ok"))
    target = {"name": "sl", "kind": "slack", "webhook_env": "SL"}
    notify = _settings(server.url, target, report_url="https://reports.example.com/shop")
    outcomes, _, _ = _deliver(run_folder, notify, {"SL": server.url + "/services/T/B/X"})
    assert outcomes[0].status == "sent"
    body = server.requests[0].json
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "山野生活旗舰店 运营日报 · 2026-11-15"},
    }
    sections = body["blocks"][1:]
    assert all(b["type"] == "section" and len(b["text"]["text"]) <= 3000 for b in sections)
    assert sections[-1]["text"]["text"] == (
        "<https://reports.example.com/shop/2026-11-15/index.html|查看完整报告>"
    )


def test_retry_on_429_with_retry_after_then_success(server, run_folder):
    server.answer(
        (429, {"Retry-After": "7"}, "slow down"),
        (503, {}, "busy"),
        (200, {}, '{"errcode":0}'),
    )
    notify = _settings(server.url, {"name": "ops", "kind": "wecom", "webhook_env": "W"})
    outcomes, waits, _ = _deliver(run_folder, notify, {"W": server.url + "/send?key=K"})
    assert [(o.status, o.attempts) for o in outcomes] == [("sent", 3)]
    # Retry-After 7 s is respected; then backoff 0.5 * 2**1 = 1.0 s before the third try
    assert waits == [7.0, 1.0]


def test_rate_limit_answer_is_retried_other_errors_are_not(server, run_folder):
    server.answer(
        (200, {}, '{"errcode":45009,"errmsg":"api freq out of limit"}'), (200, {}, '{"errcode":0}')
    )
    notify = _settings(server.url, {"name": "ops", "kind": "wecom", "webhook_env": "W"})
    env = {"W": server.url + "/send?key=K"}
    assert _deliver(run_folder, notify, env)[0][0].attempts == 2
    server.requests.clear()
    server.answer((400, {}, "bad"))
    outcomes, waits, err = _deliver(run_folder, notify, env, force=True)
    assert [(o.status, o.attempts, o.error) for o in outcomes] == [("failed", 1, "HTTP 400")]
    assert waits == []


def test_5xx_gives_up_after_the_retries_and_records_it(server, run_folder):
    server.answer((500, {}, "down"))
    target = {"name": "ops", "kind": "wecom", "webhook_env": "W"}
    notify = _settings(server.url, target)
    url = server.url + "/send?key=VERY-SECRET-KEY"
    outcomes, waits, err = _deliver(run_folder, notify, {"W": url})
    # 1 try + 2 retries, waits 0.5 s and 1.0 s (doubling)
    assert [(o.status, o.attempts, o.error) for o in outcomes] == [("failed", 3, "HTTP 500")]
    assert len(server.requests) == 3 and waits == [0.5, 1.0]
    assert "notify ops (wecom) failed: HTTP 500" in err
    recorded = _summary(run_folder)["notifications"]["ops"]
    assert recorded == {"kind": "wecom", "status": "failed", "attempts": 3, "error": "HTTP 500"}
    text = (run_folder / "summary.json").read_text(encoding="utf-8") + err
    assert "VERY-SECRET-KEY" not in text
    assert not delivery.marker_path(run_folder, notify.targets[0]).exists()


def test_network_error_is_retried_and_no_secret_leaks(run_folder):
    target = {"name": "ops", "kind": "dingtalk", "webhook_env": "D", "secret_env": "S"}
    notify = _settings("", target)
    env = {"D": "http://127.0.0.1:9/robot/send?access_token=TOKEN-XYZ", "S": SECRET}
    outcomes, waits, err = _deliver(run_folder, notify, env)
    assert outcomes[0].status == "failed" and outcomes[0].attempts == 3
    assert outcomes[0].error.startswith("network error")
    text = (run_folder / "summary.json").read_text(encoding="utf-8") + err
    assert "TOKEN-XYZ" not in text and SECRET not in text


def test_missing_environment_variable_names_it_without_sending(server, run_folder):
    target = {"name": "ops", "kind": "feishu", "webhook_env": "F", "secret_env": "S"}
    outcomes, _, err = _deliver(run_folder, _settings(server.url, target), {"F": server.url})
    assert outcomes[0].status == "failed" and outcomes[0].error == "environment not set: S"
    assert server.requests == []


def test_no_second_send_on_rerun_unless_forced(server, run_folder):
    server.answer((200, {}, '{"errcode":0}'))
    notify = _settings(server.url, {"name": "ops", "kind": "wecom", "webhook_env": "W"})
    env = {"W": server.url + "/send?key=K"}
    assert _deliver(run_folder, notify, env)[0][0].status == "sent"
    assert _deliver(run_folder, notify, env)[0][0].status == "already_sent"
    assert len(server.requests) == 1
    assert _summary(run_folder)["notifications"]["ops"]["status"] == "already_sent"
    assert _deliver(run_folder, notify, env, force=True)[0][0].status == "sent"
    assert len(server.requests) == 2
    marker = delivery.marker_path(run_folder, notify.targets[0])
    assert marker.parent == run_folder.parent / ".notify" / "2026-11-15"


def test_marker_survives_the_run_folder_being_replaced(server, tmp_path):
    # a rerun of the date swaps in a new folder; the marker lives beside it
    out = tmp_path / "reports"
    folder = write_run(out, sample_summary())
    server.answer((200, {}, '{"errcode":0}'))
    notify = _settings(server.url, {"name": "ops", "kind": "wecom", "webhook_env": "W"})
    env = {"W": server.url + "/send?key=K"}
    _deliver(folder, notify, env)
    folder = write_run(out, sample_summary())  # the rerun's fresh summary
    assert _deliver(folder, notify, env)[0][0].status == "already_sent"


def test_after_run_modes(server, run_folder):
    server.answer((200, {}, '{"errcode":0}'))
    env = {"W": server.url + "/send?key=K"}
    target = {"name": "ops", "kind": "wecom", "webhook_env": "W"}
    off = build_notify({"enabled": False, "targets": [target]})
    assert delivery.after_run(run_folder, off, "auto", environ=env) == []
    assert delivery.after_run(run_folder, off, "off", environ=env) == []
    assert server.requests == []
    sent = delivery.after_run(run_folder, off, "on", environ=env, sleep=lambda s: None)
    assert [o.status for o in sent] == ["sent"]
    again = delivery.after_run(run_folder, off, "force", environ=env, sleep=lambda s: None)
    assert [o.status for o in again] == ["sent"] and len(server.requests) == 2
    # a broken summary is reported, never raised
    (run_folder / "summary.json").write_text("{", encoding="utf-8")
    assert delivery.after_run(run_folder, off, "force", environ=env) == []


PNG = b"\x89PNG\r\n\x1a\n-chart-"


def _executed_review(folder):
    """An executed daily review: a chart, one in the English cells only, a damaged one, a
    chart split over lines as nbformat writes long strings."""

    def cell(tag, data):
        out = {"output_type": "display_data", "data": {"image/png": data}, "metadata": {}}
        return {"cell_type": "code", "metadata": {"tags": tag}, "outputs": [out], "source": ""}

    png = base64.b64encode(PNG).decode()
    first = base64.b64encode(PNG + b"1").decode()
    cells = [cell([], first), cell(["lang-en"], png), cell([], "%%%"), cell([], [png[:8], png[8:]])]
    nb = {"cells": cells}
    (folder / "05_daily_review.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def test_email_through_a_local_smtp_server(smtp_server, run_folder):
    (run_folder / "05_daily_review.html").write_text("<html>report</html>", encoding="utf-8")
    _executed_review(run_folder)
    target = {
        "name": "mail",
        "kind": "email",
        "smtp_host": smtp_server.host,
        "smtp_port": smtp_server.port,
        "security": "none",
        "sender": "playbook@shop.example.cn",
        "recipients": ["ops@shop.example.cn", "boss@shop.example.cn"],
        "attach_reports": True,
        "inline_charts": 5,
    }
    outcomes, _, err = _deliver(run_folder, _settings("", target), {})
    assert [(o.status, o.error) for o in outcomes] == [("sent", "")], err
    (got,) = smtp_server.messages
    assert len(got["rcpt"]) == 2
    msg = email.message_from_bytes(got["data"], policy=policy.default)
    assert msg["Subject"] == "山野生活旗舰店 运营日报 · 2026-11-15"
    html = msg.get_body(("html",)).get_content()
    plain = msg.get_body(("plain",)).get_content()
    count = f"告警（{len(sample_summary()['alerts'])} 条）"  # every alert of the golden summary
    assert f"<h2>{count}</h2>" in html and "排查直播间转化" in html
    assert count in plain
    names = [p.get_filename() for p in msg.iter_attachments()]
    assert names == ["05_daily_review.html"]
    # the zh charts inline (the English-only one left out), referenced from the HTML
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert [p["Content-ID"] for p in images] == ["<chart0@playbook>", "<chart1@playbook>"]
    assert images[0].get_content() == PNG + b"1" and images[1].get_content() == PNG
    assert 'src="cid:chart0@playbook"' in html and 'src="cid:chart1@playbook"' in html


def test_email_temporary_refusal_is_retried(smtp_server, run_folder):
    smtp_server.refusals.append("451 4.3.0 try again later")
    target = {
        "name": "mail",
        "kind": "email",
        "smtp_host": smtp_server.host,
        "smtp_port": smtp_server.port,
        "security": "none",
        "sender": "a@shop.example.cn",
        "recipients": ["b@shop.example.cn"],
    }
    outcomes, waits, _ = _deliver(run_folder, _settings("", target), {})
    assert [(o.status, o.attempts) for o in outcomes] == [("sent", 2)] and waits == [0.5]


def test_retry_after_as_http_date():
    now = time.time()
    when = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= delivery.retry_after_seconds(when, now) <= 31
    assert delivery.retry_after_seconds("12", now) == 12.0
    assert delivery.retry_after_seconds("soon", now) is None
    assert delivery.Retry(3, 1.0).wait(1, 600) == 60.0  # capped


def test_email_never_sent_in_clear_when_starttls_is_asked(smtp_server, run_folder):
    target = {
        "name": "mail",
        "kind": "email",
        "smtp_host": smtp_server.host,
        "smtp_port": smtp_server.port,
        "security": "starttls",
        "sender": "a@shop.example.cn",
        "recipients": ["b@shop.example.cn"],
    }
    outcomes, waits, err = _deliver(run_folder, _settings("", target), {})
    # the test server offers no STARTTLS: refused at once, nothing delivered
    assert outcomes[0].status == "failed" and "STARTTLS" in outcomes[0].error
    assert outcomes[0].attempts == 1 and waits == []
    assert smtp_server.messages == []
