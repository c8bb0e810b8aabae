"""Column specs evaluated on a platform export: copying headers, constants, value maps,
pseudonymising hashes, province extraction, ``expr``, ``template`` and ``number_within``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.intake.dataset import IntakeError
from helpers.intake.expressions import Condition, _eval_condition, _eval_expr
from helpers.intake.mapping import ColumnSpec, SourceMapping
from helpers.intake.parsing import _parse_number, _show
from helpers.intake.validate import MASK
from helpers.privacy import pseudonym_key, pseudonyms
from helpers.settings import Settings

# Short province names (省级行政区) used by ``province_from``; longest alternatives first.
_PROVINCE_NAMES = """
黑龙江 内蒙古 北京 天津 上海 重庆 河北 山西 辽宁 吉林 江苏 浙江 安徽 福建 江西 山东 河南
湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 广西 西藏 宁夏 新疆 香港 澳门
"""
PROVINCES: tuple[str, ...] = tuple(_PROVINCE_NAMES.split())
_PROVINCE_RE = r"^\s*(" + "|".join(PROVINCES) + ")"


@dataclass
class _Built:
    """A block's contract columns as built, with the values already found bad
    (``pre_bad``), the rows whose missing value is not an error (``skip_missing``), the
    columns from personal headers (``masked``) and each column's date format."""

    columns: dict[str, pd.Series]
    pre_bad: dict[str, tuple[pd.Series, pd.Series, pd.Series]]
    skip_missing: dict[str, pd.Series]
    masked: set[str]
    formats: dict[str, str | None]

    def keep(self, keep: np.ndarray) -> None:
        """Keep only the rows where ``keep`` is True (in place)."""

        def cut(v: pd.Series) -> pd.Series:
            return v.reset_index(drop=True)[keep].reset_index(drop=True)

        self.columns = {c: cut(v) for c, v in self.columns.items()}
        self.pre_bad = {c: (cut(t[0]), cut(t[1]), cut(t[2])) for c, t in self.pre_bad.items()}
        self.skip_missing = {c: cut(v) for c, v in self.skip_missing.items()}


class _MappedBuilder:
    """Builds the contract columns of one table from a cleaned export frame."""

    def __init__(self, df: pd.DataFrame, mapping: SourceMapping, settings: Settings, file: str):
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

    def spec_values(self, table: str, column: str, spec: ColumnSpec, built: _Built) -> pd.Series:
        """The values of contract ``column`` from its spec: the source values, then whole
        numbers, value maps, ``where``, ``fallback`` and ``default`` in that order."""
        index = self.df.index
        s = self.source_values(table, column, spec, built)
        if s is None:
            s = pd.Series(np.nan, index=index, dtype="object")
        if spec.whole_number:
            s = _whole_number_text(s)
        if spec.values or spec.when_filled:
            s = self.mapped_values(s, spec)
        if spec.where is not None:
            keep = self.condition(spec.where, built.columns, table, column)
            s = s.where(keep)
            if column in built.pre_bad:
                m, what, why = built.pre_bad[column]
                built.pre_bad[column] = (m & keep, what, why)
            if column in built.skip_missing:
                built.skip_missing[column] = built.skip_missing[column] & keep
        if spec.fallback is not None:
            fb = self.spec_values(table, column, spec.fallback, built)
            s = s.where(s.notna(), fb)
        if spec.default is not None:
            s = s.where(s.notna(), str(spec.default))
        assert len(s) == len(self.df)
        return s

    def mapped_values(self, s: pd.Series, spec: ColumnSpec) -> pd.Series:
        """``values`` maps each text; ``when_filled`` maps where its header is filled."""
        index = self.df.index
        text = s.astype("object")
        mapped = text.map(spec.values) if spec.values else pd.Series(np.nan, index=index)
        out = mapped.where(mapped.notna(), text)
        for h, values in spec.when_filled.items():
            cond = self.header(h)
            if cond is None:
                continue
            alt = text.map(values)
            use = cond.notna() & alt.notna()
            out = out.where(~use, alt)  # type: ignore[arg-type]
        return out

    def source_values(
        self, table: str, column: str, spec: ColumnSpec, built: _Built
    ) -> pd.Series | None:
        """The values a spec reads (const, hash, province, expr, template, numbering or
        the first filled source header); None when the column is left empty."""
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
                pseudonyms(
                    src,
                    key=pseudonym_key(self.settings.pii_salt) if spec.salt else b"",
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
            s = self.expr_values(table, column, spec.expr, built)
        elif spec.template:
            s = self.template_values(table, column, spec.template, built.columns)
        elif spec.number_within:
            keys = pd.DataFrame(
                {
                    i: self.value(h, built.columns, table, column).to_numpy()
                    for i, h in enumerate(spec.number_within)
                },
                index=index,
            )
            s = keys.groupby(list(keys.columns), sort=False, dropna=False).cumcount() + 1
        else:
            s = self.first_filled(spec.source)
            if s is None and not spec.optional and spec.fallback is None:
                raise self.missing_error(table, column, spec.source)
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

    def expr_values(self, table: str, column: str, expr: str, built: _Built) -> pd.Series:
        """An arithmetic ``expr`` over numbers; values of headers that do not parse are
        recorded in ``built.pre_bad``, rows whose operands are missing in
        ``built.skip_missing``."""
        header_bad: list[tuple[str, pd.Series, pd.Series]] = []
        index = self.df.index

        def resolve(name: str) -> tuple[pd.Series, pd.Series]:
            if name in built.columns:
                v, bad = _parse_number(built.columns[name])
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
                why.loc[new] = [  # type: ignore[call-overload]
                    f"unparseable number in {name} (for {column}): {_show(t)!r}" for t in text
                ]
                mask = mask | new
            if mask.any():
                built.pre_bad[column] = (mask, shown, why)
        built.skip_missing[column] = bad
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
