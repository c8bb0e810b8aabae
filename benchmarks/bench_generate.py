"""Time the sample-shop generator.

Usage::

    python benchmarks/bench_generate.py [--scale 30] [--days 730] [--seed 7]

Generates the sample shop twice into temporary folders as parquet, once at ``scale=1`` and
once at the requested scale, and prints order lines written, seconds and lines per second
for both, plus the ratio of the two.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from helpers.sample import generate_sample


def run(scale: float, days: int, seed: int) -> tuple[int, float]:
    """Generate once; return (order lines written, seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        rows = generate_sample(tmp, seed=seed, days=days, scale=scale, fmt="parquet")
        return rows["order_items"], time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=30.0)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    results = {}
    for scale in dict.fromkeys((1.0, args.scale)):
        lines, secs = run(scale, args.days, args.seed)
        results[scale] = (lines, secs)
        print(
            f"scale={scale:g}: {lines:,} order lines in {secs:.1f} s ({lines / secs:,.0f} lines/s)"
        )
    if args.scale != 1.0:
        (l1, s1), (ln, sn) = results[1.0], results[args.scale]
        print(f"ratio vs scale=1: {ln / l1:.1f}x lines, {sn / s1:.1f}x time")


if __name__ == "__main__":
    main()
