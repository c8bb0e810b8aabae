"""Shared test setup.

The ``tests/`` folder is importable (``tiny_shop``, ``locations``, ``batch_runs`` ...), so the
hand-made fixtures are shared by every test package. The batch runs below execute every
notebook once per data set for the whole session; each theme's tests assert on them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from batch_runs import (
    OLIST_DIR,
    OLIST_RUN_DATE,
    RETAIL_DIR,
    BatchRun,
    batch_run,
    orders_only,
)
from locations import REALDATA, SAMPLE

#: A fixed pseudonym key for the whole test session (and the notebook kernels it starts), so
#: hashed customer ids are the same on every machine and the user's own key is never touched.
TEST_KEY = "5eed" * 16


def _test_key_file() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="playbook-test-key-"))
    path = folder / "pseudonym.key"
    path.write_text(TEST_KEY + "\n", encoding="ascii")
    path.chmod(0o600)
    return path


os.environ["PLAYBOOK_KEY_FILE"] = str(_test_key_file())


@pytest.fixture(scope="session")
def run_cache(tmp_path_factory) -> Path:
    """One validation/facts cache for the session's batch runs (never the user's cache)."""
    return tmp_path_factory.mktemp("run-cache")


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, run_cache) -> BatchRun:
    """Every notebook on the sample shop, zh, default run date."""
    return batch_run(tmp_path_factory.mktemp("sample-zh"), SAMPLE, cache=run_cache)


@pytest.fixture(scope="session")
def sample_run_en(tmp_path_factory, run_cache) -> BatchRun:
    """Every notebook on the sample shop in English."""
    return batch_run(tmp_path_factory.mktemp("sample-en"), SAMPLE, cache=run_cache, lang="en")


@pytest.fixture(scope="session")
def orders_only_run(tmp_path_factory, run_cache) -> BatchRun:
    """Every notebook on the sample shop's orders and order lines alone."""
    data = orders_only(tmp_path_factory.mktemp("orders-only-data"))
    return batch_run(tmp_path_factory.mktemp("orders-only"), data, cache=run_cache)


def _need_realdata() -> None:
    if not REALDATA.is_dir():
        pytest.skip(
            "../shared/realdata not found: the public data sets are not beside the repository"
        )


@pytest.fixture(scope="session")
def retail_run(tmp_path_factory, run_cache) -> BatchRun:
    """Every notebook on UCI Online Retail, default run date."""
    _need_realdata()
    return batch_run(tmp_path_factory.mktemp("retail"), RETAIL_DIR, cache=run_cache)


@pytest.fixture(scope="session")
def olist_run(tmp_path_factory, run_cache) -> BatchRun:
    """Every notebook on the Olist sample."""
    _need_realdata()
    return batch_run(
        tmp_path_factory.mktemp("olist"), OLIST_DIR, cache=run_cache, run_date=OLIST_RUN_DATE
    )
