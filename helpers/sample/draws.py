"""Seeded random streams and the vectorised draws every generator shares.

Each generator draws from its own stream ``default_rng([seed, stream])`` (the stream numbers
are listed in :mod:`helpers.sample.build`), so changing one table's draws never moves another
table's numbers. Planted facts added by themes draw from streams keyed by the theme's name
(:func:`planting_rng`), apart from every stream of the base shop.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

#: First key of the planting streams: ``default_rng([seed, PLANTING, crc32(name)])``.
PLANTING = 1000


def stream(seed: int, number: int) -> np.random.Generator:
    """The random stream ``number`` of the base shop for ``seed``."""
    return np.random.default_rng([seed, number])


def planting_rng(seed: int, name: str) -> np.random.Generator:
    """The random stream of the planting hook ``name`` (stable across runs and machines)."""
    return np.random.default_rng([seed, PLANTING, zlib.crc32(name.encode("utf-8"))])


def charm(x: np.ndarray) -> np.ndarray:
    """Round prices to the nearest ``...9`` yuan (charm pricing), at least 9."""
    return np.maximum(np.round((x + 1) / 10) * 10 - 1, 9.0)


def sample_idx(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Draw ``size`` indices with probability proportional to ``weights``."""
    cdf = np.cumsum(weights)
    return np.minimum(np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right"), len(cdf) - 1)


def sample_rows(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category per element; ``probs[rows[i]]`` is the distribution of element i."""
    cdf = np.cumsum(probs, axis=1)
    cdf = cdf / cdf[:, -1:]
    u = rng.random(len(rows))
    return np.minimum((u[:, None] > cdf[rows]).sum(axis=1), probs.shape[1] - 1)


def lognormal(rng: np.random.Generator, sigma: float, size: Any) -> np.ndarray:
    """Multiplicative noise with mean 1: ``exp(N(-sigma^2/2, sigma))``."""
    return np.exp(rng.normal(-0.5 * sigma**2, sigma, size=size))
