"""Data files: which files of a folder are data, which contract table a file is named after,
and reading CSV (UTF-8 or GB18030, comma or tab, optionally gzipped), ``.xlsx`` and Parquet
into raw frames with cleaned headers. A text file whose layout a mapping states
(:class:`FileLayout`: its delimiter, and its column names when it has no header row) is read
with that layout, ``.txt`` included."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl

from helpers.contract import TABLES
from helpers.intake.dataset import IntakeError
from helpers.intake.lines import duplicate_header, odd_quote_lines, read_bytes, repair_text
from helpers.limits import LimitError, check_text_file
from helpers.settings import SETTINGS_FILE

#: File endings intake can read, longest first.
DATA_SUFFIXES: tuple[str, ...] = (".csv.gz", ".csv", ".xlsx", ".parquet")
#: Text endings read only when a mapping's file role names the file (``pattern``).
LAYOUT_SUFFIXES: tuple[str, ...] = (".txt", ".txt.gz", ".tsv", ".tsv.gz")

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
    """How a text file (or a sheet) is laid out, as a mapping's file role states it.

    Attributes
    ----------
    delimiter : str or None
        A key of :data:`DELIMITERS` (``whitespace`` = runs of blanks, leading blanks
        ignored); None = tab for ``.tsv``, else comma or tab, whichever the first lines have
        more of.
    names : tuple of str
        Column names of a file WITHOUT a header row (its first line is data); empty = the
        file has a header row.
    encoding : str or None
        Text encoding (``utf-8``, ``gbk``, ``utf-16`` ... any Python codec name); None = a
        byte-order mark decides, else UTF-8, else GB18030 (a superset of GBK).
    header_row : int or None
        Line (sheet row) of the header, counted from 1 as a spreadsheet shows it; None =
        found: blank lines and title lines (at most two filled cells) above the header are
        skipped (:func:`header_index`).
    """

    delimiter: str | None = None
    names: tuple[str, ...] = ()
    encoding: str | None = None
    header_row: int | None = None


#: ``encoding:`` spellings -> the codec used (GB18030 reads every GBK and GB2312 file).
ENCODING_ALIASES: dict[str, str] = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "utf-8": "utf-8-sig",
    "utf8": "utf-8-sig",
}

#: Lines looked at to find the header row and the delimiter.
SNIFF_LINES = 20


@dataclass(frozen=True)
class ReadInfo:
    """How a file was read: shown in messages about it.

    Attributes
    ----------
    encoding : codec used (``utf-8-sig``, ``gb18030``, ``utf-16`` ...); empty for a sheet
    delimiter : name of the separator used (``comma``, ``tab``, ``semicolon`` ...)
    header_line : line of the header row, from 1 (0 = the file has no header row)
    """

    encoding: str = ""
    delimiter: str = ""
    header_line: int = 1

    @property
    def first_row(self) -> int:
        """Row number of the first data line (as a spreadsheet shows it)."""
        return self.header_line + 1

    def describe(self) -> str:
        """E.g. ``read as GB18030 (GBK), comma-separated, header on line 2``."""
        shown = _ENCODING_NAMES.get(self.encoding, self.encoding)
        bits = [f"read as {shown}"] if self.encoding else []
        if self.delimiter:
            bits.append(f"{self.delimiter}-separated")
        bits.append(f"header on line {self.header_line}" if self.header_line else "no header row")
        return ", ".join(bits)


_SEP_NAMES = {v: k for k, v in DELIMITERS.items() if k.isalpha()}
_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "gb18030": "GB18030 (GBK)", "utf-16": "UTF-16"}


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


def _encodings(path: Path, layout: FileLayout) -> tuple[str, ...]:
    """Encodings to try, in order: the stated one, else the byte-order mark's, else UTF-8
    then GB18030."""
    if layout.encoding:
        return (ENCODING_ALIASES.get(layout.encoding.lower(), layout.encoding),)
    with _open_bytes(path) as fh:
        head = fh.read(4)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ("utf-16",)
    return ("utf-8-sig", "gb18030")


def _open_bytes(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")  # noqa: SIM115


def _sample_lines(path: Path, encoding: str) -> list[str]:
    """The first :data:`SNIFF_LINES` lines (decoding errors raise UnicodeDecodeError)."""
    lines: list[str] = []
    with _open_text(path, encoding) as fh:
        for line in fh:
            lines.append(line)
            if len(lines) >= SNIFF_LINES:
                break
    return lines


def _separator(path: Path, layout: FileLayout, lines: list[str]) -> str:
    """The pandas separator: the stated delimiter, tab for ``.tsv``, else comma or tab."""
    if layout.delimiter:
        return DELIMITERS[layout.delimiter]
    name = path.name.lower()
    if name.endswith((".tsv", ".tsv.gz")):
        return "\t"
    sample = "".join(lines[:5])
    return "\t" if sample.count("\t") > sample.count(",") else ","


def _split(lines: list[str], sep: str) -> list[tuple[int, list[str]]]:
    """(first physical line index, cells) of each record of the sample lines."""
    if sep == DELIMITERS["whitespace"]:
        return [(i, line.split()) for i, line in enumerate(lines)]
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(lines, delimiter=sep)
    start = 0
    try:
        for cells in reader:
            out.append((start, cells))
            start = reader.line_num
    except csv.Error:
        pass  # a broken quote in the sample: keep the records read so far
    return out


def header_index(rows: list[list[Any]]) -> int:
    """Index of the header among the first rows of a file: the first row with at least three
    filled cells (all of them in a narrower file) and at least half as many as the fullest
    of these rows, when every row
    above it is a title (at most two filled cells: ``订单报表 2026-11``, ``导出时间,
    2026-11-30``) or blank. 0 otherwise (the first row is the header)."""
    counts = [sum(1 for c in r if str(c).strip() not in ("", "nan", "None")) for r in rows]
    if not counts:
        return 0
    widest = max(counts)
    need = max(min(3, widest), -(-widest // 2))
    for i, c in enumerate(counts):
        if c >= need:
            return i
        if c > 2:
            return 0
    return 0


def _header_skip(layout: FileLayout, records: list[tuple[int, list[str]]]) -> int:
    """Physical lines above the header row (0 for a file without a header row)."""
    if layout.names:
        return 0
    if layout.header_row is not None:
        return max(layout.header_row - 1, 0)
    if not records:
        return 0
    return records[header_index([cells for _, cells in records])][0]


def _read_csv(
    path: Path, *, nrows: int | None = None, layout: FileLayout | None = None
) -> pd.DataFrame:
    stat = path.stat()
    _check_limits(path, stat.st_size, stat.st_mtime)
    errors: list[str] = []
    layout = layout or FileLayout()
    encodings = _encodings(path, layout)
    for encoding in encodings:
        try:
            return _read_text(path, encoding, layout, nrows)
        except UnicodeDecodeError as exc:
            errors.append(f"{encoding}: {exc.reason}")
        except LookupError:
            raise IntakeError(
                f"{path.name}: unknown encoding {layout.encoding!r} in the mapping; use e.g. "
                "utf-8, gbk, utf-16"
            ) from None
        except pd.errors.EmptyDataError:
            raise IntakeError(f"{path.name}: the file is empty (no header row)") from None
        except (pd.errors.ParserError, OSError, EOFError, gzip.BadGzipFile) as exc:
            raise IntakeError(
                f"{path.name}: cannot be read as delimited text ({exc}; tried encoding "
                f"{encoding}); check that it is a comma- or tab-separated text file, or state "
                "the delimiter in the mapping (delimiter: semicolon | tab | whitespace | pipe)"
            ) from None
    raise IntakeError(
        f"{path.name}: unknown text encoding (tried {', '.join(encodings)}); save it as UTF-8 "
        "CSV or state it in the mapping (encoding: gbk | utf-16 | ...)"
    )


def _read_text(path: Path, encoding: str, layout: FileLayout, nrows: int | None) -> pd.DataFrame:
    """Read a delimited text file in one encoding; ``attrs["read"]`` holds the
    :class:`ReadInfo`."""
    lines = _sample_lines(path, encoding)
    sep = _separator(path, layout, lines)
    skip = _header_skip(layout, _split(lines, sep))
    info = ReadInfo(encoding, _SEP_NAMES.get(sep, sep), 0 if layout.names else skip + 1)
    if layout.names and nrows == 0:
        df = pd.DataFrame(columns=list(layout.names))
    else:
        opts: dict[str, Any] = {
            "sep": sep,
            "header": None if layout.names else 0,
            "skiprows": skip or None,
            "names": list(layout.names) if layout.names else None,
            "dtype": str,
            "keep_default_na": False,
            "skip_blank_lines": bool(layout.names),
            "nrows": nrows,
        }
        df = _parse_text(path, encoding, opts, skip)
    df.attrs["read"] = info
    return df


def _parse_text(path: Path, encoding: str, opts: dict[str, Any], skip: int) -> pd.DataFrame:
    """Parse delimited text. A file that may hold damaged lines (read as GB18030, so maybe
    with UTF-8 lines; a line with an odd number of quotes; a parser error) is read with
    those lines blanked, and ``attrs["damage"]`` lists them (:mod:`helpers.intake.lines`)."""
    plain: dict[str, Any] = {
        "encoding": encoding,
        "encoding_errors": "strict",
        "compression": "infer",
    }
    repairable = encoding in ("utf-8-sig", "gb18030") and opts["nrows"] != 0
    raw = read_bytes(path) if repairable else b""
    odd = repairable and odd_quote_lines(raw)
    if repairable and (encoding == "gb18030" or odd):
        text, damage = repair_text(raw, opts["sep"], skip, find_records=odd)
        try:
            df = pd.read_csv(io.StringIO(text), **opts)
        except pd.errors.ParserError:
            text, damage = repair_text(raw, opts["sep"], skip, find_records=True)
            df = pd.read_csv(io.StringIO(text), **opts)
        df.attrs["damage"] = damage
        return df
    fast = _read_plain(raw, opts) if repairable else None
    if fast is not None:
        return fast
    try:
        return pd.read_csv(path, **opts, **plain)
    except pd.errors.ParserError:
        if not repairable:
            raise
    text, damage = repair_text(raw, opts["sep"], skip, find_records=True)
    df = pd.read_csv(io.StringIO(text), **opts)
    df.attrs["damage"] = damage
    return df


#: A blanks-only line: files holding one are left to pandas' reader (blank-row counts).
_BLANKS_LINE = re.compile(rb"(?:\A|\n)[ \t]+(?:\r?\n|\Z)")


def _is_plain(raw: bytes) -> bool:
    """No quote, NUL byte, empty or blanks-only line, or carriage return that does not end a
    line (byte searches; the regular expression only when a line starts with a blank)."""
    if any(b in raw for b in (b'"', b"\x00", b"\n\n", b"\n\r\n")) or raw.startswith((b"\n", b"\r")):
        return False
    if raw.count(b"\r") != raw.count(b"\r\n"):
        return False
    starts_blank = raw.startswith((b" ", b"\t")) or b"\n " in raw or b"\n\t" in raw
    return not (starts_blank and _BLANKS_LINE.search(raw))


def _read_plain(raw: bytes, opts: dict[str, Any]) -> pd.DataFrame | None:
    """A plain UTF-8 file (comma or tab, header on the first line, no quotes, no blank lines,
    unique non-empty header names) read by polars' CSV reader as text, the same frame as
    pandas' reader gives; None for any other file (or when polars refuses it: a row with
    more cells than the header), which pandas then reads."""
    plain_layout = opts["header"] == 0 and not opts["skiprows"] and opts["names"] is None
    if not (plain_layout and opts["nrows"] is None and opts["sep"] in (",", "\t")) or not raw:
        return None
    if not _is_plain(raw):
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    end = raw.find(b"\n")
    header = raw[: end if end >= 0 else len(raw)].rstrip(b"\r").removeprefix(b"\xef\xbb\xbf")
    names = [n.decode("utf-8") for n in header.split(opts["sep"].encode())]
    if any(not n for n in names) or len(set(names)) != len(names):
        return None
    try:
        got = pl.read_csv(io.BytesIO(raw), separator=opts["sep"], infer_schema=False)
    except pl.exceptions.PolarsError:
        return None
    if got.columns != names:
        return None
    return got.with_columns(pl.all().fill_null("")).to_pandas()


def _open_text(path: Path, encoding: str):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding=encoding, errors="strict")
    return open(path, encoding=encoding, errors="strict")  # noqa: SIM115


def _read_xlsx(path: Path, *, header_only: bool, layout: FileLayout | None) -> pd.DataFrame:
    """The first sheet as text; the header row stated by the layout or found
    (:func:`header_index`)."""
    opts: dict[str, Any] = {"dtype": str, "keep_default_na": False, "engine": "openpyxl"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if layout is not None and layout.header_row is not None:
            skip = max(layout.header_row - 1, 0)
        else:
            top = pd.read_excel(path, header=None, nrows=SNIFF_LINES, **opts)
            skip = header_index(top.fillna("").to_numpy().tolist())
        df = pd.read_excel(path, header=skip, nrows=0 if header_only else None, **opts)
    df.attrs["read"] = ReadInfo("", "", skip + 1)
    return df


def read_info(df: pd.DataFrame) -> ReadInfo:
    """How a frame from :func:`_read_raw` was read (defaults for other frames)."""
    info = df.attrs.get("read")
    return info if isinstance(info, ReadInfo) else ReadInfo()


def _read_raw(
    path: Path, *, header_only: bool = False, layout: FileLayout | None = None
) -> pd.DataFrame:
    """Read a file; CSV/xlsx as text (no NA guessing), Parquet with its own types. Any
    ending other than ``.xlsx`` / ``.parquet`` is read as delimited text (``layout`` from a
    mapping, else sniffed). ``attrs["read"]`` holds the :class:`ReadInfo`."""
    suf = _suffix(path)
    try:
        if suf == ".xlsx":
            df = _read_xlsx(path, header_only=header_only, layout=layout)
        elif suf == ".parquet":
            if header_only:
                import pyarrow.parquet as pq

                return pd.DataFrame(columns=pq.read_schema(path).names)
            df = pd.read_parquet(path)
        else:
            df = _read_csv(path, nrows=0 if header_only else None, layout=layout)
    except IntakeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a file problem
        raise IntakeError(
            f"{path.name}: cannot be read ({type(exc).__name__}: {exc}); check the file is a "
            "valid CSV, .xlsx or Parquet file"
        ) from None
    attrs = dict(df.attrs)
    df.columns = [_clean_header(c) for c in df.columns]
    df.attrs.update(attrs)
    twice = duplicate_header(list(df.columns))
    if twice is not None:
        name, first, second = twice
        raise IntakeError(
            f"{path.name}: the header names column {name!r} twice (columns {first} and "
            f"{second}); rename or delete one of them (reading both would silently drop one)"
        )
    return df
