"""The data check (``playbook check``): what a data folder gives, before anyone waits for a run.

:func:`check_data` validates a data folder once (through the intake cache, so a later run on
the same data reads the validated tables back) and answers, in a :class:`CheckReport`:

* per contract table: found or missing, the files and the mapping that read them, rows read /
  accepted / quarantined, the most frequent quarantine reasons with an example row, and the
  date range of the table's main date column;
* the default run date (the last complete day in the orders) and the shop settings in force
  with where each came from;
* for every notebook, which sections will run, run partly or be skipped and why, and which
  alert rules can be evaluated.

The computation lives in :mod:`.report` (the report and :func:`check_data`), :mod:`.tables`
(tables, dates, quarantine reasons), :mod:`.shape` (what the data allows) and :mod:`.sections`
(sections of every discovered theme, alert rules); :mod:`.render` turns the report into
aligned plain text (zh or en) for a terminal. Personal data never appears: the quarantine is summarised by reason and row number only (values are
not shown), and no path beyond the data folder's own name is printed.
"""

from __future__ import annotations

from helpers.check.render import problem_text, render
from helpers.check.report import (
    SHOWN_SETTINGS,
    CheckReport,
    check_data,
    settings_frame,
    write_quarantine,
)
from helpers.check.sections import (
    PARTLY,
    REQUIREMENTS,
    RUNS,
    SKIPPED,
    STATUS_ORDER,
    alert_rule_status,
    item_label,
    section_row,
    sections_frame,
    theme_rows,
)
from helpers.check.shape import DataShape, data_shape
from helpers.check.tables import DATE_COLUMNS, TOP_REASONS, reason_key, top_reasons

__all__ = [
    "DATE_COLUMNS",
    "PARTLY",
    "REQUIREMENTS",
    "RUNS",
    "SHOWN_SETTINGS",
    "SKIPPED",
    "STATUS_ORDER",
    "TOP_REASONS",
    "CheckReport",
    "DataShape",
    "alert_rule_status",
    "check_data",
    "data_shape",
    "item_label",
    "problem_text",
    "reason_key",
    "render",
    "section_row",
    "sections_frame",
    "settings_frame",
    "theme_rows",
    "top_reasons",
    "write_quarantine",
]
