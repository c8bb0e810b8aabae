"""CDNOW through the product's own path: the built-in ``cdnow`` mapping reads the
header-less, whitespace-separated sample, and ``playbook run --date 1997-09-30 --mapping
cdnow`` reports the published BG/NBD and Gamma-Gamma parameters in summary.json within 1 %
(time unit: weeks). Published: Fader, Hardie & Lee (2005), "Counting your customers the easy
way" and "RFM and CLV"."""

from __future__ import annotations

import json

import pytest
from locations import REALDATA

from helpers import runner
from helpers.intake import load_dataset
from helpers.settings import load_settings

CDNOW_DIR = REALDATA / "cdnow"
PUBLISHED = {
    "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "gamma_gamma": {"p": 6.25, "q": 3.74, "gamma": 15.44},
}

if not (CDNOW_DIR / "CDNOW_sample.txt").is_file():
    pytest.skip(
        "../shared/realdata/cdnow not found: the CDNOW sample is not beside the repository",
        allow_module_level=True,
    )

pytestmark = pytest.mark.realdata


def test_cdnow_mapping_reads_the_sample():
    ds = load_dataset(CDNOW_DIR, load_settings(None), mapping="cdnow", cache_dir=False)
    orders, lines = ds["orders"], ds["order_items"]
    # 6,919 transactions of 2,357 customers; same-day transactions -> 6,696 orders
    assert len(lines) == 6919 and len(orders) == 6696
    assert orders["customer_id"].nunique() == 2357
    assert orders["customer_id"].str.len().eq(5).all()  # leading zeros kept
    assert ds.quarantine.empty
    assert ds.settings_hints["currency"] == "USD"
    # the master file (23,570 customers, with a header row) is not read by this mapping
    ignored = ds.sources.loc[ds.sources["file"] == "CDNOW_master.txt", "mapping"]
    assert ignored.eq("ignored").all()


@pytest.fixture(scope="module")
def cdnow_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cdnow-run")
    result = runner.run(
        data_dir=CDNOW_DIR,
        out_dir=out,
        run_date="1997-09-30",
        mapping="cdnow",
        only=["retention"],
        cache_dir=tmp_path_factory.mktemp("cdnow-cache"),
        progress=False,
    )
    summary = json.loads(result.summary_path.read_text(encoding="utf-8"))
    return result, summary


@pytest.mark.notebooks
def test_playbook_run_reports_the_published_parameters(cdnow_run):
    result, summary = cdnow_run
    assert {nb.name: nb.status for nb in result.notebooks} == {"04_retention": "ok"}
    model = summary["extra"]["04_retention"]["model"]
    assert model["status"] == "fitted"
    assert model["time_unit"] == "week" and model["unit_days"] == 7
    for part, params in PUBLISHED.items():
        for name, value in params.items():
            assert model[part][name] == pytest.approx(value, rel=0.01), (part, name)
    assert model["bgnbd"]["customers"] == 2357 and model["gamma_gamma"]["customers"] == 946
