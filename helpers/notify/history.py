"""How many mornings in a row an alert has fired: "day N" from the earlier run folders.

An alert's key is ``<rule>|<scope>|<subject>|<metric>`` (the ``key`` field of the alert in
``summary.json``; built from those four fields for summaries written before it existed),
stable from one day to the next. The dated run folders under the report root are the
history: an alert is on day N when the N - 1 run folders just before the run date (the
nearest earlier dated folders, in date order) each hold it in their ``summary.json``. A
folder whose summary is missing or unreadable ends the streak (nothing can be said about
that day).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from helpers import report

SUMMARY_FILE = "summary.json"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def alert_key(alert: Mapping[str, Any]) -> str:
    """The stable key of an alert: its ``key`` field, else the same formula
    (:func:`helpers.report.alert_key`) over its fields."""
    key = alert.get("key")
    if isinstance(key, str) and key:
        return key
    return report.alert_key(alert)


def _keys_of(folder: Path) -> set[str] | None:
    """The alert keys of the run in ``folder`` (None when its summary cannot be read)."""
    try:
        summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    alerts = summary.get("alerts") if isinstance(summary, dict) else None
    return {alert_key(a) for a in alerts or [] if isinstance(a, Mapping)}


def earlier_runs(out_root: Path, run_date: str) -> list[Path]:
    """The dated run folders of ``out_root`` before ``run_date``, newest first."""
    if not out_root.is_dir():
        return []
    dated = [p for p in out_root.iterdir() if p.is_dir() and _DATE_RE.match(p.name)]
    return sorted((p for p in dated if p.name < run_date), key=lambda p: p.name, reverse=True)


def streaks(out_root: Path, run_date: str, keys: Iterable[str]) -> dict[str, int]:
    """Key -> day N of that alert on ``run_date`` (1 = first day).

    N = 1 + the number of consecutive earlier run folders (newest first, stopping at the
    first that lacks the key or cannot be read) whose summary holds the key.
    """
    remaining = set(keys)
    days = dict.fromkeys(remaining, 1)
    for folder in earlier_runs(Path(out_root), run_date):
        if not remaining:
            break
        held = _keys_of(folder) or set()
        remaining &= held
        for key in remaining:
            days[key] += 1
    return days
