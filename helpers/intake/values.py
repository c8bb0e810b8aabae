"""Cell values whose meaning depends on a convention: decimal marks and thousands
separators, the order of day and month, 2-digit years, Excel serial dates, full-width
digits, invisible characters in ids.

A convention is decided per column from the values that can be read only one way (``12,50``
has a decimal comma, ``1,234.50`` a decimal point, ``25/10/2026`` is day-first); values that
two conventions read differently are never guessed row by row: when the column's own
unambiguous values disagree, the ambiguous ones are quarantined with the reason. What was
decided is returned as a short note for the sources table (``playbook check`` shows it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import columnar

# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

#: Invisible characters removed from every text cell: ASCII control characters (NUL ...),
#: zero-width spaces and joiners, word joiner, byte-order mark, soft hyphen.
INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200f\u2060\ufeff]")


def _clean_cell(v: str, *, fold: bool) -> str:
    text = INVISIBLE.sub("", v)
    if fold:
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


#: :data:`INVISIBLE` in the regular-expression syntax of the columnar engine.
INVISIBLE_ENGINE = columnar.char_class(INVISIBLE.pattern)


def _needs_cleaning(text: pd.Series, *, fold: bool) -> pd.Series:
    """Text cells holding an invisible character, or (``fold``) a non-ASCII one: one
    vectorized scan of the column (:mod:`helpers.columnar`), cell by cell only for a column
    the engine cannot take."""
    hit = columnar.contains(text, INVISIBLE_ENGINE)
    wide = columnar.not_ascii(text) if fold else np.zeros(len(text), dtype=bool)
    if hit is None or wide is None:
        need = text.str.contains(INVISIBLE.pattern, regex=True).astype(bool)
        return need | ~text.str.isascii().astype(bool) if fold else need
    return pd.Series(hit | wide, index=text.index)


def normalise_text(values: pd.Series, *, fold: bool) -> pd.Series:
    """Text cells without invisible characters and surrounding blanks; with ``fold`` (ids)
    also NFKC-folded, so ``Ａ１`` (full width) and ``A1`` are the same key.

    Only cells that need it are touched (not printable, or non-ASCII ids); an empty result
    becomes missing.
    """
    present = values.notna()
    if not present.any():
        return values
    text = values[present].astype("str")
    need = _needs_cleaning(text, fold=fold)
    if not need.any():
        return values
    out = values.astype("object").copy()
    fixed = text[need].map(lambda v: _clean_cell(v, fold=fold))
    out.loc[fixed.index] = fixed.where(fixed != "", np.nan)
    return out


def fold_digits(text: pd.Series) -> pd.Series:
    """Full-width digits, signs and separators (``１２３，５``) as ASCII (NFKC), invisible
    characters removed; only non-ASCII or unprintable cells are touched."""
    need = ~text.str.isascii().astype(bool) | text.str.contains(INVISIBLE.pattern, regex=True)
    if not need.any():
        return text
    out = text.copy()
    out.loc[need] = text[need].map(lambda v: _clean_cell(v, fold=True))
    return out


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

_CURRENCY = r"^([+-]?)\s*(?:[¥$€£]|RMB|CNY)\s*"
_CURRENCY_AFTER = r"\s*(?:元|RMB|CNY)$"
_SIGN = r"[+-]?"
#: Read the same under both conventions: digits only (thousands grouped by spaces allowed).
_NEUTRAL = re.compile(rf"^{_SIGN}\d{{1,3}}(?: \d{{3}})+$|^{_SIGN}\d+$")
#: Only a decimal point fits: 12.50, 1.2345, 1,234.50, 1,234,567, 1 234.5, 1e5, .5
_POINT = re.compile(
    rf"^{_SIGN}(?:0\.\d+|\d+\.\d{{1,2}}|\d+\.\d{{4,}}|\d{{4,}}\.\d{{3}}|\d*\.\d+[eE][+-]?\d+"
    rf"|\d+[eE][+-]?\d+|\.\d+|\d{{1,3}}(?:,\d{{3}})+\.\d+|\d{{1,3}}(?:,\d{{3}}){{2,}}"
    rf"|\d{{1,3}}(?: \d{{3}})+\.\d+)$"
)
#: Only a decimal comma fits: 12,5, 1234,50, 1.234,50, 1.234.567, 1 234,5
_COMMA = re.compile(
    rf"^{_SIGN}(?:0,\d+|\d+,\d{{1,2}}|\d+,\d{{4,}}|\d{{4,}},\d{{3}}|,\d+|\d{{1,3}}(?:\.\d{{3}})+,\d+"
    rf"|\d{{1,3}}(?:\.\d{{3}}){{2,}}|\d{{1,3}}(?: \d{{3}})+,\d+)$"
)
#: Either: 1,234 (thousands comma or decimal comma) and 1.234 (decimal point or thousands dot)
_EITHER = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}[.,]\d{{3}}$")


@dataclass(frozen=True)
class Reading:
    """A column read under a convention.

    Attributes
    ----------
    values : float64 values (NaN where missing or not readable).
    ambiguous : rows quarantined because their column mixes conventions and they read
        differently under each.
    note : the convention, for the sources table ("" for the common decimal point).
    """

    values: pd.Series
    ambiguous: pd.Series
    note: str = ""


def _as_point(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.str.replace(r"[, ]", "", regex=True), errors="coerce")


def _as_comma(text: pd.Series) -> pd.Series:
    body = text.str.replace(r"[. ]", "", regex=True).str.replace(",", ".", regex=False)
    return pd.to_numeric(body, errors="coerce")


def read_numbers(text: pd.Series, *, decimal: str = "auto", column: str = "") -> Reading:
    """Read number text (already trimmed, no missing values) under one decimal convention.

    ``decimal`` ``point`` or ``comma`` forces the convention; ``auto`` decides it from the
    column's unambiguous values (decimal point when none says otherwise). When the column
    holds unambiguous values of both kinds, each such value is read its only way and the
    values that read differently under the two (``1,234``, ``1.234``) are ``ambiguous``.
    """
    idx = text.index
    body = fold_digits(text.astype("str")).str.strip()
    body = body.str.replace(_CURRENCY, r"\1", regex=True).str.replace(
        _CURRENCY_AFTER, "", regex=True
    )
    body = body.str.replace(r"(?<=\d)[\u00a0\u202f'’](?=\d{3})", " ", regex=True).str.strip()
    point = body.str.match(_POINT)
    comma = body.str.match(_COMMA)
    either = body.str.match(_EITHER)
    none = pd.Series(False, index=idx)
    if decimal == "comma" or (decimal == "auto" and comma.any() and not point.any()):
        note = f"{column}: decimal comma (e.g. {body[comma].iloc[0]!r})" if comma.any() else ""
        return Reading(_as_comma(body).where(~point), none, note or f"{column}: decimal comma")
    if decimal == "point" or not comma.any():
        return Reading(_as_point(body).where(~comma), none)
    values = _as_point(body).where(~comma, _as_comma(body)).where(~either)
    note = (
        f"{column}: decimal point and decimal comma mixed ({int(point.sum())} and "
        f"{int(comma.sum())} values); {int(either.sum())} value(s) readable both ways quarantined"
    )
    return Reading(values, either, note)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

#: d/m/y or m/d/y with an optional time: 03/11/2026, 3.11.2026 08:05, 25-10-2026 8:05:09
_DMY = re.compile(
    r"^(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}(?:\.\d+)?))?)?$"
)
#: An Excel serial day number (days since 1899-12-30) between 1954 and 2119.
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_SERIAL_RANGE = (20000.0, 80000.0)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass(frozen=True)
class DateText:
    """Date text rewritten to ISO form where a convention decided it.

    Attributes
    ----------
    text : the cells, ``YYYY-MM-DD HH:MM:SS`` where rewritten (others unchanged).
    serial : timestamps of cells that are Excel serial day numbers (NaT elsewhere).
    problems : reason per cell that cannot be read safely ("" elsewhere): a 2-digit year,
        an ambiguous day/month.
    note : the order of day and month chosen for the column ("" when none was needed).
    """

    text: pd.Series
    serial: pd.Series
    problems: pd.Series
    note: str = ""


def _dmy_order(a: pd.Series, b: pd.Series, order: str) -> tuple[str, pd.Series, str]:
    """Day-first or month-first for the column, the rows that cannot be read safely and a
    note. Evidence: a first number above 12 is a day (day-first), a second one above 12 is
    a day (month-first)."""
    day_first = a > 12
    month_first = b > 12
    n_d, n_m = int(day_first.sum()), int(month_first.sum())
    ambiguous = (a <= 12) & (b <= 12) & (a != b)
    if order != "auto":
        return (
            order,
            pd.Series(False, index=a.index),
            f"{order.replace('_', '-')} (intake.date_order)",
        )
    if n_d and not n_m:
        return "day_first", pd.Series(False, index=a.index), f"day-first ({n_d} unambiguous rows)"
    if n_m and not n_d:
        return (
            "month_first",
            pd.Series(False, index=a.index),
            f"month-first ({n_m} unambiguous rows)",
        )
    chosen = "day_first" if n_d >= n_m else "month_first"
    if n_d and n_m:
        why = f"day-first and month-first rows mixed ({n_d} and {n_m} unambiguous)"
    else:
        why = "no row shows whether the day or the month comes first"
    return chosen, ambiguous, why


def rewrite_dates(text: pd.Series, *, order: str = "auto", column: str = "") -> DateText:
    """Rewrite d/m/y-style cells to ISO text with one day/month order for the whole column,
    read Excel serial numbers, and flag 2-digit years and ambiguous day/month cells.

    ``order`` is ``auto``, ``day_first`` or ``month_first`` (see
    :class:`helpers.settings.IntakeSettings`). Other cells are returned unchanged.
    """
    text = fold_digits(text.astype("str"))
    problems = pd.Series("", index=text.index, dtype="object")
    serial = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    is_serial = text.str.match(_SERIAL)
    if is_serial.any():
        num = pd.to_numeric(text[is_serial], errors="coerce")
        ok = num.between(*_SERIAL_RANGE)
        days = pd.to_timedelta(num[ok], unit="D").dt.round("s")
        serial.loc[ok[ok].index] = _EXCEL_EPOCH + days
    parts = text.str.extract(_DMY)
    dmy = parts["a"].notna()
    if not dmy.any():
        return DateText(text, serial, problems, "")
    short = dmy & (parts["y"].str.len() == 2)
    problems.loc[short] = "2-digit year: write the year in full (e.g. 2026)"
    a = pd.to_numeric(parts.loc[dmy, "a"]).astype("int64")
    b = pd.to_numeric(parts.loc[dmy, "b"]).astype("int64")
    chosen, ambiguous, why = _dmy_order(a, b, order)
    bad = ambiguous[ambiguous].index.difference(short[short].index)
    problems.loc[bad] = (
        f"ambiguous date ({why}): set intake.date_order in playbook.yaml "
        "or write dates as YYYY-MM-DD"
    )
    if order == "auto":  # a row that can be read one way only is read that way
        first_is_day = (a > 12) | ((b <= 12) & (chosen == "day_first"))
    else:
        first_is_day = pd.Series(chosen == "day_first", index=a.index)
    day, month = a.where(first_is_day, b), b.where(first_is_day, a)
    p = parts.loc[dmy]
    iso = (
        p["y"].str.zfill(4)
        + "-"
        + month.astype("str").str.zfill(2)
        + "-"
        + day.astype("str").str.zfill(2)
        + " "
        + p["H"].fillna("0").str.zfill(2)
        + ":"
        + p["M"].fillna("00")
        + ":"
        + p["S"].fillna("00").str.zfill(2)
    )
    out = text.copy()
    out.loc[dmy] = iso
    return DateText(out, serial, problems, f"{column}: {why}")
