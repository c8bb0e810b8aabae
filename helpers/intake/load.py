"""The entry point: :func:`load_dataset` reads a data folder into a :class:`Dataset`."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.contract import PERSONAL_FIELDS, TABLES
from helpers.intake.apply import _apply_mapping, _canonical_part, _source_note
from helpers.intake.cache import (
    CacheWriter,
    _read_cache,
    default_cache_dir,
    fingerprint_inputs,
)
from helpers.intake.dataset import (
    SOURCES_COLUMNS,
    Dataset,
    IntakeError,
    _canon_quarantine,
    _canon_sources,
    _empty_quarantine,
)
from helpers.intake.folders import DataRoot, data_root, mapping_misfit, unrecognised_note
from helpers.intake.mapping import SourceMapping, builtin_mappings, load_mapping
from helpers.intake.parsing import _canonical_dtypes
from helpers.intake.readers import ReadInfo, _read_raw, _suffix, _table_for_name, read_info
from helpers.intake.validate import _combine, _Part
from helpers.limits import cut_tables
from helpers.privacy import mask_quarantine, mask_tables
from helpers.settings import Settings


def load_dataset(
    data_dir: str | Path,
    settings: Settings,
    *,
    mapping: str | Path | SourceMapping | None = None,
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
    mapping : a mapping YAML file (or a built-in mapping name, or a :class:`SourceMapping`) used
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
    mappings = [load_mapping(mapping)] if mapping is not None else builtin_mappings()
    where = data_root(root, mappings)  # the folder itself, or the sub-folder with the data
    root, files = where.folder, list(where.files)
    fp = fingerprint_inputs(files, [m.text for m in mappings], settings)
    cache_root = _cache_root(cache_dir)
    if cache_root is not None:
        cached = _read_cache(cache_root, fp)
        if cached is not None:
            return cached
    found = _sort_files(files, mappings, settings)
    if where.note:
        found.ignored.append(_source_note(root, "folder", where.note))
    strict = mapping is not None
    _apply_mappings(root, mappings, found, settings, strict=strict)
    _drop_yielding(found)
    _note_unrecognised(found, mappings, strict=strict)
    position = {p.name: i for i, p in enumerate(files)}
    parts = sorted(found.parts, key=lambda p: position.get(p.file, len(position)))  # file order
    _require_mandatory(root, parts, files, found.ignored)
    tables, extra = _combine(parts)
    quarantine = _sorted_quarantine(parts, extra)
    qcount = quarantine.groupby(["table", "file"]).size()
    _check_bookkeeping(tables, parts, qcount)
    writer = CacheWriter(cache_root, fp) if cache_root is not None else None
    with writer or contextlib.nullcontext():
        ds = Dataset(
            _finish_tables(tables, writer),
            mask_quarantine(quarantine, PERSONAL_FIELDS),
            _sources(parts, qcount, found.ignored),
            fp,
            settings_hints=found.hints,
            notes=_notes(where, parts),
        )
        if writer is not None:
            writer.close(ds)
    return ds


def _finish_tables(
    tables: dict[str, pd.DataFrame], writer: CacheWriter | None
) -> dict[str, pd.DataFrame]:
    """The contract tables in their final form, one after the other: contract dtypes,
    phone and ID-card numbers typed into free text masked (they never reach a table, the
    cache or a page), free text longer than :data:`helpers.limits.MAX_TEXT_CHARS` cut.

    Each validated table is released as soon as its final form exists, and handed to the
    cache ``writer`` (written while the next one is finished)."""
    out: dict[str, pd.DataFrame] = {}
    for name in [t for t in TABLES if t in tables]:
        one = {name: _canonical_dtypes(tables.pop(name), TABLES[name])}
        out[name] = cut_tables(mask_tables(one))[name]
        if writer is not None:
            writer.add(name, out[name])
    return out


@dataclass
class _Found:
    """What the folder holds, as it is sorted out: validated parts, files ignored (sources
    rows), files waiting for a mapping (with their headers), files that are part of an
    export missing a file (with the note) and the settings hints of the mappings used."""

    parts: list[_Part] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    pending: list[Path] = field(default_factory=list)
    headers: dict[Path, list[str]] = field(default_factory=dict)
    partial: dict[Path, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    read: dict[Path, ReadInfo] = field(default_factory=dict)


def _cache_root(cache_dir: str | Path | bool | None) -> Path | None:
    """The cache folder: None when caching is off (``False``), the default for None/True."""
    if cache_dir is False:
        return None
    return default_cache_dir() if cache_dir in (None, True) else Path(str(cache_dir))


def _ignored(path: Path, note: str) -> dict[str, Any]:
    return _source_note(path, "ignored", note)


def _sort_files(files: list[Path], mappings: list[SourceMapping], settings: Settings) -> _Found:
    """Read contract-named files (that no mapping claims) as they are; leave the others
    pending for the mappings; ignore files of other types or that cannot be read."""
    found = _Found()
    for path in files:
        layout = next((m.layout_for(path) for m in mappings if m.layout_for(path)), None)
        if _suffix(path) is None and layout is None:
            found.ignored.append(
                _ignored(
                    path,
                    "not a data file type (.csv, .csv.gz, .xlsx, .parquet; .txt and .tsv "
                    "only when a mapping's file pattern names them)",
                )
            )
            continue
        tname = _table_for_name(path)
        try:
            top = _read_raw(path, header_only=True, layout=layout)
            header = list(top.columns)
        except IntakeError as exc:
            if tname is not None:
                raise
            found.ignored.append(_ignored(path, f"cannot be read: {exc}"))
            continue
        lower = {h.lower() for h in header}
        if tname is not None and (
            set(TABLES[tname].required_columns) <= lower
            or not any(m.matches(header, path) for m in mappings)
        ):
            found.parts.append(_canonical_part(path, TABLES[tname], _read_raw(path), settings))
            continue
        found.pending.append(path)
        found.headers[path] = header
        found.read[path] = read_info(top)
    return found


def _apply_mappings(
    root: Path, mappings: list[SourceMapping], found: _Found, settings: Settings, *, strict: bool
) -> None:
    """Give the pending files to the first mapping that recognises a complete export; a
    mapping given explicitly (``strict``) must find every file it needs."""
    for m in mappings:
        assigned: dict[str, list[Path]] = {}
        for path in found.pending:
            role = m.role_for(path, found.headers[path])
            if role is not None:
                assigned.setdefault(role, []).append(path)
        if not assigned:
            continue
        lacking = [r for r in m.files.values() if not r.optional and r.name not in assigned]
        if lacking:
            need = "; ".join(
                f"{r.name} (headers {', '.join(r.headers) or r.pattern})" for r in lacking
            )
            if strict:
                raise IntakeError(
                    f"data folder {root.name!r}: mapping {m.name!r} needs a file for "
                    f"{need}; found only {', '.join(p.name for ps in assigned.values() for p in ps)}"
                )
            for ps in assigned.values():
                for p in ps:
                    found.partial.setdefault(
                        p, f"part of a {m.name!r} export, but no file for {need}"
                    )
            continue
        new_parts, extra = _apply_mapping(m, assigned, settings)
        found.parts.extend(new_parts)
        found.ignored.extend(extra)
        for k, v in m.settings_hints.items():
            found.hints.setdefault(k, v)
        taken = {p for ps in assigned.values() for p in ps}
        found.pending = [p for p in found.pending if p not in taken]


def _notes(where: DataRoot, parts: list[_Part]) -> tuple[dict[str, str], ...]:
    """:attr:`Dataset.notes`: the sub-folder read, then the notes of the mapping outputs
    built (pseudo-items, derived refunds ...), once per text."""
    notes: list[dict[str, str]] = []
    if where.note:
        notes.append({"file": where.folder.name, "en": where.note, "zh": where.note_zh})
    seen: set[str] = set()
    for p in parts:
        if p.notice and p.notice["en"] not in seen:
            seen.add(p.notice["en"])
            notes.append(dict(p.notice))
    return tuple(notes)


def _drop_yielding(found: _Found) -> None:
    """Drop the parts of ``unless_other_source`` outputs whose table another part gives
    (e.g. refunds derived from an order report when an after-sales file is present); the
    sources say which file gave the table instead."""
    givers: dict[str, list[str]] = {}
    for p in found.parts:
        if not p.yields:
            givers.setdefault(p.table, []).append(p.file)
    kept = []
    for p in found.parts:
        if p.yields and p.table in givers:
            found.ignored.append(
                _source_note(
                    Path(p.file),
                    p.mapping,
                    f"table {p.table} not built from this file: "
                    f"{', '.join(dict.fromkeys(givers[p.table]))} give(s) it",
                )
            )
            continue
        kept.append(p)
    found.parts = kept


def _note_unrecognised(found: _Found, mappings: list[SourceMapping], *, strict: bool) -> None:
    """A sources note for every file still pending: why no mapping took it (the closest
    mapping and its missing headers, how the file was read, a hint on the delimiter or the
    header row); with an explicit mapping a near miss is an error."""
    for path in found.pending:
        header = found.headers[path]
        if path in found.partial:
            found.ignored.append(_ignored(path, found.partial[path]))
            continue
        info = found.read[path]
        note, near = unrecognised_note(header, info, mappings)
        if strict and near is not None:
            raise IntakeError(f"{path.name}: {mapping_misfit(header, info, near)}")
        if strict:
            note = mapping_misfit(header, info, mappings[0])
        found.ignored.append(_ignored(path, note))


def _require_mandatory(
    root: Path, parts: list[_Part], files: list[Path], notes: list[dict[str, Any]]
) -> None:
    """Raise when the folder gave no orders or no order lines; the message says why each
    file was not used."""
    present = {p.table for p in parts}
    missing = [t.name for t in TABLES.values() if t.mandatory and t.name not in present]
    if missing:
        why = "; ".join(f"{n['file']}: {n['note']}" for n in notes if n["note"])
        raise IntakeError(
            f"data folder {root.name!r} has no {' and no '.join(missing)} data: add files "
            f"named {', '.join(f'{t}.csv' for t in missing)} (or .csv.gz/.xlsx/.parquet) or a "
            "platform export a mapping recognises (e.g. a Taobao order report). Files seen: "
            f"{', '.join(p.name for p in files) or 'none'}"
            + (f". Why not used: {why}" if why else "")
        )


_RANK = {t: i for i, t in enumerate(TABLES)}


def _sorted_quarantine(parts: list[_Part], extra: list[pd.DataFrame]) -> pd.DataFrame:
    """Every quarantined row, in contract table order, then file and row."""
    quarantine = pd.concat([*(p.quarantine for p in parts), *extra], ignore_index=True)
    if len(quarantine):
        quarantine = quarantine.assign(__rank__=quarantine["table"].map(_RANK)).sort_values(
            ["__rank__", "file", "row"], kind="stable"
        )
    return _canon_quarantine(quarantine if len(quarantine) else _empty_quarantine())


def _sources(parts: list[_Part], qcount: pd.Series, ignored: list[dict[str, Any]]) -> pd.DataFrame:
    """One sources row per (table, file) part (rows read, accepted, quarantined), then the
    files read by no table."""
    rows: list[dict[str, Any]] = []
    for p in sorted(parts, key=lambda p: (_RANK[p.table], p.file)):
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
    return _canon_sources(pd.DataFrame(rows + ignored, columns=list(SOURCES_COLUMNS)))


def _check_bookkeeping(
    tables: dict[str, pd.DataFrame], parts: list[_Part], qcount: pd.Series
) -> None:
    """rows_accepted is derived from the quarantine count; check it matches the tables."""
    for name, frame in tables.items():
        counts = frame.groupby("__file__").size() if "__file__" in frame else pd.Series()
        for p in parts:
            if p.table == name:
                got = int(counts.get(p.file, 0))
                want = p.rows_read - int(qcount.get((p.table, p.file), 0))
                if got != want:  # pragma: no cover - an internal invariant
                    raise AssertionError(f"intake bookkeeping error for {p.file} / {name}")
