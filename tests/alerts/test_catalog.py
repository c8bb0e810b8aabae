"""docs/alerts.md is generated from the rule registry."""

from __future__ import annotations

import dataclasses

from locations import ROOT

from helpers.alerts import REGISTRY
from helpers.alerts.catalog import rule_markdown, to_markdown, with_generated
from helpers.settings import Thresholds

DOC = ROOT / "docs" / "alerts.md"


def test_alerts_doc_is_generated_from_the_registry():
    text = DOC.read_text(encoding="utf-8")
    assert with_generated(text) == text, "regenerate: python -m helpers.alerts.catalog"


def test_every_rule_is_documented_with_its_thresholds_and_action():
    text = to_markdown()
    for rule in REGISTRY:
        assert f"### `{rule.id}`" in text
        section = rule_markdown(rule)
        for name in rule.thresholds:
            assert f"| `{name}` |" in section, (rule.id, name)
        assert rule.action.zh in section and rule.action.en in section


def test_declared_thresholds_are_settings_and_every_threshold_is_read():
    fields = {f.name for f in dataclasses.fields(Thresholds)}
    declared = {n for rule in REGISTRY if rule.settings == "thresholds" for n in rule.thresholds}
    assert declared <= fields
    assert fields <= declared, fields - declared


def test_rules_in_report_order_and_kinds():
    order = [r.id for r in REGISTRY.in_report_order()]
    # the data-completeness check comes first: the data are checked before the day is judged
    assert order[:2] == ["data_incomplete", "unshipped_sla"] and order[-1] == "anomaly"
    assert len({r.rank for r in REGISTRY}) == len(REGISTRY)
    assert [r.id for r in REGISTRY.of_kind("statistical")] == ["anomaly"]


def test_theme_rules_are_documented_with_their_theme_settings():
    text = to_markdown()  # loads every theme's alert_rules module
    for rule_id in ("dormant_share_up", "repeat_rate_down"):
        rule = REGISTRY[rule_id]
        assert rule.theme == "retention" and rule.settings == "retention"
        assert f"### `{rule_id}`" in text
        assert f"| `{rule.thresholds[0]}` |" in rule_markdown(rule)
    assert "| setting (`retention:`) |" in text
    assert text.index("## Retention rules") > text.index("### `anomaly`")
    # the daily review's order and checks do not see them
    assert "dormant_share_up" not in [r.id for r in REGISTRY.in_report_order()]
