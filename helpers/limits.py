"""Resource limits on inputs, so a broken or hostile file fails fast with a clear message
instead of taking gigabytes of memory.

* :data:`MAX_LINE_BYTES` - a CSV line (one order row) longer than this is not an export row;
* :data:`MAX_GZIP_RATIO` - a ``.gz`` file expanding more than this many times (beyond
  :data:`GZIP_RATIO_FROM` bytes) is refused as a decompression bomb;
* :data:`MAX_TEXT_CHARS` - a free-text cell (title, reason, channel ...) is cut to this many
  characters (with "…") at intake, so no page, chart or table carries a 100,000-character
  string;
* YAML aliases are refused (:mod:`helpers.safe_yaml`).

The file checks stream the bytes in 1 MiB chunks: memory stays flat whatever the file holds.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pandas as pd

from helpers import columnar
from helpers.privacy import map_free_text

MAX_LINE_BYTES = 1 << 20
MAX_GZIP_RATIO = 100
GZIP_RATIO_FROM = 256 << 20
MAX_TEXT_CHARS = 1000
_CHUNK = 1 << 20


class LimitError(ValueError):
    """An input beyond a limit; the message names the file, the limit and what to do."""


def _longest_line(chunks) -> int:  # type: ignore[no-untyped-def]
    """Length of the longest line over byte chunks (stops early past the limit)."""
    longest = run = 0
    for chunk in chunks:
        parts = chunk.split(b"\n")
        if len(parts) == 1:
            run += len(chunk)
        else:
            inner = max(map(len, parts[1:-1]), default=0)
            longest = max(longest, run + len(parts[0]), inner)
            run = len(parts[-1])
        if max(longest, run) > MAX_LINE_BYTES:
            return max(longest, run)
    return max(longest, run)


def check_text_file(path: Path) -> None:
    """Refuse a text file (CSV, optionally gzipped) with an over-long line or that expands
    like a decompression bomb.

    Raises
    ------
    LimitError
        Naming the file and the limit.
    """
    path = Path(path)
    gz = path.name.lower().endswith(".gz")
    compressed = max(os.path.getsize(path), 1)

    def chunks():  # type: ignore[no-untyped-def]
        total = 0
        with gzip.open(path, "rb") if gz else open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                if gz and total > GZIP_RATIO_FROM and total > MAX_GZIP_RATIO * compressed:
                    raise LimitError(
                        f"{path.name}: expands more than {MAX_GZIP_RATIO} times when "
                        f"unzipped (over {total >> 20} MiB from {compressed >> 10} KiB); "
                        "not a normal export - check the file"
                    )
                yield chunk

    if _longest_line(chunks()) > MAX_LINE_BYTES:
        raise LimitError(
            f"{path.name}: a line is longer than {MAX_LINE_BYTES >> 20} MiB; a data row is "
            "never that long - check the file (is it a CSV export?)"
        )


def cut_text(values: pd.Series) -> pd.Series:
    """Text values longer than :data:`MAX_TEXT_CHARS` cut to that length, ending in "…"."""
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return values
    found = columnar.longer_than(values, MAX_TEXT_CHARS)  # one vectorized scan of the column
    if found is not None:
        long = pd.Series(found, index=values.index)
    else:  # not all text: cell by cell
        long = values.map(lambda v: isinstance(v, str) and len(v) > MAX_TEXT_CHARS)
    if not long.any():
        return values
    out = values.copy()
    out[long] = values[long].map(lambda v: v[: MAX_TEXT_CHARS - 1] + "…")
    return out


def cut_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every contract table with its free-text columns cut by :func:`cut_text`."""
    return map_free_text(tables, cut_text)
