"""Typed readers for one value read from a frame row.

pandas-stubs types a value read from a row (``itertuples``, ``df.at[i, c]``,
``df.loc[i, c]``) as "any scalar", since it cannot know the column's dtype. These readers
state the type the code relies on and check it when the value is read, so a column of the
wrong kind fails with a clear message instead of flowing on as the wrong type.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "cell_int",
    "cell_items",
    "cell_number",
    "cell_optional_number",
    "cell_text",
    "frame_records",
]

_NUMBER = (int, float, np.integer, np.floating, np.bool_)


def cell_number(value: object) -> float:
    """A numeric cell as ``float`` (NaN stays NaN).

    Raises
    ------
    TypeError
        When the cell is not a number (text, a date, a list ...).
    """
    if isinstance(value, _NUMBER):
        return float(value)
    raise TypeError(f"expected a number, got {value!r}")


def cell_optional_number(value: object) -> float | None:
    """A numeric cell as ``float``, or None for a missing value (None, ``pd.NA``, NaT)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return cell_number(value)


def cell_int(value: object) -> int:
    """A whole-number cell as ``int`` (``3.0`` -> ``3``; NaN raises ``ValueError``)."""
    if isinstance(value, _NUMBER):
        return int(value)
    raise TypeError(f"expected a whole number, got {value!r}")


def cell_text(value: object) -> str:
    """A text cell as ``str``.

    Raises
    ------
    TypeError
        When the cell holds something else (a number, a missing value ...).
    """
    if isinstance(value, str):
        return value
    raise TypeError(f"expected text, got {value!r}")


def cell_items(value: object) -> list[Any]:
    """A cell holding a sequence (list, tuple or 1-d array) as a ``list``."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, np.ndarray):
        return list(value.tolist())
    raise TypeError(f"expected a list, got {value!r}")


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as ``{column name: value}`` dicts (``to_dict("records")`` with
    the column labels as text, the key type JSON and the alert helpers expect)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]
