"""Golden comparisons: the daily review's summary and the facts of a run, pinned.

The files in ``tests/golden/`` were written by the code before the package was reshaped;
a refactoring must leave them unchanged. A deliberate change of behaviour (new sample data,
a corrected metric) rewrites them with ``PLAYBOOK_UPDATE_GOLDEN=1 pytest ...``, and the
diff of the golden files shows in review what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
from locations import ROOT

GOLDEN = ROOT / "tests" / "golden"
REVIEW = "05_daily_review"
FACT_FRAMES = (
    "daily",
    "daily_channel",
    "daily_item",
    "item_traffic",
    "customers",
    "open_orders",
    "refunds",
    "promo_days",
)


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 (16 hex) of a frame's CSV with floats rounded to 6 decimals."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(6)
    return hashlib.sha256(out.to_csv(index=False).encode()).hexdigest()[:16]


def review_part(summary: dict[str, Any]) -> dict[str, Any]:
    """What the daily review contributes to ``summary.json`` (seconds left out)."""
    keep = ("run_date", "lang", "shop_name", "currency", "quarantined_rows")
    part: dict[str, Any] = {k: summary.get(k) for k in keep}
    part["notebooks"] = [
        {**nb, "seconds": None} for nb in summary.get("notebooks", []) if nb["name"] == REVIEW
    ]
    part["alerts"] = [a for a in summary.get("alerts", []) if a.get("notebook") == REVIEW]
    for key in ("kpis", "skipped", "extra"):
        part[key] = (summary.get(key) or {}).get(REVIEW)
    return part


def facts_snapshot(dataset: Any, facts: Any) -> dict[str, Any]:
    """Row counts and digests of every fact frame and contract table."""
    snap: dict[str, Any] = {
        f: {"rows": len(getattr(facts, f)), "sha": frame_digest(getattr(facts, f))}
        for f in FACT_FRAMES
    }
    snap["tables"] = {
        t: {"rows": len(v), "sha": frame_digest(v)} for t, v in sorted(dataset.tables.items())
    }
    snap["quarantine_rows"] = len(dataset.quarantine)
    return snap


def _compare(actual: dict[str, Any], path: Path) -> None:
    if os.environ.get("PLAYBOOK_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(actual, sort_keys=True)) == expected, (
        f"differs from {path.name}; if the change is intended, rerun with "
        "PLAYBOOK_UPDATE_GOLDEN=1 and review the diff"
    )


def assert_summary_matches(summary_path: Path, name: str) -> None:
    """The run's daily-review summary equals ``tests/golden/<name>.summary.json``."""
    summary = json.loads(Path(summary_path).read_text(encoding="utf-8"))
    _compare(review_part(summary), GOLDEN / f"{name}.summary.json")


def assert_facts_match(dataset: Any, facts: Any, name: str) -> None:
    """The data set and facts equal ``tests/golden/<name>.facts.json``."""
    _compare(facts_snapshot(dataset, facts), GOLDEN / f"{name}.facts.json")
