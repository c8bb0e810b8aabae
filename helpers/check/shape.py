"""What decides whether a section or an alert rule can run, read off the validated data once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from helpers.alerts import industry_cvr
from helpers.intake import Dataset
from helpers.settings import Settings


@dataclass(frozen=True)
class DataShape:
    """What the sections depend on, read off the validated data once.

    Attributes
    ----------
    have : contract tables present.
    usable : orders and order lines usable (see :class:`CheckReport`).
    history_days : days from the first order day to the run date (inclusive), None without
        a run date.
    has_shipping_times : whether any order carries ``shipped_at``.
    industry_cvr : whether an industry CVR exists (``settings.industry_cvr`` or market).
    item_cart_traffic : whether traffic has item rows with add-to-cart users.
    after_sales_sku : whether after-sales cases name the item (``sku_id``).
    after_sales_order : whether after-sales cases name their order (``order_id``); credit
        notes that name none cannot be matched to sales for item return rates.
    settings : the run's settings (thresholds).
    columns : ``table.column`` names of the columns that carry at least one value.
    """

    have: frozenset[str]
    usable: bool
    history_days: int | None
    has_shipping_times: bool
    industry_cvr: bool
    item_cart_traffic: bool
    after_sales_sku: bool
    settings: Settings
    after_sales_order: bool = True
    columns: frozenset[str] = frozenset()

    @property
    def available(self) -> frozenset[str]:
        """Tables present and ``table.column`` names with values: what a
        :class:`helpers.sections.Section`'s ``needs`` are checked against."""
        shipped = {"orders.shipped_at"} if self.has_shipping_times else set()
        return self.have | self.columns | shipped


def _filled(frame: pd.DataFrame | None, col: str) -> bool:
    return frame is not None and col in frame and bool(frame[col].notna().any())


def filled_columns(tables: Mapping[str, pd.DataFrame]) -> frozenset[str]:
    """``table.column`` for every column of the present tables that carries a value."""
    return frozenset(
        f"{name}.{col}"
        for name, frame in tables.items()
        if frame is not None
        for col, has in frame.notna().any().items()
        if has
    )


def data_shape(ds: Dataset, settings: Settings, run_date: pd.Timestamp | None) -> DataShape:
    """Read off ``ds`` what decides whether a section or rule runs (see :class:`DataShape`)."""
    tables = ds.tables
    orders = tables.get("orders")
    history = None
    if run_date is not None and orders is not None and len(orders):
        stamps = [pd.to_datetime(orders[c]).min() for c in ("created_at", "paid_at")]
        stamps = [s for s in stamps if pd.notna(s)]
        if stamps:
            history = max(0, int((run_date - min(stamps).normalize()).days) + 1)
    traffic = tables.get("traffic")
    item_cart = False
    if traffic is not None and len(traffic):
        item_rows = traffic.loc[traffic["sku_id"].notna()]
        item_cart = _filled(item_rows, "visitors") and _filled(item_rows, "add_to_cart_users")
    when = run_date if run_date is not None else pd.Timestamp.max
    ind, _ = industry_cvr(settings, tables.get("market"), when)
    usable = bool(
        run_date is not None
        and orders is not None
        and len(orders)
        and len(tables.get("order_items", ()))
    )
    return DataShape(
        have=frozenset(ds.available),
        usable=usable,
        history_days=history,
        has_shipping_times=_filled(orders, "shipped_at"),
        industry_cvr=ind is not None and ind > 0,
        item_cart_traffic=item_cart,
        after_sales_sku=_filled(tables.get("after_sales"), "sku_id"),
        after_sales_order=_filled(tables.get("after_sales"), "order_id"),
        settings=settings,
        columns=filled_columns(tables),
    )
