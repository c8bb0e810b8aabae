"""Intake: read a data folder into the contract tables without losing a row.

A data folder holds files named after contract tables (``orders.csv``, ``orders.csv.gz``,
``orders.xlsx``, ``orders.parquet``, also ``orders_2026-10.csv`` for monthly splits) and/or
platform exports (e.g. a Taobao 订单报表 with Chinese headers) that a *mapping* recognises by
their headers. :func:`load_dataset` reads every file, maps it onto the contract
(:mod:`helpers.contract`), validates every row and returns a :class:`Dataset`:

* ``tables`` - the contract tables with canonical dtypes;
* ``quarantine`` - every input row that could not be accepted, with the file, the row number a
  spreadsheet would show (header = row 1, first data row = row 2), the column(s), the offending
  value(s) and the reason(s). Nothing is dropped silently: for every (table, file)
  ``rows_read == rows_accepted + rows_quarantined``;
* ``sources`` - one row per (table, file): which mapping read it, the row counts, the columns
  that were dropped and a note (unrecognised files are listed with mapping ``ignored``).

Personal data (names, phones, addresses, payment accounts, buyer messages ...) never reaches a
contract table, the quarantine or the sources: mappings list those columns, hash the buyer
nickname into a pseudonymous ``customer_id`` (salted SHA-256, ``Settings.pii_salt``) and may
keep the delivery province before dropping the address.

Validated results are cached as Parquet under ``cache_dir/<fingerprint>/``; the fingerprint
covers the bytes of the data files, the mapping text, the salt, the timezone and
:data:`INTAKE_VERSION`, so a changed input is always re-read.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from helpers.contract import TABLES, Column, Table
from helpers.settings import SETTINGS_FILE, Settings

#: Bump when intake output for the same input changes (invalidates every cache entry).
INTAKE_VERSION = "1"

#: Folder of the built-in mappings shipped with the package.
BUILTIN_MAPPINGS_DIR = Path(__file__).with_name("mappings")

#: File endings intake can read, longest first.
DATA_SUFFIXES: tuple[str, ...] = (".csv.gz", ".csv", ".xlsx", ".parquet")

#: Columns of the quarantine and sources frames.
QUARANTINE_COLUMNS: tuple[str, ...] = ("table", "file", "row", "column", "value", "reason")
SOURCES_COLUMNS: tuple[str, ...] = (
    "table",
    "file",
    "mapping",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "dropped_columns",
    "note",
)

#: Shown in the quarantine instead of a value that came from a personal column.
MASK = "<personal data removed>"

_SEP = "; "
_ROW = "__row__"
_NOT_DATA_PREFIXES = ("readme", "license", "licence")
_MAX_VALUE_CHARS = 80

# Short province names (省级行政区) used by ``province_from``; longest alternatives first.
_PROVINCE_NAMES = """
黑龙江 内蒙古 北京 天津 上海 重庆 河北 山西 辽宁 吉林 江苏 浙江 安徽 福建 江西 山东 河南
湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 广西 西藏 宁夏 新疆 香港 澳门
"""
PROVINCES: tuple[str, ...] = tuple(_PROVINCE_NAMES.split())
_PROVINCE_RE = r"^\s*(" + "|".join(PROVINCES) + ")"


class IntakeError(ValueError):
    """A file (or the folder) cannot be used; the message names the file, what is wrong and
    what to change."""


# --------------------------------------------------------------------------------------------
# Mappings
# --------------------------------------------------------------------------------------------

_SPEC_KEYS = {
    "from",
    "optional",
    "const",
    "default",
    "values",
    "when_filled",
    "hash",
    "prefix",
    "salt",
    "length",
    "fallback",
    "expr",
    "format",
    "province_from",
}


@dataclass(frozen=True)
class ColumnSpec:
    """How one contract column is produced from a platform export (see :class:`Mapping`)."""

    source: tuple[str, ...] = ()
    optional: bool = False
    const: Any = None
    default: Any = None
    values: dict[str, str] = field(default_factory=dict)
    when_filled: dict[str, dict[str, str]] = field(default_factory=dict)
    hash: tuple[str, ...] = ()
    prefix: str = "u_"
    salt: bool = True
    length: int = 16
    fallback: ColumnSpec | None = None
    expr: str | None = None
    format: str | None = None
    province_from: str | None = None

    def headers(self) -> set[str]:
        """Every source header this spec reads (for masking and detection)."""
        out = set(self.source) | set(self.hash) | set(self.when_filled)
        if self.province_from:
            out.add(self.province_from)
        if self.fallback is not None:
            out |= self.fallback.headers()
        if self.expr:
            out |= set(_expr_names(self.expr))
        return out


@dataclass(frozen=True)
class Mapping:
    """A "mapping without code": how a platform export becomes contract tables.

    A mapping is a YAML file. Every key (``*`` = required)::

        name*: taobao_orders            # shown in Dataset.sources["mapping"]
        description: free text
        detect:                         # a file is read with this mapping when its header
          headers*: [订单编号, 订单状态]   #   row holds ALL these headers (after trimming)
        null_values: ["null", "NULL"]   # cell texts meaning "empty" (besides empty cells)
        date_format: "%Y-%m-%d %H:%M:%S" # default strptime format of datetime/date columns;
                                        #   leave out for flexible parsing (ISO 8601 first,
                                        #   then anything pandas understands)
        personal: [买家会员名, 收货地址]  # personal headers: never copied to a table, masked in
                                        #   the quarantine, dropped after hashing/extraction
        tables:                         # one entry per contract table the file produces; every
          orders:                       #   input row gives one row of each table
            order_id: 订单编号           # shorthand: copy this header
            status:                     # or a column spec (keys below)
              from: 订单状态
              values: {交易成功: completed}
            ...

    Column spec keys (all optional; exactly one of ``from`` / ``const`` / ``hash`` /
    ``expr`` / ``province_from`` says where the value comes from):

    ``from``
        A header, or a list of headers: the first non-empty one in each row wins (headers
        absent from the file are skipped).
    ``optional``
        ``true``: the headers may be absent from the file; the column is then empty (or takes
        ``fallback`` / ``default``). Otherwise a missing header fails the file with an
        :class:`IntakeError` naming the expected header.
    ``const``
        The same value on every row (e.g. ``line_no: {const: 1}``).
    ``default``
        Value for rows left empty by every other rule.
    ``values``
        Value map applied to the text after trimming (e.g. status words). Unmapped values are
        kept as they are, so validation reports them.
    ``when_filled``
        ``{header: {value: replacement}}`` - a second value map used on rows where ``header``
        is not empty (e.g. 交易关闭 -> ``refunded`` when the order has a payment time,
        ``cancelled`` otherwise).
    ``hash``
        Header(s) to pseudonymise: ``prefix`` + the first ``length`` hex digits of
        SHA-256(``Settings.pii_salt`` + value). With several headers, the first non-empty one
        is hashed. ``prefix`` defaults to ``u_``, ``length`` to 16; ``salt: false`` makes the
        hash independent of the salt (for ids that are not personal, e.g. a title).
    ``fallback``
        A nested column spec used on rows where this one is empty (e.g. ``sku_id`` from
        商家编码, else a hash of the title).
    ``expr``
        Arithmetic on numbers: ``+ - * /``, parentheses, numeric literals, ``coalesce(a, b,
        ...)`` (first non-empty) and names. A name is a contract column already defined above
        in the same table, else a source header; quote a header that is not a plain word with
        backticks (`` `渠道/来源` ``). Unparseable operands quarantine the row; division by
        zero gives an empty value.
    ``format``
        strptime format for this datetime/date column (overrides ``date_format``).
    ``province_from``
        An address header: the leading province name (浙江, 内蒙古 ...) is kept, the rest is
        dropped.

    Contract columns not listed are left empty; required contract columns must be listed.
    """

    name: str
    detect_headers: tuple[str, ...]
    tables: dict[str, dict[str, ColumnSpec]]
    description: str = ""
    personal: tuple[str, ...] = ()
    null_values: tuple[str, ...] = ()
    date_format: str | None = None
    text: str = ""

    @classmethod
    def from_text(cls, text: str, *, where: str = "mapping") -> Mapping:
        """Parse and check a mapping from YAML text (``where`` names it in errors)."""
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise IntakeError(f"{where}: not valid YAML ({exc})") from None
        if not isinstance(raw, dict):
            raise IntakeError(f"{where}: expected a mapping with keys name, detect, tables")
        known = {"name", "description", "detect", "null_values", "date_format", "personal"}
        unknown = sorted(set(raw) - known - {"tables"})
        if unknown:
            raise IntakeError(f"{where}: unknown key(s) {', '.join(unknown)}")
        name = raw.get("name")
        if not name:
            raise IntakeError(f"{where}: 'name' is required")
        detect = raw.get("detect") or {}
        headers = _as_tuple(detect.get("headers") if isinstance(detect, dict) else None)
        if not headers:
            raise IntakeError(f"{where}: 'detect: headers:' must list at least one header")
        tables_raw = raw.get("tables")
        if not isinstance(tables_raw, dict) or not tables_raw:
            raise IntakeError(f"{where}: 'tables' must map contract tables to column specs")
        tables: dict[str, dict[str, ColumnSpec]] = {}
        for tname, cols in tables_raw.items():
            if tname not in TABLES:
                raise IntakeError(
                    f"{where}: unknown contract table {tname!r}; known: {', '.join(TABLES)}"
                )
            contract = TABLES[tname]
            if not isinstance(cols, dict):
                raise IntakeError(f"{where}: table {tname!r} must map columns to specs")
            specs: dict[str, ColumnSpec] = {}
            for cname, spec in cols.items():
                if cname not in contract.column_names:
                    raise IntakeError(
                        f"{where}: table {tname!r} has no column {cname!r}; "
                        f"columns: {', '.join(contract.column_names)}"
                    )
                specs[cname] = _parse_spec(spec, f"{where}: {tname}.{cname}")
            missing = [c for c in contract.required_columns if c not in specs]
            if missing:
                raise IntakeError(
                    f"{where}: table {tname!r} must define required column(s) {', '.join(missing)}"
                )
            tables[tname] = specs
        return cls(
            name=str(name),
            description=str(raw.get("description") or ""),
            detect_headers=headers,
            tables=tables,
            personal=_as_tuple(raw.get("personal")),
            null_values=_as_tuple(raw.get("null_values")),
            date_format=raw.get("date_format"),
            text=text,
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Mapping:
        """Read a mapping YAML file."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise IntakeError(f"mapping file {p.name}: cannot be read ({exc})") from None
        return cls.from_text(text, where=f"mapping file {p.name}")

    def missing_headers(self, headers: Iterable[str]) -> list[str]:
        """Detection headers absent from ``headers``."""
        have = set(headers)
        return [h for h in self.detect_headers if h not in have]

    def matches(self, headers: Iterable[str]) -> bool:
        return not self.missing_headers(headers)


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        return (str(value),)
    return tuple(str(v) for v in value)


def _parse_spec(spec: Any, where: str) -> ColumnSpec:
    if isinstance(spec, str):
        return ColumnSpec(source=(spec,))
    if isinstance(spec, list):
        return ColumnSpec(source=_as_tuple(spec))
    if not isinstance(spec, dict):
        raise IntakeError(f"{where}: expected a header name or a column spec, got {spec!r}")
    unknown = sorted(set(spec) - _SPEC_KEYS)
    if unknown:
        raise IntakeError(f"{where}: unknown key(s) {', '.join(unknown)}")
    sources = [k for k in ("from", "const", "hash", "expr", "province_from") if k in spec]
    if len(sources) != 1:
        raise IntakeError(
            f"{where}: give exactly one of from / const / hash / expr / province_from"
        )
    fallback = spec.get("fallback")
    expr = spec.get("expr")
    if expr is not None:
        _expr_names(str(expr), where=where)  # syntax check
    return ColumnSpec(
        source=_as_tuple(spec.get("from")),
        optional=bool(spec.get("optional", False)),
        const=spec.get("const"),
        default=spec.get("default"),
        values={str(k): str(v) for k, v in (spec.get("values") or {}).items()},
        when_filled={
            str(h): {str(k): str(v) for k, v in m.items()}
            for h, m in (spec.get("when_filled") or {}).items()
        },
        hash=_as_tuple(spec.get("hash")),
        prefix=str(spec.get("prefix", "u_")),
        salt=bool(spec.get("salt", True)),
        length=int(spec.get("length", 16)),
        fallback=_parse_spec(fallback, f"{where} fallback") if fallback is not None else None,
        expr=str(expr) if expr is not None else None,
        format=spec.get("format"),
        province_from=spec.get("province_from"),
    )


def builtin_mappings() -> list[Mapping]:
    """The mappings shipped in ``helpers/mappings/`` (sorted by file name)."""
    return [Mapping.from_file(p) for p in sorted(BUILTIN_MAPPINGS_DIR.glob("*.yaml"))]


def load_mapping(mapping: str | Path | Mapping) -> Mapping:
    """A mapping from a YAML path, a built-in mapping name (``"taobao_orders"``) or as is."""
    if isinstance(mapping, Mapping):
        return mapping
    p = Path(mapping)
    if p.is_file():
        return Mapping.from_file(p)
    builtin = BUILTIN_MAPPINGS_DIR / f"{mapping}.yaml"
    if builtin.is_file():
        return Mapping.from_file(builtin)
    raise IntakeError(
        f"mapping {p.name!r} not found: give a YAML file or one of the built-in mappings "
        f"({', '.join(m.stem for m in sorted(BUILTIN_MAPPINGS_DIR.glob('*.yaml')))})"
    )


# --------------------------------------------------------------------------------------------
# Arithmetic expressions (``expr``)
# --------------------------------------------------------------------------------------------

_BACKTICK = re.compile(r"`([^`]+)`")


def _expr_prepare(expr: str) -> tuple[ast.expr, dict[str, str]]:
    quoted: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        key = f"__q{len(quoted)}__"
        quoted[key] = m.group(1)
        return key

    tree = ast.parse(_BACKTICK.sub(sub, expr), mode="eval").body
    return tree, quoted


def _expr_names(expr: str, where: str = "expr") -> list[str]:
    try:
        tree, quoted = _expr_prepare(expr)
    except SyntaxError:
        raise IntakeError(f"{where}: cannot parse expression {expr!r}") from None
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id != "coalesce":
            names.append(quoted.get(node.id, node.id))
        elif not isinstance(
            node,
            ast.BinOp
            | ast.UnaryOp
            | ast.Constant
            | ast.Call
            | ast.Name
            | ast.Add
            | ast.Sub
            | ast.Mult
            | ast.Div
            | ast.USub
            | ast.UAdd
            | ast.Load,
        ):
            raise IntakeError(f"{where}: unsupported syntax in expression {expr!r}")
    return names


def _eval_expr(
    expr: str, resolve: Callable[[str], tuple[pd.Series, pd.Series]], index: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """Evaluate ``expr`` row-wise; ``resolve(name)`` gives (float values, bad-operand mask).

    Returns float values (non-finite -> NaN) and a mask of rows with a bad operand.
    """
    tree, quoted = _expr_prepare(expr)
    bad = pd.Series(False, index=index)

    def ev(node: ast.expr) -> pd.Series:
        nonlocal bad
        if isinstance(node, ast.Constant):
            return pd.Series(float(node.value), index=index)
        if isinstance(node, ast.Name):
            values, b = resolve(quoted.get(node.id, node.id))
            bad = bad | b
            return values
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Call):
            out = pd.Series(np.nan, index=index)
            for arg in node.args:
                out = out.fillna(ev(arg))
            return out
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            with np.errstate(divide="ignore", invalid="ignore"):
                return left / right
        raise IntakeError(f"unsupported expression {expr!r}")

    with np.errstate(divide="ignore", invalid="ignore"):
        result = ev(tree).astype("float64")
    result = result.where(np.isfinite(result))
    return result, bad


# --------------------------------------------------------------------------------------------
# Dataset
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Dataset:
    """The contract tables of one data folder, plus what could not be accepted.

    Attributes
    ----------
    tables : dict of contract table name -> DataFrame with canonical dtypes (str columns as
        pandas ``str`` with NaN for missing, datetimes ``datetime64[ns]`` naive local time,
        dates the same at midnight, floats ``float64``, ints nullable ``Int64``, bools
        ``boolean``). Only tables that were present are included.
    quarantine : DataFrame with ``table, file, row, column, value, reason``: one record per
        rejected input row and table (several problems of a row are joined with ``"; "``).
        ``row`` is the spreadsheet row number (header = 1). Values from personal columns are
        masked.
    sources : DataFrame with ``table, file, mapping, rows_read, rows_accepted,
        rows_quarantined, dropped_columns, note``; ``mapping`` is ``contract`` for files named
        after a table, the mapping name for platform exports, ``ignored`` for files intake
        did not recognise. ``rows_read == rows_accepted + rows_quarantined`` on every row.
    fingerprint : sha256 of the inputs (data files, mapping text, salt, timezone, intake
        version); the cache key.
    from_cache : True when the tables were read from the intake cache.
    """

    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    sources: pd.DataFrame
    fingerprint: str
    from_cache: bool = False

    def has(self, name: str) -> bool:
        """Whether contract table ``name`` is present."""
        return name in self.tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(
                f"table {name!r} is not in this data set; available: "
                f"{', '.join(self.available) or 'none'}"
            ) from None

    @property
    def available(self) -> list[str]:
        """Present tables, in contract order."""
        return [t for t in TABLES if t in self.tables]


# --------------------------------------------------------------------------------------------
# Files and readers
# --------------------------------------------------------------------------------------------


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


def _read_csv(path: Path, *, nrows: int | None = None) -> pd.DataFrame:
    errors: list[str] = []
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with _open_text(path, encoding) as fh:
                first = fh.readline()
            sep = "\t" if first.count("\t") > first.count(",") else ","
            return pd.read_csv(
                path,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
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


def _read_raw(path: Path, *, header_only: bool = False) -> pd.DataFrame:
    """Read a file; CSV/xlsx as text (no NA guessing), Parquet with its own types."""
    suf = _suffix(path)
    try:
        if suf in (".csv", ".csv.gz"):
            df = _read_csv(path, nrows=0 if header_only else None)
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


_WRAPPER = r'(?s)^="(.*)"$'  # a plain pattern string keeps pandas on its fast path


def _isin(s: pd.Series, values: Iterable[Any]) -> pd.Series:
    """Fast ``s.isin(values)`` for large string columns (hash lookup)."""
    index = pd.Index(pd.unique(pd.Series(list(values), dtype="object").dropna()))
    return pd.Series(index.get_indexer(s.astype("object")) >= 0, index=s.index)


def _clean_text(s: pd.Series, null_values: tuple[str, ...] = ()) -> pd.Series:
    """Trim whitespace/tabs and ``="..."`` wrappers; empty (or a null word) -> NaN."""
    s = s.astype("str").str.strip()
    if s.str.startswith('="').any():
        s = s.str.replace(_WRAPPER, r"\1", regex=True).str.strip()
    empty = s.eq("") | s.isna()
    if null_values:
        empty = empty | _isin(s, null_values)
    return s.mask(empty)


def _prepare_text_frame(
    df: pd.DataFrame, null_values: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, pd.Series]:
    """Clean every column; add row numbers; drop rows that are entirely empty.

    Returns the frame (index = 0..n-1 of kept rows) and the row numbers.
    """
    rows = pd.Series(np.arange(len(df), dtype="int64") + 2, index=df.index)
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = _clean_text(s, null_values)
        else:
            out[col] = s
    if len(out.columns):
        keep = out.notna().any(axis=1)
        out, rows = out.loc[keep], rows.loc[keep]
    return out.reset_index(drop=True), rows.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Parsing to canonical dtypes
# --------------------------------------------------------------------------------------------

_TZ_SUFFIX = re.compile(r"\d(?:Z|[+-]\d{2}:?\d{2})$")
_NUM_JUNK = r"[¥￥,，\s]|元$"


def _to_local_naive(s: pd.Series, timezone: str) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert(timezone).dt.tz_localize(None)
    return s.astype("datetime64[ns]")


def _parse_datetime(s: pd.Series, *, fmt: str | None, timezone: str) -> tuple[pd.Series, pd.Series]:
    """Parse to naive local ``datetime64[ns]``; returns (values, unparseable mask)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return _to_local_naive(s, timezone), pd.Series(False, index=s.index)
    present = s.notna()
    text = s.astype("str")
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if fmt:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        out = _to_local_naive(parsed, timezone)
    else:
        aware = text.str.contains(_TZ_SUFFIX, na=False) & present
        if aware.any():
            p = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
            out.loc[aware] = _to_local_naive(p, timezone)
        naive = present & ~aware
        if naive.any():
            try:
                p = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
            except (ValueError, TypeError):
                p = pd.Series(pd.NaT, index=text[naive].index, dtype="datetime64[ns]")
            out.loc[naive] = _to_local_naive(p, timezone)
        rest = present & out.isna()
        if rest.any():
            t = (
                text[rest]
                .str.replace(r"[年月]", "-", regex=True)
                .str.replace("日", " ", regex=False)
                .str.strip()
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    p = pd.to_datetime(t, format="mixed", errors="coerce")
                    out.loc[rest] = _to_local_naive(p, timezone)
                except (ValueError, TypeError):
                    pass
    return out, present & out.isna()


def _parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse to float64 (accepts ¥, thousands separators); returns (values, bad mask)."""
    if pd.api.types.is_bool_dtype(s):
        s = s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        v = s.astype("float64")
        return v.where(np.isfinite(v)), s.notna() & ~np.isfinite(v)
    present = s.notna()
    text = s.astype("str")
    v = pd.to_numeric(text, errors="coerce").astype("float64")
    retry = present & v.isna()
    if retry.any():  # currency signs, thousands separators: only where plain parsing failed
        cleaned = text[retry].str.replace(_NUM_JUNK, "", regex=True)
        v.loc[retry] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    v = v.where(np.isfinite(v))
    return v, present & v.isna()


_TRUE = {"true", "1", "yes", "y", "t", "是", "真"}
_FALSE = {"false", "0", "no", "n", "f", "否", "假"}


def _parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean"), pd.Series(False, index=s.index)
    low = s.astype("str").str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out = out.mask(low.isin(_TRUE), True).mask(low.isin(_FALSE), False)
    return out, s.notna() & out.isna()


def _empty_typed(col: Column, n: int = 0) -> pd.Series:
    return pd.Series(np.nan, index=range(n), dtype="object").pipe(lambda s: _cast(s, col.dtype))


def _cast(s: pd.Series, dtype: str) -> pd.Series:
    """Cast already-valid values to the canonical dtype."""
    if dtype == "str":
        return s.astype("object").where(s.notna()).astype("str")
    if dtype in ("datetime", "date"):
        v = pd.to_datetime(s, errors="coerce") if not _is_dt(s) else s
        v = v.astype("datetime64[ns]")
        return v.dt.normalize() if dtype == "date" else v
    if dtype == "float":
        return pd.to_numeric(s, errors="coerce").astype("float64")
    if dtype == "int":
        return pd.to_numeric(s, errors="coerce").round().astype("Int64")
    if dtype == "bool":
        return s.astype("boolean")
    raise ValueError(dtype)  # pragma: no cover


def _is_dt(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s)


def _show(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v is pd.NA:
        return ""
    text = str(v)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "…"
    return text


# --------------------------------------------------------------------------------------------
# Row validation
# --------------------------------------------------------------------------------------------


@dataclass
class _Issues:
    """Per-row problems of one (table, file) part, collected column by column."""

    n: int
    records: list[pd.DataFrame] = field(default_factory=list)

    def add(
        self,
        mask: pd.Series,
        column: str,
        raw: pd.Series,
        reason: Callable[[str], str] | pd.Series,
    ) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        values = [_show(v) for v in raw[mask]]
        reasons = (
            [str(r) for r in reason[mask]]
            if isinstance(reason, pd.Series)
            else [reason(v) for v in values]
        )
        self.records.append(
            pd.DataFrame(
                {
                    "pos": mask[mask].index.to_numpy(),
                    "column": column,
                    "value": values,
                    "reason": reasons,
                }
            )
        )

    def bad(self) -> pd.Series:
        out = np.zeros(self.n, dtype=bool)
        for r in self.records:
            out[r["pos"].to_numpy()] = True
        return pd.Series(out)


@dataclass
class _Part:
    """One (table, file) piece after row validation, before cross-file checks."""

    table: str
    file: str
    mapping: str
    rows_read: int
    frame: pd.DataFrame  # accepted rows, canonical dtypes, plus _ROW
    quarantine: pd.DataFrame
    dropped: list[str]
    note: str = ""


def _validate(
    table: Table,
    cols: dict[str, pd.Series],
    rows: pd.Series,
    *,
    file: str,
    settings: Settings,
    formats: dict[str, str | None],
    masked: set[str],
    pre_bad: dict[str, tuple[pd.Series, pd.Series, pd.Series]] | None = None,
    skip_missing: dict[str, pd.Series] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse and check every column of one part.

    Returns (accepted rows with canonical dtypes and the row number column, quarantine).
    """
    n = len(rows)
    issues = _Issues(n)
    typed: dict[str, pd.Series] = {}
    for col in table.columns:
        raw = cols.get(col.name)
        if raw is None:
            typed[col.name] = _empty_typed(col, n)
            continue
        raw = raw.reset_index(drop=True)
        shown = pd.Series(MASK, index=raw.index) if col.name in masked else raw
        bad = pd.Series(False, index=raw.index)
        if pre_bad and col.name in pre_bad:
            m, what, why = pre_bad[col.name]
            issues.add(m, col.name, what, why)
            bad = bad | m
        if col.dtype in ("datetime", "date"):
            values, unparseable = _parse_datetime(
                raw, fmt=formats.get(col.name), timezone=settings.timezone
            )
            if col.dtype == "date":
                values = values.dt.normalize()
            kind = "datetime" if col.dtype == "datetime" else "date"
            issues.add(
                unparseable,
                col.name,
                shown,
                lambda v, c=col.name, k=kind: f"unparseable {k} in {c}: {v!r}",
            )
        elif col.dtype in ("float", "int"):
            values, unparseable = _parse_number(raw)
            issues.add(
                unparseable,
                col.name,
                shown,
                lambda v, c=col.name: f"unparseable number in {c}: {v!r}",
            )
            if col.dtype == "int":
                frac = values.notna() & (values != values.round())
                issues.add(
                    frac, col.name, shown, lambda v, c=col.name: f"not a whole number in {c}: {v!r}"
                )
                unparseable = unparseable | frac
            if col.min_value is not None:
                low = values.notna() & (values < col.min_value)
                mv = col.min_value
                mv_text = f"{mv:g}" if isinstance(mv, float) else str(mv)
                issues.add(
                    low,
                    col.name,
                    shown,
                    lambda v, c=col.name, m=mv_text: f"{c} below minimum {m}: {v!r}",
                )
        elif col.dtype == "bool":
            values, unparseable = _parse_bool(raw)
            issues.add(
                unparseable,
                col.name,
                shown,
                lambda v, c=col.name: f"not a yes/no value in {c}: {v!r}",
            )
        else:
            values = raw.astype("object").where(raw.notna())
            values = values.where(values.isna(), values.astype("str"))
            unparseable = pd.Series(False, index=raw.index)
            if col.allowed is not None:
                outside = values.notna() & ~_isin(values, col.allowed)
                issues.add(
                    outside,
                    col.name,
                    shown,
                    lambda v, c=col.name, a=col.allowed: f"{c} not one of {', '.join(a)}: {v!r}",
                )
        if not col.nullable:
            missing = values.isna() & ~unparseable & ~bad
            if skip_missing and col.name in skip_missing:
                missing = missing & ~skip_missing[col.name].reset_index(drop=True)
            issues.add(missing, col.name, shown, lambda v, c=col.name: f"missing {c}")
        typed[col.name] = values
    frame = pd.DataFrame({c.name: _cast(typed[c.name], c.dtype) for c in table.columns})
    frame[_ROW] = rows.to_numpy()
    bad_rows = issues.bad()
    q = _collapse(issues.records, table.name, file, rows)
    return frame.loc[~bad_rows.to_numpy()].reset_index(drop=True), q


def _collapse(records: list[pd.DataFrame], table: str, file: str, rows: pd.Series) -> pd.DataFrame:
    """One quarantine record per row: columns, values and reasons joined with '; '."""
    if not records:
        return _empty_quarantine()
    allr = pd.concat(records, ignore_index=True).sort_values("pos", kind="stable")
    g = allr.groupby("pos", sort=True)
    out = pd.DataFrame(
        {
            "column": g["column"].agg(lambda x: _SEP.join(dict.fromkeys(x))),
            "value": g["value"].agg(_SEP.join),
            "reason": g["reason"].agg(_SEP.join),
        }
    )
    out.insert(0, "row", rows.to_numpy()[out.index.to_numpy()])
    out.insert(0, "file", file)
    out.insert(0, "table", table)
    return _canon_quarantine(out.reset_index(drop=True))


def _empty_quarantine() -> pd.DataFrame:
    return _canon_quarantine(pd.DataFrame({c: [] for c in QUARANTINE_COLUMNS}))


def _canon_quarantine(q: pd.DataFrame) -> pd.DataFrame:
    q = q.loc[:, list(QUARANTINE_COLUMNS)].copy()
    for c in ("table", "file", "column", "value", "reason"):
        q[c] = q[c].astype("str")
    q["row"] = pd.to_numeric(q["row"]).astype("Int64")
    return q.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Canonical files and mapped exports
# --------------------------------------------------------------------------------------------


def _canonical_part(path: Path, table: Table, raw: pd.DataFrame, settings: Settings) -> _Part:
    df, rows = _prepare_text_frame(raw)
    by_lower = {c.lower(): c for c in df.columns}
    present = {c.name: by_lower[c.name] for c in table.columns if c.name in by_lower}
    missing = [c for c in table.required_columns if c not in present]
    if missing:
        raise IntakeError(
            f"{path.name}: table {table.name!r} is missing required column(s) "
            f"{', '.join(missing)}. Add them to the header row (expected headers: "
            f"{', '.join(table.required_columns)}), or rename the file if it is not "
            f"{table.name} data."
        )
    dropped = [c for c in df.columns if c not in present.values()]
    cols = {name: df[src] for name, src in present.items()}
    frame, q = _validate(
        table, cols, rows, file=path.name, settings=settings, formats={}, masked=set()
    )
    return _Part(table.name, path.name, "contract", len(rows), frame, q, dropped)


def _hash_values(values: pd.Series, *, salt: str, prefix: str, length: int) -> pd.Series:
    """prefix + sha256(salt + value)[:length] for every non-empty value (computed per
    distinct value)."""
    present = values.dropna().astype("str")
    uniques = pd.unique(present)
    digests = {
        u: prefix + hashlib.sha256((salt + u).encode("utf-8")).hexdigest()[:length] for u in uniques
    }
    return values.astype("object").where(values.isna(), values.map(digests))


class _MappedBuilder:
    """Builds the contract columns of one table from a cleaned export frame."""

    def __init__(self, df: pd.DataFrame, mapping: Mapping, settings: Settings, file: str):
        self.df = df
        self.mapping = mapping
        self.settings = settings
        self.file = file

    def header(self, h: str) -> pd.Series | None:
        return self.df[h] if h in self.df.columns else None

    def first_filled(self, headers: tuple[str, ...]) -> pd.Series | None:
        found = [self.df[h] for h in headers if h in self.df.columns]
        if not found:
            return None
        out = found[0]
        for s in found[1:]:
            out = out.fillna(s)
        return out

    def missing_error(self, table: str, column: str, headers: Iterable[str]) -> IntakeError:
        expected = " or ".join(repr(h) for h in headers)
        return IntakeError(
            f"{self.file}: table {table!r} needs column {column!r}, which mapping "
            f"{self.mapping.name!r} reads from header {expected}, but the file has no such "
            f"header. Export the file with that column, or copy the mapping and point "
            f"{column!r} to the right header."
        )

    def spec_values(
        self,
        table: str,
        column: str,
        spec: ColumnSpec,
        built: dict[str, pd.Series],
        pre_bad: dict[str, tuple[pd.Series, pd.Series, pd.Series]],
        skip_missing: dict[str, pd.Series],
    ) -> pd.Series:
        n = len(self.df)
        index = self.df.index
        s: pd.Series | None
        if spec.const is not None:
            s = pd.Series(str(spec.const), index=index, dtype="object")
        elif spec.hash:
            src = self.first_filled(spec.hash)
            if src is None and not spec.optional and spec.fallback is None:
                raise self.missing_error(table, column, spec.hash)
            s = (
                _hash_values(
                    src,
                    salt=self.settings.pii_salt if spec.salt else "",
                    prefix=spec.prefix,
                    length=spec.length,
                )
                if src is not None
                else None
            )
        elif spec.province_from:
            src = self.header(spec.province_from)
            if src is None and not spec.optional and spec.fallback is None:
                raise self.missing_error(table, column, (spec.province_from,))
            s = src.str.extract(_PROVINCE_RE, expand=False) if src is not None else None
        elif spec.expr:
            s = self.expr_values(table, column, spec.expr, built, pre_bad, skip_missing)
        else:
            s = self.first_filled(spec.source)
            if s is None and not spec.optional and spec.fallback is None:
                raise self.missing_error(table, column, spec.source)
        if s is None:
            s = pd.Series(np.nan, index=index, dtype="object")
        if spec.values or spec.when_filled:
            text = s.astype("object")
            mapped = text.map(spec.values) if spec.values else pd.Series(np.nan, index=index)
            out = mapped.where(mapped.notna(), text)
            for h, m in spec.when_filled.items():
                cond = self.header(h)
                if cond is None:
                    continue
                alt = text.map(m)
                use = cond.notna() & alt.notna()
                out = out.where(~use, alt)
            s = out
        if spec.fallback is not None:
            fb = self.spec_values(table, column, spec.fallback, built, pre_bad, skip_missing)
            s = s.where(s.notna(), fb)
        if spec.default is not None:
            s = s.where(s.notna(), str(spec.default))
        assert len(s) == n
        return s

    def expr_values(
        self,
        table: str,
        column: str,
        expr: str,
        built: dict[str, pd.Series],
        pre_bad: dict[str, tuple[pd.Series, pd.Series, pd.Series]],
        skip_missing: dict[str, pd.Series],
    ) -> pd.Series:
        header_bad: list[tuple[str, pd.Series, pd.Series]] = []
        index = self.df.index

        def resolve(name: str) -> tuple[pd.Series, pd.Series]:
            if name in built:
                v, bad = _parse_number(built[name])
                return v, bad  # reported by that column's own validation
            src = self.header(name)
            if src is None:
                return pd.Series(np.nan, index=index), pd.Series(False, index=index)
            v, bad = _parse_number(src)
            header_bad.append((name, bad, src))
            return v, bad

        values, bad = _eval_expr(expr, resolve, index)
        if header_bad:
            personal = set(self.mapping.personal)
            mask = pd.Series(False, index=index)
            shown = pd.Series("", index=index, dtype="object")
            why = pd.Series("", index=index, dtype="object")
            for name, b, src in header_bad:
                new = b & ~mask
                if not new.any():
                    continue
                text = src[new].astype(str)
                if name in personal:
                    text = pd.Series(MASK, index=text.index)
                shown.loc[new] = text
                why.loc[new] = [
                    f"unparseable number in {name} (for {column}): {_show(t)!r}" for t in text
                ]
                mask = mask | new
            if mask.any():
                pre_bad[column] = (mask, shown, why)
        skip_missing[column] = bad
        return values


def _mapped_parts(path: Path, raw: pd.DataFrame, mapping: Mapping, settings: Settings) -> list:
    df, rows = _prepare_text_frame(raw.astype("object"), mapping.null_values)
    df = df.astype("object")
    used: set[str] = set()
    parts: list[_Part] = []
    builder = _MappedBuilder(df, mapping, settings, path.name)
    personal = set(mapping.personal)
    for tname, specs in mapping.tables.items():
        table = TABLES[tname]
        built: dict[str, pd.Series] = {}
        pre_bad: dict[str, tuple[pd.Series, pd.Series, pd.Series]] = {}
        skip_missing: dict[str, pd.Series] = {}
        masked: set[str] = set()
        formats: dict[str, str | None] = {}
        for cname, spec in specs.items():
            built[cname] = builder.spec_values(tname, cname, spec, built, pre_bad, skip_missing)
            headers = spec.headers()
            used |= headers
            direct = set(spec.source) | (
                set(spec.fallback.source) if spec.fallback is not None else set()
            )
            if direct & personal:
                masked.add(cname)
            formats[cname] = spec.format or mapping.date_format
        frame, q = _validate(
            table,
            built,
            rows,
            file=path.name,
            settings=settings,
            formats=formats,
            masked=masked,
            pre_bad=pre_bad,
            skip_missing=skip_missing,
        )
        parts.append(_Part(tname, path.name, mapping.name, len(rows), frame, q, []))
    dropped = [c for c in df.columns if c not in used or c in personal]
    for p in parts:
        p.dropped = dropped
    return parts


# --------------------------------------------------------------------------------------------
# Cross-file checks: duplicate keys and references
# --------------------------------------------------------------------------------------------


def _quarantine_rows(
    frame: pd.DataFrame, mask: pd.Series, table: str, columns: list[str], reasons: list[str]
) -> pd.DataFrame:
    sub = frame.loc[mask]
    values = [", ".join(_show(x) for x in t) for t in sub[columns].to_numpy(dtype=object)]
    return _canon_quarantine(
        pd.DataFrame(
            {
                "table": table,
                "file": sub["__file__"].to_numpy(),
                "row": sub[_ROW].to_numpy(),
                "column": ", ".join(columns),
                "value": values,
                "reason": reasons,
            }
        )
    )


def _combine(parts: list[_Part]) -> tuple[dict[str, pd.DataFrame], list[pd.DataFrame]]:
    """Concatenate parts per table (file order), then quarantine duplicate keys (the first
    occurrence wins) and rows referring to parents that were not accepted."""
    tables: dict[str, pd.DataFrame] = {}
    extra: list[pd.DataFrame] = []
    order = [t for t in TABLES if any(p.table == t for p in parts)]
    order.sort(key=lambda t: len(TABLES[t].references))  # parents before children
    for tname in order:
        table = TABLES[tname]
        frames = []
        for p in parts:
            if p.table == tname:
                f = p.frame.copy()
                f["__file__"] = p.file
                frames.append(f)
        frame = pd.concat(frames, ignore_index=True)
        if table.key and len(frame):
            key = list(table.key)
            dup = frame.duplicated(subset=key, keep="first")
            if dup.any():
                first = frame.loc[~dup, [*key, _ROW, "__file__"]]
                later = frame.loc[dup, key].merge(first, on=key, how="left")
                reasons = []
                for rec in later.to_numpy(dtype=object):
                    shown = ", ".join(f"{c}={_show(v)!r}" for c, v in zip(key, rec, strict=False))
                    reasons.append(f"duplicate key {shown} (first seen in {rec[-1]} row {rec[-2]})")
                extra.append(_quarantine_rows(frame, dup, tname, key, reasons))
                frame = frame.loc[~dup].reset_index(drop=True)
        for col, parent, pcol in table.references:
            if parent not in tables or not len(frame):
                continue
            orphan = frame[col].notna() & ~_isin(frame[col], tables[parent][pcol])
            if orphan.any():
                reasons = [
                    f"{col} {_show(v)!r} not found in accepted {parent}"
                    for v in frame.loc[orphan, col]
                ]
                extra.append(_quarantine_rows(frame, orphan, tname, [col], reasons))
                frame = frame.loc[~orphan].reset_index(drop=True)
        tables[tname] = frame
    return tables, extra


# --------------------------------------------------------------------------------------------
# Fingerprint and cache
# --------------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ecom-playbook``, else ``~/.cache/ecom-playbook``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ecom-playbook"


def fingerprint_inputs(files: Iterable[Path], mapping_texts: Iterable[str], settings: Settings):
    """sha256 over sorted (file name, bytes), the mapping texts, the salt, the timezone and
    :data:`INTAKE_VERSION`."""
    h = hashlib.sha256()
    h.update(f"intake-version={INTAKE_VERSION}\0".encode())
    for p in sorted(files, key=lambda x: x.name):
        h.update(b"file\0" + p.name.encode("utf-8") + b"\0")
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    for text in mapping_texts:
        h.update(b"mapping\0" + text.encode("utf-8") + b"\0")
    h.update(b"salt\0" + settings.pii_salt.encode("utf-8") + b"\0")
    h.update(b"tz\0" + settings.timezone.encode("utf-8"))
    return h.hexdigest()


_MANIFEST = "manifest.json"


def _write_cache(root: Path, ds: Dataset) -> None:
    final = root / ds.fingerprint
    if (final / _MANIFEST).is_file():
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{ds.fingerprint[:12]}-", dir=root))
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache is shared like ~/.cache
    except OSError:
        return
    try:
        (tmp / "tables").mkdir()
        for name, df in ds.tables.items():
            df.to_parquet(tmp / "tables" / f"{name}.parquet", index=False)
        ds.quarantine.to_parquet(tmp / "quarantine.parquet", index=False)
        ds.sources.to_parquet(tmp / "sources.parquet", index=False)
        manifest = {"intake_version": INTAKE_VERSION, "tables": sorted(ds.tables)}
        (tmp / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:  # another process won the race; its copy is identical
            shutil.rmtree(tmp, ignore_errors=True)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is not an error
        shutil.rmtree(tmp, ignore_errors=True)


def _read_cache(root: Path, fingerprint: str) -> Dataset | None:
    d = root / fingerprint
    manifest = d / _MANIFEST
    if not manifest.is_file():
        return None
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        tables = {
            name: _canonical_dtypes(pd.read_parquet(d / "tables" / f"{name}.parquet"), TABLES[name])
            for name in meta["tables"]
        }
        quarantine = _canon_quarantine(pd.read_parquet(d / "quarantine.parquet"))
        sources = _canon_sources(pd.read_parquet(d / "sources.parquet"))
    except Exception:  # noqa: BLE001 - a broken cache entry is simply re-built
        return None
    return Dataset(tables, quarantine, sources, fingerprint, from_cache=True)


def _canonical_dtypes(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    out = pd.DataFrame(index=range(len(df)))
    for col in table.columns:
        s = df[col.name].reset_index(drop=True) if col.name in df.columns else None
        out[col.name] = _cast(s, col.dtype) if s is not None else _empty_typed(col, len(df))
    return out


def _canon_sources(s: pd.DataFrame) -> pd.DataFrame:
    s = s.loc[:, list(SOURCES_COLUMNS)].copy()
    for c in ("table", "file", "mapping", "dropped_columns", "note"):
        s[c] = s[c].astype("object").where(s[c].notna()).astype("str")
    for c in ("rows_read", "rows_accepted", "rows_quarantined"):
        s[c] = pd.to_numeric(s[c]).astype("int64")
    return s.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def load_dataset(
    data_dir: str | Path,
    settings: Settings,
    *,
    mapping: str | Path | Mapping | None = None,
    cache_dir: str | Path | bool | None = None,
) -> Dataset:
    """Read, map and validate every data file of a folder into the contract tables.

    Parameters
    ----------
    data_dir : folder with contract-named files (``orders.csv[.gz]``, ``orders.xlsx``,
        ``orders.parquet``, ``orders_<anything>.csv`` ...) and/or platform exports.
        ``playbook.yaml``, README/LICENSE files and hidden files are not data.
    settings : run settings; ``pii_salt`` salts the customer id hashes, ``timezone`` is the
        zone tz-aware timestamps are converted to.
    mapping : a mapping YAML file (or a built-in mapping name, or a :class:`Mapping`) used
        for files not named after a contract table; None detects among the built-in
        mappings by header.
    cache_dir : where validated tables are cached as Parquet (``<cache_dir>/<fingerprint>/``);
        None for the default (:func:`default_cache_dir`), False to disable caching.

    Returns
    -------
    Dataset
        See :class:`Dataset`. ``orders`` and ``order_items`` are always present.

    Raises
    ------
    IntakeError
        A file cannot be read, lacks a required column (the message names the file, the
        table, the column and the header expected), or the folder has no orders/order lines.
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise IntakeError(f"data folder {root.name!r} does not exist or is not a folder")
    files = _list_files(root)
    mappings = [load_mapping(mapping)] if mapping is not None else builtin_mappings()
    fp = fingerprint_inputs(files, [m.text for m in mappings], settings)
    cache_root: Path | None = None
    if cache_dir is not False:
        cache_root = default_cache_dir() if cache_dir in (None, True) else Path(cache_dir)
        cached = _read_cache(cache_root, fp)
        if cached is not None:
            return cached

    parts: list[_Part] = []
    ignored: list[dict[str, Any]] = []
    for path in files:
        suf = _suffix(path)
        if suf is None:
            ignored.append(_ignored(path, "not a data file type (.csv, .csv.gz, .xlsx, .parquet)"))
            continue
        tname = _table_for_name(path)
        try:
            header = list(_read_raw(path, header_only=True).columns)
        except IntakeError as exc:
            if tname is not None:
                raise
            ignored.append(_ignored(path, f"cannot be read: {exc}"))
            continue
        lower = {h.lower() for h in header}
        if tname is not None and (
            set(TABLES[tname].required_columns) <= lower
            or not any(m.matches(header) for m in mappings)
        ):
            raw = _read_raw(path)
            parts.append(_canonical_part(path, TABLES[tname], raw, settings))
            continue
        matching = [m for m in mappings if m.matches(header)]
        if matching:
            raw = _read_raw(path)
            for c in raw.columns:
                if not pd.api.types.is_string_dtype(raw[c]):
                    col = raw[c].astype("object")
                    raw[c] = col.where(col.isna(), col.astype(str))
            parts.extend(_mapped_parts(path, raw, matching[0], settings))
            continue
        note = "no mapping recognises its headers"
        near = [
            (len(m.missing_headers(header)), m)
            for m in mappings
            if len(m.missing_headers(header)) < len(m.detect_headers)
        ]
        if near:
            miss, m = min(near, key=lambda t: t[0])
            if mapping is not None:
                raise IntakeError(
                    f"{path.name}: looks like a {m.name!r} export but lacks header(s) "
                    f"{', '.join(m.missing_headers(header))}; export it with those columns."
                )
            note += f" (closest: {m.name}, missing {', '.join(m.missing_headers(header))})"
        ignored.append(_ignored(path, note))

    present = {p.table for p in parts}
    missing = [t.name for t in TABLES.values() if t.mandatory and t.name not in present]
    if missing:
        raise IntakeError(
            f"data folder {root.name!r} has no {' and no '.join(missing)} data: add files "
            f"named {', '.join(f'{t}.csv' for t in missing)} (or .csv.gz/.xlsx/.parquet) or a "
            "platform export a mapping recognises (e.g. a Taobao order report). Files seen: "
            f"{', '.join(p.name for p in files) or 'none'}"
        )

    tables, extra = _combine(parts)
    quarantine = pd.concat([*(p.quarantine for p in parts), *extra], ignore_index=True)
    if len(quarantine):
        rank = {t: i for i, t in enumerate(TABLES)}
        quarantine = quarantine.assign(__rank__=quarantine["table"].map(rank)).sort_values(
            ["__rank__", "file", "row"], kind="stable"
        )
    quarantine = _canon_quarantine(quarantine if len(quarantine) else _empty_quarantine())
    qcount = quarantine.groupby(["table", "file"]).size()
    rows: list[dict[str, Any]] = []
    rank = {t: i for i, t in enumerate(TABLES)}
    for p in sorted(parts, key=lambda p: (rank[p.table], p.file)):
        nq = int(qcount.get((p.table, p.file), 0))
        rows.append(
            {
                "table": p.table,
                "file": p.file,
                "mapping": p.mapping,
                "rows_read": p.rows_read,
                "rows_accepted": p.rows_read - nq,
                "rows_quarantined": nq,
                "dropped_columns": ", ".join(p.dropped),
                "note": p.note,
            }
        )
    sources = _canon_sources(pd.DataFrame(rows + ignored, columns=list(SOURCES_COLUMNS)))
    final_tables = {name: _canonical_dtypes(frame, TABLES[name]) for name, frame in tables.items()}
    for name, frame in tables.items():
        # rows_accepted is derived from the quarantine count; check it matches the table
        counts = frame.groupby("__file__").size() if "__file__" in frame else pd.Series()
        for p in parts:
            if p.table == name:
                got = int(counts.get(p.file, 0))
                want = p.rows_read - int(qcount.get((p.table, p.file), 0))
                if got != want:  # pragma: no cover - an internal invariant
                    raise AssertionError(f"intake bookkeeping error for {p.file} / {name}")
    ds = Dataset(
        {t: final_tables[t] for t in TABLES if t in final_tables},
        quarantine,
        sources,
        fp,
    )
    if cache_root is not None:
        _write_cache(cache_root, ds)
    return ds


def _ignored(path: Path, note: str) -> dict[str, Any]:
    return {
        "table": "",
        "file": path.name,
        "mapping": "ignored",
        "rows_read": 0,
        "rows_accepted": 0,
        "rows_quarantined": 0,
        "dropped_columns": "",
        "note": note,
    }
