"""Turning recognised files into validated (table, file) parts: contract-named files as they
are, platform exports through the mapping that recognised them (row selection, joins,
column specs, ``group_by``, ``reject``), with the rows no table reads accounted for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.contract import TABLES, Table
from helpers.intake.aggregate import _aggregate_block, _join_lookup
from helpers.intake.columns import _as_text, _Built, _MappedBuilder
from helpers.intake.dataset import IntakeError, _canon_quarantine
from helpers.intake.expressions import _eval_condition
from helpers.intake.folders import layout_hint
from helpers.intake.lines import REPEATED_HEADER, Damage, repeated_header_rows
from helpers.intake.mapping import Block, Join, SourceMapping
from helpers.intake.parsing import _is_dt, _isin, _prepare_text_frame, _show
from helpers.intake.readers import _read_raw, read_info
from helpers.intake.validate import MASK, _Part, _validate
from helpers.settings import Settings


@dataclass
class _LineIssues:
    """Rows of a file refused before any column is read (damaged lines, repeated header
    rows: ``rows`` and ``reasons``) and the notes on the file (blank rows, mixed encodings)."""

    rows: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def quarantine(self, table: str, file: str) -> pd.DataFrame:
        return _canon_quarantine(
            pd.DataFrame(
                {
                    "table": table,
                    "file": file,
                    "row": pd.Series(self.rows, dtype="int64"),
                    "column": "",
                    "value": "",
                    "reason": pd.Series(self.reasons, dtype="object"),
                }
            )
        )


def _line_issues(
    raw: pd.DataFrame, df: pd.DataFrame, rows: pd.Series
) -> tuple[pd.DataFrame, pd.Series, _LineIssues]:
    """Take the repeated header rows out of a prepared frame and collect the damaged lines
    the reader blanked (:mod:`helpers.intake.lines`); count the blank rows."""
    issues = _LineIssues()
    damage = raw.attrs.get("damage")
    if isinstance(damage, Damage):
        for line, reason in sorted(damage.lines.items()):
            issues.rows.append(line)
            issues.reasons.append(reason)
        issues.notes += damage.notes
    blank = len(raw) - len(df) - len(issues.rows)
    again = repeated_header_rows(df)
    if again.any():
        issues.rows += rows[again].astype(int).tolist()
        issues.reasons += [REPEATED_HEADER] * int(again.sum())
        df, rows = df.loc[~again].reset_index(drop=True), rows.loc[~again].reset_index(drop=True)
    if blank > 0:
        issues.notes.append(f"{blank} blank row(s) skipped")
    return df, rows, issues


def _canonical_part(path: Path, table: Table, raw: pd.DataFrame, settings: Settings) -> _Part:
    df, rows = _prepare_text_frame(raw, first_row=read_info(raw).first_row)
    df, rows, lines = _line_issues(raw, df, rows)
    by_lower = {c.lower(): c for c in df.columns}
    present = {c.name: by_lower[c.name] for c in table.columns if c.name in by_lower}
    missing = [c for c in table.required_columns if c not in present]
    if missing:
        info = read_info(raw)
        hint = layout_hint(list(df.columns), info, contract=True)
        raise IntakeError(
            f"{path.name}: table {table.name!r} is missing required column(s) "
            f"{', '.join(missing)} ({info.describe()}"
            + (f"; {hint}" if hint else "")
            + f"). Add them to the header row (expected headers: "
            f"{', '.join(table.required_columns)}), or rename the file if it is not "
            f"{table.name} data."
        )
    dropped = [c for c in df.columns if c not in present.values()]
    cols = {name: df[src] for name, src in present.items()}
    frame, q, notes = _validate(
        table, cols, rows, file=path.name, settings=settings, formats={}, masked=set()
    )
    if lines.rows:
        q = _canon_quarantine(pd.concat([q, lines.quarantine(table.name, path.name)]))
    n_read = len(rows) + len(lines.rows)
    note = "; ".join(lines.notes + notes)
    return _Part(table.name, path.name, "contract", n_read, frame, q, dropped, note)


@dataclass
class _Input:
    path: Path
    df: pd.DataFrame
    rows: pd.Series
    covered: np.ndarray
    lines: _LineIssues = field(default_factory=_LineIssues)


def _read_mapped(path: Path, mapping: SourceMapping, role: str) -> _Input:
    raw = _read_raw(path, layout=mapping.layout_for(path))
    first_row = read_info(raw).first_row
    raw = mapping.rename_aliases(role, raw)
    for c in raw.columns:
        if not pd.api.types.is_string_dtype(raw[c]):
            col = raw[c].astype("object")
            raw[c] = col.where(col.isna(), col.astype(str))
    df, rows = _prepare_text_frame(raw.astype("object"), mapping.null_values, first_row=first_row)
    df, rows, lines = _line_issues(raw, df, rows)
    df = df.astype("object")
    return _Input(path, df, rows, np.zeros(len(df), dtype=bool), lines)


_JoinUse = list[tuple[str, pd.Series, tuple[str, ...]]]


@dataclass
class _Run:
    """One mapping applied to its files: the inputs by role, the lookups built from them,
    the headers each role's files had read, how lookups were joined, the parts built."""

    mapping: SourceMapping
    inputs: dict[str, list[_Input]]
    lookups: dict[str, pd.DataFrame] = field(default_factory=dict)
    used: dict[str, set[str]] = field(default_factory=dict)
    join_use: dict[str, _JoinUse] = field(default_factory=dict)
    parts: list[_Part] = field(default_factory=list)

    def lookup(self, role: str) -> pd.DataFrame:
        """Every file of ``role`` stacked (an empty frame when the role has no file)."""
        if role not in self.lookups:
            frames = [i.df for i in self.inputs.get(role, [])]
            self.lookups[role] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return self.lookups[role]


def _apply_mapping(
    mapping: SourceMapping, assigned: dict[str, list[Path]], settings: Settings
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
        inputs[role] = [_read_mapped(p, mapping, role) for p in paths]
    run = _Run(mapping, inputs, used={r: set() for r in inputs})
    for block in mapping.blocks:
        for inp in inputs.get(block.role, []):
            absent = [h for h in block.if_headers if h not in inp.df.columns]
            if absent:
                extra.append(_source_note(inp.path, mapping.name, _absent_note(block, absent)))
                continue
            frame = inp.df
            for j in block.joins:
                frame = _join(run, block, j, frame, inp)
            part, taken = _build_block(mapping, block, frame, inp, settings)
            inp.covered |= taken
            run.parts.append(part)
            run.used[block.role] |= _headers_read(block)
    for role, ins in inputs.items():
        for inp in ins:
            extra.extend(_account_input(run, role, inp))
    return run.parts, extra


def _absent_note(block: Block, absent: list[str]) -> str:
    """Sources note of an output not built because its file lacks ``if_headers``."""
    return (
        f"{block.name}: table {block.table} not built from this file (no header "
        f"{', '.join(absent)})"
    )


def _join(run: _Run, block: Block, j: Join, frame: pd.DataFrame, inp: _Input) -> pd.DataFrame:
    """Left-join the lookup of role ``j.role`` onto ``frame`` (row count unchanged)."""
    where = f"{inp.path.name} (mapping {run.mapping.name}, table {block.table})"
    right = run.lookup(j.role)
    if not len(right.columns):  # optional role without a file: empty columns
        right = pd.DataFrame(columns=sorted({*j.right, *j.aggregate}))
    absent = [h for h in j.left if h not in frame.columns]
    if absent:
        raise IntakeError(f"{where}: join key header(s) {', '.join(absent)} missing")
    r = _join_lookup(right, j, where)
    rkeys = [f"{j.role}.{k}" for k in j.right]
    run.join_use.setdefault(j.role, []).append(
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
    run.used[j.role] |= set(j.right) | set(j.aggregate)
    run.used[j.role] |= {
        c.split(".", 1)[1]
        for spec in block.columns.values()
        for c in spec.headers()
        if c.startswith(j.role + ".")
    }
    return frame


def _headers_read(block: Block) -> set[str]:
    """Headers of its own role's files that ``block`` reads (columns, where, reject, joins)."""
    names = {h for spec in block.columns.values() for h in spec.headers()}
    if block.where is not None:
        names |= set(block.where.names())
    for r in block.reject:
        names |= set(r.where.names())
    for j in block.joins:
        names |= set(j.left)
    return names


def _account_input(run: _Run, role: str, inp: _Input) -> list[dict[str, Any]]:
    """Record the columns no table read (or personal) on the input's parts; a lookup file
    gets a sources note; rows no block selected are noted (declared unused) or
    quarantined under the file's first part."""
    mapping = run.mapping
    personal = set(mapping.personal)
    dropped = [c for c in inp.df.columns if c not in run.used[role] or c in personal]
    mine = [p for p in run.parts if p.file == inp.path.name and p.mapping == mapping.name]
    for p in mine:
        p.dropped = dropped
    if role not in {b.role for b in mapping.blocks}:
        return [_lookup_note(mapping, role, inp, run.join_use.get(role, []), dropped)]
    _add_line_issues(mine, inp)
    untaken = ~inp.covered
    n_un = int(untaken.sum())
    if not n_un:
        return []
    unused = mapping.files[role].unused_rows
    if unused:
        return [_source_note(inp.path, mapping.name, f"{n_un} row(s) not mapped: {unused}")]
    target = next((p for p in mine if not p.yields), mine[0])
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
    return []


def _add_line_issues(parts: list[_Part], inp: _Input) -> None:
    """The input's refused lines quarantined under its first part, its notes on every part."""
    if not parts:
        return
    target = next((p for p in parts if not p.yields), parts[0])
    if inp.lines.rows:
        q = inp.lines.quarantine(target.table, inp.path.name)
        target.quarantine = pd.concat([target.quarantine, q], ignore_index=True)
        target.rows_read += len(inp.lines.rows)
    for p in parts:
        p.note = "; ".join([*inp.lines.notes, *([p.note] if p.note else [])])


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
    mapping: SourceMapping,
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


def _select_rows(
    mapping: SourceMapping,
    block: Block,
    frame: pd.DataFrame,
    rows: pd.Series,
    settings: Settings,
    file: str,
) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """The rows the block's ``where`` selects (all without one), and the selection mask."""
    if block.where is None:
        return frame, rows, np.ones(len(frame), dtype=bool)
    resolver = _MappedBuilder(frame, mapping, settings, file)
    taken = _eval_condition(
        block.where, lambda n: resolver.value(n, {}, block.table, "where"), frame.index
    ).to_numpy(dtype=bool)
    frame = frame.loc[taken].reset_index(drop=True)
    return frame, rows.loc[taken].reset_index(drop=True), taken


def _build_columns(
    mapping: SourceMapping, block: Block, frame: pd.DataFrame, settings: Settings, file: str
) -> _Built:
    """Every contract column of the block from its column specs."""
    builder = _MappedBuilder(frame, mapping, settings, file)
    personal = set(mapping.personal)
    out = _Built({}, {}, {}, set(), {})
    for cname, spec in block.columns.items():
        out.columns[cname] = builder.spec_values(block.table, cname, spec, out)
        direct = set(spec.source) | (
            set(spec.fallback.source) if spec.fallback is not None else set()
        )
        if direct & personal:
            out.masked.add(cname)
        out.formats[cname] = spec.format or mapping.date_format
    return out


def _reject(
    block: Block,
    resolve: Callable[[str], pd.Series],
    rows: pd.Series,
    hidden: set[str],
    file: str,
) -> tuple[np.ndarray, list[pd.DataFrame]]:
    """Apply the block's ``reject`` rules in order: the rows rejected and their quarantine
    records (values of personal or masked columns ``hidden``)."""
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
            vals = resolve(name)  # also checks that the rule names a known column
            if name in hidden:
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
                    "reason_zh": rule.reason_zh or rule.reason,
                }
            )
        )
        rejected |= m
    return rejected, rq


def _build_block(
    mapping: SourceMapping, block: Block, frame: pd.DataFrame, inp: _Input, settings: Settings
) -> tuple[_Part, np.ndarray]:
    """One (table, file) part of a mapped export; also the input rows the block read.

    Steps: select the rows (``where``), build the columns, aggregate (``group_by``),
    reject rows (``reject``), validate the rest against the contract."""
    table = TABLES[block.table]
    file = inp.path.name
    frame, rows, taken = _select_rows(mapping, block, frame, inp.rows, settings, file)
    note_bits = [f"rows where {block.where.describe()}"] if block.where is not None else []
    built = _build_columns(mapping, block, frame, settings, file)
    if block.group_by:
        n_in = len(frame)
        built.columns, built.pre_bad, built.skip_missing, rows = _aggregate_block(
            block, table, built.columns, built.pre_bad, rows, built.formats, settings
        )
        built.formats = {
            c: (None if _is_dt(v) else built.formats.get(c)) for c, v in built.columns.items()
        }
        note_bits.append(f"{n_in} input row(s) grouped by {', '.join(block.group_by)}")
        resolve = _block_resolver(built.columns, None, file, block)
    else:
        resolve = _block_resolver(built.columns, frame, file, block)
    n = len(rows)
    hidden = set(mapping.personal) | built.masked
    rejected, rq = _reject(block, resolve, rows, hidden, file)
    if rejected.any():
        built.keep(~rejected)
        rows = rows.reset_index(drop=True)[~rejected].reset_index(drop=True)
    accepted, q, notes = _validate(
        table,
        built.columns,
        rows,
        file=file,
        settings=settings,
        formats=built.formats,
        masked=built.masked,
        pre_bad=built.pre_bad,
        skip_missing=built.skip_missing,
    )
    if rq:
        q = _canon_quarantine(pd.concat([q, *(_canon_quarantine(x) for x in rq)]))
    if block.note:
        note_bits.insert(0, block.note)
    note = "; ".join(note_bits + notes)
    if block.name != block.table:
        note = f"{block.name}: {note}" if note else block.name
    part = _Part(block.table, file, mapping.name, n, accepted, q, [], note)
    part.yields = block.unless_other_source
    if block.note:
        part.notice = {"file": file, "en": block.note, "zh": block.note_zh or block.note}
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
