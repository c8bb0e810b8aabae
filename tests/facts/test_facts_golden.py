"""The sample shop's contract tables and facts are pinned (see ``tests/golden_files.py``)."""

from __future__ import annotations

from golden_files import assert_facts_match
from locations import SAMPLE

from helpers.context import prepare
from helpers.settings import load_settings


def test_sample_facts_match_golden(tmp_path):
    dataset, facts, _ = prepare(
        SAMPLE, load_settings(SAMPLE), cache_dir=tmp_path, run_date="2026-11-15"
    )
    assert_facts_match(dataset, facts, "sample")
