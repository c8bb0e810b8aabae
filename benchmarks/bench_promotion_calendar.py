"""Time the promotion calendar's computations on the sample shop.

Usage::

    python benchmarks/bench_promotion_calendar.py [--data data/sample] [--repeat 3]

Loads the run context once (intake and facts, cached), then times
:func:`helpers.promotion_calendar.overview.calendar_for` (calendar, two evaluations of every
past event with 2,000 simulated baseline paths each, economics, readiness, this year vs last,
mechanics and what-if) and the GMV evaluation alone, and prints the best of ``--repeat`` runs.
Timings depend on the machine; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import pandas as pd

from helpers.context import load_context
from helpers.promotion_calendar.evaluation import evaluate_events
from helpers.promotion_calendar.overview import calendar_for, run_calendar


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/sample")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as cache:
        ctx = load_context(args.data, cache_dir=cache)
        events, _ = run_calendar(ctx)
        settings = ctx.settings.section("promotion_calendar")
        n = int(
            (
                events["source"].isin(("shop", "platform")) & (events["start_date"] <= ctx.run_date)
            ).sum()
        )
        whole = best_of(lambda: calendar_for(ctx), args.repeat)
        gmv = best_of(
            lambda: evaluate_events(ctx.facts.daily, events, pd.Timestamp(ctx.run_date), settings),
            args.repeat,
        )
    print(f"{n} past promotions, {len(ctx.facts.daily):,} days")
    print(
        f"calendar_for: {whole:.2f} s; GMV evaluation alone: {gmv:.2f} s ({gmv / max(n, 1):.3f} s/event)"
    )


if __name__ == "__main__":
    main()
