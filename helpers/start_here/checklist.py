"""The assistant's morning checklist: every line computed from the run's facts, data and
alerts (see the modules of each line), in the order the job is done in the morning."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.exports import Export, export_table
from helpers.facts import Facts
from helpers.settings import Settings
from helpers.start_here.abnormal import abnormal_item
from helpers.start_here.fulfilment import logistics_item, shipping_item, unpaid_item
from helpers.start_here.marketing import ads_item, promo_item
from helpers.start_here.service import after_sales_item
from helpers.start_here.status import Item, worst
from helpers.start_here.theme import THEME, StartHereSettings


@dataclass(frozen=True, eq=False)
class Checklist:
    """The morning checklist of one run date.

    Attributes
    ----------
    run_date : the day the data end (the checklist is read the morning after).
    items : the lines, in working order: 催付, shipping, logistics, after-sales, abnormal
        items, ads, promotion.
    """

    run_date: pd.Timestamp
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(f"no checklist item {item_id!r}")

    @property
    def status(self) -> str:
        """The most urgent status of the lines that could be checked."""
        return worst([it.status for it in self.items])

    def records(self) -> list[dict]:
        """One record per line for ``summary.json``."""
        return [it.to_record() for it in self.items]

    def export(self, output_dir: Any) -> list[Export]:
        """Write the list behind every line that has rows (CSV and .xlsx, ids only)."""
        out = []
        for it in self.items:
            if it.rows.empty:
                continue
            e = export_table(
                it.rows,
                output_dir=output_dir,
                notebook=THEME.notebook,
                name=f"checklist-{it.id.replace('_', '-')}",
                title=it.title,
            )
            if e is not None:
                out.append(e)
        return out


def has_ship_times(orders: pd.DataFrame) -> bool:
    """Whether the orders carry any shipping time (without one, every order looks unshipped)."""
    return "shipped_at" in orders.columns and bool(orders["shipped_at"].notna().any())


def build_checklist(
    facts: Facts,
    tables: Mapping[str, pd.DataFrame],
    settings: Settings,
    alerts: pd.DataFrame,
) -> Checklist:
    """Every checklist line for ``facts.run_date``.

    Parameters
    ----------
    facts : the run's facts (cut at the run date).
    tables : the validated contract tables (``orders``; ``after_sales`` and ``inventory`` when
        present); rows after the run date are ignored by each line.
    settings : run settings; the thresholds are in its ``start_here`` section, the shipping
        SLA in ``thresholds.ship_sla_hours``.
    alerts : the run's alerts (:func:`helpers.alerts.rules.collect_alerts`), whose item and
        channel findings the abnormal-items line repeats.
    """
    s: StartHereSettings = settings.section("start_here")
    orders, cutoff = tables["orders"], facts.cutoff
    sla = settings.thresholds.ship_sla_hours
    items = (
        unpaid_item(orders, cutoff, s),
        shipping_item(facts, has_ship_times(orders), sla, s),
        logistics_item(orders, cutoff, s),
        after_sales_item(tables.get("after_sales"), cutoff, s),
        abnormal_item(facts, tables.get("inventory"), alerts, s),
        ads_item(facts, s),
        promo_item(facts, s, settings.platform_calendar),
    )
    return Checklist(facts.run_date, items)


def checklist_for(ctx: Any) -> Checklist:
    """The checklist of a :class:`helpers.context.RunContext` (runs the alert checks once)."""
    from helpers.alerts.rules import collect_alerts

    market = ctx.dataset.tables.get("market")
    report = collect_alerts(ctx.facts, ctx.settings, market=market)
    return build_checklist(ctx.facts, ctx.dataset.tables, ctx.settings, report.alerts)
