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
