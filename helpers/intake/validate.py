"""Row validation against the contract and the quarantine records: every column of a
(table, file) part is parsed and checked (types, allowed values, minimums, missing required
values), then the parts of a table are combined and duplicate keys and references to parents
that were not accepted are quarantined."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers import columnar
from helpers.contract import TABLES, Column, Table
from helpers.intake.dataset import _canon_quarantine, _empty_quarantine
from helpers.intake.parsing import (
    _cast,
    _empty_typed,
    _isin,
    _parse_bool,
    _show,
    read_datetimes,
    read_number_column,
)
from helpers.intake.values import normalise_text
from helpers.settings import Settings

# --------------------------------------------------------------------------------------------
# Row validation
# --------------------------------------------------------------------------------------------


#: Shown in the quarantine instead of a value that came from a personal column.
MASK = "<personal data removed>"

_SEP = "; "
_ROW = "__row__"


@dataclass
class _Issues:
    """Per-row problems of one (table, file) part, collected column by column."""

    n: int
    records: list[pd.DataFrame] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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
    #: built by a mapping output with ``unless_other_source``: dropped when another part
    #: gives the same table
    yields: bool = False
    #: the mapping output's ``note`` (``en``, ``zh``) for :attr:`Dataset.notes`
    notice: dict[str, str] = field(default_factory=dict)


def _reason(template: str, **names: str) -> Callable[[str], str]:
    """The quarantine reason for a shown value ``v``: ``template`` formatted with ``names``."""
    return lambda v: template.format(v=v, **names)


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
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Parse and check every column of one part.

    Returns (accepted rows with canonical dtypes and the row number column, quarantine,
    notes on the conventions decided for its columns: decimal comma, day/month order).
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
        values, unparseable = _parse_column(col, raw, shown, issues, formats, settings, table)
        if not col.nullable:
            missing = values.isna() & ~unparseable & ~bad
            if skip_missing and col.name in skip_missing:
                missing = missing & ~skip_missing[col.name].reset_index(drop=True)
            issues.add(missing, col.name, shown, _reason("missing {c}", c=col.name))
        typed[col.name] = values
    frame = pd.DataFrame({c.name: _cast(typed[c.name], c.dtype) for c in table.columns})
    frame[_ROW] = rows.to_numpy()
    bad_rows = issues.bad().to_numpy()
    q = _collapse(issues.records, table.name, file, rows)
    if bad_rows.any():
        frame = frame.loc[~bad_rows]
    return frame.reset_index(drop=True), q, issues.notes


#: Money columns: at most ``intake.max_amount`` (settings).
AMOUNT_COLUMNS = frozenset(
    {
        "paid_amount",
        "discount_amount",
        "shipping_fee",
        "unit_price",
        "list_price",
        "unit_cost",
        "spend",
        "attributed_gmv",
        "refund_amount",
        "revenue",
        "price",
        "price_min",
        "price_max",
    }
)
#: Quantity columns: at most ``intake.max_quantity`` (settings).
QUANTITY_COLUMNS = frozenset({"quantity"})
#: Any other number column: a magnitude this large is never a real figure.
MAX_MAGNITUDE = 1e15


def _upper_bound(col: Column, settings: Settings) -> tuple[float, str]:
    """The largest plausible value of a number column and the setting that sets it."""
    if col.name in AMOUNT_COLUMNS:
        return settings.intake.max_amount, "intake.max_amount"
    if col.name in QUANTITY_COLUMNS:
        return float(settings.intake.max_quantity), "intake.max_quantity"
    return MAX_MAGNITUDE, ""


def _parse_dates(
    col: Column,
    raw: pd.Series,
    shown: pd.Series,
    issues: _Issues,
    fmt: str | None,
    settings: Settings,
) -> tuple[pd.Series, pd.Series]:
    """A date/datetime column: unreadable cells, refused cells (out of the plausible range,
    2-digit years, ambiguous day/month) recorded; the day/month order noted."""
    limits = (
        pd.Timestamp(settings.intake.earliest_date),
        pd.Timestamp(settings.intake.latest_date),
    )
    got = read_datetimes(
        raw,
        fmt=fmt,
        timezone=settings.timezone,
        order=settings.intake.date_order,
        limits=limits,
        column=col.name,
    )
    values = got.values.dt.normalize() if col.dtype == "date" else got.values
    kind = "datetime" if col.dtype == "datetime" else "date"
    issues.add(
        got.unparseable,
        col.name,
        shown,
        _reason("unparseable {k} in {c}: {v!r}", c=col.name, k=kind),
    )
    refused = got.refused if got.refused is not None else got.problems != ""
    if refused.any():
        issues.add(refused, col.name, shown, got.problems.map(lambda r: f"{col.name}: {r}"))
    if got.note:
        issues.notes.append(got.note)
    return values, got.unparseable | refused


def _parse_numbers(
    col: Column, raw: pd.Series, shown: pd.Series, issues: _Issues, settings: Settings
) -> tuple[pd.Series, pd.Series]:
    """A number column: unreadable cells, cells of a column mixing decimal conventions,
    fractions in whole-number columns, values below the minimum or above the plausible
    bound recorded. Returns (values, unusable mask)."""
    values, unparseable, ambiguous, note = read_number_column(
        raw, decimal=settings.intake.decimal, column=col.name
    )
    if note:
        issues.notes.append(note)
    issues.add(
        unparseable, col.name, shown, _reason("unparseable number in {c}: {v!r}", c=col.name)
    )
    issues.add(
        ambiguous,
        col.name,
        shown,
        _reason(
            "{c}: {v!r} reads differently with a decimal point and a decimal comma, and the "
            "column has both; set intake.decimal in playbook.yaml (point or comma)",
            c=col.name,
        ),
    )
    unparseable = unparseable | ambiguous
    if col.dtype == "int":
        frac = values.notna() & (values != values.round())
        issues.add(frac, col.name, shown, _reason("not a whole number in {c}: {v!r}", c=col.name))
        unparseable = unparseable | frac
    high, key = _upper_bound(col, settings)
    big = values.notna() & (values.abs() > high)
    fix = f"above {key} = {high:,.0f}" if key else f"beyond {high:.0e}"
    issues.add(
        big,
        col.name,
        shown,
        _reason("{c} implausibly large ({f}): {v!r}; correct the cell", c=col.name, f=fix),
    )
    values = values.mask(big)
    if col.min_value is not None:
        low = values.notna() & (values < col.min_value)
        mv = col.min_value
        mv_text = f"{mv:g}" if isinstance(mv, float) else str(mv)
        issues.add(
            low, col.name, shown, _reason("{c} below minimum {m}: {v!r}", c=col.name, m=mv_text)
        )
    return values, unparseable | big


def _is_key(col: Column, table: Table | None) -> bool:
    """Id columns: compared as keys, so full-width and invisible variants are folded."""
    return col.name.endswith("_id") or (table is not None and col.name in table.key)


def _parse_column(
    col: Column,
    raw: pd.Series,
    shown: pd.Series,
    issues: _Issues,
    formats: dict[str, str | None],
    settings: Settings,
    table: Table | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Parse one column by its contract type, recording unparseable values, fractions in
    whole-number columns, values outside the plausible bounds and values outside the
    allowed set. Returns (values, unparseable mask)."""
    if col.dtype in ("datetime", "date"):
        return _parse_dates(col, raw, shown, issues, formats.get(col.name), settings)
    if col.dtype in ("float", "int"):
        return _parse_numbers(col, raw, shown, issues, settings)
    if col.dtype == "bool":
        values, unparseable = _parse_bool(raw)
        issues.add(
            unparseable, col.name, shown, _reason("not a yes/no value in {c}: {v!r}", c=col.name)
        )
        return values, unparseable
    if columnar.is_text_dtype(raw):  # already text, NaN for missing: no per-cell copy
        values = raw
    else:
        values = raw.astype("object").where(raw.notna())
        values = values.where(values.isna(), values.astype("str"))
    values = normalise_text(values, fold=_is_key(col, table))
    unparseable = pd.Series(False, index=raw.index)
    if col.allowed is not None:
        outside = values.notna() & ~_isin(values, col.allowed)
        issues.add(
            outside,
            col.name,
            shown,
            _reason("{c} not one of {a}: {v!r}", c=col.name, a=", ".join(col.allowed)),
        )
    return values, unparseable


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


def _stack_parts(parts: list[_Part], tname: str) -> pd.DataFrame:
    """The accepted rows of every part of table ``tname`` (file order) with the file of each
    row (``__file__``, categorical: one small code per row). The parts' own frames are
    released as they are stacked (they are not read again), so only one copy is alive."""
    mine = [p for p in parts if p.table == tname]
    files = pd.CategoricalDtype(list(dict.fromkeys(p.file for p in mine)))
    frames = []
    for p in mine:
        codes = np.full(len(p.frame), files.categories.get_loc(p.file), dtype=np.int32)
        frames.append(p.frame.assign(__file__=pd.Categorical.from_codes(codes, dtype=files)))
        p.frame = p.frame.iloc[:0]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return frame


def _duplicate_keys(frame: pd.DataFrame, key: list[str]) -> pd.Series | None:
    """Rows repeating the key of an earlier row (the first occurrence wins), or None when
    there are none: a hash check proves most tables free of duplicates at a fraction of the
    cost of ``DataFrame.duplicated`` (:func:`helpers.columnar.surely_distinct`), which
    decides whenever the check cannot."""
    if columnar.surely_distinct(frame, key):
        return None
    dup = frame.duplicated(subset=key, keep="first")
    return dup if dup.any() else None


def _combine(parts: list[_Part]) -> tuple[dict[str, pd.DataFrame], list[pd.DataFrame]]:
    """Concatenate parts per table (file order), then quarantine duplicate keys (the first
    occurrence wins) and rows referring to parents that were not accepted. The parts'
    frames are emptied (their rows are in the tables returned)."""
    tables: dict[str, pd.DataFrame] = {}
    extra: list[pd.DataFrame] = []
    order = [t for t in TABLES if any(p.table == t for p in parts)]
    order.sort(key=lambda t: len(TABLES[t].references))  # parents before children
    for tname in order:
        table = TABLES[tname]
        frame = _stack_parts(parts, tname)
        if table.key and len(frame):
            key = list(table.key)
            dup = _duplicate_keys(frame, key)
            if dup is not None:
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
