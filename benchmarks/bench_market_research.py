"""Time the market research build on a shop, step by step.

Usage::

    python benchmarks/bench_market_research.py [--data DIR] [--repeat 3]

Loads the run context once (intake and facts in a temporary cache, not timed), then times
:func:`helpers.market_research.build_research` as a whole and its heavier steps: the
customer picture (the one step that reads order lines again: buyers x categories over the
last year) and the STL demand outlook (one decomposition and ARIMA fit per category). Prints
the best of ``--repeat`` runs in seconds. Timings depend on the machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from helpers.context import load_context
from helpers.market_research import build_research
from helpers.market_research.customers import buyer_table, paid_lines
from helpers.market_research.lifecycle import shop_monthly
from helpers.market_research.months import complete_months, last_complete_month
from helpers.market_research.outlook import outlook

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def best(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SAMPLE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as cache:
        ctx = load_context(args.data, cache_dir=cache)
        tables, facts = ctx.dataset.tables, ctx.facts
        settings = ctx.settings.section("market_research")
        lines = len(tables["order_items"])
        total = best(lambda: build_research(tables, facts, settings), args.repeat)
        steps = {"whole build": total}
        if "customers" in tables:
            steps["customer picture"] = best(
                lambda: (
                    buyer_table(facts.customers, tables["customers"]),
                    paid_lines(
                        tables["orders"],
                        tables["order_items"],
                        tables.get("products"),
                        ctx.run_date,
                    ),
                ),
                args.repeat,
            )
        end = last_complete_month(ctx.run_date)
        market = complete_months(tables.get("market"), ctx.run_date)
        if market is not None:
            series = [g.set_index("month")["market_gmv"] for _, g in market.groupby("category")]
        else:
            shop = shop_monthly(facts.daily_item, tables.get("products"), end)
            series = [g.set_index("month")["shop_gmv"] for _, g in shop.groupby("category")]
        steps[f"outlook ({len(series)} series)"] = best(
            lambda: [outlook(s, "x") for s in series], args.repeat
        )
    print(f"{args.data.name}: {lines:,} order lines, run date {ctx.run_date:%Y-%m-%d}")
    for name, secs in steps.items():
        print(f"  {name:<24} {secs:6.2f} s")


if __name__ == "__main__":
    main()
