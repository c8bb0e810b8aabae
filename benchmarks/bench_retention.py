"""Time the retention value model: BG/NBD and Gamma-Gamma fits on CDNOW and on the sample.

Usage::

    python benchmarks/bench_retention.py

Prints, for the CDNOW sample (../shared/realdata/cdnow, 2,357 customers, calibration to
1997-09-30) and for data/sample (about 60,000 customers at the default run date): seconds to
build the model inputs, to fit each model, and the fitted parameters next to the published
ones for CDNOW. Nothing here is asserted; timings depend on the machine.

Why the models are fitted with scipy rather than a library (measured on Python 3.11,
numpy 2.4, pandas 3.1, 2 shared cores; CDNOW sample, weeks):

================  ==========  ========  ==========  =====================================
candidate         venv MB     import s  BG/NBD s    result
================  ==========  ========  ==========  =====================================
lifetimes 0.11.3  333         2.0       0.29        published values; unmaintained (2020)
btyd 0.1a1        538         -         -           fails to import (autograd 1.4 pin)
pymc-marketing    790         10-14     13 (118     a = 0.706, b = 2.092 with its default
0.19.2                                  cold)       priors: not the published MLE
scipy (here)      0 extra     -         0.15        published values within 0.1 %
================  ==========  ========  ==========  =====================================

(venv MB: the whole environment of a fresh venv with the library and its dependencies;
lifetimes adds 6 MB to numpy/scipy/pandas, pymc-marketing adds pymc, pytensor, numba,
llvmlite, arviz, xarray and scikit-learn. btyd's only release installable on Python 3.11
pins pymc 4 and autograd 1.4, which imports ``inspect.getargspec``, removed in 3.11.)
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from helpers.context import load_context
from helpers.retention.clv import btyd_summary, fit_bgnbd, fit_gamma_gamma
from helpers.retention.purchases import kept, purchases

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT.parent / "shared" / "realdata" / "cdnow" / "CDNOW_sample.txt"
PUBLISHED = {
    "r": 0.243,
    "alpha": 4.414,
    "a": 0.793,
    "b": 2.426,
    "p": 6.25,
    "q": 3.74,
    "gamma": 15.44,
}


def timed(label: str, fn, *args):
    """Call ``fn(*args)`` and print how long it took."""
    start = time.perf_counter()
    out = fn(*args)
    print(f"  {label:<22} {time.perf_counter() - start:7.3f} s")
    return out


def fit(summary: pd.DataFrame) -> dict[str, float]:
    bg = timed("BG/NBD fit", fit_bgnbd, summary)
    gg = timed("Gamma-Gamma fit", fit_gamma_gamma, summary)
    return {**bg.params(), **gg.params()}


def main() -> None:
    if CDNOW.is_file():
        print(f"CDNOW sample ({CDNOW.name})")
        df = pd.read_csv(
            CDNOW,
            sep=r"\s+",
            header=None,
            names=["customer_id", "sample_id", "date", "cds", "dollars"],
            dtype={"customer_id": str, "date": str},
        )
        df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
        s = timed("inputs", lambda: btyd_summary(df, "1997-09-30", amount="dollars"))
        params = fit(s)
        for k, v in params.items():
            print(
                f"    {k:<6} {v:9.4f}  published {PUBLISHED[k]:8.3f}  ({v / PUBLISHED[k] - 1:+.2%})"
            )
    sample = ROOT / "data" / "sample"
    print(f"sample shop ({sample})")
    ctx = load_context(sample)
    now = kept(purchases(ctx.dataset.tables, ctx.run_date))
    s = timed("inputs", btyd_summary, now, ctx.run_date)
    print(f"    customers {len(s):,}, repeat buyers {(s['frequency'] > 0).sum():,}")
    for k, v in fit(s).items():
        print(f"    {k:<6} {v:9.4f}")


if __name__ == "__main__":
    main()
