"""Data files: which files of a folder are data, which contract table a file is named after,
and reading CSV (UTF-8 or GB18030, comma or tab, optionally gzipped), ``.xlsx`` and Parquet
into raw frames with cleaned headers. A text file whose layout a mapping states
(:class:`FileLayout`: its delimiter, and its column names when it has no header row) is read
with that layout, ``.txt`` included."""

from __future__ import annotations

import functools
import gzip
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.contract import TABLES
from helpers.intake.dataset import IntakeError
from helpers.limits import LimitError, check_text_file
from helpers.settings import SETTINGS_FILE

#: File endings intake can read, longest first.
DATA_SUFFIXES: tuple[str, ...] = (".csv.gz", ".csv", ".xlsx", ".parquet")
#: Text endings read only when a mapping names the file (and states its layout).
LAYOUT_SUFFIXES: tuple[str, ...] = (".txt", ".txt.gz")

#: ``delimiter:`` values of a mapping file role -> the pandas separator.
DELIMITERS: dict[str, str] = {
    "whitespace": r"\s+",
    "comma": ",",
    "tab": "\t",
    "semicolon": ";",
    "pipe": "|",
    ",": ",",
    "\t": "\t",
    ";": ";",
    "|": "|",
}


@dataclass(frozen=True)
class FileLayout:
    """How a text file is laid out, as a mapping's file role states it.

    Attributes
    ----------
    delimiter : str or None
        A key of :data:`DELIMITERS` (``whitespace`` = runs of blanks, leading blanks
        ignored); None = comma or tab, whichever the first line has more of.
    names : tuple of str
        Column names of a file WITHOUT a header row (its first line is data); empty = the
        first line is the header.
    """

    delimiter: str | None = None
    names: tuple[str, ...] = ()


_NOT_DATA_PREFIXES = ("readme", "license", "licence")


def _is_not_data(path: Path) -> bool:
    name = path.name.lower()
    return (
        name.startswith(".")
        or name.startswith("~$")
        or name in (SETTINGS_FILE, "playbook.yml")
        or name.startswith(_NOT_DATA_PREFIXES)
    )


def _list_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.iterdir() if p.is_file() and not _is_not_data(p))


def _suffix(path: Path) -> str | None:
    name = path.name.lower()
    for suf in DATA_SUFFIXES:
        if name.endswith(suf):
            return suf
    return None


def _table_for_name(path: Path) -> str | None:
    """Contract table a file is named after: ``orders.csv`` or ``orders_2026-10.csv``."""
    suf = _suffix(path)
    if suf is None:
        return None
    stem = path.name[: -len(suf)].lower()
    for name in sorted(TABLES, key=len, reverse=True):
        if stem == name or stem.startswith(name + "_") or stem.startswith(name + "-"):
            return name
    return None


def _clean_header(h: Any) -> str:
    text = str(h).replace("\ufeff", "").strip()
    m = re.fullmatch(r'="(.*)"', text)
    return (m.group(1) if m else text).strip()


@functools.lru_cache(maxsize=256)
def _check_limits(path: Path, size: int, mtime: float) -> None:
    """Line length and unzipped size within :mod:`helpers.limits` (once per file version)."""
    try:
        check_text_file(path)
    except LimitError as exc:
        raise IntakeError(str(exc)) from None


def _read_csv(
    path: Path, *, nrows: int | None = None, layout: FileLayout | None = None
) -> pd.DataFrame:
    stat = path.stat()
    _check_limits(path, stat.st_size, stat.st_mtime)
    errors: list[str] = []
    layout = layout or FileLayout()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with _open_text(path, encoding) as fh:
                first = fh.readline()
            sep = (
                DELIMITERS[layout.delimiter]
                if layout.delimiter
                else ("\t" if first.count("\t") > first.count(",") else ",")
            )
            if layout.names and nrows == 0:
                return pd.DataFrame(columns=list(layout.names))
            return pd.read_csv(
                path,
                sep=sep,
                header=None if layout.names else "infer",
                names=list(layout.names) if layout.names else None,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=bool(layout.names),
                encoding=encoding,
                encoding_errors="strict",
                compression="infer",
                nrows=nrows,
            )
        except UnicodeDecodeError as exc:
            errors.append(f"{encoding}: {exc.reason}")
        except pd.errors.EmptyDataError:
            raise IntakeError(f"{path.name}: the file is empty (no header row)") from None
        except (pd.errors.ParserError, OSError, EOFError, gzip.BadGzipFile) as exc:
            raise IntakeError(
                f"{path.name}: cannot be read as CSV ({exc}); check that it is a comma- or "
                "tab-separated text file"
            ) from None
    raise IntakeError(
        f"{path.name}: unknown text encoding (tried UTF-8 and GB18030); save it as UTF-8 CSV"
    )


def _open_text(path: Path, encoding: str):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding=encoding, errors="strict")
    return open(path, encoding=encoding, errors="strict")  # noqa: SIM115


def _read_raw(
    path: Path, *, header_only: bool = False, layout: FileLayout | None = None
) -> pd.DataFrame:
    """Read a file; CSV/xlsx as text (no NA guessing), Parquet with its own types. With a
    ``layout`` (from a mapping) the file is read as delimited text whatever its ending."""
    suf = _suffix(path)
    try:
        if layout is not None or suf in (".csv", ".csv.gz"):
            df = _read_csv(path, nrows=0 if header_only else None, layout=layout)
        elif suf == ".xlsx":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                df = pd.read_excel(
                    path,
                    dtype=str,
                    keep_default_na=False,
                    engine="openpyxl",
                    nrows=0 if header_only else None,
                )
        elif suf == ".parquet":
            if header_only:
                import pyarrow.parquet as pq

                return pd.DataFrame(columns=pq.read_schema(path).names)
            df = pd.read_parquet(path)
        else:  # pragma: no cover - callers check the suffix
            raise IntakeError(f"{path.name}: unsupported file type")
    except IntakeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a file problem
        raise IntakeError(
            f"{path.name}: cannot be read ({type(exc).__name__}: {exc}); check the file is a "
            "valid CSV, .xlsx or Parquet file"
        ) from None
    df.columns = [_clean_header(c) for c in df.columns]
    return df
