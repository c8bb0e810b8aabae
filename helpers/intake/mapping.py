"""The mapping file format ("mappings without code"): :class:`SourceMapping` and its parts
(:class:`ColumnSpec`, :class:`FileRole`, :class:`Join`, :class:`Reject`, :class:`Block`),
loading and checking mapping YAML, and the built-in mappings in ``helpers/mappings/``."""

from __future__ import annotations

import codecs
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.contract import TABLES
from helpers.intake.dataset import IntakeError
from helpers.intake.expressions import Condition, _expr_names, _parse_condition, _template_names
from helpers.intake.readers import DELIMITERS, ENCODING_ALIASES, FileLayout
from helpers.safe_yaml import YamlError, load_yaml_with_aliases

#: Folder of the built-in mappings shipped with the package.
BUILTIN_MAPPINGS_DIR = Path(__file__).parent.with_name("mappings")

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
_BLOCK_KEYS = {
    "table",
    "file",
    "where",
    "join",
    "group_by",
    "reject",
    "columns",
    "unless_other_source",
    "if_headers",
    "note",
}

#: Keys of an input file role (``files:``).
_ROLE_KEYS = {
    "headers",
    "pattern",
    "optional",
    "ignore",
    "unused_rows",
    "header",
    "delimiter",
    "encoding",
    "header_row",
    "aliases",
}
#: Role keys ``detect:`` of a one-file mapping accepts.
_DETECT_KEYS = {"headers", "pattern", "header", "delimiter", "encoding", "header_row", "aliases"}

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

#: Role name of the only input file of a one-file mapping (``detect: headers:``).
MAIN_ROLE = "main"


@dataclass(frozen=True)
class ColumnSpec:
    """How one contract column is produced from a platform export (see :class:`SourceMapping`)."""

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
    #: column names of a file without a header row (``header:``; needs ``pattern``)
    header: tuple[str, ...] = ()
    #: ``delimiter:`` (a key of :data:`helpers.intake.readers.DELIMITERS`), None = sniffed
    delimiter: str | None = None
    #: ``encoding:`` (utf-8, gbk, utf-16 ...), None = byte-order mark, UTF-8, GB18030
    encoding: str | None = None
    #: ``header_row:`` line of the header from 1, None = found below title lines
    header_row: int | None = None
    #: ``aliases:`` header -> other names of it in variants of the export
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def layout(self) -> FileLayout | None:
        """The text layout the role states, None when it states none."""
        if (
            not self.header
            and self.delimiter is None
            and self.encoding is None
            and self.header_row is None
        ):
            return None
        return FileLayout(
            delimiter=self.delimiter,
            names=self.header,
            encoding=self.encoding,
            header_row=self.header_row,
        )

    def names_file(self, path: Path) -> bool:
        """Whether the role's ``pattern`` matches the file name (case-insensitive)."""
        if not self.pattern:
            return False
        return fnmatch.fnmatch(path.name.lower(), self.pattern.lower())

    def renames(self, headers: Iterable[str]) -> dict[str, str]:
        """``{alias: header}`` for the aliases present where the header itself is absent."""
        have = list(headers)
        out: dict[str, str] = {}
        for name, alts in self.aliases.items():
            if name in have:
                continue
            alt = next((a for a in alts if a in have and a not in out), None)
            if alt is not None:
                out[alt] = name
        return out

    def canonical(self, headers: Iterable[str]) -> list[str]:
        """The headers with aliases replaced by the names the mapping reads."""
        have = list(headers)
        ren = self.renames(have)
        return [ren.get(h, h) for h in have]

    def missing(self, headers: Iterable[str]) -> list[str]:
        """Detection headers absent from ``headers`` (aliases count)."""
        have = set(self.canonical(headers))
        return [h for h in self.headers if h not in have]

    def matches(self, path: Path | None, headers: Iterable[str]) -> bool:
        if self.missing(headers):
            return False
        if self.pattern:
            return path is not None and self.names_file(path)
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
    """``reject:`` entry: rows (or groups) matching ``where`` go to the quarantine with
    ``reason`` (``reason: text`` or ``{en: ..., zh: ...}``)."""

    where: Condition
    reason: str
    #: the reason in Chinese, shown on Chinese reports; the same text when one is given
    reason_zh: str = ""


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
    #: built only when no other file of the folder (another role of this mapping, a
    #: contract-named file, another mapping) gives the table (``unless_other_source: true``)
    unless_other_source: bool = False
    #: built only when the file has all these headers (``if_headers:``), else noted
    if_headers: tuple[str, ...] = ()
    #: shown in ``sources`` and by ``playbook check`` whenever the output is built
    note: str = ""
    #: the note in Chinese (``note: {en: ..., zh: ...}``); the English text when not given
    note_zh: str = ""


@dataclass(frozen=True)
class SourceMapping:
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
              reason:                   # a text, or the text in both report languages
                en: stock adjustment, not a sale
                zh: 库存调整，不是销售
          columns:
            order_id: InvoiceNo
            refund_amount: {expr: -(Quantity * UnitPrice), agg: sum}

    Three more keys of the long form: ``unless_other_source: true`` builds the output only
    when nothing else in the folder gives its table (another role of the mapping, a
    contract-named file, another mapping; e.g. refunds derived from an order report give way
    to an after-sales export); ``if_headers: [..]`` builds it only when the file has all
    these headers (otherwise ``sources`` notes why); ``note: text`` (or ``{en: ..., zh: ...}``) is
    written into ``sources`` and :attr:`Dataset.notes` (shown by ``playbook check`` and the
    daily review) whenever the output is built (e.g. that order lines are pseudo-items).

    ``where`` selects the input rows a table reads: the same file's rows can be routed to
    different tables (invoices -> orders, credit notes -> after_sales). In ``sources``,
    ``rows_read`` of a (table, file) counts the rows its ``where`` selected. Every row of a
    file must be read by at least one table: rows no table reads are quarantined (in the
    first table reading that file, reason "not read by any table of mapping ...") unless the
    file role declares ``unused_rows`` (then they are counted in a ``sources`` note).

    ``reject`` quarantines the rows matching a condition with the given reason (the first
    matching rule wins). Its conditions may name headers or contract columns defined in
    ``columns``; in a ``group_by`` table they name the aggregated contract columns. The
    reason is one text, or ``{en: ..., zh: ...}``: the quarantine records both (``reason``,
    ``reason_zh``) and a Chinese report shows the Chinese one; a single text is shown as
    written in both languages.

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
    mapped); ``unused_rows: note`` (see ``where``); ``delimiter`` (``whitespace``,
    ``comma``, ``tab``, ``semicolon`` or ``pipe``; default: tab for ``.tsv``, else comma or
    tab, whichever the first lines have more of; a semicolon file is never guessed, since
    its numbers often use a decimal comma); ``header: [name, ...]`` (the file has NO header
    row, its first line is data and these are its column names; needs ``pattern``, see
    ``cdnow.yaml``); ``encoding`` (``utf-8``, ``gbk``, ``utf-16`` or any Python codec;
    default: a byte-order mark decides - UTF-16 files carry one -, else UTF-8, else
    GB18030); ``header_row: n`` (the header is on line / sheet row n; default: found, blank
    and title lines above it, with at most two filled cells, are skipped); ``aliases: {header: other name
    | [names]}`` (a variant of the export names the column differently: Online Retail II's
    ``Invoice`` for ``InvoiceNo``; the file is recognised and read under the mapping's
    names). ``detect:`` of a one-file mapping takes the same keys except ``optional``,
    ``ignore`` and ``unused_rows``. A role with a ``pattern`` is read whatever the file
    ending (``.txt`` and ``.tsv`` included); a layout key (``delimiter``, ``encoding``,
    ``header_row``, ``header``) of the only role without a pattern applies to every file
    offered to the mapping. A file takes the first role it matches,
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
        HMAC-SHA256(key, value), the key being the installation's secret key or
        ``Settings.pii_salt`` (:mod:`helpers.privacy`). With several headers, the first
        non-empty one is hashed. ``prefix`` defaults to ``u_``, ``length`` to 16; ``salt:
        false`` gives the unkeyed SHA-256 (for ids that are not personal, e.g. a title).
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
    def from_text(cls, text: str, *, where: str = "mapping") -> SourceMapping:
        """Parse and check a mapping from YAML text (``where`` names it in errors)."""
        try:
            raw = load_yaml_with_aliases(text, where)
        except YamlError as exc:
            raise IntakeError(str(exc)) from None
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
    def from_file(cls, path: str | Path) -> SourceMapping:
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
        return self.closest_role(headers)[1]

    def closest_role(self, headers: Iterable[str]) -> tuple[FileRole, list[str]]:
        """The file role whose detection headers a header row comes closest to, and the
        ones it lacks (aliases count)."""
        have = list(headers)
        scored = [(r, r.missing(have)) for r in self.files.values() if r.headers]
        if not scored:
            first = next(iter(self.files.values()))
            return first, []
        return min(scored, key=lambda t: len(t[1]) / len(t[0].headers))

    def matches(self, headers: Iterable[str], path: Path | None = None) -> bool:
        return self.role_for(path, headers) is not None

    def layout_for(self, path: Path) -> FileLayout | None:
        """How to read ``path``: the layout of the first file role whose ``pattern`` names
        it (the default layout when it states none), else the layout of the one role
        without a pattern when it states one."""
        for role in self.files.values():
            if role.names_file(path):
                return role.layout or FileLayout()
        unnamed = [r for r in self.files.values() if not r.pattern]
        if len(unnamed) == 1 and unnamed[0].layout is not None:
            return unnamed[0].layout
        return None

    def rename_aliases(self, role: str, df: Any) -> Any:
        """``df`` with the role's alias headers renamed to the names the mapping reads."""
        ren = self.files[role].renames(df.columns)
        return df.rename(columns=ren) if ren else df


def _parse_roles(raw: dict[str, Any], where: str) -> dict[str, FileRole]:
    files = raw.get("files")
    detect = raw.get("detect")
    if files is not None and detect is not None:
        raise IntakeError(f"{where}: give either 'detect' (one file) or 'files' (several)")
    if files is None:
        if not isinstance(detect, dict) or not _as_tuple(detect.get("headers")):
            raise IntakeError(
                f"{where}: 'detect: headers:' must list at least one header (or give 'files:')"
            )
        return {MAIN_ROLE: _parse_role(MAIN_ROLE, detect, f"{where}: detect", _DETECT_KEYS)}
    if not isinstance(files, dict) or not files:
        raise IntakeError(f"{where}: 'files' must map role names to {{headers: [...]}}")
    roles = {
        str(rname): _parse_role(str(rname), body, f"{where}: files.{rname}", _ROLE_KEYS)
        for rname, body in files.items()
    }
    if all(r.optional for r in roles.values()):
        raise IntakeError(f"{where}: at least one of 'files' must not be optional")
    return roles


def _parse_role(rname: str, body: Any, where: str, keys: set[str]) -> FileRole:
    """One file role (``files.<role>``, or ``detect`` of a one-file mapping)."""
    if not isinstance(body, dict):
        raise IntakeError(f"{where} must be a mapping with 'headers'")
    unknown = sorted(set(body) - keys)
    if unknown:
        raise IntakeError(f"{where}: unknown key(s) {', '.join(unknown)}")
    headers = _as_tuple(body.get("headers"))
    pattern = body.get("pattern")
    if not headers and not pattern:
        raise IntakeError(f"{where} needs 'headers' and/or 'pattern'")
    header, delimiter = _parse_layout(body, where)
    return FileRole(
        name=rname,
        headers=headers,
        pattern=str(pattern) if pattern else None,
        optional=bool(body.get("optional", False)),
        ignore=str(body["ignore"]) if body.get("ignore") else None,
        unused_rows=str(body["unused_rows"]) if body.get("unused_rows") else None,
        header=header,
        delimiter=delimiter,
        encoding=_parse_encoding(body.get("encoding"), where),
        header_row=_parse_header_row(body.get("header_row"), where),
        aliases=_parse_aliases(body.get("aliases"), where),
    )


def _parse_encoding(raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    try:
        codecs.lookup(ENCODING_ALIASES.get(str(raw).lower(), str(raw)))
    except LookupError:
        raise IntakeError(
            f"{where}: 'encoding' {raw!r} is not a known text encoding (e.g. utf-8, gbk, utf-16)"
        ) from None
    return str(raw)


def _parse_header_row(raw: Any, where: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise IntakeError(f"{where}: 'header_row' is the header's line number, from 1")
    return raw


def _parse_aliases(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise IntakeError(f"{where}: 'aliases' maps a header to its other names")
    return {str(k): _as_tuple(v) for k, v in raw.items()}


def _parse_layout(body: dict[str, Any], where: str) -> tuple[tuple[str, ...], str | None]:
    """``header:`` (names of a file without a header row) and ``delimiter:`` of a file role.

    A file without a header row can only be recognised by its name, so ``header`` needs a
    ``pattern``; its detection ``headers`` (if any) must be among the names.
    """
    raw = body.get("header")
    header: tuple[str, ...] = ()
    if raw is not None:
        if not isinstance(raw, list) or not raw or not all(isinstance(h, str) for h in raw):
            raise IntakeError(f"{where}: 'header' must list the column names of the file")
        if len(set(raw)) != len(raw):
            raise IntakeError(f"{where}: 'header' names a column twice")
        if not body.get("pattern"):
            raise IntakeError(
                f"{where}: a file without a header row is recognised by its name: add 'pattern'"
            )
        stray = [h for h in _as_tuple(body.get("headers")) if h not in raw]
        if stray:
            raise IntakeError(f"{where}: 'headers' {', '.join(stray)} are not in 'header'")
        header = tuple(raw)
    delimiter = body.get("delimiter")
    if delimiter is not None and str(delimiter) not in DELIMITERS:
        known = ", ".join(k for k in DELIMITERS if k.isalpha())
        raise IntakeError(f"{where}: 'delimiter' {delimiter!r} is not one of {known}, , ; |")
    return header, None if delimiter is None else str(delimiter)


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
    rejects = [_parse_reject(r, where) for r in ((body.get("reject") or []) if long_form else [])]
    cond = body.get("where") if long_form else None
    opts = body if long_form else {}
    return Block(
        name=str(bname),
        table=tname,
        role=role,
        columns=specs,
        where=_parse_condition(cond, f"{where} where") if cond is not None else None,
        joins=tuple(joins),
        group_by=group_by,
        reject=tuple(rejects),
        unless_other_source=bool(opts.get("unless_other_source", False)),
        if_headers=_as_tuple(opts.get("if_headers")),
        note=_note_text(opts.get("note"), "en", where),
        note_zh=_note_text(opts.get("note"), "zh", where),
    )


def _parse_reject(raw: Any, where: str) -> Reject:
    """One ``reject:`` entry: ``where`` (a condition) and ``reason`` (a text or
    ``{en: ..., zh: ...}``)."""
    if not isinstance(raw, dict) or set(raw) != {"where", "reason"}:
        raise IntakeError(f"{where}: each 'reject' entry needs exactly 'where' and 'reason'")
    en = _note_text(raw["reason"], "en", f"{where} reject", key="reason")
    zh = _note_text(raw["reason"], "zh", f"{where} reject", key="reason")
    if not en:
        raise IntakeError(f"{where}: a 'reject' entry's 'reason' must not be empty")
    return Reject(_parse_condition(raw["where"], f"{where} reject"), en, zh)


def _note_text(raw: Any, lang: str, where: str, *, key: str = "note") -> str:
    """``note:`` (or ``reason:``) as one text, or ``{en: ..., zh: ...}`` (one language
    fills the other)."""
    if raw is None:
        return ""
    if isinstance(raw, dict):
        unknown = sorted(set(map(str, raw)) - {"en", "zh"})
        if unknown or not raw:
            raise IntakeError(f"{where}: '{key}' is a text or {{en: ..., zh: ...}}")
        raw = raw.get(lang) or raw.get("en") or raw.get("zh") or ""
    return " ".join(str(raw).split())


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


def builtin_mappings() -> list[SourceMapping]:
    """The mappings shipped in ``helpers/mappings/`` (sorted by file name)."""
    return [SourceMapping.from_file(p) for p in sorted(BUILTIN_MAPPINGS_DIR.glob("*.yaml"))]


def load_mapping(mapping: str | Path | SourceMapping) -> SourceMapping:
    """A mapping from a YAML path, a built-in mapping name (``"taobao_orders"``) or as is."""
    if isinstance(mapping, SourceMapping):
        return mapping
    p = Path(mapping)
    if p.is_file():
        return SourceMapping.from_file(p)
    builtin = BUILTIN_MAPPINGS_DIR / f"{mapping}.yaml"
    if builtin.is_file():
        return SourceMapping.from_file(builtin)
    raise IntakeError(
        f"mapping {p.name!r} not found: give a YAML file or one of the built-in mappings "
        f"({', '.join(m.stem for m in sorted(BUILTIN_MAPPINGS_DIR.glob('*.yaml')))})"
    )
