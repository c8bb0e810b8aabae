"""The batch runs every notebook test shares: each notebook is executed once per data set.

:func:`batch_run` runs ``playbook run`` (every notebook of ``notebooks/``) and wraps the
outcome in a :class:`BatchRun`; ``tests/conftest.py`` turns it into session fixtures
(``sample_run``, ``sample_run_en``, ``orders_only_run``, ``retail_run``, ``olist_run``) so
every theme's tests assert on the same executed reports instead of running notebooks again.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from locations import REALDATA, SAMPLE

from helpers import runner
from helpers.runner import RunResult

SAMPLE_RUN_DATE = "2026-11-15"
RETAIL_DIR = REALDATA / "online_retail"
RETAIL_RUN_DATE = "2011-12-08"
OLIST_DIR = REALDATA / "olist" / "sample_bravida"
OLIST_RUN_DATE = "2018-08-20"


@dataclass(frozen=True)
class BatchRun:
    """One executed batch run: its result, summary and report pages."""

    result: RunResult
    out: Path

    @property
    def report_dir(self) -> Path:
        return self.out / self.result.run_date

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads(self.result.summary_path.read_text(encoding="utf-8"))

    def html(self, notebook: str) -> str:
        """The HTML report of ``notebook`` (its stem, e.g. ``04_retention``)."""
        return (self.report_dir / f"{notebook}.html").read_text(encoding="utf-8")

    def executed(self, notebook: str) -> Path:
        return self.report_dir / f"{notebook}.ipynb"

    def failures(self) -> dict[str, str | None]:
        return {nb.name: nb.error for nb in self.result.notebooks if nb.status != "ok"}


def batch_run(out: Path, data_dir: Path, *, cache: Path, **kwargs: Any) -> BatchRun:
    """Run every notebook on ``data_dir`` into ``out`` (no progress lines)."""
    kwargs.setdefault("progress", False)
    result = runner.run(data_dir=data_dir, out_dir=out, cache_dir=cache, **kwargs)
    return BatchRun(result=result, out=out)


def orders_only(target: Path) -> Path:
    """A copy of the sample shop with only the two required tables."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("orders.csv.gz", "order_items.csv.gz"):
        shutil.copy(SAMPLE / name, target / name)
    return target
