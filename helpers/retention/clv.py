"""Customer lifetime value: historic, and predicted with the buy-till-you-die models
BG/NBD (purchase counts, Fader, Hardie & Lee 2005) and Gamma-Gamma (spend per purchase,
Fader, Hardie & Lee 2005 "RFM and CLV").

Inputs follow the models' convention (:func:`btyd_summary`): purchases of a customer on the
same day are one purchase occasion; ``frequency`` x = repeat occasions (occasions - 1);
``recency`` t_x = time from the first to the last occasion; ``T`` = time from the first
occasion to the end of the calibration period; ``monetary`` = mean value of the repeat
occasions (the first one excluded). Time is in weeks (``UNIT_DAYS = 7``) unless stated.

The likelihoods are maximised with :func:`scipy.optimize.minimize` on the log of the
parameters. A fit that does not converge, or lands on implausible parameters, raises
:class:`ModelFitError`; callers then show historic value only (never numbers of a failed fit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from helpers.facts import as_day

#: Days in the model time unit (a week, as in the published CDNOW results).
UNIT_DAYS = 7
UNIT_NAME = "week"
#: Parameters outside [1e-6, 1e6] mean the optimiser ran away: treated as a failed fit.
_PARAM_BOUNDS = (1e-6, 1e6)
SUMMARY_COLUMNS = ["customer_id", "frequency", "recency", "T", "monetary"]


class ModelFitError(RuntimeError):
    """The model could not be fitted (too little data, no convergence, runaway parameters)."""


def btyd_summary(
    transactions: pd.DataFrame,
    end: Any,
    *,
    amount: str = "net_amount",
    unit_days: float = UNIT_DAYS,
) -> pd.DataFrame:
    """Frequency, recency, T and mean repeat value per customer, as of the end of ``end``.

    Parameters
    ----------
    transactions : rows with ``customer_id``, ``date`` (day) and the ``amount`` column; rows
        after ``end`` are ignored.
    end : last day of the calibration period.
    amount : the money column (``net_amount`` for purchases, dollars for CDNOW).
    unit_days : days per model time unit.

    Returns
    -------
    DataFrame with :data:`SUMMARY_COLUMNS`: ``frequency`` = distinct purchase days - 1;
    ``recency = (last day - first day) / unit_days``; ``T = (end - first day) / unit_days``;
    ``monetary`` = mean of the per-day sums after the first day (0 when frequency is 0).
    """
    day = as_day(end)
    t = transactions.loc[transactions["date"] <= day, ["customer_id", "date", amount]]
    occ = t.groupby(["customer_id", "date"], sort=True)[amount].sum().reset_index()
    g = occ.groupby("customer_id", sort=True)
    first, last = g["date"].min(), g["date"].max()
    n, total = g.size(), g[amount].sum()
    first_value = g[amount].first()
    frequency = (n - 1).astype("int64")
    repeat_total = total - first_value
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first).dt.days / unit_days,
            "T": (day - first).dt.days / unit_days,
            "monetary": (repeat_total / frequency.where(frequency > 0)).fillna(0.0),
        }
    )
    return out.rename_axis("customer_id").reset_index().loc[:, SUMMARY_COLUMNS]


# --------------------------------------------------------------------------- BG/NBD


@dataclass(frozen=True)
class BgNbd:
    """A fitted BG/NBD model.

    Attributes
    ----------
    r, alpha : float
        Gamma heterogeneity of the purchase rate lambda (shape r, rate alpha, in
        ``unit``: the mean rate is r / alpha purchases per unit).
    a, b : float
        Beta heterogeneity of the drop-out probability p after each purchase (mean
        a / (a + b)).
    loglik : float
        Log-likelihood at the optimum.
    customers : int
        Customers the model was fitted on.
    unit : str
        Time unit of ``alpha``, recency and T (``week``).
    """

    r: float
    alpha: float
    a: float
    b: float
    loglik: float
    customers: int
    unit: str = UNIT_NAME

    def params(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


def bgnbd_loglik(params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6).

    ``L = B(a, b+x)/B(a, b) * G(r+x)/G(r) * alpha^r * [(alpha+T)^-(r+x)
    + 1{x>0} * a/(b+x-1) * (alpha+t_x)^-(r+x)]`` (B and G the Beta and Gamma functions;
    the Beta ratio is written with Gamma functions below).
    """
    r, alpha, a, b = params
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx),
            -np.inf,
        )
    return a1 + a2 + np.logaddexp(a3, a4)


class _Distinct:
    """The distinct values of an array and where each element finds its value, so that a
    function of that value alone is evaluated once per distinct value (the same numbers as
    evaluating it per element, in a fraction of the time: many customers share x, t_x, T)."""

    def __init__(self, values: np.ndarray) -> None:
        self.values, self.index = np.unique(values, return_inverse=True)

    def spread(self, per_value: np.ndarray) -> np.ndarray:
        return per_value[self.index]


class BgNbdLikelihood:
    """:func:`bgnbd_loglik` for fixed data and any parameters, each term that depends on
    x, t_x or T alone computed once per distinct value; the per-customer values are
    identical to :func:`bgnbd_loglik`'s (same operations, same order)."""

    def __init__(self, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> None:
        self.x, self.tx, self.T = _Distinct(x), _Distinct(tx), _Distinct(T)
        self.repeat = x > 0

    def __call__(self, params: np.ndarray) -> np.ndarray:
        r, alpha, a, b = params
        ux, spread = self.x.values, self.x.spread
        a1 = special.gammaln(r + ux) - special.gammaln(r) + r * np.log(alpha)
        a2 = (
            special.gammaln(a + b)
            + special.gammaln(b + ux)
            - special.gammaln(b)
            - special.gammaln(a + b + ux)
        )
        power = spread(r + ux)
        a3 = -power * self.T.spread(np.log(alpha + self.T.values))
        with np.errstate(divide="ignore", invalid="ignore"):
            lead = spread(np.log(a) - np.log(np.maximum(b + ux - 1, 1e-300)))
            a4 = np.where(
                self.repeat, lead - power * self.tx.spread(np.log(alpha + self.tx.values)), -np.inf
            )
        return spread(a1) + spread(a2) + np.logaddexp(a3, a4)


class GammaGammaLikelihood:
    """:func:`gamma_gamma_loglik` for fixed data and any parameters (terms of x alone once
    per distinct x, the logs of the data once); the same values as that function."""

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        self.x = _Distinct(x)
        self.log_m, self.log_x = np.log(m), self.x.spread(np.log(self.x.values))
        self.xm = x * m

    def __call__(self, params: np.ndarray) -> np.ndarray:
        p, q, g = params
        ux = self.x.values
        px_u = p * ux
        head = (
            special.gammaln(px_u + q) - special.gammaln(px_u) - special.gammaln(q) + q * np.log(g)
        )
        px = self.x.spread(px_u)
        return (
            self.x.spread(head)
            + (px - 1) * self.log_m
            + px * self.log_x
            - self.x.spread(px_u + q) * np.log(g + self.xm)
        )


def _fit(negll, start: np.ndarray, names: tuple[str, ...]) -> tuple[np.ndarray, float]:
    res = optimize.minimize(negll, np.log(start), method="L-BFGS-B")
    if not res.success:
        res = optimize.minimize(negll, res.x, method="Nelder-Mead", options={"maxiter": 4000})
    params = np.exp(res.x)
    lo, hi = _PARAM_BOUNDS
    if not res.success or not np.all(np.isfinite(params)) or np.any((params < lo) | (params > hi)):
        shown = ", ".join(f"{n}={v:.3g}" for n, v in zip(names, params, strict=True))
        raise ModelFitError(f"the fit did not converge ({shown}): {res.message}")
    return params, float(-res.fun)


def _grouped(summary: pd.DataFrame, cols: list[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Identical rows once, with their counts as weights (many customers share x = 0, T)."""
    g = summary.groupby(cols, sort=False).size().reset_index(name="n")
    return [g[c].to_numpy(dtype="float64") for c in cols], g["n"].to_numpy(dtype="float64")


def fit_bgnbd(summary: pd.DataFrame) -> BgNbd:
    """Maximum-likelihood BG/NBD fit on :func:`btyd_summary` output.

    Raises :class:`ModelFitError` when there are no repeat purchases or the fit fails.
    """
    if summary.empty or not (summary["frequency"] > 0).any():
        raise ModelFitError("no customer bought twice: the purchase model cannot be fitted")
    (x, tx, T), w = _grouped(summary, ["frequency", "recency", "T"])
    scale = w.sum()
    loglik = BgNbdLikelihood(x, tx, T)

    def negll(logp: np.ndarray) -> float:
        value = -(w * loglik(np.exp(logp))).sum() / scale
        return value if np.isfinite(value) else 1e10

    params, ll = _fit(negll, np.array([1.0, 1.0, 1.0, 1.0]), ("r", "alpha", "a", "b"))
    r, alpha, a, b = (float(p) for p in params)
    return BgNbd(r, alpha, a, b, loglik=ll * scale, customers=int(scale))


def expected_purchases(model: BgNbd, t: float, x: Any, tx: Any, T: Any) -> np.ndarray:
    """Expected purchases in the next ``t`` units of a customer with history (x, t_x, T)
    (Fader, Hardie & Lee 2005, eq. 10)::

        E[Y(t)] = (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
                  * 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
                  / (1 + 1{x>0} * a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x))
    """
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    x, tx, T = (np.asarray(v, dtype="float64") for v in (x, tx, T))
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    first = (a + b + x - 1) / (a - 1)
    second = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
    return first * second / _alive_denominator(model, x, tx, T)


def _alive_denominator(model: BgNbd, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.where(
            x > 0, a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + tx)) ** (r + x), 0
        )
    return 1 + odds


def probability_alive(model: BgNbd, x: Any, tx: Any, T: Any) -> np.ndarray:
    """P(still a customer | x, t_x, T) = 1 / (1 + 1{x>0} a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

    A customer who never bought again (x = 0) is alive with probability 1 under BG/NBD
    (drop-out happens only right after a purchase).
    """
    x, tx, T = (np.asarray(v, dtype="float64") for v in (x, tx, T))
    return 1 / _alive_denominator(model, x, tx, T)


# --------------------------------------------------------------------------- Gamma-Gamma


@dataclass(frozen=True)
class GammaGamma:
    """A fitted Gamma-Gamma spend model.

    Attributes
    ----------
    p : float
        Shape of the Gamma distribution of one purchase's value around the customer mean.
    q, gamma : float
        Shape and rate of the Gamma heterogeneity of the customer's scale nu (the population
        mean spend per purchase is ``p * gamma / (q - 1)``).
    loglik : float
    customers : int
        Repeat buyers the model was fitted on.
    """

    p: float
    q: float
    gamma: float
    loglik: float
    customers: int

    def params(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}


def gamma_gamma_loglik(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of the mean repeat value m over x purchases::

    log L = lgG(px+q) - lgG(px) - lgG(q) + q log(gamma) + (px-1) log(m) + px log(x)
            - (px+q) log(gamma + x m)
    """
    p, q, g = params
    return (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(g)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(g + x * m)
    )


def fit_gamma_gamma(summary: pd.DataFrame) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma fit on the repeat buyers (frequency > 0, monetary > 0)."""
    rep = summary.loc[(summary["frequency"] > 0) & (summary["monetary"] > 0)]
    if len(rep) < 2:
        raise ModelFitError("too few repeat buyers to fit the spend model")
    x = rep["frequency"].to_numpy(dtype="float64")
    m = rep["monetary"].to_numpy(dtype="float64")
    loglik = GammaGammaLikelihood(x, m)

    def negll(logp: np.ndarray) -> float:
        value = -loglik(np.exp(logp)).mean()
        return value if np.isfinite(value) else 1e10

    params, ll = _fit(negll, np.array([1.0, 1.0, 1.0]), ("p", "q", "gamma"))
    if params[1] <= 1:
        raise ModelFitError(f"spend model: q = {params[1]:.3g} <= 1 gives no finite mean spend")
    p, q, gamma = (float(v) for v in params)
    return GammaGamma(p, q, gamma, loglik=ll * len(rep), customers=len(rep))


def expected_spend(model: GammaGamma, x: Any, m: Any) -> np.ndarray:
    """Expected value of a future purchase given x repeat purchases of mean value m::

    E[M | x, m] = p (gamma + x m) / (p x + q - 1)

    (x = 0 gives the population mean ``p gamma / (q - 1)``).
    """
    x, m = np.asarray(x, dtype="float64"), np.asarray(m, dtype="float64")
    return model.p * (model.gamma + x * m) / (model.p * x + model.q - 1)
