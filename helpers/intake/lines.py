"""Line-level damage in delimited text files, found before the file is parsed so that one
bad line costs its row, never the file: lines in another encoding than the rest of the file
(a UTF-8 line pasted into a GBK export), lines with more fields than the header (an unquoted
delimiter inside a value) and lines opening a quote that never closes. Each such line is
blanked (keeping the line numbering of the rest) and reported with its line number and what
to fix; the reader quarantines it. Also: duplicated header names and repeated header rows.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import columnar

#: The reason recorded for a line in another encoding than its file.
MIXED_ENCODING = (
    "line is {other} text in a {encoding} file (mixed encodings): re-save the whole file in "
    "one encoding"
)
#: The reason recorded for a line with more fields than the header.
TOO_MANY_FIELDS = (
    "{got} fields where the header has {want} (an unquoted {sep} inside a value?): put the "
    'value in double quotes ("...") or remove the extra {sep}'
)
#: The reason recorded for a line whose quote never closes.
UNBALANCED_QUOTE = (
    'unbalanced double quote ("): the value it opens never closes on this line; close or '
    "remove the quote"
)
#: More damaged lines than this: the file's layout is wrong, not a few of its lines.
MAX_BAD_LINES = 1000

_SEP_WORDS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}


@dataclass
class Damage:
    """Damaged lines of one file: ``lines`` (line number from 1 -> reason) and a note."""

    lines: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_bytes(path: Path) -> bytes:
    """The file's bytes (gunzipped for ``.gz``)."""
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            return fh.read()
    return path.read_bytes()


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: Wording of the GB encodings in reasons.
_GBK = "GBK/GB18030"


def decode_lines(raw: bytes, damage: Damage) -> list[str]:
    """Decode ``raw`` line by line as UTF-8 or GB18030, whichever most of its non-ASCII lines
    are; lines in the other encoding are blanked and recorded (decoding them as the file's
    encoding would give mojibake).

    Raises ``UnicodeDecodeError`` when a line is in neither encoding.
    """
    parts = raw.split(b"\n")
    wide = [i for i, part in enumerate(parts) if not part.isascii()]
    utf8 = {i for i in wide if _is_utf8(parts[i])}
    in_utf8 = len(utf8) * 2 >= len(wide)
    odd = set(wide) - utf8 if in_utf8 else utf8
    name, other = ("UTF-8", _GBK) if in_utf8 else (_GBK, "UTF-8")
    out: list[str] = []
    for i, part in enumerate(parts):
        if i in odd:
            damage.lines[i + 1] = MIXED_ENCODING.format(other=other, encoding=name)
            out.append("")
        else:
            out.append(part.decode("utf-8" if in_utf8 else "gb18030", errors="strict"))
    if odd:
        damage.notes.append(f"mixed encodings: {len(odd)} {other} line(s) in a {name} file")
    return out


class _Feed:
    """Lines ``start..`` of a list for :mod:`csv`, counting how many were taken."""

    def __init__(self, lines: list[str], start: int) -> None:
        self.lines, self.pos = lines, start

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _bad_records(lines: list[str], sep: str, header_at: int, damage: Damage) -> None:
    """Record the lines after the header that hold more fields than the header, or open a
    quote that does not close before the record runs into other lines with the wrong count."""
    want = len(next(csv.reader([lines[header_at]], delimiter=sep)))
    pos = header_at + 1
    while pos < len(lines) and len(damage.lines) <= MAX_BAD_LINES:
        if pos + 1 in damage.lines or not lines[pos].strip():
            pos += 1
            continue
        feed = _Feed(lines, pos)
        try:
            record = next(csv.reader(feed, delimiter=sep, strict=True))
        except (csv.Error, StopIteration):
            record = None
        used = feed.pos - pos
        if record is not None and (len(record) == want or (used == 1 and len(record) < want)):
            pos += used  # a short line is padded; a quoted value may span lines
            continue
        if record is not None and used == 1:
            word = _SEP_WORDS.get(sep, repr(sep))
            damage.lines[pos + 1] = TOO_MANY_FIELDS.format(got=len(record), want=want, sep=word)
        else:
            damage.lines[pos + 1] = UNBALANCED_QUOTE
        pos += 1


def repair_text(raw: bytes, sep: str, header_at: int, *, find_records: bool) -> tuple[str, Damage]:
    """The file's text with its damaged lines blanked (line numbers kept), and the damage.

    ``header_at`` is the 0-based index of the header line; ``find_records`` also looks for
    lines with too many fields or an unbalanced quote (single-character delimiters only).
    """
    damage = Damage()
    lines = decode_lines(raw, damage)
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if find_records and len(sep) == 1 and header_at < len(lines):
        _bad_records(lines, sep, header_at, damage)
    for n in damage.lines:
        lines[n - 1] = ""
    return "\n".join(lines), damage


def odd_quote_lines(raw: bytes) -> bool:
    """Whether a line holds an odd number of double quotes (an unbalanced quote, or a quoted
    value spanning lines)."""
    return b'"' in raw and any(line.count(b'"') % 2 for line in raw.split(b"\n"))


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------

_MANGLED = re.compile(r"^(.*)\.(\d+)$")


def duplicate_header(columns: list[str]) -> tuple[str, int, int] | None:
    """The first header named twice (after trimming; pandas renames the second ``name.1``)
    and the two column positions (from 1), or None."""
    seen: dict[str, int] = {}
    for i, c in enumerate(columns, start=1):
        name = str(c).strip()
        m = _MANGLED.match(name)
        if m and m.group(1) in seen and name not in seen:
            return m.group(1), seen[m.group(1)], i
        key = name.lower()
        if key in seen and name:
            return name, seen[key], i
        seen.setdefault(key, i)
        seen.setdefault(name, i)
    return None


def _cells_equal(values: pd.Series, word: str) -> pd.Series:
    """Cells equal to ``word``: one vectorized comparison for a text column
    (:func:`helpers.columnar.equals`), cell by cell otherwise."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(False, index=values.index)  # numbers, dates: never a header name
    found = columnar.equals(values, word)
    if found is None:
        return values.astype("object").eq(word)
    return pd.Series(found, index=values.index)


def repeated_header_rows(df: pd.DataFrame) -> pd.Series:
    """Rows that repeat the header (two exports pasted into one file): every filled cell
    equals its column's name, at least two of them, the first or the second among them."""
    none = pd.Series(False, index=df.index)
    if df.empty or len(df.columns) < 2:
        return none
    first, second = df.columns[:2]
    maybe = _cells_equal(df[first], str(first).strip()) | _cells_equal(
        df[second], str(second).strip()
    )
    if not maybe.any():  # a repeated header repeats the first or the second name
        return none
    sub = df.loc[maybe]
    same = pd.DataFrame(
        {c: sub[c].astype("object").eq(str(c).strip()) for c in sub.columns}, index=sub.index
    )
    hit = same.sum(axis=1).ge(2) & (same | sub.isna()).all(axis=1)
    return none | hit.reindex(df.index, fill_value=False)


#: The reason recorded for a repeated header row.
REPEATED_HEADER = (
    "a repeated header row (two exports pasted into one file?): delete this line, it holds no data"
)
