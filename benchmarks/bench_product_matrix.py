"""Time the product matrix: items bought together on many order lines, and the whole build.

Usage::

    python benchmarks/bench_product_matrix.py [--lines 2000000] [--skus 5000] [--data DIR]

1. Items bought together (:func:`helpers.product_matrix.baskets.item_pairs`) on a synthetic
   set of ``--lines`` distinct (order, SKU) lines over ``--skus`` SKUs with 1-8 lines per
   order and a popularity skew: prints lines per second and the pairs found.
2. The whole :func:`helpers.product_matrix.matrix.build_matrix` on ``--data`` (default the
   sample shop), once the run's facts are built (in a temporary cache): one number.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.context import prepare
from helpers.product_matrix.baskets import item_pairs
from helpers.product_matrix.matrix import build_matrix
from helpers.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


def synthetic_lines(n_lines: int, n_skus: int, seed: int = 1) -> pd.DataFrame:
    """Distinct (order_id, sku_id) lines: 1-8 lines per order, Zipf-like SKU popularity."""
    rng = np.random.default_rng(seed)
    per_order = rng.integers(1, 9, size=n_lines // 4)
    order = np.repeat(np.arange(len(per_order)), per_order)[:n_lines]
    w = 1.0 / np.arange(1, n_skus + 1) ** 0.9
    sku = rng.choice(n_skus, size=len(order), p=w / w.sum())
    lines = pd.DataFrame({"order_id": order, "sku_id": sku.astype(str)})
    return lines.drop_duplicates()


def bench_pairs(n_lines: int, n_skus: int) -> None:
    lines = synthetic_lines(n_lines, n_skus)
    t0 = time.perf_counter()
    pairs = item_pairs(lines, min_orders=5)
    secs = time.perf_counter() - t0
    print(
        f"item_pairs: {len(lines):,} lines, {lines['order_id'].nunique():,} orders, "
        f"{len(pairs):,} pairs in {secs:.2f} s ({len(lines) / secs:,.0f} lines/s)"
    )


def bench_build(data: Path) -> None:
    settings = load_settings(data)
    with tempfile.TemporaryDirectory() as cache:
        dataset, facts, _ = prepare(data, settings, cache_dir=cache)
        settings = settings.with_hints(getattr(dataset, "settings_hints", None))
        t0 = time.perf_counter()
        pm = build_matrix(facts, dataset.tables, settings=settings)
        secs = time.perf_counter() - t0
    print(f"build_matrix on {data.name}: {len(pm.items):,} items in {secs:.1f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--skus", type=int, default=5_000)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    args = parser.parse_args(argv)
    bench_pairs(args.lines, args.skus)
    bench_build(args.data)


if __name__ == "__main__":
    main()
