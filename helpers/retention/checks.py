"""The retention notebook's rows in ``playbook check`` beyond its declared sections: one row
per retention alert rule (:mod:`helpers.retention.alert_rules`), after the sections."""

from __future__ import annotations

from helpers.check.sections import Row, alert_rows
from helpers.check.shape import DataShape
from helpers.retention.theme import THEME


def check_sections(shape: DataShape, rows: list[Row]) -> list[Row]:
    """The declared section rows, then whether each retention alert rule can run."""
    return rows + alert_rows(shape, THEME.name)
