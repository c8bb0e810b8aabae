"""The product matrix's explorer on the tiny shop: category, role and search redraw the item
table and the role matrix; the batch draws every item without a widget."""

from __future__ import annotations

import types

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from tiny_shop import RUN, canonical_tables

from helpers.facts import build_facts
from helpers.intake import Dataset
from helpers.product_matrix.page import explore, matrix_for, page_for
from helpers.settings import Settings


@pytest.fixture(scope="module")
def page():
    tables = canonical_tables()
    settings = Settings()
    facts = build_facts(tables, RUN, settings)
    ctx = types.SimpleNamespace(
        facts=facts,
        dataset=Dataset(tables, pd.DataFrame(), pd.DataFrame(), fingerprint="explorer"),
        settings=settings,
        available=frozenset(tables),
        lang="en",
    )
    yield page_for(ctx, matrix_for(ctx))
    plt.close("all")


def _text(ex) -> str:
    return "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in ex.output.outputs
    )


def _rows(ex) -> list[str]:
    """The item ids of the drawn table (first word of each line below the header)."""
    lines = _text(ex).splitlines()[1:]
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("Figure")]


def test_filters_redraw_the_item_table(page):
    items = page.pm.items
    ex = explore(page)
    assert set(ex.controls) == {"category", "search"}  # items carry no date or channel
    assert list(ex.controls["category"].options)[1:] == [
        (c, c) for c in sorted(items["category"].dropna().astype(str).unique())
    ]
    assert len(ex.drawn) == len(items)
    some = str(items["category"].dropna().iloc[0])
    ex.controls["category"].value = some
    assert set(ex.drawn["category"].astype(str)) == {some}
    assert _rows(ex) == list(items.loc[items["category"] == some, "sku_id"])
    # the tiny shop's items A (服饰), B (鞋), C (配件): searching "c" keeps C only
    ex.controls["category"].value = ""
    ex.controls["search"].value = "c"
    assert list(ex.drawn["sku_id"]) == ["C"] and _rows(ex) == ["C"]
    ex.controls["search"].value = "no such item"
    assert ex.drawn.empty and "widen them" in _text(ex)


def test_the_role_control_keeps_one_role(page):
    ex = explore(page)
    role = page.pm.items["role"].iloc[0]
    ex.extra["role"].value = role
    shown = page.pm.items.loc[page.pm.items["role"] == role, "sku_id"]
    assert _rows(ex) == list(shown)
    other = next((r for r in ("driver", "profit", "image") if r != role), None)
    ex.extra["role"].value = other  # no tiny-shop item has that role
    assert "widen them" in _text(ex)


def test_batch_view_lists_every_item(page, capsys):
    assert explore(page, interactive=False) is None
    out = capsys.readouterr().out
    assert all(s in out for s in page.pm.items["sku_id"].head(10))
    assert "Dropdown" not in out and plt.get_fignums() == []
