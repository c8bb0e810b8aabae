"""The planting hook: theme planters run after the base shop on their own random streams."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.sample import Planter, SampleSpec, Tables, build_tables, discover_planters
from helpers.sample.draws import planting_rng

SPEC = SampleSpec(seed=7, end=pd.Timestamp("2026-11-15"), days=60, scale=0.2)


def _bump_prices(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
    items = tables["order_items"].copy()
    rows = rng.choice(len(items), size=5, replace=False)
    items.loc[items.index[rows], "unit_price"] = items["unit_price"].iloc[rows] + 1.0
    return {**tables, "order_items": items}


def _extra_case_noise(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
    cases = tables["after_sales"].copy()
    cases["refund_amount"] = cases["refund_amount"] + rng.integers(0, 2, len(cases))
    return {**tables, "after_sales": cases}


BUMP = Planter(name="bump", plant=_bump_prices, what="five order lines cost one yuan more")
NOISE = Planter(name="noise", plant=_extra_case_noise, what="refunds move by 0 or 1 yuan")


@pytest.fixture(scope="module")
def base() -> Tables:
    return build_tables(SPEC, planters=())


def test_planter_changes_only_its_table(base: Tables) -> None:
    planted = build_tables(SPEC, planters=(BUMP,))
    for name, table in base.items():
        if name != "order_items":
            pd.testing.assert_frame_equal(planted[name], table, obj=name)
    changed = planted["order_items"]["unit_price"] != base["order_items"]["unit_price"]
    assert changed.sum() == 5
    # its draws come from its own stream: the same five rows as a fresh stream picks
    rows = planting_rng(SPEC.seed, "bump").choice(len(base["order_items"]), 5, replace=False)
    assert sorted(np.flatnonzero(changed.to_numpy())) == sorted(rows)


def test_planters_do_not_move_each_others_draws(base: Tables) -> None:
    both = build_tables(SPEC, planters=(BUMP, NOISE))
    alone = build_tables(SPEC, planters=(NOISE,))
    pd.testing.assert_frame_equal(both["after_sales"], alone["after_sales"])
    assert not both["after_sales"]["refund_amount"].equals(base["after_sales"]["refund_amount"])


def test_planter_must_return_every_table(base: Tables) -> None:
    def drop(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
        return {k: v for k, v in tables.items() if k != "market"}

    with pytest.raises(ValueError, match="same tables"):
        build_tables(SPEC, planters=(Planter(name="drop", plant=drop),))


def test_planter_may_add_a_contract_table_but_not_an_unknown_one(base: Tables) -> None:
    terms = pd.DataFrame({"month": [SPEC.end], "term": ["x"], "search_popularity": [1.0]})

    def add(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
        return {**tables, "search_terms": terms}

    def unknown(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
        return {**tables, "not_a_table": terms}

    out = build_tables(SPEC, planters=(Planter(name="add", plant=add),))
    assert set(out) == set(base) | {"search_terms"}
    with pytest.raises(ValueError, match="same tables"):
        build_tables(SPEC, planters=(Planter(name="unknown", plant=unknown),))


def test_discovered_planters_have_unique_names() -> None:
    found = discover_planters()
    assert all(isinstance(p, Planter) for p in found)
    assert len({p.name for p in found}) == len(found)
    assert [p.name for p in found] == sorted(p.name for p in found)
