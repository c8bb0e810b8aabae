"""Real exports as a new user hands them over: the Olist download's parent folder (the data
one level down) and the CDNOW transaction log (.txt, whitespace-separated) found without
naming a mapping. The public data sets live beside the repository (../shared/realdata)."""

from __future__ import annotations

import pytest
from locations import REALDATA

from helpers.intake import load_dataset
from helpers.settings import Settings

pytestmark = pytest.mark.realdata

OLIST = REALDATA / "olist"
CDNOW = REALDATA / "cdnow"


def test_olist_parent_folder_reads_its_complete_sub_folder():
    if not (OLIST / "sample_bravida").is_dir():
        pytest.skip("../shared/realdata/olist not found: the Olist data are not beside the repo")
    ds = load_dataset(OLIST, Settings(), cache_dir=False)
    # full/ holds no orders and marketing_funnel/ no order lines: sample_bravida is read
    assert len(ds["orders"]) == 8135  # the subset's orders (README of the realdata folder)
    assert len(ds["order_items"]) == 8365
    note = ds.sources.loc[ds.sources["mapping"] == "folder", "note"].iloc[0]
    assert "sample_bravida" in note and "full" in note and "marketing_funnel" in note
    s = ds.sources
    assert (s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"]).all()


def test_cdnow_txt_is_found_by_the_mapping_without_naming_it():
    if not (CDNOW / "CDNOW_sample.txt").is_file():
        pytest.skip("../shared/realdata/cdnow not found: the CDNOW sample is not beside the repo")
    ds = load_dataset(CDNOW, Settings(), cache_dir=False)
    # 6,919 transactions -> 6,919 order lines; same customer and day -> 6,696 orders
    assert len(ds["order_items"]) == 6919 and len(ds["orders"]) == 6696
    assert set(ds.sources.loc[ds.sources["table"] != "", "mapping"]) == {"cdnow"}
    master = ds.sources.loc[ds.sources["file"] == "CDNOW_master.txt", "note"].iloc[0]
    assert ".txt and .tsv only when a mapping's file pattern names them" in master
