"""Seeded, vectorised simulations of experiments that check the error rates the analysis
promises: the same test functions run on thousands of simulated experiments at once.

* :func:`simulate_fixed`: rejection rate of the fixed-horizon two-proportion test (A/A: the
  false-positive rate; effect at the MDE: the power).
* :func:`simulate_peeking`: A/A experiments looked at every ``look_every`` units; the share
  in which the naive two-proportion test rejects at *some* look, and the share in which the
  mSPRT always-valid p-value does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rewardkit.abtest.inference import two_proportion
from rewardkit.abtest.sequential import binary_msprt_p

__all__ = ["PeekingResult", "simulate_fixed", "simulate_peeking"]


def simulate_fixed(
    n_experiments: int,
    n_control: int,
    n_treatment: int,
    p_control: float,
    p_treatment: float,
    alpha: float = 0.05,
    seed: int = 0,
) -> float:
    """Share of simulated experiments in which the two-proportion test rejects at ``alpha``.

    Example:
        >>> 0.0 <= simulate_fixed(200, 500, 500, 0.3, 0.3, seed=1) <= 0.15
        True
    """
    rng = np.random.default_rng(seed)
    xc = rng.binomial(n_control, p_control, size=n_experiments)
    xt = rng.binomial(n_treatment, p_treatment, size=n_experiments)
    res = two_proportion(xc, n_control, xt, n_treatment, alpha)
    return float(np.mean(res.p_value < alpha))


@dataclass(frozen=True)
class PeekingResult:
    """Rejection rates over the experiments when every look may stop the experiment."""

    n_experiments: int
    n_units: int
    n_looks: int
    naive: float
    msprt: float
    final_look_naive: float


def simulate_peeking(
    n_experiments: int,
    n_units: int,
    look_every: int,
    p: float,
    tau: float,
    alpha: float = 0.05,
    treatment_share: float = 0.5,
    seed: int = 0,
    chunk: int = 250,
) -> PeekingResult:
    """A/A experiments (both arms rate ``p``), units assigned at random, looked at every
    ``look_every`` units.

    Example:
        >>> r = simulate_peeking(100, 1000, 100, 0.2, 0.05, seed=1)
        >>> r.n_looks, r.msprt <= r.naive
        (10, True)
    """
    rng = np.random.default_rng(seed)
    looks = np.arange(look_every, n_units + 1, look_every) - 1
    naive = msprt = final = 0
    done = 0
    while done < n_experiments:
        e = min(chunk, n_experiments - done)
        treat = rng.random((e, n_units)) < treatment_share
        y = rng.random((e, n_units)) < p
        nt = np.cumsum(treat, axis=1)[:, looks]
        xt = np.cumsum(treat & y, axis=1)[:, looks]
        xall = np.cumsum(y, axis=1)[:, looks]
        nc = (looks + 1) - nt
        xc: npt.NDArray[np.int64] = xall - xt
        with np.errstate(divide="ignore", invalid="ignore"):
            p_naive = two_proportion(xc, nc, xt, nt, alpha).p_value
        p_naive = np.where((nc > 0) & (nt > 0), p_naive, 1.0)
        naive += int(np.sum((p_naive < alpha).any(axis=1)))
        final += int(np.sum(p_naive[:, -1] < alpha))
        msprt += int(np.sum(binary_msprt_p(xc, nc, xt, nt, tau, axis=1)[:, -1] <= alpha))
        done += e
    n = float(n_experiments)
    return PeekingResult(n_experiments, n_units, int(looks.size), naive / n, msprt / n, final / n)
