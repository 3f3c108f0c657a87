"""Domain shift: the robustness gap between in-domain and held-out-domain accuracy, and
accuracy re-weighted to a target domain mix, each with a bootstrap CI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from rewardkit.metrics.bootstrap import (
    bootstrap_weighted,
    percentile_ci,
    resample_means,
    rng_for,
)
from rewardkit.metrics.estimate import Estimate


def robustness_gap(
    in_domain: npt.ArrayLike,
    held_out: npt.ArrayLike,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Estimate:
    """In-domain minus held-out-domain mean accuracy; the two item sets are resampled
    independently (they are different items), so the CI is of the difference of means.

    Example:
        >>> est = robustness_gap([1, 1, 1, 0] * 50, [1, 0, 0, 0] * 50, n_resamples=200)
        >>> round(est.value, 2), est.ci_low > 0
        (0.5, True)
    """
    a = np.asarray(in_domain, dtype=np.float64)
    b = np.asarray(held_out, dtype=np.float64)
    gaps = resample_means(a, n_resamples, rng_for(seed, "gap", "in")) - resample_means(
        b, n_resamples, rng_for(seed, "gap", "out")
    )
    low, high = percentile_ci(gaps, confidence)
    return Estimate(float(a.mean() - b.mean()), low, high, int(a.size + b.size))


def domain_weights(domains: Sequence[str], target: Mapping[str, float] | None = None) -> np.ndarray:
    """Importance weights that give each domain its ``target`` share (default: equal shares
    for the domains present); domains absent from the target get weight 0.

    Example:
        >>> domain_weights(["a", "a", "a", "b"]).tolist()
        [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
    """
    names, inverse, counts = np.unique(
        np.asarray(domains, dtype=str), return_inverse=True, return_counts=True
    )
    n = len(domains)
    if target is None:
        share = np.full(names.size, 1.0 / names.size)
    else:
        total = sum(target.values())
        share = np.array([target.get(str(d), 0.0) / total for d in names])
    per_domain = share / (counts / n)
    return np.asarray(per_domain[inverse], dtype=np.float64)


def reweighted_accuracy(
    outcomes: npt.ArrayLike,
    domains: Sequence[str],
    target: Mapping[str, float] | None = None,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Estimate:
    """Accuracy re-weighted to a target domain mix (default: every domain counts equally),
    with a bootstrap CI over items.

    Example:
        >>> est = reweighted_accuracy([1, 1, 1, 0], ["a", "a", "a", "b"], n_resamples=100)
        >>> est.value
        0.5
    """
    o = np.asarray(outcomes, dtype=np.float64)
    w = domain_weights(domains, target)
    value = float((w * o).sum() / w.sum())
    low, high = bootstrap_weighted(
        lambda counts: (counts @ (w * o)) / np.maximum(counts @ w, 1e-300),
        o.size,
        n_resamples=n_resamples,
        confidence=confidence,
        rng=rng_for(seed, "reweighted"),
        label="reweighted accuracy",
    )
    return Estimate(value, low, high, int(o.size))
