"""Each platform's rendering: size limits with the long tail counted (never cut mid-line),
and hostile data text inert in every format (no markup, links or mentions)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from hostile_shop import EVIL_HOST, payload
from hypothesis import given
from hypothesis import strategies as st
from notify.conftest import sample_summary

from helpers.notify import build_notify, inert
from helpers.notify.config import Target
from helpers.notify.message import build_message
from helpers.notify.targets import dingtalk, feishu, mail, slack, text, wecom

#: What a chat message must never let through from the data.
HOSTILE = [
    payload(1),
    "@所有人 @all 请立即处理",
    "<!channel> <!here> <@U123ABC> <#C42>",
    '<at user_id="all">所有人</at> <font color="warning">红字</font>',
    "[点我领券](http://evil.example/x) ![图](https://evil.example/p.png)",
    "**粗体** _斜体_ ~删除~ `代码` | 表格 |",
    "第一行\n# 伪造标题\n> 伪造引用\n- 伪造条目\r\n1. 伪造编号",
    "邮件 boss@evil.example 网站 www.evil.example 或 evil.example/路径",
    "&lt;script&gt; &amp; \\*转义\\*",
]


def hostile_summary() -> dict:
    s = sample_summary()
    s["shop_name"] = "<b>店</b> @all http://evil.example/shop"
    s["alerts"] = [
        {**a, "message_zh": h, "message": h, "key": f"k{i}"}
        for i, (a, h) in enumerate(zip(s["alerts"], HOSTILE, strict=False))
    ]
    review = s["extra"]["05_daily_review"]
    review["review"]["baseline"]["label_zh"] = HOSTILE[3]
    review["review"]["answers"]["what_changed"]["zh"] = HOSTILE[6]
    for a, h in zip(review["next_actions"], HOSTILE[1:], strict=False):
        a["text_zh"] = h
    s["notebooks"].append({"name": "09_x", "title": HOSTILE[2], "status": "failed"})
    return s


def _message(**kw):
    return build_message(hostile_summary(), **kw)


def _chat_texts() -> dict[str, str]:
    """The text each chat platform would display, from the rendered request bodies."""
    m = _message()
    kw = {"max_alerts": 50, "max_actions": 20}
    feishu_body = feishu.render(m, **kw)
    return {
        "wecom": wecom.render(m, **kw)["markdown"]["content"],
        "dingtalk": dingtalk.render(m, **kw)["markdown"]["text"],
        "feishu": json.dumps(feishu_body, ensure_ascii=False),
        "slack": json.dumps(slack.render(m, **kw), ensure_ascii=False),
        "text": text.render_text(m),
    }


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu", "slack", "text"])
def test_hostile_text_is_inert_in_every_chat_format(kind):
    shown = _chat_texts()[kind]
    markup = ("<!", "<@", "<at", "<font", "<script") if kind != "text" else ()
    for needle in ("@", "://", "www.", EVIL_HOST, *markup):
        assert needle not in shown, (kind, needle)
    assert "＠所有人" in shown and "＠all" in shown  # the words stay, inert
    assert "evil．example" in shown
    if kind in ("wecom", "dingtalk"):
        assert not re.search(r"[<>\[\]`~|\\]", shown)
        # the only bold marks are ours: a label and a severity per line
        assert "＊＊粗体＊＊" in shown
        lines = [ln for ln in shown.split("\n") if ln]
        ours = ("### ", "#### ", "- ", "对比基线", "**")
        assert all(ln.startswith(ours) or re.match(r"^\d+\. ", ln) for ln in lines), lines
        assert "# 伪造标题" not in shown.replace("＃ 伪造标题", "")
    if kind == "slack":
        assert "&lt;!channel&gt;" in shown and "&lt;＠U123ABC&gt;" in shown
        assert "<" not in shown.replace("\\u003c", "")  # no control character at all
    if kind == "feishu":
        body = json.loads(shown)
        tags = {e["tag"] for row in body["content"]["post"]["zh_cn"]["content"] for e in row}
        assert tags == {"text"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def test_hostile_text_is_inert_in_the_email():
    s = hostile_summary()
    m = build_message(s, report_url="https://reports.example.com/shop")
    page = mail.html_body(m, s)
    parser = _Tags()
    parser.feed(page)
    allowed = {
        "html",
        "head",
        "meta",
        "style",
        "body",
        "h1",
        "h2",
        "ul",
        "ol",
        "li",
        "b",
        "br",
        "table",
        "tr",
        "td",
        "p",
        "a",
    }
    assert {t for t, _ in parser.tags} <= allowed
    links = [dict(a)["href"] for t, a in parser.tags if t == "a"]
    assert links == ["https://reports.example.com/shop/2026-11-15/index.html"]
    shown = "".join(parser.text)
    assert "<script>" in shown  # shown literally, as text
    assert "://" not in shown.replace("https://reports.example.com", "") and "@" not in shown
    target = Target(name="m", kind="email", smtp_host="h", sender="a@b.cn", recipients=("c@d.cn",))
    built = mail.build_email(m, s, target)
    assert "\n" not in built["Subject"] and "://" not in built["Subject"]


def test_chat_link_is_only_the_configured_report_address():
    m = _message(report_url="https://reports.example.com/shop")
    body = wecom.render(m, max_alerts=8, max_actions=3)["markdown"]["content"]
    assert re.findall(r"\]\(([^)]*)\)", body) == [
        "https://reports.example.com/shop/2026-11-15/index.html"
    ]


def _many_alerts(n: int) -> dict:
    s = sample_summary()
    base = s["alerts"][0]
    s["alerts"] = [
        {
            **base,
            "severity": ["high", "medium", "low"][i % 3],
            "key": f"k{i}",
            "message_zh": f"第 {i:03d} 条告警："
            + "渠道转化率明显下降，请核对流量来源与落地页。" * 5,
        }
        for i in range(n)
    ]
    return s


@pytest.mark.parametrize(
    ("module", "size", "limit"),
    [
        (wecom, lambda b: len(b["markdown"]["content"].encode()), 4096),
        (dingtalk, lambda b: len(b["markdown"]["text"].encode()), 20000),
        (feishu, lambda b: len(json.dumps(b, ensure_ascii=False).encode()) + 100, 20 * 1024),
        (slack, lambda b: sum(len(x["text"]["text"]) for x in b["blocks"]), 12000),
    ],
)
def test_long_tail_is_counted_within_the_platform_limit(module, size, limit):
    m = build_message(_many_alerts(200))
    body = module.render(m, max_alerts=50, max_actions=20)
    assert size(body) <= limit
    shown = module.preview(body)
    listed = [
        a for a in m.alerts if inert.markdown(a.text) in shown or inert.slack(a.text) in shown
    ]
    assert 0 < len(listed) < 200
    # listed alerts are whole lines, in order; the rest counted in one line
    assert listed == list(m.alerts[: len(listed)])
    rest = m.alerts[len(listed) :]
    assert f"另有 {len(rest)} 条告警（" in shown
    for a in rest:
        assert a.text[:12] not in shown


def test_at_most_max_alerts_and_actions_listed():
    m = build_message(_many_alerts(20))
    content = wecom.render(m, max_alerts=3, max_actions=1)["markdown"]["content"]
    assert content.count("条告警：") == 3
    # 20 alerts (i % 3: 7 high, 7 medium, 6 low); the first 3 shown: high, medium, low ...
    # sorted by severity: 7 high listed first, 3 shown -> 4 high, 7 medium, 6 low left
    assert "另有 17 条告警（高 4、中 7、低 6），见完整报告" in content
    assert "另有 1 条建议，见完整报告" in content


def test_slack_sections_split_between_lines():
    m = build_message(_many_alerts(40))
    body = slack.render(m, max_alerts=40, max_actions=3)
    sections = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    assert len(sections) > 3 and all(len(t) <= 3000 for t in sections)
    assert len(body["blocks"]) <= 50


@given(st.text(max_size=400))
def test_inert_markdown_never_lets_markup_through(value):
    out = inert.markdown(value)
    assert not set(out) & set("*_`~[]<>|\\&#@\n\r")
    assert "://" not in out and len(out) <= inert.MAX_CHARS


@given(st.text(max_size=400))
def test_inert_slack_has_no_control_characters(value):
    out = inert.slack(value)
    assert not set(out) & set("<>@\n*_~`")
    assert re.sub(r"&(amp|lt|gt);", "", out).count("&") == 0
    assert "://" not in out


def test_settings_targets_checked():
    with pytest.raises(ValueError, match=r"notify.targets\[0\].kind"):
        build_notify({"targets": [{"name": "x", "kind": "telegram", "webhook_env": "X"}]})
    with pytest.raises(ValueError, match="secret_env"):
        build_notify(
            {"targets": [{"name": "x", "kind": "slack", "webhook_env": "X", "secret_env": "S"}]}
        )
    with pytest.raises(ValueError, match="own name"):
        t = {"name": "x", "kind": "slack", "webhook_env": "X"}
        build_notify({"targets": [t, t]})
    with pytest.raises(ValueError, match="unknown setting notify.retry"):
        build_notify({"retry": 3})
    with pytest.raises(ValueError, match="report_url"):
        build_notify({"report_url": "javascript:alert(1)"})
    with pytest.raises(ValueError, match="retries"):
        build_notify({"retries": 99})


def test_content_is_given_up_in_order():
    from helpers.notify.targets.common import Shown, reductions

    got = [(s.alerts, s.actions, s.answer) for s in reductions(Shown(5, 2, 2))]
    # alerts down to 3, then "what changed" from its last line, then alerts, then actions
    assert got == [
        (4, 2, 2),
        (3, 2, 2),
        (3, 2, 1),
        (3, 2, 0),
        (2, 2, 0),
        (1, 2, 0),
        (0, 2, 0),
        (0, 1, 0),
        (0, 0, 0),
    ]


def test_what_changed_lines_shown_whole_under_their_heading():
    content = wecom.render(build_message(sample_summary()), max_alerts=8, max_actions=3)
    text_ = content["markdown"]["content"]
    assert (
        "#### 哪里变了\n- GMV 较对比基线 -12.0%。\n- 较对比基线拖累最大的渠道：直播（-¥5,241.74）。\n"
        in text_
    )
