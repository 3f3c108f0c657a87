"""Benchmark: best-of-n curves, fits and gamma with bootstrap CIs, vectorised vs a naive loop.

Usage::

    python benchmarks/bench_bon.py [--prompts 10000] [--candidates 16] [--resamples 1000]
        [--repeats 3]

Timings, each the best of ``--repeats`` runs on the same simulated data in the same process:

(a) ``rewardkit.rl.bon.analyse`` for one proxy: the exact order-statistics curves, both fits,
    gamma and every per-point CI over ``--resamples`` resamples of ``--prompts`` prompts with
    ``--candidates`` candidates each;
(b) the naive reference on a tenth of the resamples, scaled up: per resample, redraw prompt
    indices and recompute each prompt's best-of-n curve with ``expected_best_of_n``.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

import numpy as np

from rewardkit.rl.bon import analyse, expected_best_of_n


def best_of(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=16)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    gold = [rng.normal(size=args.candidates) for _ in range(args.prompts)]
    proxy = [g + rng.normal(size=args.candidates) for g in gold]

    vectorised = best_of(lambda: analyse([proxy], gold, n_resamples=args.resamples), args.repeats)

    def naive() -> None:
        for _ in range(max(1, args.resamples // 10)):
            idx = rng.integers(0, args.prompts, size=args.prompts)
            np.mean([expected_best_of_n(proxy[i], gold[i]) for i in idx.tolist()], axis=0)

    naive_s = best_of(naive, 1) * args.resamples / max(1, args.resamples // 10)
    print(f"{platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(
        f"analyse: {args.prompts} prompts x {args.candidates} candidates, "
        f"{args.resamples} resamples: {vectorised:.3f} s"
    )
    print(
        f"naive per-resample loop (curves only, extrapolated): {naive_s:.1f} s "
        f"({naive_s / vectorised:.0f}x slower)"
    )


if __name__ == "__main__":
    main()
