"""Paired comparisons of two reward models on the same items: bootstrap CI of the accuracy
difference and McNemar's test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from rewardkit.metrics.bootstrap import bootstrap_mean, rng_for
from rewardkit.metrics.estimate import Estimate


@dataclass(frozen=True)
class McNemar:
    """McNemar's test on paired correctness: ``b`` items only A got right, ``c`` only B.

    Exact binomial test (two-sided) when ``b + c < 25``, else the chi-square statistic with
    continuity correction, as statsmodels' ``mcnemar(exact=..., correction=True)``.
    """

    b: int
    c: int
    statistic: float
    p_value: float
    exact: bool


def mcnemar(correct_a: npt.ArrayLike, correct_b: npt.ArrayLike) -> McNemar:
    """McNemar's test of two classifiers' correctness on the same items.

    Example:
        >>> r = mcnemar([1, 1, 1, 0, 1, 1], [0, 0, 1, 0, 0, 1])
        >>> r.b, r.c, r.exact, round(r.p_value, 4)
        (3, 0, True, 0.25)
    """
    a = np.asarray(correct_a, dtype=bool)
    b_ = np.asarray(correct_b, dtype=bool)
    b = int(np.sum(a & ~b_))
    c = int(np.sum(~a & b_))
    n = b + c
    if n == 0:
        return McNemar(b, c, 0.0, 1.0, True)
    if n < 25:
        p = min(1.0, 2.0 * float(stats.binom.cdf(min(b, c), n, 0.5)))
        return McNemar(b, c, float(min(b, c)), p, True)
    chi2 = (abs(b - c) - 1.0) ** 2 / n
    return McNemar(b, c, chi2, float(stats.chi2.sf(chi2, 1)), False)


@dataclass(frozen=True)
class PairedComparison:
    """Accuracy of A and B on shared items, their difference (A - B) with a paired CI."""

    n: int
    accuracy_a: float
    accuracy_b: float
    difference: Estimate
    mcnemar: McNemar

    @property
    def verdict(self) -> str:
        """ "A better" / "B better" when the CI of the difference excludes 0, else
        "no significant difference"."""
        d = self.difference
        if d.ci_low > 0:
            return "A better"
        if d.ci_high < 0:
            return "B better"
        return "no significant difference"

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "accuracy_a": self.accuracy_a,
            "accuracy_b": self.accuracy_b,
            "difference": self.difference.to_json(),
            "mcnemar": {
                "b": self.mcnemar.b,
                "c": self.mcnemar.c,
                "statistic": self.mcnemar.statistic,
                "p_value": self.mcnemar.p_value,
                "exact": self.mcnemar.exact,
            },
            "verdict": self.verdict,
        }


def paired_comparison(
    outcomes_a: npt.ArrayLike,
    outcomes_b: npt.ArrayLike,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    label: str = "all",
) -> PairedComparison:
    """Compare per-item accuracy outcomes (in [0, 1], same items in the same order).

    The CI resamples items, keeping each item's pair of outcomes together (a paired
    bootstrap). McNemar counts an item as correct when its outcome is above 0.5.

    Example:
        >>> res = paired_comparison([1, 1, 1, 1, 0.5, 1] * 20, [0, 1, 0, 1, 0.5, 0] * 20)
        >>> res.verdict, round(res.difference.value, 3)
        ('A better', 0.5)
    """
    a = np.asarray(outcomes_a, dtype=np.float64)
    b = np.asarray(outcomes_b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"outcome arrays differ in shape: {a.shape} vs {b.shape}")
    diff = bootstrap_mean(
        a - b,
        n_resamples=n_resamples,
        confidence=confidence,
        rng=rng_for(seed, "paired-difference", label),
    )
    return PairedComparison(
        n=int(a.size),
        accuracy_a=float(a.mean()) if a.size else float("nan"),
        accuracy_b=float(b.mean()) if b.size else float("nan"),
        difference=diff,
        mcnemar=mcnemar(a > 0.5, b > 0.5),
    )
