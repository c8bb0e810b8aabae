"""Which market figures are indices and which are real values.

生意参谋-style exports often give 指数 (indices: 搜索人气, 交易指数 ...) instead of real values.
An index moves with the value but not in proportion, so growth rates of an index are only a
direction, and an index never divides a real value (no market share from an index). The
contract marks index columns with the unit ``index``; a configured conversion can fill
``market.market_gmv`` from ``market.trade_index``, and the report then shows the assumption.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from helpers.contract import TABLES
from helpers.market_research.months import convert_index

#: the market tables this theme reads
MARKET_TABLES = ("market", "market_price_bands", "search_terms", "competitors")

#: basis of a ``market_gmv`` figure
VALUE, CONVERTED, INDEX_ONLY = "value", "converted", "index"


def with_values(
    market: pd.DataFrame, *, scale: float | None, exponent: float = 1.0
) -> pd.DataFrame:
    """``market`` (or ``market_price_bands``) with ``market_gmv`` filled where configured.

    Adds ``gmv_basis``: ``value`` where the export gave a real market size, ``converted``
    where it was computed from ``trade_index`` by ``scale * index ** exponent`` (only when
    ``scale`` is set), ``index`` where only the index is known (no market size).
    """
    out = market.copy()
    if "market_gmv" not in out:
        out["market_gmv"] = float("nan")
    real = out["market_gmv"].notna()
    out["gmv_basis"] = pd.Series(INDEX_ONLY, index=out.index).where(~real, VALUE)
    if scale is not None and "trade_index" in out:
        fill = ~real & out["trade_index"].notna()
        out.loc[fill, "market_gmv"] = convert_index(
            out.loc[fill, "trade_index"], scale=scale, exponent=exponent
        )
        out.loc[fill, "gmv_basis"] = CONVERTED
    return out


def figure_kinds(
    tables: Mapping[str, pd.DataFrame | None], *, scale: float | None, exponent: float = 1.0
) -> pd.DataFrame:
    """One row per market figure present in the data: index, real value or converted.

    Returns
    -------
    DataFrame ``table, column, zh, kind, rows, assumption``; ``kind`` is ``index`` (unit
    ``index`` in the contract), ``value`` or ``converted`` (``market_gmv`` rows filled from
    ``trade_index``); ``assumption`` states the conversion formula where it was used.
    """
    rows = []
    for name in MARKET_TABLES:
        frame = tables.get(name)
        if frame is None:
            continue
        spec = TABLES[name]
        for col in spec.columns:
            if col.unit in ("", "text") or col.name not in frame or col.dtype == "date":
                continue
            filled = int(frame[col.name].notna().sum())
            if filled == 0:
                continue
            kind = "index" if col.unit == "index" else VALUE
            rows.append((name, col.name, col.zh, kind, filled, ""))
        if name in ("market", "market_price_bands") and scale is not None:
            conv = with_values(frame, scale=scale, exponent=exponent)
            n = int((conv["gmv_basis"] == CONVERTED).sum())
            if n:
                formula = f"market_gmv = {scale:g} × trade_index ^ {exponent:g}"
                rows.append((name, "market_gmv", "市场规模", CONVERTED, n, formula))
    return pd.DataFrame(rows, columns=["table", "column", "zh", "kind", "rows", "assumption"])
