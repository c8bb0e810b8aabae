"""The checklist's lists read in the page language: every displayed column and categorical
value has a zh / en label, while the rows (what the CSV export writes) keep machine names."""

from __future__ import annotations

import re

import pandas as pd

from helpers.start_here.page import (
    COLUMN_LABELS,
    UNITS,
    VALUE_LABELS,
    checklist_table,
    list_frame,
    map_table,
)
from helpers.start_here.status import Item

CJK = re.compile(r"[\u4e00-\u9fff]")
SERVICE = pd.DataFrame(
    {
        "case_id": ["AS001", "AS002"],
        "order_id": ["O1", "O2"],
        "sku_id": ["AP0001", "BT0005"],
        "type": ["return", "refund_only"],
        "reason": ["尺码不符", "不想要了"],
        "hours_waiting": [30.0, 50.5],
    }
)
ADS = pd.DataFrame(
    {
        "channel": ["付费推广"],
        "spend": [1200.0],
        "plan": [800.0],
        "ratio": [1.5],
        "status": ["urgent"],
    }
)
PROMO = pd.DataFrame(
    {"promo_id": ["next"], "name": ["双12"], "phase": ["warmup"], "days_to_start": [3]}
)


def _item(rows: pd.DataFrame) -> Item:
    return Item("x", ("事项", "Item"), "attention", len(rows), ("说明", "Detail"), rows)


def test_every_displayed_column_has_both_labels():
    assert set(UNITS) <= set(COLUMN_LABELS)
    for zh, en in COLUMN_LABELS.values():
        assert CJK.search(zh) and not CJK.search(en)


def test_zh_lists_show_chinese_columns_and_values():
    service = list_frame(_item(SERVICE), lang="zh")
    headers = [service.columns.name, *service.columns]
    assert headers == ["售后单号", "订单号", "商品编码", "类型", "原因", "已等待(小时)"]
    assert list(service["类型"]) == ["退货退款", "仅退款"]
    ads = list_frame(_item(ADS), lang="zh")
    assert [ads.columns.name, *ads.columns] == ["渠道", "花费", "计划", "花费/计划", "状态"]
    assert CJK.search(ads["状态"].iloc[0])
    promo = list_frame(_item(PROMO), lang="zh")
    assert [promo.columns.name, *promo.columns] == ["活动", "阶段", "距开始(天)"]
    assert promo["阶段"].iloc[0] == "预热"  # promo_id ("next") is not shown


def test_en_lists_show_english_columns_and_values():
    service = list_frame(_item(SERVICE), lang="en")
    assert list(service["Type"]) == ["return", "refund only"]
    promo = list_frame(_item(PROMO), lang="en")
    assert promo["Phase"].iloc[0] == "warm-up" and not CJK.search(promo.index[0])
    for frame in (service, promo, list_frame(_item(ADS), lang="en")):
        assert not any(CJK.search(str(c)) for c in [frame.columns.name, *frame.columns])


def test_the_rows_keep_machine_names_for_the_export():
    item = _item(SERVICE)
    list_frame(item, lang="zh")
    assert list(item.rows.columns) == list(SERVICE.columns)
    assert list(item.rows["type"]) == ["return", "refund_only"]


def test_value_labels_cover_the_after_sales_types():
    from helpers.contract import AFTER_SALES_TYPES

    assert set(AFTER_SALES_TYPES) <= set(VALUE_LABELS["type"])


def test_titles_do_not_wrap():
    assert "<td style='white-space:nowrap'><a href=" in map_table("zh")
    item = _item(SERVICE)
    checklist = type("C", (), {"items": [item]})()
    assert "<td style='white-space:nowrap'>事项</td>" in checklist_table(checklist, "zh")
