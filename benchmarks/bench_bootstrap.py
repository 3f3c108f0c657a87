"""Benchmark: bootstrap CI of pairwise accuracy, rewardkit vs ``scipy.stats.bootstrap``.

Usage::

    python benchmarks/bench_bootstrap.py [--pairs 1000000] [--resamples 1000] [--repeats 3]

Three timings, each the best of ``--repeats`` runs on the same data in the same process:

1. accuracy outcomes in {0, 0.5, 1} (simulated, with ties): ``bootstrap_mean`` takes its
   multinomial fast path; scipy resamples indices.
2. continuous per-item values: ``bootstrap_mean(method="index")``, the generic index path,
   against scipy on the same data.
3. ``pairwise_outcomes`` on ``--pairs`` one-chosen/one-rejected items (no bootstrap).

scipy is called as ``scipy.stats.bootstrap((x,), np.mean, n_resamples=B, method="percentile",
vectorized=True, batch=...)``; ``batch`` only bounds its memory (the default ``--scipy-batch
50`` keeps it near 1 GB for 1M pairs; ``0`` means scipy's default of all resamples at once,
about 16 GB for 1M x 1000).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import scipy
from scipy import stats

from rewardkit.metrics import Estimate, bootstrap_mean, pairwise_outcomes, rng_for

T = TypeVar("T")


def best_time(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Best wall time over ``repeats`` calls, and the last result."""
    best = math.inf
    out: T | None = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    assert out is not None
    return best, out


def mc_sd_of_endpoint(x: np.ndarray, n_resamples: int, confidence: float) -> float:
    """Approximate Monte-Carlo sd of a percentile-CI endpoint (normal approximation)."""
    se = float(x.std(ddof=1)) / math.sqrt(x.size)
    q = (1 - confidence) / 2
    z = stats.norm.ppf(q)
    return se * math.sqrt(q * (1 - q) / n_resamples) / float(stats.norm.pdf(z))


def compare(
    label: str, x: np.ndarray, ours: Callable[[], Estimate], args: argparse.Namespace
) -> None:
    batch = args.scipy_batch or None

    def theirs() -> tuple[float, float]:
        res = stats.bootstrap(
            (x,),
            np.mean,
            n_resamples=args.resamples,
            method="percentile",
            vectorized=True,
            batch=batch,
            rng=np.random.default_rng(args.seed),
        )
        return float(res.confidence_interval.low), float(res.confidence_interval.high)

    t_ours, est = best_time(ours, args.repeats)
    t_scipy, (lo, hi) = best_time(theirs, args.scipy_repeats)
    tol = 4 * math.sqrt(2) * mc_sd_of_endpoint(x, args.resamples, 0.95)
    d_lo, d_hi = est.ci_low - lo, est.ci_high - hi
    agree = abs(d_lo) <= tol and abs(d_hi) <= tol
    print(f"== {label}: n={x.size:,}, resamples={args.resamples}")
    print(f"  rewardkit   {t_ours:9.4f} s   CI [{est.ci_low:.6f}, {est.ci_high:.6f}]")
    print(f"  scipy       {t_scipy:9.4f} s   CI [{lo:.6f}, {hi:.6f}]   (batch={batch})")
    print(f"  speed-up    {t_scipy / t_ours:9.1f}x")
    print(
        f"  CI diff     low {d_lo:+.2e}, high {d_hi:+.2e}; Monte-Carlo tolerance "
        f"(4 sd of a difference) {tol:.2e} -> {'agree' if agree else 'DISAGREE'}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3, help="repeats for rewardkit timings")
    ap.add_argument("--scipy-repeats", type=int, default=2, help="repeats for scipy timings")
    ap.add_argument("--scipy-batch", type=int, default=50, help="0: all resamples at once")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-index", action="store_true", help="skip the generic-path timing")
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    n = args.pairs
    print(f"numpy {np.__version__}, scipy {scipy.__version__}")

    # 1. accuracy outcomes: the model wins 70%, ties 5%, loses 25%
    outcomes = rng.choice(np.array([1.0, 0.5, 0.0]), size=n, p=[0.70, 0.05, 0.25])
    compare(
        "accuracy (multinomial fast path)",
        outcomes,
        lambda: bootstrap_mean(
            outcomes, n_resamples=args.resamples, rng=rng_for(args.seed, "accuracy", "all")
        ),
        args,
    )

    # 2. continuous values (e.g. per-item margins): the generic index-resampling path
    if not args.skip_index:
        margins = rng.normal(0.3, 1.0, size=n)
        compare(
            "continuous values (index path)",
            margins,
            lambda: bootstrap_mean(
                margins,
                n_resamples=args.resamples,
                rng=rng_for(args.seed, "margin", "all"),
                method="index",
            ),
            args,
        )

    # 3. per-item pairwise outcomes from raw scores
    scores = rng.normal(size=2 * n).round(2)
    item = np.repeat(np.arange(n), 2)
    chosen = np.tile(np.array([True, False]), n)
    t_pw, acc = best_time(lambda: pairwise_outcomes(scores, item, chosen, n), args.repeats)
    print(f"== pairwise_outcomes on {n:,} items (2 responses each): {t_pw:.4f} s")
    print(f"  mean accuracy {float(np.mean(acc)):.6f}")


if __name__ == "__main__":
    main()
