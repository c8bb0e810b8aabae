"""The planting hook: how a theme adds its own planted facts to the sample shop.

The base shop (every table, the five daily-review problems P1-P5 and the past stock-outs)
is generated first. Then every *planter* runs, in the order of its name, on the finished
tables. A planter draws only from its own random stream (keyed by its name, see
:func:`helpers.sample.draws.planting_rng`), so adding or changing one never moves a random
draw of the base shop or of another planter.

To plant facts for a theme, add a module ``helpers/sample/<theme>.py`` that defines
``PLANTER``::

    from helpers.sample.planting import Planter, SampleSpec, Tables

    def plant_lapsed_buyers(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
        orders = tables["orders"].copy()
        ...  # change or add rows, drawing only from ``rng``
        return {**tables, "orders": orders}

    PLANTER = Planter(name="retention", plant=plant_lapsed_buyers,
                      what="one cohort of 2026-03 buyers lapses after 60 days")

The module is discovered (no list to edit). A planter returns the full mapping of tables
(it may add contract tables the base shop does not generate); it may change rows of any table but must keep the contract columns and write nothing
dated after ``spec.end``. Describe the planted facts in the module (a function returning
them, like :func:`helpers.sample.planted.planted_problems`) so that the theme's tests can
check that the notebook finds them, and add a row to ``data/sample/README.md``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.contract import TABLES
from helpers.sample.draws import planting_rng

#: contract table name -> table
Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class SampleSpec:
    """The options the sample shop is generated with: seed, last day ``end`` (midnight),
    number of ``days`` and volume ``scale``."""

    seed: int
    end: pd.Timestamp
    days: int
    scale: float


@dataclass(frozen=True)
class Planter:
    """A theme's planted facts: ``name`` (stable: it keys the random stream), the function
    ``plant(tables, rng, spec) -> tables`` and a one-line ``what``."""

    name: str
    plant: Callable[[Tables, np.random.Generator, SampleSpec], Tables]
    what: str = ""


def discover_planters() -> tuple[Planter, ...]:
    """Every ``PLANTER`` defined by a module of :mod:`helpers.sample`, sorted by name."""
    import helpers.sample as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        planter = getattr(module, "PLANTER", None)
        if isinstance(planter, Planter):
            found.append(planter)
    names = [p.name for p in found]
    if len(set(names)) != len(names):
        raise ValueError(f"two planters share a name: {sorted(names)}")
    return tuple(sorted(found, key=lambda p: p.name))


def plant(tables: Tables, spec: SampleSpec, planters: tuple[Planter, ...]) -> Tables:
    """Run ``planters`` in order on ``tables``, each with its own random stream.

    Raises
    ------
    ValueError
        When a planter drops a table or returns one the contract does not know (adding a
        contract table the base shop lacks, e.g. ``search_terms``, is allowed).
    """
    for planter in planters:
        out = planter.plant(dict(tables), planting_rng(spec.seed, planter.name), spec)
        if not set(tables) <= set(out) or not set(out) <= set(TABLES):
            raise ValueError(
                f"planter {planter.name!r} must return the same tables (it may add contract "
                "tables, never drop one or add an unknown one)"
            )
        tables = out
    return tables
