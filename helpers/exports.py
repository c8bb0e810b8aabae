"""Lists an operator acts on (win-back, restock, clearance, overdue orders), written beside
the report as CSV and .xlsx.

Exports carry ids and figures only: a frame with a personal column (name, phone, address ...
as the data contract lists them) is refused, so no list can leak personal data. The CSV is
UTF-8 with a byte-order mark so that Excel opens Chinese text correctly; the .xlsx keeps the
column types. File names are ``<notebook>__<name>.csv`` / ``.xlsx`` in the run's report
folder, and :func:`helpers.report.publish` records them so the index page links them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.contract import PERSONAL_FIELDS

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}$")


class ExportError(ValueError):
    """The frame cannot be exported (a personal column, or a bad name)."""


@dataclass(frozen=True)
class Export:
    """One exported list.

    Attributes
    ----------
    name : str
        Short id of the list (``winback``, ``restock``).
    title : tuple of str
        ``(zh, en)`` caption shown on the index page and in the report.
    rows : int
        Number of rows written.
    files : tuple of str
        File names (relative to the report folder): the CSV, then the .xlsx.
    """

    name: str
    title: tuple[str, str]
    rows: int
    files: tuple[str, ...]


def personal_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of ``frame`` that the data contract calls personal."""
    return [c for c in frame.columns if str(c).lower() in PERSONAL_FIELDS]


def export_table(
    frame: pd.DataFrame,
    *,
    output_dir: str | os.PathLike[str] | None,
    notebook: str,
    name: str,
    title: tuple[str, str],
) -> Export | None:
    """Write ``frame`` as ``<notebook>__<name>.csv`` and ``.xlsx`` into ``output_dir``.

    Parameters
    ----------
    frame : the list (ids and figures; its index is not written).
    output_dir : the run's report folder (the notebook's ``output_dir`` parameter); ``""`` or
        None (interactive use) writes nothing and returns None.
    notebook : the notebook stem (``04_retention``).
    name : short id of the list: lower-case letters, digits, ``_`` and ``-``.
    title : ``(zh, en)`` caption.

    Raises
    ------
    ExportError
        When ``frame`` has a personal column or ``name`` is not a short id.
    """
    if not _NAME.match(name) or not _NAME.match(notebook.lower()):
        raise ExportError(f"export name {name!r}: use lower-case letters, digits, _ and -")
    personal = personal_columns(frame)
    if personal:
        raise ExportError(
            f"export {name!r} has personal column(s) {', '.join(personal)}: export ids only"
        )
    if output_dir is None or str(output_dir) == "":
        return None
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{notebook}__{name}"
    csv, xlsx = folder / f"{stem}.csv", folder / f"{stem}.xlsx"
    frame.to_csv(csv, index=False, encoding="utf-8-sig")
    frame.to_excel(xlsx, index=False, sheet_name=name[:31])
    return Export(name=name, title=title, rows=len(frame), files=(csv.name, xlsx.name))
