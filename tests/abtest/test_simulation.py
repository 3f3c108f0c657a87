"""Seeded simulations of 2,000 experiments: the error rates the analysis promises hold.

The plan is golden case 1 (30% -> 32%, alpha 0.05, power 0.8: 8,393 units per arm); every
simulated experiment runs the analysis' own test functions (vectorised).
"""

from __future__ import annotations

from scipy import stats

from rewardkit.abtest import ExperimentConfig, MetricSpec, plan_experiment
from rewardkit.abtest.simulate import simulate_fixed, simulate_peeking

N_EXPERIMENTS = 2000
ALPHA = 0.05
PLAN = plan_experiment(
    ExperimentConfig(
        name="sim", metrics=[MetricSpec(name="success", kind="binary", baseline=0.3, mde=0.02)]
    )
)


def _band(p: float) -> tuple[float, float]:
    """99% binomial band of a rate p estimated from N_EXPERIMENTS experiments."""
    lo, hi = stats.binom.interval(0.99, N_EXPERIMENTS, p)
    return lo / N_EXPERIMENTS, hi / N_EXPERIMENTS


def test_aa_false_positive_rate_is_within_the_binomial_band_of_alpha() -> None:
    rate = simulate_fixed(N_EXPERIMENTS, PLAN.n_control, PLAN.n_treatment, 0.3, 0.3, ALPHA, seed=11)
    lo, hi = _band(ALPHA)
    assert lo <= rate <= hi, rate


def test_power_at_the_mde_is_the_planned_power() -> None:
    assert PLAN.n_control == 8393
    rate = simulate_fixed(
        N_EXPERIMENTS, PLAN.n_control, PLAN.n_treatment, 0.3, 0.32, ALPHA, seed=12
    )
    assert abs(rate - 0.8) <= 0.03, rate


def test_peeking_inflates_the_naive_test_and_msprt_stays_below_alpha() -> None:
    res = simulate_peeking(
        N_EXPERIMENTS, n_units=6000, look_every=100, p=0.3, tau=0.02, alpha=ALPHA, seed=13
    )
    assert res.n_looks == 60
    lo, hi = _band(ALPHA)
    assert lo <= res.final_look_naive <= hi  # one look: fine
    assert res.naive > hi  # every 100 units: far above alpha
    assert res.msprt <= ALPHA
