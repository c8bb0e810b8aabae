"""A 生意参谋 market export read through the built-in ``sycm_market`` mapping, its indices
kept as indices and converted only by a configured assumption."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from locations import SAMPLE

from helpers.intake import load_dataset
from helpers.market_research.sources import CONVERTED, figure_kinds, with_values
from helpers.settings import load_settings

EXPORT = Path(__file__).parents[1] / "fixtures" / "mappings" / "sycm_market" / "市场大盘_2026.csv"


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("sycm")
    for name in ("orders.csv.gz", "order_items.csv.gz"):
        shutil.copy(SAMPLE / name, folder / name)
    shutil.copy(EXPORT, folder / EXPORT.name)
    ds = load_dataset(folder, load_settings(), cache_dir=False)
    assert ds.quarantine.empty
    return ds["market"]


def test_the_export_becomes_the_market_table(market):
    assert list(market["month"].dt.strftime("%Y-%m")) == ["2026-08"] * 2 + ["2026-09"] * 2
    row = market.iloc[0]
    assert (row["category"], row["search_index"], row["trade_index"]) == ("户外用品", 5210, 41000)
    assert pd.isna(market.iloc[3]["search_index"])  # "-" in the export means no value
    assert market["market_gmv"].isna().all()  # this export has no money


def test_indices_stay_indices_without_a_conversion(market):
    kinds = figure_kinds({"market": market}, scale=None)
    assert set(kinds.loc[kinds["column"].isin(["search_index", "trade_index"]), "kind"]) == {
        "index"
    }
    assert "market_gmv" not in set(kinds["column"])
    assert set(with_values(market, scale=None)["gmv_basis"]) == {"index"}


def test_a_configured_conversion_is_shown_as_an_assumption(market):
    # market_gmv = 2 x trade_index ^ 1: 41,000 -> 82,000
    filled = with_values(market, scale=2.0, exponent=1.0)
    assert filled["market_gmv"].iloc[0] == 82_000 and set(filled["gmv_basis"]) == {CONVERTED}
    kinds = figure_kinds({"market": market}, scale=2.0, exponent=1.0).set_index("column")
    assert kinds.loc["market_gmv", "kind"] == CONVERTED
    assert kinds.loc["market_gmv", "assumption"] == "market_gmv = 2 × trade_index ^ 1"
