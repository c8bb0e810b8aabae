"""Turning recognised files into validated (table, file) parts: contract-named files as they
are, platform exports through the mapping that recognised them (row selection, joins,
column specs, ``group_by``, ``reject``), with the rows no table reads accounted for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.contract import TABLES, Table
from helpers.intake.aggregate import _aggregate_block, _join_lookup
from helpers.intake.columns import _as_text, _MappedBuilder
from helpers.intake.dataset import IntakeError, _canon_quarantine
from helpers.intake.expressions import _eval_condition
from helpers.intake.mapping import Block, Mapping
from helpers.intake.parsing import _is_dt, _isin, _prepare_text_frame, _show
from helpers.intake.readers import _read_raw
from helpers.intake.validate import MASK, _Part, _validate
from helpers.settings import Settings


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
