"""Each themed notebook's own cost: its cells run in one Python process, without a kernel.

Usage::

    python benchmarks/bench_themes.py --data DIR --cache DIR [--notebooks 02 04]
                                      [--profile DIR] [--repeat N]

The data folder is prepared once (intake and facts into ``--cache``); then every notebook
runs in a **fresh child process**: its code cells, with the parameters of a batch run
(``output_dir`` set, so exports are written), are executed one by one in an IPython shell
with the inline matplotlib backend, so tables and figures are formatted as a kernel would
format them. The child reports the seconds of ``load_context`` (reading the cached data set
and facts), of the theme's own cells, and its peak resident memory after the context was
loaded and at the end (``VmHWM``). With ``--profile`` each child runs under ``py-spy`` and
the project functions holding the most samples within the theme's cells are printed.

Nothing here is asserted; timings on a shared machine are noisy (compare in pairs).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
NOTEBOOKS = ROOT / "notebooks"


def _peak_mb() -> float:
    """This process's peak resident memory so far (``VmHWM``), in MB."""
    text = Path("/proc/self/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else float("nan")


def _cells(path: Path, params: dict[str, object]) -> list[tuple[str, str]]:
    """(label, source) of the notebook's code cells; the parameters cell replaced."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out: list[tuple[str, str]] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags:
            source = "\n".join(f"{k} = {v!r}" for k, v in params.items())
        else:
            source = cell.source
        first = next((ln for ln in source.splitlines() if ln and not ln.startswith("#")), "")
        out.append((f"[{i}] {first[:60]}", source))
    return out


def run_notebook(path: Path, params: dict[str, object]) -> dict:
    """Run the notebook's code cells in an IPython shell; seconds per cell and peak RSS."""
    from IPython.core.interactiveshell import InteractiveShell

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # the inline backend needs no event loop
            return None

    shell = Shell.instance()
    shell.enable_matplotlib("inline")
    cells, timings, failed = _cells(path, params), [], None
    with contextlib.redirect_stdout(io.StringIO()):
        for label, source in cells:
            t0 = time.perf_counter()
            result = shell.run_cell(source, store_history=False)
            timings.append((label, time.perf_counter() - t0))
            if not result.success:
                failed = f"{label}: {result.error_in_exec or result.error_before_exec!r}"
                break
    total = sum(s for _, s in timings)
    return {
        "cells": timings,
        "total": total,
        "context_load": shell.user_ns.get("_bench_context_seconds", float("nan")),
        "peak_context_mb": shell.user_ns.get("_bench_context_peak", float("nan")),
        "peak_mb": _peak_mb(),
        "failed": failed,
    }


def _timed_context() -> None:
    """Wrap ``helpers.context.load_context`` so that its own seconds are recorded."""
    import helpers.context as hc

    original = hc.load_context

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            from IPython import get_ipython

            ip = get_ipython()
            if ip is not None:
                ip.user_ns["_bench_context_seconds"] = time.perf_counter() - t0
                ip.user_ns["_bench_context_peak"] = _peak_mb()

    hc.load_context = timed


def child_main(args: argparse.Namespace) -> None:
    os.environ.setdefault("MPLBACKEND", "agg")
    import helpers.view  # noqa: F401 - the heavy imports, as a warm kernel has them

    _timed_context()
    path = next(NOTEBOOKS.glob(f"{args.child}*.ipynb"))
    params = {
        "run_date": args.run_date,
        "data_dir": str(Path(args.data).resolve()),
        "lang": args.lang,
        "explain": False,
        "cache_dir": str(Path(args.cache).resolve()),
        "config": "",
        "output_dir": str(Path(args.out).resolve() / path.stem),
        "mapping": "",
    }
    Path(params["output_dir"]).mkdir(parents=True, exist_ok=True)
    result = run_notebook(path, params)
    print("RESULT=" + json.dumps({"notebook": path.stem, **result}))


def run_child(stem: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, str(HERE), "--child", stem, "--data", args.data]
    command += ["--cache", args.cache, "--out", args.out, "--lang", args.lang]
    command += ["--run-date", args.run_date]
    if args.profile:
        raw = Path(args.profile) / f"{stem}.txt"
        raw.parent.mkdir(parents=True, exist_ok=True)
        command = ["py-spy", "record", "--format", "raw", "--rate", "50", "-o", str(raw), "--"] + (
            command
        )
    proc = subprocess.run(command, capture_output=True, text=True)
    match = re.search(r"^RESULT=(.*)$", proc.stdout, re.M)
    if not match:
        return {"notebook": stem, "error": (proc.stdout + proc.stderr)[-2000:]}
    return json.loads(match.group(1))


def prepare(args: argparse.Namespace) -> None:
    """Intake and facts into the cache (a cache hit when already there)."""
    from helpers.context import load_context

    t0 = time.perf_counter()
    ctx = load_context(args.data, cache_dir=args.cache, run_date=args.run_date)
    print(f"prepared {args.data} for {ctx.run_date:%Y-%m-%d} in {time.perf_counter() - t0:.1f} s")


def show(result: dict, slow: float) -> None:
    if "error" in result:
        print(f"{result['notebook']}: FAILED\n{result['error']}")
        return
    own = result["total"] - result["context_load"]
    print(
        f"{result['notebook']:<24} context {result['context_load']:6.1f} s  "
        f"theme {own:6.1f} s  peak after context {result['peak_context_mb']:6.0f} MB  "
        f"peak {result['peak_mb']:6.0f} MB"
        + (f"  FAILED {result['failed']}" if result["failed"] else "")
    )
    for label, seconds in result["cells"]:
        if seconds >= slow:
            print(f"    {seconds:6.1f} s  {label}")


def top_functions(raw: Path, top: int = 15) -> list[tuple[str, float]]:
    """Project functions by inclusive share of the samples taken in the notebook's cells."""
    sys.path.insert(0, str(HERE.parent))
    from run import summarize_profile

    return summarize_profile(raw, within="InteractiveShell.run_cell", top=top)["project"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--cache", required=True)
    p.add_argument(
        "--out",
        default=str(Path(tempfile.gettempdir()) / "bench-themes-out"),
        help="where the notebooks' exports go (default: the system's temporary folder)",
    )
    p.add_argument("--notebooks", nargs="*", default=[])
    p.add_argument("--lang", default="zh")
    p.add_argument("--run-date", default="")
    p.add_argument("--profile", default="")
    p.add_argument("--slow", type=float, default=1.0, help="list cells slower than this")
    p.add_argument("--json", default="", help="write the results to this file")
    p.add_argument("--child", default="", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_args(argv)
    if args.child:
        child_main(args)
        return []
    prepare(args)
    stems = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    wanted = [s for s in stems if not args.notebooks or s[:2] in args.notebooks]
    results = []
    for stem in wanted:
        result = run_child(stem, args)
        show(result, args.slow)
        if args.profile and "error" not in result:
            for func, share in top_functions(Path(args.profile) / f"{stem}.txt"):
                print(f"        {share:5.1f} %  {func}")
        results.append(result)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
