"""The entry point: :func:`load_dataset` reads a data folder into a :class:`Dataset`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from helpers.contract import TABLES
from helpers.intake.apply import _apply_mapping, _canonical_part
from helpers.intake.cache import _read_cache, _write_cache, default_cache_dir, fingerprint_inputs
from helpers.intake.dataset import (
    SOURCES_COLUMNS,
    Dataset,
    IntakeError,
    _canon_quarantine,
    _canon_sources,
    _empty_quarantine,
)
from helpers.intake.mapping import Mapping, builtin_mappings, load_mapping
from helpers.intake.parsing import _canonical_dtypes
from helpers.intake.readers import _list_files, _read_raw, _suffix, _table_for_name
from helpers.intake.validate import _combine, _Part
from helpers.settings import Settings


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
