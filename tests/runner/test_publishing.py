"""Atomic publishing, overlapping runs and time limits (helpers.staging, helpers.runner).

A run writes into a staging folder and swaps it in at the end, so a run that is killed, hits
a full disk or overlaps another never leaves a half-written report, a summary that links to
a missing page, or a summary that under-reports. The slow fixture notebook publishes one
alert, writes ``started.flag`` (its kernel's process id) and then sleeps as many seconds as
``sleep.txt`` in the data folder says.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from locations import FIXTURES, ROOT

from helpers import cli, runner, staging
from helpers.runner import Prepared, RunError

SLOW = FIXTURES / "slow_notebooks"
OK = FIXTURES / "notebooks"
DATE = "2026-03-03"

ORDERS = """order_id,customer_id,created_at,paid_at,status,paid_amount,channel,shipped_at
o1,c1,2026-03-01 10:00,2026-03-01 10:05,completed,100,搜索,2026-03-01 20:00
o2,c2,2026-03-02 11:00,2026-03-02 11:10,completed,50,直播,2026-03-02 15:00
o3,c3,2026-03-03 12:00,2026-03-03 12:10,paid,80,搜索,
"""
ITEMS = """order_id,line_no,sku_id,quantity,unit_price,title
o1,1,A,1,100,咖啡
o2,1,B,1,50,蜂蜜
o3,1,A,1,80,咖啡
"""


def fake_prepare(data_dir, settings, *, cache_dir, run_date):
    return Prepared(run_date or DATE, quarantined_rows=0)


def _data(folder: Path, sleep: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (folder / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    (folder / "sleep.txt").write_text(str(sleep), encoding="utf-8")
    return folder


def _run(data: Path, out: Path, notebooks: Path = SLOW, **kw) -> runner.RunResult:
    kw.setdefault("run_date", DATE)
    return runner.run(
        data_dir=data,
        out_dir=out,
        cache_dir=out.parent / "cache",
        notebooks_dir=notebooks,
        prepare=fake_prepare,
        progress=False,
        **kw,
    )


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every published file (not the staging folders or the lock) -> its bytes."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and p.name.startswith("."))


def _cli_run(data: Path, out: Path, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "helpers", "run", "--data", str(data), "--out", str(out)]
    cmd += ["--cache", str(cache), "--notebooks", str(SLOW), "--date", DATE, "--quiet"]
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for(pattern: str, out: Path, seconds: float = 120) -> Path:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        hits = sorted(out.glob(pattern))
        if hits and hits[0].read_text():
            return hits[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing matched {pattern} in {out} within {seconds} s")


@pytest.mark.notebooks
def test_kill_9_during_a_run_keeps_the_previous_report(tmp_path):
    """Finding 4: kill -9 while a notebook executes used to delete the previous report of
    the date while summary.json and the index still said "ok" and linked to it."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = _cli_run(_data(tmp_path / "quick", 0), out, cache)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    before = _snapshot(out)
    assert f"{DATE}/01_sleep.html" in before and f"{DATE}/summary.json" in before

    victim = _cli_run(_data(tmp_path / "slow", 120), out, cache)
    flag = _wait_for(".*.staging-*/started.flag", out)
    kernel = int(flag.read_text())
    try:
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the kernel would sleep on
            os.kill(kernel, signal.SIGKILL)
    assert victim.returncode == -signal.SIGKILL
    assert _snapshot(out) == before  # pages, summary.json, both indexes: unchanged
    summary = json.loads(before[f"{DATE}/summary.json"])
    assert (out / DATE / summary["notebooks"][0]["report"]).is_file()
    assert len(_leftovers(out)) == 1  # the killed run's staging folder

    again = _cli_run(_data(tmp_path / "quick", 0), out, cache)
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert _leftovers(out) == []  # the dead run's staging folder is cleared
    assert json.loads((out / DATE / "summary.json").read_text())["alerts"][0]["rule"] == "slept"


@pytest.mark.notebooks
@pytest.mark.parametrize("victim", ["summary.json", "index.html", "01_ok.html"])
def test_full_disk_keeps_the_previous_report(tmp_path, monkeypatch, victim):
    """Finding 4: a full disk used to leave a truncated page, a 0-byte summary.json and no
    previous report. Now the run fails with the disk's error and nothing published moves."""
    out = tmp_path / "out"
    _run(tmp_path, out, OK, only=["01_ok"])
    before = _snapshot(out)
    real_write = Path.write_text

    def full_disk(self, data, *args, **kwargs):
        if self.name == victim:
            real_write(self, data[: len(data) // 2], *args, **kwargs)  # a truncated file
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    if victim == "01_ok.html":  # the export failure is reported in the summary, not raised
        result = _run(tmp_path, out, OK, only=["01_ok"])
        monkeypatch.undo()
        assert result.exit_code == 1
        assert "No space left" in result.notebooks[0].error
        summary = json.loads((out / DATE / "summary.json").read_text())
        assert summary["notebooks"][0]["status"] == "failed"
        assert summary["notebooks"][0]["report"] is None  # no link to a truncated page
        assert not (out / DATE / "01_ok.html").exists()
    else:
        with pytest.raises(OSError, match="No space left"):
            _run(tmp_path, out, OK, only=["01_ok"])
        monkeypatch.undo()
        assert _snapshot(out) == before
    assert _leftovers(out) == []
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.notebooks
def test_overlapping_runs_do_not_under_report(tmp_path):
    """Finding 4: of two runs started seconds apart into one folder, the first used to exit
    0 with a summary of 0 alerts because the second deleted its sidecar."""
    out = tmp_path / "out"
    results: dict[str, runner.RunResult] = {}

    def go(name: str, sleep: float) -> None:
        results[name] = _run(_data(tmp_path / name, sleep), out)

    first = threading.Thread(target=go, args=("first", 6))
    first.start()
    # the first run's sidecar is written before its notebook sleeps
    _wait_for(".*.staging-*/started.flag", out)
    go("second", 0)
    first.join(timeout=300)
    assert results["first"].exit_code == 0 and results["second"].exit_code == 0
    summary = json.loads((out / DATE / "summary.json").read_text())  # the first's, swapped last
    assert [a["rule"] for a in summary["alerts"]] == ["slept"]
    assert summary["notebooks"][0]["status"] == "ok"
    assert (out / DATE / "01_sleep.html").is_file()
    assert _leftovers(out) == []


@pytest.mark.notebooks
def test_cell_timeout_fails_the_notebook_not_the_run(tmp_path):
    """Finding 8: a cell longer than --cell-timeout fails its notebook with a clear error."""
    result = _run(_data(tmp_path / "d", 120), tmp_path / "out", cell_timeout=3)
    (nb,) = result.notebooks
    assert nb.status == "failed" and result.exit_code == 1
    assert "timed out" in nb.error.lower() or "timeout" in nb.error.lower()


@pytest.mark.notebooks
def test_run_timeout_bounds_every_cell(tmp_path):
    """Finding 8: the run's time limit also caps the cells of a running notebook."""
    result = _run(_data(tmp_path / "d", 120), tmp_path / "out", run_timeout=3)
    assert result.notebooks[0].status == "failed"
    assert "timeout" in result.notebooks[0].error.lower()


def test_run_timeout_marks_notebooks_not_started(tmp_path):
    """Notebooks that could not start before the run's time limit are failed, not run."""
    result = _run(tmp_path, tmp_path / "out", OK, run_timeout=1e-9)
    assert {nb.status for nb in result.notebooks} == {"failed"}
    assert all(nb.error.startswith("not started") for nb in result.notebooks)
    summary = json.loads((result.out_dir / "summary.json").read_text())
    assert all("time limit" in nb["error"] for nb in summary["notebooks"])


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "10", True])
def test_bad_time_limits_are_refused_before_any_work(tmp_path, bad):
    with pytest.raises(RunError, match="positive number of seconds"):
        _run(tmp_path, tmp_path / "out", OK, cell_timeout=bad)
    with pytest.raises(RunError, match="run_timeout"):
        _run(tmp_path, tmp_path / "out", OK, run_timeout=bad)
    assert not (tmp_path / "out").exists()


def test_cli_time_limit_options(capsys):
    parser = cli.build_parser()
    args = parser.parse_args(["run", "--cell-timeout", "30", "--run-timeout", "90"])
    assert (args.cell_timeout, args.run_timeout) == (30.0, 90.0)
    args = parser.parse_args(["run"])
    assert args.cell_timeout == runner.CELL_TIMEOUT_SECONDS == cli.CELL_TIMEOUT_SECONDS
    assert args.run_timeout == runner.RUN_TIMEOUT_SECONDS == cli.RUN_TIMEOUT_SECONDS
    for bad in ("0", "-1", "soon", "nan"):
        assert cli.main(["run", "--cell-timeout", bad]) == cli.EXIT_USAGE
        assert "seconds" in capsys.readouterr().err


def test_atomic_write_keeps_the_old_file_on_error(tmp_path, monkeypatch):
    path = tmp_path / "index.html"
    path.write_text("old", encoding="utf-8")

    def boom(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        staging.atomic_write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_leftovers_of_live_runs_are_kept(tmp_path):
    live = tmp_path / f".{DATE}.staging-{os.getpid()}-abc"
    dead = tmp_path / f".{DATE}.old-999999999-abc"
    published = tmp_path / DATE
    for p in (live, dead, published):
        p.mkdir()
    assert staging.remove_leftovers(tmp_path) == [dead]
    assert live.is_dir() and published.is_dir()
