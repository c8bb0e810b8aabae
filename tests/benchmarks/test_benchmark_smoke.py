"""The benchmark command runs end to end at one million order lines (smoke: no timing is
asserted; speed is measured by ``python benchmarks/run.py`` and recorded in
docs/performance.md)."""

from __future__ import annotations

import importlib.util
import math

import pytest
from locations import ROOT

SCRIPT = ROOT / "benchmarks" / "run.py"


def _load():
    spec = importlib.util.spec_from_file_location("benchmark_run", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    bench = _load()
    doc = tmp_path_factory.mktemp("doc") / "performance.md"
    doc.write_text("# Performance\n\nHand-written text stays.\n", encoding="utf-8")
    work = tmp_path_factory.mktemp("work")
    results = bench.main(
        ["--sizes", "1e6", "--no-notebooks", "--work", str(work), "--doc", str(doc)]
    )
    return bench, results, doc


@pytest.mark.benchmark
def test_every_stage_runs_at_one_million_lines(smoke):
    bench, results, _ = smoke
    (res,) = results.values()
    assert 0.7e6 <= res["generate"]["rows"] <= 1.3e6
    for stage in bench.PROJECT_STAGES:
        assert res[stage]["code"] == 0, res[stage]["output"][-2000:]
        assert math.isfinite(res[stage]["seconds"]) and res[stage]["peak_mb"] > 0
    assert res["facts_next_day"]["recomputed_days"] == 1
    for ref in bench.REFERENCES:
        if "error" in res[ref]:  # the bench extra is not installed
            assert "not installed" in res[ref]["error"]
        else:  # the references build the same SKU-level table as the facts
            assert res[ref]["rows"]["daily_item"] == res["facts"]["rows"]


@pytest.mark.benchmark
def test_the_doc_gets_the_machine_and_the_table_between_its_markers(smoke):
    bench, _, doc = smoke
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nHand-written text stays.\n")
    assert text.count(bench.START) == 1 and text.count(bench.END) == 1
    assert "usable cores" in text and "RAM" in text and "intake cold + facts" in text


def test_exponent_and_profile_summary(tmp_path):
    bench = _load()
    assert bench.exponent(2.0, 8.0, 1e6, 4e6) == pytest.approx(1.0)
    assert bench.exponent(2.0, 32.0, 1e6, 4e6) == pytest.approx(2.0)
    raw = tmp_path / "raw.txt"
    raw.write_text(
        "<module> (run.py:1);build_facts (helpers/facts/build.py:9);sum (pandas/x.py:3) 3\n"
        "<module> (run.py:1);load_dataset (helpers/intake/load.py:5) 5\n",
        encoding="utf-8",
    )
    got = bench.summarize_profile(raw, within="build_facts")
    assert got["samples"] == 3
    assert got["own"] == [("sum (pandas/x.py)", 100.0)]
    assert ("build_facts (helpers/facts/build.py)", 100.0) in got["project"]
