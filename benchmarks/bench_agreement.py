"""Benchmark: Krippendorff's alpha and its bootstrap CI, rewardkit vs the ``krippendorff`` package.

Usage::

    python benchmarks/bench_agreement.py [--items 15000] [--annotators 5] [--criteria 4]
        [--resamples 1000] [--big-items 1000000] [--repeats 3]

Timings, each the best of ``--repeats`` runs on the same simulated data in the same process:

(a) ``alpha_ci`` (point estimate + ``--resamples`` bootstrap resamples over items) for every
    criterion of ``--items`` x ``--annotators`` Likert 1-5 ratings with ~10% missing, summed over
    ``--criteria`` criteria; plus the whole ``agreement_report`` on the same table (alpha,
    Fleiss, pairwise Cohen, domains, flags, leniency, pooled alpha: ~20 bootstraps).
(b) the alpha point estimate on ``--big-items`` x ``--annotators`` against
    ``krippendorff.alpha(reliability_data=data.T, level_of_measurement=...,
    value_domain=[1..5])`` (the package wants raters x units), with the ratio.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Callable
from typing import TypeVar

import krippendorff
import numpy as np
import pandas as pd

from rewardkit.annotations.agreement import agreement_report, alpha, alpha_ci
from rewardkit.metrics import rng_for

T = TypeVar("T")
VALUES = [1, 2, 3, 4, 5]


def best_time(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Best wall time over ``repeats`` calls, and the last result."""
    best = math.inf
    result: T | None = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def likert(rng: np.random.Generator, n_items: int, n_ann: int, noise: float) -> np.ndarray:
    """Items x annotators ratings on 1..5 (true score + annotator bias + noise), 10% missing."""
    true = rng.integers(1, 6, size=(n_items, 1)).astype(np.float64)
    bias = rng.normal(0.0, 0.3, size=(1, n_ann))
    data = np.clip(np.rint(true + bias + rng.normal(0.0, noise, (n_items, n_ann))), 1, 5)
    data[rng.random(data.shape) < 0.1] = np.nan
    return data


def long_form(matrices: list[np.ndarray]) -> pd.DataFrame:
    """The ratings table of one matrix per criterion."""
    frames = []
    for c, data in enumerate(matrices):
        item, ann = np.nonzero(~np.isnan(data))
        frames.append(
            pd.DataFrame(
                {
                    "item_id": pd.Series(item).map("i{:06d}".format),
                    "prompt_id": pd.Series(item // 2).map("p{:06d}".format),
                    "annotator_id": pd.Series(ann).map("a{}".format),
                    "criterion": f"criterion{c}",
                    "value": data[item, ann],
                    "domain": np.array(["chat", "code", "math"])[item % 3],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=15_000)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--criteria", type=int, default=4)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--big-items", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")

    matrices = [
        likert(rng, args.items, args.annotators, noise) for noise in np.linspace(0.5, 1.2, 4)
    ][: args.criteria]

    def all_criteria() -> list[float]:
        return [
            alpha_ci(
                m, "interval", VALUES, n_resamples=args.resamples, rng=rng_for(0, "alpha", str(c))
            ).value
            for c, m in enumerate(matrices)
        ]

    seconds, values = best_time(all_criteria, args.repeats)
    print(
        f"(a) alpha + {args.resamples}-resample CI, {args.items} items x {args.annotators} "
        f"annotators x {args.criteria} criteria: {seconds:.3f} s total "
        f"(alphas {', '.join(f'{v:.3f}' for v in values)})"
    )
    table = long_form(matrices)
    seconds, _ = best_time(
        lambda: agreement_report(
            table, level="interval", values=VALUES, n_resamples=args.resamples
        ),
        args.repeats,
    )
    print(f"    full agreement_report on the same {len(table)} ratings: {seconds:.3f} s")

    big = likert(rng, args.big_items, args.annotators, 0.8)
    for level in ("interval", "ordinal"):
        ours_s, ours = best_time(lambda lv=level: alpha(big, lv, VALUES), args.repeats)
        pkg_s, pkg = best_time(
            lambda lv=level: krippendorff.alpha(
                reliability_data=big.T, level_of_measurement=lv, value_domain=VALUES
            ),
            args.repeats,
        )
        print(
            f"(b) alpha point estimate, {args.big_items} x {args.annotators}, {level}: "
            f"rewardkit {ours_s:.3f} s, krippendorff {pkg_s:.3f} s, "
            f"ratio {pkg_s / ours_s:.1f}x faster (|diff| {abs(ours - float(pkg)):.1e})"
        )


if __name__ == "__main__":
    main()
