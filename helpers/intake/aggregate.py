"""Aggregation: ``group_by`` tables (one row per group, each column reduced with its ``agg``)
and the joined files of multi-file mappings (one row per key)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.contract import Table
from helpers.intake.dataset import IntakeError
from helpers.intake.mapping import Block, Join
from helpers.intake.parsing import _parse_datetime, _parse_number, _show
from helpers.settings import Settings


def _group_ids(keys: list[pd.Series]) -> np.ndarray:
    """Group number of every row in order of first appearance; a row with an empty key is a
    group of its own."""
    n = len(keys[0])
    if len(keys) == 1:
        codes: np.ndarray = pd.factorize(keys[0].to_numpy(dtype=object), use_na_sentinel=True)[0]
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
        gshown.iloc[g] = [_show(v) for v in shown.to_numpy(dtype=object)[p]]  # type: ignore[call-overload]
        rnums = rows.to_numpy()[p]
        gwhy.iloc[g] = [  # type: ignore[call-overload]
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


def _aggregate_block(
    block: Block,
    table: Table,
    built: dict[str, pd.Series],
    pre_bad: dict[str, tuple[pd.Series, pd.Series, pd.Series]],
    rows: pd.Series,
    formats: dict[str, str | None],
    settings: Settings,
):
    """Row-level columns -> one row per group (see ``group_by`` in :class:`SourceMapping`)."""
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
            why.loc[new] = [f"unparseable {kind} in {cname}: {_show(x)!r}" for x in v[new]]  # type: ignore[call-overload]
            mask = mask | new
        if mask.any():
            gbad[cname] = _group_level(mask, shown, why, gid, rows, ngroups)
    first_rows = rows.groupby(gid).min().reindex(pd.RangeIndex(ngroups)).reset_index(drop=True)
    return out, gbad, {}, first_rows
