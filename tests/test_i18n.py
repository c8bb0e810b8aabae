"""Wording and number formats of the reports."""

from __future__ import annotations

import pytest

from helpers import i18n, view


def test_labels_in_both_languages():
    assert i18n.metric_label("arpu", "zh") == "客单价"
    assert i18n.metric_label("cvr", "en").startswith("Conversion")
    assert i18n.channel_label("直播", "en") == "Live stream"
    assert i18n.channel_label("直播", "zh") == "直播"
    assert "traffic" in i18n.t("missing_table", "en", tables="traffic")
    with pytest.raises(ValueError):
        i18n.t("date", "fr")


def test_every_metric_label_has_a_unit():
    for metric, words in i18n.METRICS.items():
        assert words.zh and words.en, metric
        assert words.unit in {"currency", "count", "ratio", "ratio_x"}, metric


def test_metric_names_inside_sentences():
    # the alert messages' words: short English names, the label when no other is given
    assert i18n.metric_in_text("uv", "en") == "UV"
    assert i18n.metric_in_text("uv", "zh") == "访客数 UV"
    assert i18n.metric_in_text("cvr", "zh") == "转化率"
    assert i18n.metric_in_text("refund_rate_7d", "en") == "7-day refund rate"
    assert i18n.metric_in_text("no_such_metric", "en") == "no_such_metric"
    # ratios as percentages (two decimals under 1 %), other units as plain numbers
    assert i18n.metric_value_in_text("cvr", 0.0345) == "3.5%"
    assert i18n.metric_value_in_text("cvr", 0.0045) == "0.45%"
    assert i18n.metric_value_in_text("gmv", 12345.6) == "12,346"
    assert i18n.metric_value_in_text("roas", 3.456) == "3.46"
    assert i18n.metric_value_in_text("gmv", None) == "n/a"


def test_severity_order_is_declared_once():
    assert i18n.SEVERITIES == ("high", "medium", "low")
    assert sorted(["low", "high", "medium"], key=i18n.SEVERITY_RANK.get) == list(i18n.SEVERITIES)
    assert set(i18n.SEVERITY) == set(i18n.SEVERITIES)


def test_escape_neutralises_html_and_markdown():
    out = view.escape("<script>alert(1)</script> **bold** [x](y) a|b")
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "**" not in out
    assert "|" not in out.replace("&#124;", "")
