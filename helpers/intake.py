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
INTAKE_VERSION = "2"

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
    "template",
    "number_within",
    "whole_number",
    "where",
    "agg",
}

#: Keys of a table entry in the long form (``columns:`` plus options).
_BLOCK_KEYS = {"table", "file", "where", "join", "group_by", "reject", "columns"}

#: Keys of an input file role (``files:``).
_ROLE_KEYS = {"headers", "pattern", "optional", "ignore", "unused_rows"}

#: Top-level mapping keys.
_MAPPING_KEYS = {
    "name",
    "description",
    "detect",
    "files",
    "null_values",
    "date_format",
    "personal",
    "tables",
    "currency",
    "timezone",
    "shop_name",
    "platform_calendar",
}

#: Settings a mapping may suggest (see :attr:`Dataset.settings_hints`).
SETTINGS_HINT_KEYS: tuple[str, ...] = ("currency", "timezone", "shop_name", "platform_calendar")

#: Aggregations of a ``group_by`` table (and of ``join: aggregate:``).
AGGREGATIONS: tuple[str, ...] = (
    "first",
    "last",
    "sum",
    "min",
    "max",
    "count",
    "count_distinct",
    "mode",
    "single",
)

_COND_OPS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "startswith",
    "not_startswith",
    "empty",
    "less_than",
    "greater_than",
)

#: Role name of the only input file of a one-file mapping (``detect: headers:``).
MAIN_ROLE = "main"


@dataclass(frozen=True)
class Condition:
    """A row condition (``where`` / ``reject``); see :class:`Mapping`.

    ``column`` with its tests (all must hold), or ``any_of`` (one must hold) / ``all_of``.
    """

    column: str | None = None
    tests: tuple[tuple[str, Any], ...] = ()
    any_of: tuple[Condition, ...] = ()
    all_of: tuple[Condition, ...] = ()

    def names(self) -> list[str]:
        out = [self.column] if self.column else []
        for c in (*self.any_of, *self.all_of):
            out += [n for n in c.names() if n not in out]
        return out

    def describe(self) -> str:
        if self.any_of:
            return "(" + " or ".join(c.describe() for c in self.any_of) + ")"
        if self.all_of:
            return " and ".join(c.describe() for c in self.all_of)
        words = {
            "equals": "=",
            "not_equals": "!=",
            "in": "in",
            "not_in": "not in",
            "startswith": "starts with",
            "not_startswith": "does not start with",
            "less_than": "<",
            "greater_than": ">",
        }
        parts = []
        for op, arg in self.tests:
            if op == "empty":
                parts.append(f"{self.column} is {'empty' if arg else 'filled'}")
            else:
                shown = "/".join(str(a) for a in arg) if isinstance(arg, tuple) else str(arg)
                parts.append(f"{self.column} {words[op]} {shown}")
        return " and ".join(parts)


def _parse_condition(raw: Any, where: str) -> Condition:
    if isinstance(raw, list):
        if not raw:
            raise IntakeError(f"{where}: an empty condition list")
        return Condition(all_of=tuple(_parse_condition(r, where) for r in raw))
    if not isinstance(raw, dict):
        raise IntakeError(f"{where}: a condition is a mapping like {{column: X, startswith: C}}")
    if "any" in raw or "all" in raw:
        if len(raw) != 1:
            raise IntakeError(f"{where}: 'any'/'all' must be the only key of its condition")
        key = "any" if "any" in raw else "all"
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise IntakeError(f"{where}: '{key}' takes a list of conditions")
        subs = tuple(_parse_condition(r, where) for r in items)
        return Condition(any_of=subs) if key == "any" else Condition(all_of=subs)
    unknown = sorted(set(raw) - {"column", *_COND_OPS})
    if unknown:
        raise IntakeError(
            f"{where}: unknown condition key(s) {', '.join(unknown)}; "
            f"known: column, {', '.join(_COND_OPS)}, any, all"
        )
    column = raw.get("column")
    if not column:
        raise IntakeError(f"{where}: a condition needs 'column'")
    tests: list[tuple[str, Any]] = []
    for op in _COND_OPS:
        if op not in raw:
            continue
        arg = raw[op]
        if op == "empty":
            arg = bool(arg)
        elif op in ("less_than", "greater_than"):
            try:
                arg = float(arg)
            except (TypeError, ValueError):
                raise IntakeError(f"{where}: '{op}' needs a number, got {arg!r}") from None
        else:
            arg = tuple(arg) if isinstance(arg, list) else (arg,)
        tests.append((op, arg))
    if not tests:
        raise IntakeError(f"{where}: condition on {column!r} has no test ({', '.join(_COND_OPS)})")
    return Condition(column=str(column), tests=tuple(tests))


def _as_number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _eval_condition(cond: Condition, resolve: Callable[[str], pd.Series], index: pd.Index):
    """Boolean Series: rows where ``cond`` holds (``resolve(name)`` gives a column)."""
    if cond.any_of:
        out = pd.Series(False, index=index)
        for c in cond.any_of:
            out = out | _eval_condition(c, resolve, index)
        return out
    if cond.all_of:
        out = pd.Series(True, index=index)
        for c in cond.all_of:
            out = out & _eval_condition(c, resolve, index)
        return out
    s = resolve(str(cond.column))
    present = s.notna()
    numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
    if numeric:
        nums = s.astype("float64")
        text = pd.Series(np.nan, index=index, dtype="object")
    else:
        text = s.astype("object").where(present)
        text = text.where(~present, text.astype("str"))
        nums = None
    out = pd.Series(True, index=index)
    for op, arg in cond.tests:
        if op == "empty":
            m = ~present if arg else present
        elif op in ("equals", "not_equals", "in", "not_in"):
            m = pd.Series(False, index=index)
            texts = [str(a) for a in arg]
            if not numeric:
                m = m | (present & _isin(text, texts))
            targets = [x for x in (_as_number(a) for a in arg) if x is not None]
            if targets:
                if nums is None:
                    nums = _parse_number(s)[0]
                m = m | nums.isin(targets)
            if op in ("not_equals", "not_in"):
                m = ~m
        elif op in ("startswith", "not_startswith"):
            src = s.astype("float64").astype("str") if numeric else text
            m = present & src.astype("object").fillna("").str.startswith(tuple(str(a) for a in arg))
            m = m.fillna(False).astype(bool)
            if op == "not_startswith":
                m = ~m
        else:  # less_than / greater_than
            if nums is None:
                nums = _parse_number(s)[0]
            m = (nums < arg) if op == "less_than" else (nums > arg)
            m = m.fillna(False).astype(bool)
        out = out & m.astype(bool)
    return out


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
    template: str | None = None
    number_within: tuple[str, ...] = ()
    whole_number: bool = False
    where: Condition | None = None
    agg: str | None = None
    empty: bool = False  # ``const: null`` / ``const: ""``: deliberately empty

    def headers(self) -> set[str]:
        """Every source header (or column) this spec reads (for masking and detection)."""
        out = set(self.source) | set(self.hash) | set(self.when_filled)
        if self.province_from:
            out.add(self.province_from)
        if self.fallback is not None:
            out |= self.fallback.headers()
        if self.expr:
            out |= set(_expr_names(self.expr))
        if self.template:
            out |= set(_template_names(self.template))
        out |= set(self.number_within)
        if self.where is not None:
            out |= set(self.where.names())
        return out


@dataclass(frozen=True)
class FileRole:
    """One input file of a mapping: how it is recognised and what happens to it."""

    name: str
    headers: tuple[str, ...] = ()
    pattern: str | None = None
    optional: bool = False
    ignore: str | None = None
    unused_rows: str | None = None

    def matches(self, path: Path | None, headers: Iterable[str]) -> bool:
        have = set(headers)
        if any(h not in have for h in self.headers):
            return False
        if self.pattern:
            if path is None:
                return False
            import fnmatch

            return fnmatch.fnmatch(path.name.lower(), self.pattern.lower())
        return True


@dataclass(frozen=True)
class Join:
    """``join:`` entry of a table: a left join of another input file on key columns."""

    role: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    aggregate: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reject:
    """``reject:`` entry: rows (or groups) matching ``where`` go to the quarantine."""

    where: Condition
    reason: str


@dataclass(frozen=True)
class Block:
    """One output of a mapping: a contract table built from one input file role."""

    name: str
    table: str
    role: str
    columns: dict[str, ColumnSpec]
    where: Condition | None = None
    joins: tuple[Join, ...] = ()
    group_by: tuple[str, ...] = ()
    reject: tuple[Reject, ...] = ()


@dataclass(frozen=True)
class Mapping:
    """A "mapping without code": how a platform export becomes contract tables.

    A mapping is a YAML file. Every key (``*`` = required)::

        name*: taobao_orders            # shown in Dataset.sources["mapping"]
        description: free text
        detect:                         # a file is read with this mapping when its header
          headers*: [订单编号, 订单状态]   #   row holds ALL these headers (after trimming)
        files:                          # instead of detect: several input files (below)
        null_values: ["null", "NULL"]   # cell texts meaning "empty" (besides empty cells)
        date_format: "%Y-%m-%d %H:%M:%S" # default strptime format of datetime/date columns;
                                        #   leave out for flexible parsing (ISO 8601 first,
                                        #   then anything pandas understands)
        personal: [买家会员名, 收货地址]  # personal headers: never copied to a table, masked in
                                        #   the quarantine, dropped after hashing/extraction
        currency: GBP                   # settings hints: currency, timezone, shop_name,
        timezone: Europe/London         #   platform_calendar (cn / none) of the data; they
        shop_name: UK gift retailer     #   reach Dataset.settings_hints and fill the settings
        platform_calendar: none         #   playbook.yaml leaves at their defaults
        tables:                         # one entry per output; short form: contract table ->
          orders:                       #   column specs, every input row gives one row
            order_id: 订单编号           # shorthand: copy this header
            status:                     # or a column spec (keys below)
              from: 订单状态
              values: {交易成功: completed}
            ...

    **Long form of a table entry** (an entry with a ``columns:`` key; the entry name is free
    when ``table`` is given, so one contract table can be fed from several files)::

        credit_notes:
          table: after_sales            # contract table (default: the entry name)
          file: orders                  # input file role (see files:); default: the only one
          where: {column: InvoiceNo, startswith: C}   # only these rows feed this table
          join:                         # left joins of other input files (multi-file)
            - file: customers
              on: customer_id           # same header both sides, or {left: a, right: b};
                                        #   a list of headers for a composite key
              aggregate: {payment_value: sum}  # many rows per key: aggregate them first
          group_by: order_id            # one output row per distinct value(s) of these
                                        #   contract columns (defined in columns:)
          reject:                       # rows (groups, with group_by) to quarantine
            - where: {column: UnitPrice, equals: 0}
              reason: stock adjustment, not a sale
          columns:
            order_id: InvoiceNo
            refund_amount: {expr: -(Quantity * UnitPrice), agg: sum}

    ``where`` selects the input rows a table reads: the same file's rows can be routed to
    different tables (invoices -> orders, credit notes -> after_sales). In ``sources``,
    ``rows_read`` of a (table, file) counts the rows its ``where`` selected. Every row of a
    file must be read by at least one table: rows no table reads are quarantined (in the
    first table reading that file, reason "not read by any table of mapping ...") unless the
    file role declares ``unused_rows`` (then they are counted in a ``sources`` note).

    ``reject`` quarantines the rows matching a condition with the given reason (the first
    matching rule wins). Its conditions may name headers or contract columns defined in
    ``columns``; in a ``group_by`` table they name the aggregated contract columns.

    ``group_by`` (aggregation): column specs are first evaluated on every input row (so
    ``expr`` works per row, e.g. ``Quantity * UnitPrice``), then rows are grouped by the
    listed contract columns (in order of first appearance; a row with an empty key is a
    group of its own and is quarantined as missing) and each column is reduced with its
    ``agg``. In ``sources``, ``rows_read`` of an aggregated table counts groups, and the
    quarantine ``row`` is the first input row of the group. A group with an unparseable
    value on any of its rows is quarantined (the reason names the row).

    **Conditions** (``where``, ``reject``, column spec ``where``): a mapping ``{column: X,
    <test>: ...}`` (several tests: all must hold), a list of conditions (all must hold), or
    ``{any: [cond, ...]}`` / ``{all: [...]}``. ``column`` is a header, a joined column
    (``file.header``) or a contract column defined above. Tests: ``equals`` /
    ``not_equals`` / ``in`` / ``not_in`` (a value or a list; numbers compare as numbers,
    so ``equals: 0`` matches ``0.0``), ``startswith`` / ``not_startswith`` (a prefix or a
    list; an empty cell starts with nothing), ``empty: true|false``, ``less_than`` /
    ``greater_than`` (numbers; empty or unparseable cells never match).

    **Multi-file mappings** (``files:`` instead of ``detect:``)::

        files:
          orders: {headers: [order_id, order_status]}        # a role: the file whose
          payments: {headers: [order_id, payment_value]}      #   header row holds these
          reviews: {headers: [review_id, review_score], optional: true,
                    unused_rows: reviews of 3-5 stars are not after-sales cases}
          sellers: {headers: [seller_id, seller_zip_code_prefix], optional: true,
                    ignore: seller master data has no contract table}

    Role keys: ``headers`` (all must be present) and/or ``pattern`` (a file-name glob such
    as ``*payments*.csv``, case-insensitive); ``optional: true`` (the mapping applies
    without it; otherwise the mapping is used only when every required role has a file);
    ``ignore: note`` (the file is recognised and listed in ``sources`` with the note, not
    mapped); ``unused_rows: note`` (see ``where``). A file takes the first role it matches,
    in the order listed. Every file of a role a table reads gives its own (table, file)
    part; files of a joined role are concatenated. Joined columns are named
    ``<role>.<header>`` (quote them in ``expr`` with backticks). A join keeps every row of
    the table's file (left join); without ``aggregate`` the first row per key of the joined
    file is used, with it the joined file is reduced per key first (aggregations as below).
    Files used only through joins are listed in ``sources`` (table empty) with the number
    of their rows that matched no key.

    Column spec keys (all optional; exactly one of ``from`` / ``const`` / ``hash`` /
    ``expr`` / ``province_from`` / ``template`` / ``number_within`` says where the value
    comes from):

    ``from``
        A header, or a list of headers: the first non-empty one in each row wins (headers
        absent from the file are skipped).
    ``optional``
        ``true``: the headers may be absent from the file; the column is then empty (or takes
        ``fallback`` / ``default``). Otherwise a missing header fails the file with an
        :class:`IntakeError` naming the expected header.
    ``const``
        The same value on every row (e.g. ``line_no: {const: 1}``). ``const: null`` (or
        ``""``) leaves the column empty on purpose (e.g. ``after_sales.order_id`` of a credit
        note that names no order).
    ``default``
        Value for rows left empty by every other rule (in a ``group_by`` table also for
        groups left empty by the aggregation, e.g. ``single`` with several values).
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
    ``template``
        Text built from names in braces, e.g. ``"{review_id}-{order_id}"`` (headers or
        contract columns defined above; whole numbers are written without decimals). Empty
        when any name is empty.
    ``number_within``
        A header/column (or a list): the running number 1, 2, ... of the row among the rows
        with the same value(s), in file order (e.g. ``line_no: {number_within: InvoiceNo}``).
    ``whole_number``
        ``true``: numbers written with a zero fraction lose it (``17850.0`` -> ``17850``),
        for ids a spreadsheet stored as numbers.
    ``where``
        A condition (see above): the spec gives a value only on matching rows; other rows
        take ``fallback`` / ``default`` or stay empty.
    ``agg``
        Only in a ``group_by`` table: how the column is reduced per group - ``first`` (the
        default: first non-empty value in file order), ``last``, ``sum``, ``min``, ``max``
        (datetimes compare as times, numbers as numbers), ``count`` (non-empty values),
        ``count_distinct``, ``mode`` (most frequent non-empty value, ties: first seen),
        ``single`` (the value when the group has exactly one distinct non-empty value, else
        empty).
    ``format``
        strptime format for this datetime/date column (overrides ``date_format``).
    ``province_from``
        An address header: the leading province name (浙江, 内蒙古 ...) is kept, the rest is
        dropped.

    Contract columns not listed are left empty; required contract columns must be listed.
    """

    name: str
    detect_headers: tuple[str, ...]
    blocks: tuple[Block, ...]
    files: dict[str, FileRole] = field(default_factory=dict)
    description: str = ""
    personal: tuple[str, ...] = ()
    null_values: tuple[str, ...] = ()
    date_format: str | None = None
    text: str = ""
    settings_hints: dict[str, str] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, dict[str, ColumnSpec]]:
        """Contract table -> column specs (of its first output), for a quick look."""
        out: dict[str, dict[str, ColumnSpec]] = {}
        for b in self.blocks:
            out.setdefault(b.table, b.columns)
        return out

    @property
    def multi_file(self) -> bool:
        return list(self.files) != [MAIN_ROLE]

    @classmethod
    def from_text(cls, text: str, *, where: str = "mapping") -> Mapping:
        """Parse and check a mapping from YAML text (``where`` names it in errors)."""
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise IntakeError(f"{where}: not valid YAML ({exc})") from None
        if not isinstance(raw, dict):
            raise IntakeError(f"{where}: expected a mapping with keys name, detect, tables")
        unknown = sorted(set(raw) - _MAPPING_KEYS)
        if unknown:
            raise IntakeError(f"{where}: unknown key(s) {', '.join(unknown)}")
        name = raw.get("name")
        if not name:
            raise IntakeError(f"{where}: 'name' is required")
        roles = _parse_roles(raw, where)
        detect_headers = (
            roles[MAIN_ROLE].headers
            if MAIN_ROLE in roles and len(roles) == 1
            else tuple(dict.fromkeys(h for r in roles.values() for h in r.headers))
        )
        tables_raw = raw.get("tables")
        if not isinstance(tables_raw, dict) or not tables_raw:
            raise IntakeError(f"{where}: 'tables' must map contract tables to column specs")
        blocks = [
            _parse_block(bname, body, roles, f"{where}: {bname}")
            for bname, body in tables_raw.items()
        ]
        seen: set[tuple[str, str]] = set()
        for b in blocks:
            if (b.table, b.role) in seen:
                raise IntakeError(
                    f"{where}: two outputs build table {b.table!r} from the same file "
                    f"{b.role!r}; combine them into one (use a column 'where' / fallback)"
                )
            seen.add((b.table, b.role))
        hints = {k: str(raw[k]) for k in SETTINGS_HINT_KEYS if raw.get(k) not in (None, "")}
        return cls(
            name=str(name),
            description=str(raw.get("description") or ""),
            detect_headers=detect_headers,
            blocks=tuple(blocks),
            files=roles,
            personal=_as_tuple(raw.get("personal")),
            null_values=_as_tuple(raw.get("null_values")),
            date_format=raw.get("date_format"),
            text=text,
            settings_hints=hints,
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

    def role_for(self, path: Path | None, headers: Iterable[str]) -> str | None:
        """The first file role whose headers (and pattern) a file matches, else None."""
        headers = list(headers)
        for role in self.files.values():
            if role.matches(path, headers):
                return role.name
        return None

    def missing_headers(self, headers: Iterable[str]) -> list[str]:
        """Detection headers absent from ``headers`` (of the closest file role)."""
        have = set(headers)
        best: list[str] | None = None
        for role in self.files.values():
            miss = [h for h in role.headers if h not in have]
            if best is None or len(miss) < len(best):
                best = miss
        return best or []

    def matches(self, headers: Iterable[str], path: Path | None = None) -> bool:
        return self.role_for(path, headers) is not None


def _parse_roles(raw: dict[str, Any], where: str) -> dict[str, FileRole]:
    files = raw.get("files")
    detect = raw.get("detect")
    if files is not None and detect is not None:
        raise IntakeError(f"{where}: give either 'detect' (one file) or 'files' (several)")
    if files is None:
        headers = _as_tuple(detect.get("headers") if isinstance(detect, dict) else None)
        if not headers:
            raise IntakeError(
                f"{where}: 'detect: headers:' must list at least one header (or give 'files:')"
            )
        return {MAIN_ROLE: FileRole(MAIN_ROLE, headers=headers)}
    if not isinstance(files, dict) or not files:
        raise IntakeError(f"{where}: 'files' must map role names to {{headers: [...]}}")
    roles: dict[str, FileRole] = {}
    for rname, body in files.items():
        if not isinstance(body, dict):
            raise IntakeError(f"{where}: files.{rname} must be a mapping with 'headers'")
        unknown = sorted(set(body) - _ROLE_KEYS)
        if unknown:
            raise IntakeError(f"{where}: files.{rname}: unknown key(s) {', '.join(unknown)}")
        headers = _as_tuple(body.get("headers"))
        pattern = body.get("pattern")
        if not headers and not pattern:
            raise IntakeError(f"{where}: files.{rname} needs 'headers' and/or 'pattern'")
        roles[str(rname)] = FileRole(
            name=str(rname),
            headers=headers,
            pattern=str(pattern) if pattern else None,
            optional=bool(body.get("optional", False)),
            ignore=str(body["ignore"]) if body.get("ignore") else None,
            unused_rows=str(body["unused_rows"]) if body.get("unused_rows") else None,
        )
    if all(r.optional for r in roles.values()):
        raise IntakeError(f"{where}: at least one of 'files' must not be optional")
    return roles


def _parse_block(bname: str, body: Any, roles: dict[str, FileRole], where: str) -> Block:
    if not isinstance(body, dict):
        raise IntakeError(f"{where}: must map columns to specs")
    long_form = "columns" in body
    if long_form:
        unknown = sorted(set(body) - _BLOCK_KEYS)
        if unknown:
            raise IntakeError(
                f"{where}: unknown key(s) {', '.join(unknown)}; a table entry with "
                f"'columns' takes {', '.join(sorted(_BLOCK_KEYS))}"
            )
        cols = body["columns"]
        tname = str(body.get("table") or bname)
    else:
        cols, tname = body, bname
    if tname not in TABLES:
        raise IntakeError(f"{where}: unknown contract table {tname!r}; known: {', '.join(TABLES)}")
    if not isinstance(cols, dict):
        raise IntakeError(f"{where}: table {tname!r} must map columns to specs")
    contract = TABLES[tname]
    mapped = [r for r in roles.values() if not r.ignore]
    role = body.get("file") if long_form else None
    if role is None:
        if len(mapped) != 1:
            raise IntakeError(
                f"{where}: say which input file builds it ('file: <role>', one of "
                f"{', '.join(r.name for r in mapped)})"
            )
        role = mapped[0].name
    role = str(role)
    if role not in roles or roles[role].ignore:
        raise IntakeError(f"{where}: 'file: {role}' is not a mapped file role")
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
    group_by = _as_tuple(body.get("group_by")) if long_form else ()
    for g in group_by:
        if g not in specs:
            raise IntakeError(f"{where}: group_by {g!r} is not a column defined in 'columns'")
    for cname, spec in specs.items():
        if spec.agg is not None and not group_by:
            raise IntakeError(f"{where}: {tname}.{cname}: 'agg' needs 'group_by' on the table")
    joins: list[Join] = []
    for j in (body.get("join") or []) if long_form else []:
        joins.append(_parse_join(j, roles, where))
    rejects: list[Reject] = []
    for r in (body.get("reject") or []) if long_form else []:
        if not isinstance(r, dict) or set(r) != {"where", "reason"}:
            raise IntakeError(f"{where}: each 'reject' entry needs exactly 'where' and 'reason'")
        rejects.append(Reject(_parse_condition(r["where"], f"{where} reject"), str(r["reason"])))
    cond = body.get("where") if long_form else None
    return Block(
        name=str(bname),
        table=tname,
        role=role,
        columns=specs,
        where=_parse_condition(cond, f"{where} where") if cond is not None else None,
        joins=tuple(joins),
        group_by=group_by,
        reject=tuple(rejects),
    )


def _parse_join(j: Any, roles: dict[str, FileRole], where: str) -> Join:
    if isinstance(j, dict) and True in j and "on" not in j:  # YAML 1.1 reads `on:` as true
        j = {("on" if k is True else k): v for k, v in j.items()}
    if not isinstance(j, dict) or "file" not in j or "on" not in j:
        raise IntakeError(f"{where}: each 'join' entry needs 'file' and 'on'")
    unknown = sorted(set(j) - {"file", "on", "aggregate"})
    if unknown:
        raise IntakeError(f"{where}: join: unknown key(s) {', '.join(unknown)}")
    role = str(j["file"])
    if role not in roles or roles[role].ignore:
        raise IntakeError(f"{where}: join file {role!r} is not a mapped file role")
    on = j["on"]
    if isinstance(on, dict):
        left, right = _as_tuple(on.get("left")), _as_tuple(on.get("right"))
    else:
        left = right = _as_tuple(on)
    if not left or len(left) != len(right):
        raise IntakeError(f"{where}: join on: give a header, a list, or {{left: a, right: b}}")
    agg = {str(k): str(v) for k, v in (j.get("aggregate") or {}).items()}
    bad = sorted(v for v in agg.values() if v not in AGGREGATIONS)
    if bad:
        raise IntakeError(
            f"{where}: join aggregate {', '.join(bad)} unknown; use {', '.join(AGGREGATIONS)}"
        )
    return Join(role=role, left=left, right=right, aggregate=agg)


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        return (str(value),)
    return tuple(str(v) for v in value)


_SOURCE_KEYS = ("from", "const", "hash", "expr", "province_from", "template", "number_within")


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
    sources = [k for k in _SOURCE_KEYS if k in spec]
    if len(sources) != 1:
        raise IntakeError(f"{where}: give exactly one of {' / '.join(_SOURCE_KEYS)}")
    fallback = spec.get("fallback")
    expr = spec.get("expr")
    if expr is not None:
        _expr_names(str(expr), where=where)  # syntax check
    template = spec.get("template")
    if template is not None:
        _template_names(str(template), where=where)
    agg = spec.get("agg")
    if agg is not None and agg not in AGGREGATIONS:
        raise IntakeError(f"{where}: agg {agg!r} unknown; use {', '.join(AGGREGATIONS)}")
    const = spec.get("const")
    cond = spec.get("where")
    return ColumnSpec(
        source=_as_tuple(spec.get("from")),
        optional=bool(spec.get("optional", False)),
        const=const if const != "" else None,
        empty="const" in spec and const in (None, ""),
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
        template=str(template) if template is not None else None,
        number_within=_as_tuple(spec.get("number_within")),
        whole_number=bool(spec.get("whole_number", False)),
        where=_parse_condition(cond, f"{where} where") if cond is not None else None,
        agg=str(agg) if agg is not None else None,
    )


def _template_names(template: str, where: str = "template") -> list[str]:
    import string

    try:
        names = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise IntakeError(f"{where}: cannot parse template {template!r} ({exc})") from None
    if any(not n for n in names):
        raise IntakeError(f"{where}: template {template!r} has an empty {{}}")
    return names


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
    settings_hints : settings suggested by the mapping(s) that read the data - any of
        ``currency``, ``timezone``, ``shop_name`` (e.g. ``{"currency": "GBP", "timezone":
        "Europe/London"}`` for the UCI Online Retail mapping). Empty when only contract
        files were read. When several mappings were used, the first one (in mapping order)
        that sets a key wins. Intended for a data folder without ``playbook.yaml``: the
        caller applies them to :class:`~helpers.settings.Settings` (values given in
        ``playbook.yaml`` take precedence). Intake itself does not use them.
    """

    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    sources: pd.DataFrame
    fingerprint: str
    from_cache: bool = False
    settings_hints: dict[str, str] = field(default_factory=dict)

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

    def value(self, name: str, built: dict[str, pd.Series], table: str, column: str):
        """A contract column defined above in the table, else a header (else an error)."""
        if name in built:
            return built[name]
        s = self.header(name)
        if s is None:
            raise self.missing_error(table, column, (name,))
        return s

    def condition(
        self, cond: Condition, built: dict[str, pd.Series], table: str, column: str
    ) -> pd.Series:
        return _eval_condition(cond, lambda n: self.value(n, built, table, column), self.df.index)

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
        if spec.empty:
            s = None
        elif spec.const is not None:
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
        elif spec.template:
            s = self.template_values(table, column, spec.template, built)
        elif spec.number_within:
            keys = pd.DataFrame(
                {
                    i: self.value(h, built, table, column).to_numpy()
                    for i, h in enumerate(spec.number_within)
                },
                index=index,
            )
            s = keys.groupby(list(keys.columns), sort=False, dropna=False).cumcount() + 1
        else:
            s = self.first_filled(spec.source)
            if s is None and not spec.optional and spec.fallback is None:
                raise self.missing_error(table, column, spec.source)
        if s is None:
            s = pd.Series(np.nan, index=index, dtype="object")
        if spec.whole_number:
            s = _whole_number_text(s)
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
        if spec.where is not None:
            keep = self.condition(spec.where, built, table, column)
            s = s.where(keep)
            if column in pre_bad:
                m, what, why = pre_bad[column]
                pre_bad[column] = (m & keep, what, why)
            if column in skip_missing:
                skip_missing[column] = skip_missing[column] & keep
        if spec.fallback is not None:
            fb = self.spec_values(table, column, spec.fallback, built, pre_bad, skip_missing)
            s = s.where(s.notna(), fb)
        if spec.default is not None:
            s = s.where(s.notna(), str(spec.default))
        assert len(s) == n
        return s

    def template_values(
        self, table: str, column: str, template: str, built: dict[str, pd.Series]
    ) -> pd.Series:
        import string

        index = self.df.index
        out = pd.Series("", index=index, dtype="object")
        missing = pd.Series(False, index=index)
        for literal, name, _, _ in string.Formatter().parse(template):
            out = out + literal
            if name is None:
                continue
            v = _as_text(self.value(name, built, table, column))
            missing = missing | v.isna()
            out = out + v.fillna("")
        return out.mask(missing)

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


def _as_text(s: pd.Series) -> pd.Series:
    """Values as text; whole floats without decimals (5.0 -> "5")."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        v = s.astype("float64")
        whole = v.notna() & (v == v.round())
        out = v.astype("object").where(v.notna())
        out = out.where(~v.notna(), v.astype("str"))
        if whole.any():
            out.loc[whole] = v[whole].astype("int64").astype("str")
        return out
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d %H:%M:%S").astype("object").where(s.notna())
    return s.astype("object").where(s.notna()).map(str, na_action="ignore")


def _whole_number_text(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return _as_text(s)
    text = s.astype("object")
    present = text.notna()
    if not present.any():
        return text
    fixed = text[present].astype("str").str.replace(r"^(-?\d+)\.0*$", r"\1", regex=True)
    return text.where(~present, fixed.astype("object"))


# --------------------------------------------------------------------------------------------
# Aggregation (group_by) and joins
# --------------------------------------------------------------------------------------------


def _group_ids(keys: list[pd.Series]) -> np.ndarray:
    """Group number of every row in order of first appearance; a row with an empty key is a
    group of its own."""
    n = len(keys[0])
    if len(keys) == 1:
        codes = pd.factorize(keys[0].to_numpy(dtype=object), use_na_sentinel=True)[0]
    else:
        kdf = pd.DataFrame({i: k.to_numpy(dtype=object) for i, k in enumerate(keys)})
        ng = kdf.groupby(list(kdf.columns), sort=False, dropna=True).ngroup()
        codes = ng.fillna(-1).to_numpy(dtype="int64")
    codes = np.asarray(codes, dtype="int64").copy()
    missing = codes < 0
    if missing.any():
        start = codes.max() + 1 if (~missing).any() else 0
        codes[missing] = np.arange(start, start + missing.sum())
    return pd.factorize(codes)[0] if n else codes


def _aggregate(
    values: pd.Series,
    gid: np.ndarray,
    ngroups: int,
    how: str,
    *,
    dtype: str,
    fmt: str | None,
    timezone: str,
) -> tuple[pd.Series, pd.Series]:
    """Reduce ``values`` per group. Returns (group values indexed 0..ngroups-1, row-level
    mask of values that could not be parsed for the aggregation)."""
    values = values.reset_index(drop=True)
    bad = pd.Series(False, index=values.index)
    groups = pd.RangeIndex(ngroups)
    g = pd.Series(gid, index=values.index)
    if how in ("sum", "min", "max"):
        if how != "sum" and dtype in ("datetime", "date"):
            v, bad = _parse_datetime(values, fmt=fmt, timezone=timezone)
        elif how == "sum" or dtype in ("float", "int"):
            v, bad = _parse_number(values)
        else:
            v = values.astype("object")
        grouped = v.groupby(g)
        if how == "sum":
            out = grouped.sum(min_count=1)
        else:
            out = grouped.min() if how == "min" else grouped.max()
        return out.reindex(groups), bad
    if how in ("first", "last"):
        grouped = values.groupby(g)
        out = grouped.first() if how == "first" else grouped.last()
        return out.reindex(groups), bad
    if how == "count":
        return values.notna().groupby(g).sum().reindex(groups, fill_value=0), bad
    if how == "count_distinct":
        return values.groupby(g).nunique().reindex(groups, fill_value=0), bad
    if how == "single":
        obj = values.astype("object")
        nun = obj.groupby(g).nunique().reindex(groups, fill_value=0)
        first = obj.groupby(g).first().reindex(groups)
        return first.where(nun == 1), bad
    # mode: most frequent non-empty value, ties -> first seen
    d = pd.DataFrame(
        {"g": gid, "v": values.astype("object").to_numpy(), "pos": np.arange(len(gid))}
    )
    d = d.loc[d["v"].notna()]
    if not len(d):
        return pd.Series(np.nan, index=groups, dtype="object"), bad
    c = d.groupby(["g", "v"], sort=False).agg(n=("pos", "size"), first=("pos", "min"))
    c = c.reset_index().sort_values(["g", "n", "first"], ascending=[True, False, True])
    c = c.drop_duplicates("g")
    return pd.Series(c["v"].to_numpy(), index=c["g"].to_numpy()).reindex(groups), bad


def _group_level(
    mask: pd.Series,
    shown: pd.Series,
    why: pd.Series,
    gid: np.ndarray,
    rows: pd.Series,
    ngroups: int,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Row-level problems -> one problem per group (its first bad row, named in the reason)."""
    gmask = pd.Series(False, index=pd.RangeIndex(ngroups))
    gshown = pd.Series("", index=gmask.index, dtype="object")
    gwhy = pd.Series("", index=gmask.index, dtype="object")
    pos = np.flatnonzero(mask.to_numpy(dtype=bool))
    if len(pos):
        first = pd.Series(pos).groupby(gid[pos]).first()
        g, p = first.index.to_numpy(), first.to_numpy()
        gmask.iloc[g] = True
        gshown.iloc[g] = [_show(v) for v in shown.to_numpy(dtype=object)[p]]
        rnums = rows.to_numpy()[p]
        gwhy.iloc[g] = [
            f"{w} (row {r})" for w, r in zip(why.to_numpy(dtype=object)[p], rnums, strict=False)
        ]
    return gmask, gshown, gwhy


def _join_lookup(right: pd.DataFrame, join: Join, where: str) -> pd.DataFrame:
    """The joined file reduced to one row per key, its columns renamed ``<role>.<header>``."""
    missing = [h for h in join.right if h not in right.columns]
    if missing:
        raise IntakeError(f"{where}: joined file has no header(s) {', '.join(missing)}")
    keys = list(join.right)
    if join.aggregate:
        absent = [h for h in join.aggregate if h not in right.columns]
        if absent:
            raise IntakeError(f"{where}: joined file has no header(s) {', '.join(absent)}")
        r = right.loc[right[keys].notna().all(axis=1)].reset_index(drop=True)
        gid = _group_ids([r[k] for k in keys])
        ngroups = int(gid.max()) + 1 if len(gid) else 0
        first_pos = pd.Series(np.arange(len(gid))).groupby(gid).first().to_numpy()
        out = r.loc[first_pos, keys].reset_index(drop=True)
        for h, how in join.aggregate.items():
            v, bad = _aggregate(r[h], gid, ngroups, how, dtype="float", fmt=None, timezone="UTC")
            v = v.astype("object")
            if bad.any():  # a value that cannot be added up makes the group's result unusable
                bad_groups = np.unique(gid[bad.to_numpy()])
                shown = r[h][bad].groupby(gid[bad.to_numpy()]).first()
                v.iloc[bad_groups] = [f"not a number: {_show(x)}" for x in shown]
            out[h] = v.to_numpy()
        r = out
    else:
        r = right.drop_duplicates(keys, keep="first")
    r = r.rename(columns={c: f"{join.role}.{c}" for c in r.columns})
    return r


# --------------------------------------------------------------------------------------------
# Applying a mapping to the files it recognised
# --------------------------------------------------------------------------------------------


@dataclass
class _Input:
    path: Path
    df: pd.DataFrame
    rows: pd.Series
    covered: np.ndarray


def _read_mapped(path: Path, mapping: Mapping) -> _Input:
    raw = _read_raw(path)
    for c in raw.columns:
        if not pd.api.types.is_string_dtype(raw[c]):
            col = raw[c].astype("object")
            raw[c] = col.where(col.isna(), col.astype(str))
    df, rows = _prepare_text_frame(raw.astype("object"), mapping.null_values)
    df = df.astype("object")
    return _Input(path, df, rows, np.zeros(len(df), dtype=bool))


def _apply_mapping(
    mapping: Mapping, assigned: dict[str, list[Path]], settings: Settings
) -> tuple[list[_Part], list[dict[str, Any]]]:
    """Build every output of ``mapping`` from the files assigned to its roles.

    Returns the (table, file) parts and extra ``sources`` rows (lookup files, ignored
    roles, declared unused rows)."""
    inputs: dict[str, list[_Input]] = {}
    extra: list[dict[str, Any]] = []
    for role, paths in assigned.items():
        if mapping.files[role].ignore:
            for p in paths:
                extra.append(
                    _source_note(p, mapping.name, f"not mapped: {mapping.files[role].ignore}")
                )
            continue
        inputs[role] = [_read_mapped(p, mapping) for p in paths]
    lookups: dict[str, pd.DataFrame] = {}

    def lookup(role: str) -> pd.DataFrame:
        if role not in lookups:
            frames = [i.df for i in inputs.get(role, [])]
            lookups[role] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return lookups[role]

    parts: list[_Part] = []
    used: dict[str, set[str]] = {r: set() for r in inputs}
    join_use: dict[str, list[tuple[str, pd.Series, tuple[str, ...]]]] = {}
    primary_roles = {b.role for b in mapping.blocks}
    for block in mapping.blocks:
        for inp in inputs.get(block.role, []):
            frame = inp.df
            where = f"{inp.path.name} (mapping {mapping.name}, table {block.table})"
            for j in block.joins:
                right = lookup(j.role)
                if not len(right.columns):  # optional role without a file: empty columns
                    right = pd.DataFrame(columns=sorted({*j.right, *j.aggregate}))
                absent = [h for h in j.left if h not in frame.columns]
                if absent:
                    raise IntakeError(f"{where}: join key header(s) {', '.join(absent)} missing")
                r = _join_lookup(right, j, where)
                rkeys = [f"{j.role}.{k}" for k in j.right]
                join_use.setdefault(j.role, []).append(
                    (block.table, frame[list(j.left)].apply(tuple, axis=1), j.right)
                    if len(j.left) > 1
                    else (block.table, frame[j.left[0]], j.right)
                )
                left = frame.copy()
                for lk, rk in zip(j.left, rkeys, strict=True):
                    left[f"__k_{rk}"] = left[lk].astype("object")
                    r[f"__k_{rk}"] = r[rk].astype("object")
                kcols = [f"__k_{rk}" for rk in rkeys]
                frame = left.merge(r, on=kcols, how="left", sort=False).drop(columns=kcols)
                assert len(frame) == len(inp.df)
                used[j.role] |= set(j.right) | set(j.aggregate)
                used[j.role] |= {
                    c.split(".", 1)[1]
                    for spec in block.columns.values()
                    for c in spec.headers()
                    if c.startswith(j.role + ".")
                }
            part, taken = _build_block(mapping, block, frame, inp, settings)
            inp.covered |= taken
            parts.append(part)
            names = {h for spec in block.columns.values() for h in spec.headers()}
            if block.where is not None:
                names |= set(block.where.names())
            for r in block.reject:
                names |= set(r.where.names())
            for j in block.joins:
                names |= set(j.left)
            used[block.role] |= names
    personal = set(mapping.personal)
    for role, ins in inputs.items():
        rd = mapping.files[role]
        for inp in ins:
            dropped = [c for c in inp.df.columns if c not in used[role] or c in personal]
            mine = [p for p in parts if p.file == inp.path.name and p.mapping == mapping.name]
            for p in mine:
                p.dropped = dropped
            if role not in primary_roles:
                extra.append(_lookup_note(mapping, role, inp, join_use.get(role, []), dropped))
                continue
            untaken = ~inp.covered
            n_un = int(untaken.sum())
            if not n_un:
                continue
            if rd.unused_rows:
                extra.append(
                    _source_note(
                        inp.path, mapping.name, f"{n_un} row(s) not mapped: {rd.unused_rows}"
                    )
                )
                continue
            target = mine[0]
            q = _canon_quarantine(
                pd.DataFrame(
                    {
                        "table": target.table,
                        "file": inp.path.name,
                        "row": inp.rows.to_numpy()[untaken],
                        "column": "",
                        "value": "",
                        "reason": f"not read by any table of mapping {mapping.name!r} "
                        "(no 'where' selects this row)",
                    }
                )
            )
            target.quarantine = pd.concat([target.quarantine, q], ignore_index=True)
            target.rows_read += n_un
    return parts, extra


def _source_note(path: Path, mapping: str, note: str, dropped: str = "") -> dict[str, Any]:
    return {
        "table": "",
        "file": path.name,
        "mapping": mapping,
        "rows_read": 0,
        "rows_accepted": 0,
        "rows_quarantined": 0,
        "dropped_columns": dropped,
        "note": note,
    }


def _lookup_note(
    mapping: Mapping,
    role: str,
    inp: _Input,
    uses: list[tuple[str, pd.Series, tuple[str, ...]]],
    dropped: list[str],
) -> dict[str, Any]:
    if not uses:
        return _source_note(
            inp.path, mapping.name, f"file role {role!r}: read by no table", ", ".join(dropped)
        )
    tables = list(dict.fromkeys(t for t, _, _ in uses))
    _, left, right = uses[0]
    keys = inp.df[list(right)].apply(tuple, axis=1) if len(right) > 1 else inp.df[right[0]]
    matched = _isin(keys, left)
    note = (
        f"lookup (joined on {', '.join(right)}) for {', '.join(tables)}: "
        f"{len(inp.df)} row(s), {int((~matched).sum())} match no row of "
        f"{uses[0][0]}"
    )
    return _source_note(inp.path, mapping.name, note, ", ".join(dropped))


def _build_block(
    mapping: Mapping, block: Block, frame: pd.DataFrame, inp: _Input, settings: Settings
) -> tuple[_Part, np.ndarray]:
    """One (table, file) part of a mapped export; also the input rows the block read."""
    table = TABLES[block.table]
    file = inp.path.name
    rows = inp.rows
    note_bits: list[str] = []
    if block.where is not None:
        resolver = _MappedBuilder(frame, mapping, settings, file)
        taken = _eval_condition(
            block.where, lambda n: resolver.value(n, {}, block.table, "where"), frame.index
        ).to_numpy(dtype=bool)
        frame = frame.loc[taken].reset_index(drop=True)
        rows = rows.loc[taken].reset_index(drop=True)
        note_bits.append(f"rows where {block.where.describe()}")
    else:
        taken = np.ones(len(frame), dtype=bool)
    builder = _MappedBuilder(frame, mapping, settings, file)
    personal = set(mapping.personal)
    built: dict[str, pd.Series] = {}
    pre_bad: dict[str, tuple[pd.Series, pd.Series, pd.Series]] = {}
    skip_missing: dict[str, pd.Series] = {}
    masked: set[str] = set()
    formats: dict[str, str | None] = {}
    for cname, spec in block.columns.items():
        built[cname] = builder.spec_values(block.table, cname, spec, built, pre_bad, skip_missing)
        direct = set(spec.source) | (
            set(spec.fallback.source) if spec.fallback is not None else set()
        )
        if direct & personal:
            masked.add(cname)
        formats[cname] = spec.format or mapping.date_format
    if block.group_by:
        n_in = len(frame)
        built, pre_bad, skip_missing, rows = _aggregate_block(
            block, table, built, pre_bad, rows, formats, settings
        )
        formats = {c: (None if _is_dt(v) else formats.get(c)) for c, v in built.items()}
        note_bits.append(f"{n_in} input row(s) grouped by {', '.join(block.group_by)}")
        resolve = _block_resolver(built, None, file, block)
    else:
        resolve = _block_resolver(built, frame, file, block)
    n = len(rows)
    rejected = np.zeros(n, dtype=bool)
    rq: list[pd.DataFrame] = []
    index = pd.RangeIndex(n)
    for rule in block.reject:
        m = _eval_condition(rule.where, resolve, index).to_numpy(dtype=bool) & ~rejected
        if not m.any():
            continue
        names = rule.where.names()
        shown_cols = []
        for name in names:
            vals = resolve(name)
            if name in personal or name in masked:
                shown_cols.append([MASK] * int(m.sum()))
            else:
                shown_cols.append([_show(v) for v in _as_text(vals)[m]])
        shown = [", ".join(t) for t in zip(*shown_cols, strict=True)]
        rq.append(
            pd.DataFrame(
                {
                    "table": block.table,
                    "file": file,
                    "row": rows.to_numpy()[m],
                    "column": ", ".join(names),
                    "value": shown,
                    "reason": rule.reason,
                }
            )
        )
        rejected |= m
    if rejected.any():
        keep = ~rejected
        built = {c: v.reset_index(drop=True)[keep].reset_index(drop=True) for c, v in built.items()}
        pre_bad = {
            c: tuple(x.reset_index(drop=True)[keep].reset_index(drop=True) for x in t)
            for c, t in pre_bad.items()
        }
        skip_missing = {
            c: v.reset_index(drop=True)[keep].reset_index(drop=True)
            for c, v in skip_missing.items()
        }
        kept_rows = rows.reset_index(drop=True)[keep].reset_index(drop=True)
    else:
        kept_rows = rows
    accepted, q = _validate(
        table,
        built,
        kept_rows,
        file=file,
        settings=settings,
        formats=formats,
        masked=masked,
        pre_bad=pre_bad,
        skip_missing=skip_missing,
    )
    if rq:
        q = _canon_quarantine(pd.concat([q, *(_canon_quarantine(x) for x in rq)]))
    note = "; ".join(note_bits)
    if block.name != block.table:
        note = f"{block.name}: {note}" if note else block.name
    part = _Part(block.table, file, mapping.name, n, accepted, q, [], note)
    return part, taken


def _block_resolver(
    built: dict[str, pd.Series], frame: pd.DataFrame | None, file: str, block: Block
) -> Callable[[str], pd.Series]:
    def resolve(name: str) -> pd.Series:
        if name in built:
            return built[name].reset_index(drop=True)
        if frame is not None and name in frame.columns:
            return frame[name].reset_index(drop=True)
        where = "its contract columns" if frame is None else "a header or a column"
        raise IntakeError(
            f"{file}: table {block.table!r} ({block.name}): 'reject' names {name!r}, which is "
            f"not {where}" + (" (the table has group_by)" if frame is None else "")
        )

    return resolve


def _aggregate_block(
    block: Block,
    table: Table,
    built: dict[str, pd.Series],
    pre_bad: dict[str, tuple[pd.Series, pd.Series, pd.Series]],
    rows: pd.Series,
    formats: dict[str, str | None],
    settings: Settings,
):
    """Row-level columns -> one row per group (see ``group_by`` in :class:`Mapping`)."""
    rows = rows.reset_index(drop=True)
    gid = _group_ids([built[k].reset_index(drop=True) for k in block.group_by])
    ngroups = int(gid.max()) + 1 if len(gid) else 0
    out: dict[str, pd.Series] = {}
    gbad: dict[str, tuple[pd.Series, pd.Series, pd.Series]] = {}
    for cname, v in built.items():
        spec = block.columns[cname]
        how = spec.agg or "first"
        v = v.reset_index(drop=True)
        col = table.column(cname)
        agg, bad = _aggregate(
            v,
            gid,
            ngroups,
            how,
            dtype=col.dtype,
            fmt=formats.get(cname),
            timezone=settings.timezone,
        )
        if spec.default is not None:
            agg = agg.astype("object").where(agg.notna(), str(spec.default))
        out[cname] = agg.reset_index(drop=True)
        mask = pd.Series(False, index=v.index)
        shown = pd.Series("", index=v.index, dtype="object")
        why = pd.Series("", index=v.index, dtype="object")
        if cname in pre_bad:
            m, what, w = (x.reset_index(drop=True) for x in pre_bad[cname])
            mask, shown, why = m.copy(), what.astype("object").copy(), w.astype("object").copy()
        new = bad & ~mask
        if new.any():
            kind = "datetime" if col.dtype in ("datetime", "date") and how != "sum" else "number"
            shown.loc[new] = v[new].astype("str")
            why.loc[new] = [f"unparseable {kind} in {cname}: {_show(x)!r}" for x in v[new]]
            mask = mask | new
        if mask.any():
            gbad[cname] = _group_level(mask, shown, why, gid, rows, ngroups)
    first_rows = rows.groupby(gid).min().reindex(pd.RangeIndex(ngroups)).reset_index(drop=True)
    return out, gbad, {}, first_rows


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
        manifest = {
            "intake_version": INTAKE_VERSION,
            "tables": sorted(ds.tables),
            "settings_hints": ds.settings_hints,
        }
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
    hints = {str(k): str(v) for k, v in (meta.get("settings_hints") or {}).items()}
    return Dataset(tables, quarantine, sources, fingerprint, from_cache=True, settings_hints=hints)


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
    pending: list[Path] = []
    headers: dict[Path, list[str]] = {}
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
            or not any(m.matches(header, path) for m in mappings)
        ):
            raw = _read_raw(path)
            parts.append(_canonical_part(path, TABLES[tname], raw, settings))
            continue
        pending.append(path)
        headers[path] = header

    hints: dict[str, str] = {}
    partial: dict[Path, str] = {}
    for m in mappings:
        assigned: dict[str, list[Path]] = {}
        for path in pending:
            role = m.role_for(path, headers[path])
            if role is not None:
                assigned.setdefault(role, []).append(path)
        if not assigned:
            continue
        lacking = [r for r in m.files.values() if not r.optional and r.name not in assigned]
        if lacking:
            need = "; ".join(
                f"{r.name} (headers {', '.join(r.headers) or r.pattern})" for r in lacking
            )
            if mapping is not None:
                raise IntakeError(
                    f"data folder {root.name!r}: mapping {m.name!r} needs a file for "
                    f"{need}; found only {', '.join(p.name for ps in assigned.values() for p in ps)}"
                )
            for ps in assigned.values():
                for p in ps:
                    partial.setdefault(p, f"part of a {m.name!r} export, but no file for {need}")
            continue
        new_parts, extra = _apply_mapping(m, assigned, settings)
        parts.extend(new_parts)
        ignored.extend(extra)
        for k, v in m.settings_hints.items():
            hints.setdefault(k, v)
        taken = {p for ps in assigned.values() for p in ps}
        pending = [p for p in pending if p not in taken]

    for path in pending:
        header = headers[path]
        if path in partial:
            ignored.append(_ignored(path, partial[path]))
            continue
        note = "no mapping recognises its headers"
        near = [
            (len(m.missing_headers(header)), m)
            for m in mappings
            if not m.multi_file and len(m.missing_headers(header)) < len(m.detect_headers)
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
    position = {p.name: i for i, p in enumerate(files)}
    parts.sort(key=lambda p: position.get(p.file, len(position)))  # stable: file order

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
        settings_hints=hints,
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
