"""Benchmark a run at growing sizes against DuckDB and polars on the same Parquet files.

Usage::

    python benchmarks/run.py [--sizes 1e6 5e6 20e6] [--days 730] [--no-notebooks]
                             [--profile] [--doc docs/performance.md] [--work DIR]
                             [--engine duckdb|pandas|spark]

For each size (order lines) the sample generator writes a shop as Parquet, then every stage
runs in a **fresh child process** that reports its own seconds; the parent reads the child's
peak resident memory (``ru_maxrss`` from ``os.wait4``):

* ``intake cold`` (read, map, validate, write the cache) and ``intake warm`` (cache hit: the
  digests checked and the tables opened, each read when a step first asks for it);
* ``facts`` (the full build for the last complete day with the engine of ``--engine``,
  default duckdb, reading the cache's Parquet files as a run does), ``facts_pandas`` (the same
  build with the pandas reference), ``facts_next_day`` (the same engine with its day store,
  the day after a build for the day before: only the new day's lines are aggregated; the
  build for the day before runs in a child of its own, so this stage's seconds and memory are
  what the next day costs);
* ``run`` (``playbook run`` on the cached data: every notebook and its HTML export, whose
  seconds come from the run's progress lines);
* the reference aggregations written directly in DuckDB SQL and in polars lazy over the same
  Parquet: daily, daily x channel, daily x channel x SKU with pro-rata line GMV, customers.

Each figure is printed as a ratio to the faster reference, which holds on a noisy machine,
and the time exponent between consecutive sizes (1.0 = linear) is printed per stage. With
``--doc`` the results, the machine (cores, RAM, versions) and, with ``--profile``, where the
time of intake and facts goes (``py-spy``) are written between the markers of that file.
Nothing here is asserted; the tests run a small size for smoke only.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
#: Order lines per unit of the generator's ``scale`` (3.80M lines at scale 30, 730 days).
LINES_PER_SCALE = 126_700
PROJECT_STAGES = ("intake_cold", "intake_warm", "facts", "facts_pandas", "facts_next_day")
REFERENCES = ("duckdb", "polars")
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"


# --------------------------------------------------------------------------- child stages
def _tables(data: Path, cache: Path):
    from helpers.intake import load_dataset
    from helpers.settings import load_settings

    settings = load_settings(data)
    return load_dataset(data, settings, cache_dir=cache), settings


def stage_intake(data: Path, cache: Path) -> dict:
    """Intake as a run does it: warm, the cached tables are opened, not read (a table is
    read when a step first asks for it)."""
    t0 = time.perf_counter()
    ds, _ = _tables(data, cache)
    seconds = time.perf_counter() - t0
    lines = ds.sources.loc[ds.sources["table"] == "order_items", "rows_accepted"]
    return {"seconds": seconds, "rows": int(lines.sum())}


def _reset_peak() -> None:
    """Reset this process's peak resident memory (Linux ``clear_refs``; elsewhere a no-op)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_since_reset_mb() -> float:
    """Peak resident memory since :func:`_reset_peak` (``VmHWM``; NaN where unknown)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return math.nan
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else math.nan


def stage_facts(data: Path, cache: Path, days: str = "", engine: str = "pandas") -> dict:
    """The facts build for the last complete day with ``engine`` (duckdb over the cache's
    Parquet files, as a run does, or pandas); ``days``: ``prime`` builds the day before
    into a fresh day store, ``next`` the last day through that store."""
    from helpers.facts import build_facts, last_complete_day
    from helpers.facts.days import DayStore
    from helpers.facts.engines import fact_engine

    ds, settings = _tables(data, cache)
    day = last_complete_day(ds.read("orders", ["created_at", "paid_at"]))  # as prepare() does
    tables = cache / ds.fingerprint / "tables"
    files = {n: str(tables / f"{n}.parquet") for n in ("orders", "order_items")}
    settings = settings.replace(facts=dataclasses.replace(settings.facts, engine=engine))
    store = DayStore(cache / f"bench-days-{engine}") if days else None
    if days == "prime":
        assert store is not None
        shutil.rmtree(store.path, ignore_errors=True)
        day -= pd.Timedelta(days=1)
    loaded_mb = _peak_since_reset_mb()  # since the exec: ru_maxrss also counts the fork
    _reset_peak()
    t0 = time.perf_counter()
    facts = build_facts(ds.tables, day, settings, days=store, engine=fact_engine(settings, files))
    seconds = time.perf_counter() - t0
    out = {"seconds": seconds, "rows": len(facts.daily_item), "loaded_mb": loaded_mb}
    out["build_peak_mb"] = _peak_since_reset_mb()
    if store is not None:
        out["recomputed_days"] = len(store.recomputed)
    return out


def run_child(args: argparse.Namespace) -> None:
    """Run one stage in this process and print its JSON line."""
    data, cache = Path(args.data), Path(args.cache)
    if args.stage in ("intake_cold", "intake_warm"):
        result = stage_intake(data, cache)
    elif args.stage in ("facts", "facts_pandas", "facts_prime", "facts_next_day"):
        engine = "pandas" if args.stage == "facts_pandas" else args.engine
        days = {"facts_prime": "prime", "facts_next_day": "next"}.get(args.stage, "")
        result = stage_facts(data, cache, days, engine)
    else:
        sys.path.insert(0, str(HERE.parent))
        import references

        result = references.measure(args.stage, data, args.run_date)
    print("RESULT=" + json.dumps(result))


# --------------------------------------------------------------------------- parent
def child(command: list[str], timeout: float = 3600) -> dict:
    """Run ``command``; return its RESULT line (if any), wall seconds, peak RSS (MB) of the
    child and the descendants it waited for (``os.wait4``), exit code and output."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    wall = time.perf_counter() - t0
    match = re.search(r"^RESULT=(.*)$", output, re.M)
    result = json.loads(match.group(1)) if match else {}
    code = proc.returncode
    return {
        "wall": wall,
        "peak_mb": usage.ru_maxrss / 1024,
        "output": output,
        "code": code,
        **result,
    }


def stage_command(
    stage: str, data: Path, cache: Path, run_date: str = "", engine: str = "duckdb"
) -> list[str]:
    return [
        sys.executable,
        str(HERE),
        "--stage",
        stage,
        "--data",
        str(data),
        "--cache",
        str(cache),
        "--run-date",
        run_date,
        "--engine",
        engine,
    ]


def generate(folder: Path, lines: float, days: int) -> dict:
    scale = lines / LINES_PER_SCALE * 730 / days
    code = (
        "import json, sys; from helpers.sample import generate_sample; "
        f"r = generate_sample({str(folder)!r}, scale={scale!r}, days={days}, fmt='parquet'); "
        "print('RESULT=' + json.dumps({'rows': r['order_items']}))"
    )
    return child([sys.executable, "-c", code])


_PROGRESS = re.compile(r"\] (\S+) (ok|failed) ([\d.]+)s \(run ([\d.]+)s, html ([\d.]+)s\)")


def run_notebooks(data: Path, cache: Path, out: Path, timeout: float) -> dict:
    """The whole ``playbook run`` on the cached data; per-notebook run and HTML seconds."""
    command = [sys.executable, "-m", "helpers", "run", "--data", str(data), "--cache"]
    command += [str(cache), "--out", str(out), "--run-timeout", str(int(timeout))]
    got = child(command, timeout=timeout + 300)
    got["notebooks"] = {
        m.group(1): {"status": m.group(2), "run": float(m.group(4)), "html": float(m.group(5))}
        for m in _PROGRESS.finditer(got["output"])
    }
    got["seconds"] = got["wall"]
    return got


def measure_size(lines: float, args: argparse.Namespace, work: Path) -> dict:
    """Every stage at one size; returns {stage: measurement}."""
    data, cache = work / f"data-{lines:g}", work / f"cache-{lines:g}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    results = {"generate": generate(data, lines, args.days)}
    say(f"{lines:>12,.0f} generated {results['generate'].get('rows', 0):,} lines")
    for stage in PROJECT_STAGES:
        if stage == "facts_next_day":  # the day before, into the store, in a child of its own
            results["facts_prime"] = child(
                stage_command("facts_prime", data, cache, engine=args.engine)
            )
        results[stage] = child(stage_command(stage, data, cache, engine=args.engine))
        say(f"{'':>12} {stage}: {results[stage].get('seconds', float('nan')):.1f} s")
    run_date = _run_date(data)
    for ref in REFERENCES:
        results[ref] = child(stage_command(ref, data, cache, run_date))
        say(f"{'':>12} {ref}: {results[ref].get('seconds', float('nan')):.1f} s")
    if args.notebooks:
        results["run"] = run_notebooks(data, cache, work / "reports", args.run_timeout)
        say(f"{'':>12} run: {results['run']['wall']:.1f} s")
    if args.profile and lines == min(args.sizes):
        results["profile"] = profile(data, work)
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return results


def _run_date(data: Path) -> str:
    from helpers.facts import last_complete_day

    orders = pd.read_parquet(data / "orders.parquet", columns=["created_at", "paid_at"])
    return last_complete_day(orders).strftime("%Y-%m-%d")


def profile(data: Path, work: Path) -> dict:
    """py-spy profiles of cold intake and the facts build: top functions by own time."""
    out = {}
    for stage in ("intake_cold", "facts"):
        cache = work / f"profile-cache-{stage}"
        shutil.rmtree(cache, ignore_errors=True)
        if stage == "facts":
            child(stage_command("intake_warm", data, cache))
        raw = work / f"profile-{stage}.txt"
        command = ["py-spy", "record", "--format", "raw", "--rate", "50", "-o", str(raw), "--"]
        got = child(command + stage_command(stage, data, cache))
        within = "load_dataset" if stage == "intake_cold" else "build_facts"
        if raw.is_file():
            out[stage] = summarize_profile(raw, within=within)
        else:
            out[stage] = {"error": got["output"][-500:]}
    return out


def summarize_profile(raw: Path, within: str, top: int = 12) -> dict:
    """Own and inclusive sample shares of the functions in py-spy's collapsed stacks, among
    the samples taken inside the function ``within`` (the stage itself, not the imports or
    the reading of its inputs)."""
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";")]
        if not any(f.startswith(within + " ") for f in frames):
            continue
        total += n
        own[frames[-1]] += n
        for f in set(frames):
            inclusive[f] += n
    share = (lambda c: round(100 * c / total, 1)) if total else (lambda c: 0.0)
    project = [(f, share(c)) for f, c in inclusive.most_common() if "helpers/" in f]
    return {
        "samples": total,
        "own": [(f, share(c)) for f, c in own.most_common(top)],
        "project": project[:top],
    }


def _frame(text: str) -> str:
    """``func (path/to/file.py:12)`` -> ``func (file path from site-packages or helpers/)``."""
    m = re.match(r"(.*) \((.*):\d+\)$", text.strip())
    if not m:
        return text.strip()
    func, path = m.groups()
    for anchor in ("site-packages/", "helpers/", "lib/python"):
        if anchor in path:
            path = path[path.index(anchor) :].removeprefix("site-packages/")
            break
    return f"{func} ({path})"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- report
def exponent(t1: float, t2: float, n1: float, n2: float) -> float:
    """``log(t2 / t1) / log(n2 / n1)``: 1.0 when time grows like the rows."""
    if min(t1, t2, n1, n2) <= 0 or n1 == n2:
        return float("nan")
    return math.log(t2 / t1) / math.log(n2 / n1)


def table_rows(all_results: dict[float, dict]) -> list[list[str]]:
    """One row per size x stage: seconds, ratio to the faster reference, peak RSS."""
    rows = []
    for lines, res in all_results.items():
        ref = min((res[r].get("seconds", math.inf) for r in REFERENCES), default=math.inf)
        actual = res["generate"].get("rows", lines)
        stages = [*PROJECT_STAGES, *REFERENCES]
        stages += ["run"] if "run" in res else []
        for stage in stages:
            got = res[stage]
            secs = got.get("seconds", math.nan)
            ratio = secs / ref if math.isfinite(ref) and ref > 0 else math.nan
            note = _note(stage, got)
            rows.append(
                [
                    f"{actual:,}",
                    stage,
                    f"{secs:.2f}",
                    f"{ratio:.1f}x",
                    f"{got['peak_mb']:,.0f}",
                    note,
                ]
            )
        ab = res["intake_cold"].get("seconds", math.nan) + res["facts"].get("seconds", math.nan)
        ratio = ab / ref if math.isfinite(ref) and ref > 0 else math.nan
        rows.append([f"{actual:,}", "intake cold + facts", f"{ab:.2f}", f"{ratio:.1f}x", "", ""])
    return rows


def _note(stage: str, got: dict) -> str:
    if got.get("code"):
        return f"failed (exit {got['code']}): {got['output'].strip().splitlines()[-1:]}"
    if stage == "facts_next_day":
        build = got.get("build_peak_mb", math.nan)
        days = got.get("recomputed_days", "?")
        return f"{days} day(s) computed; peak RSS during the build {build:,.0f} MB"
    if stage == "run":
        nbs = got.get("notebooks", {})
        parts = [f"{k} {v['run']:.0f}+{v['html']:.0f}s" for k, v in sorted(nbs.items())]
        return "; ".join(parts) + " (run+html)"
    if stage in REFERENCES and "rows" in got:
        return "rows " + "/".join(str(v) for v in got["rows"].values())
    return ""


def exponent_rows(all_results: dict[float, dict]) -> list[list[str]]:
    sizes = list(all_results)
    rows = []
    for a, b in zip(sizes, sizes[1:], strict=False):
        ra, rb = all_results[a], all_results[b]
        na, nb = ra["generate"].get("rows", a), rb["generate"].get("rows", b)
        for stage in [*PROJECT_STAGES, *REFERENCES, "run"]:
            if stage in ra and stage in rb:
                e = exponent(ra[stage].get("seconds", 0), rb[stage].get("seconds", 0), na, nb)
                rows.append([f"{na:,} -> {nb:,}", stage, f"{e:.2f}"])
    return rows


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def machine() -> str:
    """Cores, memory and versions of this machine, one Markdown list."""
    cpu = "unknown CPU"
    info = Path("/proc/cpuinfo")
    if info.is_file():
        names = re.findall(r"model name\s*:\s*(.*)", info.read_text())
        cpu = names[0] if names else cpu
    mem = Path("/proc/meminfo")
    ram = re.search(r"MemTotal:\s*(\d+)", mem.read_text()) if mem.is_file() else None
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for name in ("pandas", "numpy", "pyarrow", "duckdb", "polars"):
        try:
            versions.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            versions.append(f"{name} not installed")
    return "\n".join(
        [
            f"- CPU: {cpu}; {usable} usable cores of {os.cpu_count()}",
            f"- RAM: {int(ram.group(1)) / 1024**2:.1f} GiB" if ram else "- RAM: unknown",
            f"- {platform.system()} {platform.release()}, Python {platform.python_version()}",
            "- " + ", ".join(versions),
            f"- load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}",
        ]
    )


def report(all_results: dict[float, dict], args: argparse.Namespace) -> str:
    header = ["order lines", "stage", "seconds", "vs faster reference", "peak RSS MB", "note"]
    parts = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
        f"`python benchmarks/run.py --sizes {' '.join(f'{s:g}' for s in all_results)}"
        f"{'' if args.notebooks else ' --no-notebooks'}` ({args.days} days of history).",
        "",
        machine(),
        "",
        markdown_table(header, table_rows(all_results)),
        "",
        "Time exponent between sizes (1.0 = linear in rows):",
        "",
        markdown_table(["sizes", "stage", "exponent"], exponent_rows(all_results)),
    ]
    for res in all_results.values():
        for stage, prof in (res.get("profile") or {}).items():
            parts += [
                "",
                f"Profile of `{stage}` at the smallest size "
                f"({prof.get('samples', 0)} samples at 50 Hz inside the stage):",
            ]
            parts += [
                "",
                markdown_table(
                    ["own time", "%"], [[f"`{f}`", str(s)] for f, s in prof.get("own", [])]
                ),
            ]
            rows = [[f"`{f}`", str(s)] for f, s in prof.get("project", [])]
            parts += ["", markdown_table(["project function (inclusive)", "%"], rows)]
    return "\n".join(parts)


def write_doc(doc: Path, body: str) -> None:
    """Replace the text between the benchmark markers of ``doc`` (appended when absent)."""
    text = doc.read_text(encoding="utf-8") if doc.is_file() else "# Performance\n"
    block = f"{START}\n{body}\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")


def _slim(results: dict[float, dict]) -> dict:
    """The results without the children's output (for the JSON file)."""
    return {
        size: {
            stage: {k: v for k, v in got.items() if k != "output"} if "output" in got else got
            for stage, got in res.items()
        }
        for size, res in results.items()
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e6, 5e6, 20e6])
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--no-notebooks", dest="notebooks", action="store_false")
    parser.add_argument("--run-timeout", type=float, default=1800)
    parser.add_argument("--profile", action="store_true", help="py-spy at the smallest size")
    parser.add_argument("--doc", type=Path, default=None, help="write results into this file")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep generated data")
    parser.add_argument("--json", type=Path, default=None, help="also write raw results")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "pandas", "spark"),
        default="duckdb",
        help="engine of the facts stage (facts_pandas always times the pandas reference)",
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--run-date", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[float, dict]:
    args = parse_args(argv)
    if args.stage:
        run_child(args)
        return {}
    work = args.work or Path(tempfile.mkdtemp(prefix="playbook-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[float, dict] = {}
    for lines in sorted(args.sizes):  # the doc and JSON are rewritten after each size
        results[lines] = measure_size(lines, args, work)
        body = report(results, args)
        if args.doc:
            write_doc(args.doc, body)
        if args.json:
            args.json.write_text(json.dumps(_slim(results), indent=1, default=str), "utf-8")
    print(body)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return results


if __name__ == "__main__":
    main()
