"""Memory and time of hostile inputs: each is refused or cut, with flat memory.

Usage::

    python benchmarks/bench_hostile_inputs.py [--line-mib 512]

Each case runs in a fresh child process, which reports its peak resident memory (maxrss) and
wall-clock seconds, and what happened (refused with which message, or loaded):

* ``alias bomb``: a 341-byte ``playbook.yaml`` of nested YAML aliases (9^8 strings);
* ``one-line gzip``: ``orders.csv.gz`` of a few hundred KB expanding to one ``--line-mib`` MiB
  line;
* ``long strings``: 200 orders whose channel is 100,000 characters long.

Numbers depend on the machine; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = "order_id,customer_id,created_at,paid_at,status,paid_amount,channel,shipped_at\n"
ITEMS = "order_id,line_no,sku_id,quantity,unit_price,title\no1,1,A,1,100,coffee\n"
LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    + ["shop_name: *i"]
)


def _child(case: str, folder: str) -> None:
    """Run one case in this process and print a JSON line."""
    from helpers.intake import load_dataset
    from helpers.settings import Settings, load_settings

    t0 = time.perf_counter()
    try:
        if case == "alias bomb":
            load_settings(folder)
            outcome = "loaded"
        else:
            ds = load_dataset(folder, Settings(), cache_dir=False)
            longest = int(ds["orders"]["channel"].str.len().max())
            outcome = f"loaded, longest channel {longest} characters"
    except ValueError as exc:
        outcome = f"refused: {str(exc)[:110]}"
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"case": case, "seconds": seconds, "peak_mib": peak, "outcome": outcome}))


def _write_cases(root: Path, line_mib: int) -> dict[str, Path]:
    cases = {}
    d = root / "alias"
    d.mkdir()
    (d / "playbook.yaml").write_text(LAUGHS, encoding="utf-8")
    cases["alias bomb"] = d
    d = root / "gzip"
    d.mkdir()
    with gzip.open(d / "orders.csv.gz", "wb", compresslevel=9) as fh:
        fh.write(HEADER.encode() + b"o1,c1,2026-03-01 10:00,2026-03-01 10:05,completed,1,")
        block = b"a" * (1 << 20)
        for _ in range(line_mib):
            fh.write(block)
        fh.write(b",\n")
    (d / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    cases["one-line gzip"] = d
    d = root / "strings"
    d.mkdir()
    rows = "".join(
        f"o{n},c1,2026-03-01 10:00,2026-03-01 10:05,completed,1,{'x' * 100_000},\n"
        for n in range(1, 201)
    )
    (d / "orders.csv").write_text(HEADER + rows, encoding="utf-8")
    (d / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    cases["long strings"] = d
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--line-mib", type=int, default=512)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for case, folder in _write_cases(Path(tmp), args.line_mib).items():
            size = sum(p.stat().st_size for p in folder.iterdir())
            done = subprocess.run(
                [sys.executable, __file__, "--child", case, str(folder)],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{case:14s} input {size / 1024:9.1f} KiB  {r['seconds']:6.2f} s  "
                f"peak {r['peak_mib']:5d} MiB  {r['outcome']}"
            )


if __name__ == "__main__":
    main()
