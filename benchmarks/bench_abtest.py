"""A/B test error rates by seeded simulation (2,000 experiments each; numpy-vectorised).

Prints the A/A false-positive rate of the fixed design with its 99% binomial band, the power
at the planned MDE, and the false-positive rates under peeking every 100 units for the naive
test and for mSPRT. Run: ``python benchmarks/bench_abtest.py [--experiments N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import time

from scipy import stats

from rewardkit.abtest import ExperimentConfig, MetricSpec, plan_experiment
from rewardkit.abtest.simulate import simulate_fixed, simulate_peeking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--experiments", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", type=float, default=0.3)
    parser.add_argument("--mde", type=float, default=0.02)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--units", type=int, default=6000, help="units per peeking experiment")
    args = parser.parse_args()
    e, alpha = args.experiments, args.alpha
    cfg = ExperimentConfig(
        name="bench",
        alpha=alpha,
        metrics=[MetricSpec(name="y", kind="binary", baseline=args.baseline, mde=args.mde)],
    )
    plan = plan_experiment(cfg)
    lo, hi = (x / e for x in stats.binom.interval(0.99, e, alpha))
    t0 = time.perf_counter()
    p0, p1 = args.baseline, args.baseline + args.mde
    aa = simulate_fixed(e, plan.n_control, plan.n_treatment, p0, p0, alpha, seed=args.seed)
    power = simulate_fixed(e, plan.n_control, plan.n_treatment, p0, p1, alpha, seed=args.seed + 1)
    peek = simulate_peeking(e, args.units, 100, p0, args.mde, alpha, seed=args.seed + 2)
    took = time.perf_counter() - t0
    print(f"plan: {plan.n_control} units per arm ({p0:.0%} -> {p1:.0%}, alpha {alpha}, power 0.8)")
    print(f"A/A fixed design:      false-positive rate {aa:.4f} (99% band [{lo:.4f}, {hi:.4f}])")
    print(f"effect at the MDE:     power {power:.4f} (planned 0.8000)")
    print(
        f"peeking every 100 of {args.units} units ({peek.n_looks} looks): naive {peek.naive:.4f}, "
        f"mSPRT {peek.msprt:.4f}, naive at the last look only {peek.final_look_naive:.4f}"
    )
    print(f"{3 * e} simulated experiments in {took:.2f} s")


if __name__ == "__main__":
    main()
