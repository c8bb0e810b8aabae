"""The worked example of docs/adding_a_rule.md works: its rule, pasted into
``helpers/alerts/rules.py``, runs, and its test passes; check, actions and docs see it."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from locations import ROOT

from helpers import check
from helpers.alerts import REGISTRY, collect_alerts, next_actions, rules
from helpers.alerts.catalog import to_markdown
from helpers.settings import Settings
from helpers.themes import theme

DOC = ROOT / "docs" / "adding_a_rule.md"
RULE_ID = "refund_amount_share"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture
def example_rule():
    """The doc's rule, run as if it were written at the end of helpers/alerts/rules.py."""
    rule_code, _test_code = _blocks()
    namespace = dict(vars(rules))
    exec(compile(rule_code, str(DOC), "exec"), namespace)
    try:
        yield REGISTRY[RULE_ID]
    finally:
        REGISTRY.unregister(RULE_ID)


def test_the_doc_has_the_rule_and_its_test():
    rule_code, test_code = _blocks()
    assert "@REGISTRY.rule(" in rule_code
    assert "def test_refund_amount_share(" in test_code


def test_the_example_rule_and_its_test_run(example_rule, make_facts, make_daily, settings):
    _rule_code, test_code = _blocks()
    namespace = {"pytest": pytest, "collect_alerts": collect_alerts}
    exec(compile(test_code, str(DOC), "exec"), namespace)
    namespace["test_refund_amount_share"](make_facts, make_daily, settings)


def test_check_actions_and_docs_see_the_example_rule(example_rule, make_facts, make_daily):
    shape = check.DataShape(
        have=frozenset({"orders", "order_items"}),
        usable=True,
        history_days=30,
        has_shipping_times=True,
        industry_cvr=False,
        item_cart_traffic=False,
        after_sales_sku=False,
        settings=Settings(),
    )
    rows = pd.DataFrame(check.theme_rows(theme("daily_review"), shape)).set_index("item")
    assert rows.loc[RULE_ID, "status"] == check.SKIPPED
    assert rows.loc[RULE_ID, "missing"] == ("after_sales",)
    # between refund_rate (rank 40) and ad_swing (50) in the report order
    alert_rows = list(rows.loc[rows["kind"] == "alert"].index)
    assert alert_rows.index(RULE_ID) == alert_rows.index("refund_rate") + 1
    assert "### `refund_amount_share`: Refunded share of GMV too high" in to_markdown()
    report = collect_alerts(make_facts(daily=make_daily(refund_amount=[900])), Settings())
    steps = next_actions(report, lang="zh").set_index("rule")
    assert steps.loc[RULE_ID, "action"].startswith("当日退款金额占 GMV 22.5%：")
    assert REGISTRY.label(RULE_ID, "zh") == "退款金额占比过高"


def test_without_the_example_the_registry_is_as_shipped():
    assert RULE_ID not in REGISTRY
