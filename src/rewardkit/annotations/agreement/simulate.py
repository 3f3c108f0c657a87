"""Annotation design helper: how much agreement will a rating campaign reach?

Each simulated campaign draws a true score per item uniformly over the scale, a bias per
annotator ``~ N(0, bias_sd)`` and independent noise ``~ N(0, noise_sd)`` per rating, rounds to
the nearest scale point and clips to the scale, then computes Krippendorff's alpha. All
campaigns are simulated and scored together (one coincidence matrix per campaign).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from rewardkit.annotations.agreement._values import FloatArray, Level, check_level
from rewardkit.annotations.agreement.krippendorff import alpha_from_coincidences
from rewardkit.metrics import rng_for

__all__ = ["SimulationResult", "simulate_campaign"]

#: Ratings simulated per chunk of campaigns.
_CHUNK_RATINGS = 1 << 22


@dataclass(frozen=True)
class SimulationResult:
    """Distribution of alpha over simulated campaigns.

    Attributes:
        expected_alpha: Mean alpha over the campaigns (undefined ones left out).
        alpha_quantiles: 5%, 50% and 95% quantiles of alpha.
        p_reach_target: Share of campaigns whose alpha is at least the target.
        n_simulations: Campaigns simulated.
    """

    expected_alpha: float
    alpha_quantiles: tuple[float, float, float]
    p_reach_target: float
    n_simulations: int

    def to_json(self) -> dict[str, object]:
        """JSON form (NaN as ``None``).

        Example:
            >>> SimulationResult(0.7, (0.6, 0.7, 0.8), 0.9, 10).to_json()["alpha_quantiles"]
            [0.6, 0.7, 0.8]
        """

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return {
            "expected_alpha": num(self.expected_alpha),
            "alpha_quantiles": [num(q) for q in self.alpha_quantiles],
            "p_reach_target": num(self.p_reach_target),
            "n_simulations": self.n_simulations,
        }


def _campaign_alphas(
    n_sims: int,
    n_items: int,
    n_annotators: int,
    noise_sd: float,
    bias_sd: float,
    scale: tuple[int, int],
    level: Level,
    rng: np.random.Generator,
) -> FloatArray:
    low, high = scale
    n_vals = high - low + 1
    true = rng.uniform(low, high, size=(n_sims, n_items, 1))
    bias = rng.normal(0.0, bias_sd, size=(n_sims, 1, n_annotators))
    noise = rng.normal(0.0, noise_sd, size=(n_sims, n_items, n_annotators))
    pos = np.clip(np.rint(true + bias + noise), low, high).astype(np.int64) - low
    unit = np.arange(n_sims * n_items, dtype=np.int64).reshape(n_sims, n_items, 1)
    counts = np.bincount((unit * n_vals + pos).ravel(), minlength=n_sims * n_items * n_vals)
    c = counts.reshape(n_sims, n_items, n_vals).astype(np.float64)
    o = np.matmul(c.transpose(0, 2, 1), c)  # sum over units of c c^T, per campaign
    diag = np.arange(n_vals)
    o[:, diag, diag] -= c.sum(axis=1)
    o /= n_annotators - 1.0  # every unit has all n_annotators ratings
    domain = np.arange(low, high + 1, dtype=np.float64)
    return alpha_from_coincidences(o, domain, level)


def simulate_campaign(
    n_annotators: int,
    n_items: int,
    noise_sd: float,
    *,
    scale: tuple[int, int] = (1, 5),
    bias_sd: float = 0.3,
    level: Level = "interval",
    target: float = 0.6,
    n_simulations: int = 200,
    seed: int = 0,
) -> SimulationResult:
    """Simulate rating campaigns and the Krippendorff's alpha they would reach.

    Args:
        n_annotators: Annotators rating every item (>= 2).
        n_items: Items per campaign (>= 1).
        noise_sd: Standard deviation of each rating's noise, in scale points.
        scale: Integer Likert scale ``(low, high)``.
        bias_sd: Standard deviation of each annotator's constant bias.
        level: Level of measurement of alpha.
        target: Alpha the campaign aims for.
        n_simulations: Campaigns to simulate.
        seed: Seed (stream ``rng_for(seed, "simulate_campaign")``).

    Returns:
        Expected alpha, its 5/50/95% quantiles and the chance of reaching ``target``.

    Example:
        >>> res = simulate_campaign(3, 200, noise_sd=0.5, n_simulations=50)
        >>> bool(0.6 < res.expected_alpha < 1.0), res.n_simulations
        (True, 50)
    """
    lvl = check_level(level)
    if n_annotators < 2 or n_items < 1 or n_simulations < 1:
        raise ValueError("need n_annotators >= 2, n_items >= 1 and n_simulations >= 1")
    if noise_sd < 0 or bias_sd < 0:
        raise ValueError("noise_sd and bias_sd must be non-negative")
    low, high = int(scale[0]), int(scale[1])
    if (low, high) != tuple(scale) or low >= high:
        raise ValueError(f"scale must be two integers low < high, got {scale}")
    rng = rng_for(seed, "simulate_campaign")
    per_chunk = max(1, _CHUNK_RATINGS // (n_items * n_annotators))
    alphas = np.concatenate(
        [
            _campaign_alphas(
                min(per_chunk, n_simulations - start),
                n_items,
                n_annotators,
                noise_sd,
                bias_sd,
                (low, high),
                lvl,
                rng,
            )
            for start in range(0, n_simulations, per_chunk)
        ]
    )
    valid = alphas[~np.isnan(alphas)]
    if valid.size == 0:
        nan = float("nan")
        return SimulationResult(nan, (nan, nan, nan), nan, n_simulations)
    q05, q50, q95 = (float(q) for q in np.quantile(valid, [0.05, 0.5, 0.95]))
    return SimulationResult(
        expected_alpha=float(valid.mean()),
        alpha_quantiles=(q05, q50, q95),
        p_reach_target=float((alphas >= target).mean()),
        n_simulations=n_simulations,
    )
