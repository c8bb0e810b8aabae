"""The documents show things that work: the example mapping, the contract tables."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.contract import TABLES
from helpers.intake import load_dataset
from helpers.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_the_example_mapping_in_bring_your_own_data_reads_an_export(tmp_path):
    text = (DOCS / "bring_your_own_data.md").read_text(encoding="utf-8")
    yaml_text = re.search(r"```yaml\n(name: my_erp_orders.*?)```", text, re.S).group(1)
    mapping = tmp_path / "my_erp_orders.yaml"
    mapping.write_text(yaml_text, encoding="utf-8")
    data = tmp_path / "shop"
    data.mkdir()
    rows = [
        "单号,客户,客户姓名,手机,地址,下单时间,付款时间,实付,状态,商品编码,数量",
        "A1,小王,王小明,13800000000,北京市朝阳区,2026-11-01 10:00,2026-11-01 10:05,198,已付款,S1,2",
        "A2,小李,李四,13900000000,上海市,2026-11-01 11:00,,0,已取消,S2,1",
    ]
    (data / "erp.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    ds = load_dataset(data, Settings(), mapping=mapping, cache_dir=False)
    orders = ds["orders"].set_index("order_id")
    assert list(orders.index) == ["A1", "A2"]
    assert orders.loc["A1", "paid_amount"] == 198.0
    assert orders.loc["A2", "status"] == "cancelled"
    assert ds["order_items"].set_index("order_id").loc["A1", "unit_price"] == 99.0  # 198 / 2
    blob = "".join(df.to_csv() for df in ds.tables.values())
    for secret in ("王小明", "13800000000", "北京市朝阳区", "小王"):
        assert secret not in blob


def test_the_reject_example_in_bring_your_own_data_quarantines_in_both_languages(tmp_path):
    from helpers.daily_review.review import quarantine_summary
    from helpers.daily_review.tables import quarantine_table

    text = (DOCS / "bring_your_own_data.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(name: my_erp_orders.*?)```", text, re.S).group(1)
    orders = re.search(r"```yaml\n(  orders:\n    reject:.*?)```", text, re.S).group(1)
    # the example mapping with its orders entry replaced by the long form with a reject rule
    head, rest = example.split("  orders:\n", 1)
    yaml_text = head + orders + "  order_items:\n" + rest.split("  order_items:\n", 1)[1]
    mapping = tmp_path / "my_erp_orders.yaml"
    mapping.write_text(yaml_text, encoding="utf-8")
    data = tmp_path / "shop"
    data.mkdir()
    rows = [
        "单号,客户,客户姓名,手机,地址,下单时间,付款时间,实付,状态,商品编码,数量",
        "A1,小王,王小明,13800000000,北京市朝阳区,2026-11-01 10:00,2026-11-01 10:05,198,已付款,S1,2",
        "TEST1,小李,李四,13900000000,上海市,2026-11-01 11:00,2026-11-01 11:01,1,已付款,S2,1",
    ]
    (data / "erp.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    ds = load_dataset(data, Settings(), mapping=mapping, cache_dir=False)
    assert list(ds["orders"]["order_id"]) == list(ds["order_items"]["order_id"]) == ["A1"]
    q = ds.quarantine.set_index("table")
    assert (q.loc["orders", "reason"], q.loc["orders", "reason_zh"]) == (
        "test order, not a sale",
        "测试订单，不是销售",
    )
    assert "not found in accepted orders" in q.loc["order_items", "reason"]  # its line follows
    shown = quarantine_table(quarantine_summary(ds.quarantine), lang="zh")
    assert set(shown["原因"]) == {"测试订单，不是销售", "订单编号在已接收的订单表中找不到"}


def test_data_contract_doc_lists_every_table_and_column():
    text = (DOCS / "data_contract.md").read_text(encoding="utf-8")
    for table in TABLES.values():
        assert f"`{table.name}`" in text, table.name
        for column in table.columns:
            assert f"`{column.name}`" in text, (table.name, column.name)


def test_metric_glossary_names_every_headline_metric():
    from helpers.metrics.kpis import HEADLINE

    text = (DOCS / "metrics.md").read_text(encoding="utf-8")
    for metric, _unit, _needs in HEADLINE:
        assert f"`{metric}`" in text, metric


def test_data_contract_doc_is_generated_from_the_contract():
    from helpers.contract import to_markdown

    text = (DOCS / "data_contract.md").read_text(encoding="utf-8")
    assert to_markdown() in text, "regenerate: python -m helpers.contract"


def test_bad_data_doc_is_generated_from_the_bad_input_corpus():
    from helpers.intake.corpus_doc import load_cases, with_generated

    text = (DOCS / "bad_data.md").read_text(encoding="utf-8")
    cases = load_cases()
    assert with_generated(text, cases) == text, "regenerate: python -m helpers.intake.corpus_doc"
    assert all(f"Case `{c['id']}`" in text for c in cases)


def test_configuration_doc_is_generated_from_the_settings_classes():
    from helpers.settings_doc import to_markdown, with_generated

    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert with_generated(text) == text, "regenerate: python -m helpers.settings_doc"
    assert "| `anomaly_z` | float | `3.5` |" in to_markdown()  # Thresholds default


def test_every_setting_is_documented_in_its_class_docstring():
    from helpers.settings import Settings, Thresholds
    from helpers.settings_doc import undocumented
    from helpers.themes import settings_sections

    for cls in (Settings, Thresholds, *settings_sections().values()):
        assert undocumented(cls) == [], cls.__name__


def test_attribute_docs_reads_numpy_attributes_with_continuation_lines():
    from dataclasses import dataclass

    from helpers.settings_doc import attribute_docs, settings_table

    @dataclass(frozen=True)
    class Example:
        """Example settings.

        Attributes
        ----------
        window_days : int
            Days in the window,
            counted back from the run date.
        label : str or None
            Shown as ``label`` | plain.
        low, high : float
            Bounds.

        Notes
        -----
        Not an attribute.
        """

        window_days: int = 7
        label: str | None = None
        low: float = 0.0
        high: float = 1.0

    docs = attribute_docs(Example)
    assert docs == {
        "window_days": ("int", "Days in the window, counted back from the run date."),
        "label": ("str or None", "Shown as ``label`` | plain."),
        "low": ("float", "Bounds."),
        "high": ("float", "Bounds."),
    }
    assert settings_table(Example)[2:4] == [
        "| `window_days` | int | `7` | Days in the window, counted back from the run date. |",
        "| `label` | str or None | *(none)* | Shown as `label` \\| plain. |",
    ]


def test_the_example_playbook_yaml_in_the_configuration_doc_loads(tmp_path):
    from helpers.settings import load_settings

    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    (tmp_path / "playbook.yaml").write_text(example, encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.shop_name == "山野生活旗舰店"
    assert settings.thresholds.anomaly_z == 3.5


def test_the_theme_declaration_in_adding_a_notebook_is_a_valid_theme(monkeypatch):
    import sys
    import types

    from helpers.sections import Theme
    from helpers.settings_doc import settings_table, undocumented

    text = (DOCS / "adding_a_notebook.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(\"\"\"The retention theme.*?)```", text, re.S).group(1)
    module = types.ModuleType("example_theme")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # dataclasses look it up
    exec(compile(code, "adding_a_notebook.md", "exec"), module.__dict__)
    theme = module.THEME
    assert isinstance(theme, Theme) and theme.notebook.endswith("_" + theme.name)
    assert undocumented(theme.settings) == []  # every key gets its line in configuration.md
    assert "| `cohort_months` | int | `12` |" in "\n".join(settings_table(theme.settings))
    # without the customers table the cohorts section is skipped and says which table
    assert theme.skipped({"orders", "order_items"}) == {"cohorts": ("customers",)}
    assert theme.show("repeat", {"orders"}, data=[1]).state == "data"
