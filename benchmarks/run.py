"""Benchmark the heavy steps of a run on generated shops of growing size.

Usage::

    python benchmarks/run.py [--scales 1 10 30] [--days 730]

For each scale the sample generator writes a shop (Parquet) into a temporary folder, then the
script times the steps a batch run pays once per day:

* intake, first time (read, map, validate, write the Parquet cache),
* intake, cache hit (what every notebook of the run pays),
* facts for the last day (the one scan of order lines),
* the daily review's results from the facts (KPIs, split, drill-down, alerts).

It prints seconds and order lines per second per step, and the ratio of each step's time to
the smallest scale's, so that linear (ratio ~ size ratio) and worse-than-linear growth show.
Timings depend on the machine; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from helpers.daily_review.review import build_review
from helpers.facts import build_facts, last_complete_day
from helpers.intake import load_dataset
from helpers.sample import generate_sample
from helpers.settings import load_settings

STEPS = ("intake", "intake_cached", "facts", "review")


def measure(scale: float, days: int) -> tuple[int, dict[str, float]]:
    """Generate a shop at ``scale`` and time each step; returns (order lines, seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        cache = Path(tmp) / "cache"
        rows = generate_sample(data, scale=scale, days=days, fmt="parquet")
        settings = load_settings(data)
        seconds: dict[str, float] = {}

        t0 = time.perf_counter()
        ds = load_dataset(data, settings, cache_dir=cache)
        seconds["intake"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        ds = load_dataset(data, settings, cache_dir=cache)
        seconds["intake_cached"] = time.perf_counter() - t0

        day = last_complete_day(ds["orders"])
        t0 = time.perf_counter()
        facts = build_facts(ds.tables, day, settings)
        seconds["facts"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        build_review(facts, settings, market=ds.tables.get("market"))
        seconds["review"] = time.perf_counter() - t0
        return rows["order_items"], seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0, 30.0])
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args(argv)

    base: tuple[int, dict[str, float]] | None = None
    header = f"{'scale':>6} {'order lines':>12} " + " ".join(f"{s:>14}" for s in STEPS)
    print(header)
    print("-" * len(header))
    for scale in args.scales:
        lines, secs = measure(scale, args.days)
        base = base or (lines, secs)
        cells = " ".join(f"{secs[s]:>12.2f} s" for s in STEPS)
        print(f"{scale:>6g} {lines:>12,} {cells}")
        size_ratio = lines / base[0]
        ratios = " ".join(f"{secs[s] / base[1][s]:>13.1f}x" for s in STEPS)
        print(f"{'':>6} {f'size {size_ratio:.1f}x':>12} {ratios}")
        rates = " ".join(f"{lines / secs[s]:>10,.0f} l/s" for s in STEPS)
        print(f"{'':>6} {'':>12} {rates}")


if __name__ == "__main__":
    main()
