"""Sample sizes per arm against statsmodels' power solvers and the closed-form hand
computation (three planted cases in tests/golden/abtest_sample_sizes.json)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy import stats

from rewardkit.abtest import ExperimentConfig, MetricSpec, plan_experiment
from rewardkit.abtest.power import binary_power, cohens_h, n_binary, n_ttest, ttest_power

GOLDEN = json.loads(
    (Path(__file__).resolve().parents[1] / "golden" / "abtest_sample_sizes.json").read_text()
)


def _config(case: dict[str, object]) -> ExperimentConfig:
    return ExperimentConfig(
        name="golden",
        alpha=case["alpha"],
        power=case["power"],
        split=case["split"],
        metrics=[MetricSpec(**case["metric"])],  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("case", GOLDEN, ids=[c["case"] for c in GOLDEN])
def test_plan_matches_statsmodels_and_the_hand_computation(case: dict[str, object]) -> None:
    plan = plan_experiment(_config(case))
    metric = plan.metrics[0]
    assert metric.n_control_exact == pytest.approx(case["statsmodels_n_control"], rel=1e-7)
    assert (plan.n_control, plan.n_treatment) == (case["n_control"], case["n_treatment"])
    assert abs(metric.effect_size) == pytest.approx(abs(case["effect_size"]), rel=1e-12)
    hand = case["hand_n_control"]
    if case["metric"]["kind"] == "binary":  # type: ignore[index]
        # The closed form ignores the far tail: same integer size.
        assert math.ceil(hand) == plan.n_control
    else:
        # The normal approximation plus Guenther's (1981) t correction z_{a/2}^2 / 4.
        z = stats.norm.isf(case["alpha"] / 2)  # type: ignore[operator]
        assert hand + z * z / 4 == pytest.approx(metric.n_control_exact, abs=0.05)


def test_golden_is_current_with_statsmodels() -> None:
    power = pytest.importorskip("statsmodels.stats.power")
    for case in GOLDEN:
        m, ratio = case["metric"], case["split"][1] / case["split"][0]
        solver = power.NormalIndPower() if m["kind"] == "binary" else power.TTestIndPower()
        n = solver.solve_power(
            abs(case["effect_size"]), alpha=case["alpha"], power=case["power"], ratio=ratio
        )
        assert n == pytest.approx(case["statsmodels_n_control"], rel=1e-9)


@pytest.mark.parametrize(
    ("p0", "p1", "alpha", "power", "ratio"),
    [(0.05, 0.06, 0.05, 0.8, 1.0), (0.5, 0.45, 0.01, 0.9, 0.5), (0.2, 0.3, 0.1, 0.7, 3.0)],
)
def test_binary_power_and_size_equal_statsmodels(
    p0: float, p1: float, alpha: float, power: float, ratio: float
) -> None:
    sm = pytest.importorskip("statsmodels.stats.power")
    h = cohens_h(p0, p1)
    ref = sm.NormalIndPower()
    assert binary_power(h, 500, alpha, ratio) == pytest.approx(
        ref.power(abs(h), 500, alpha, ratio=ratio), rel=1e-10
    )
    assert n_binary(p0, p1, alpha, power, ratio) == pytest.approx(
        ref.solve_power(abs(h), alpha=alpha, power=power, ratio=ratio), rel=1e-7
    )


@pytest.mark.parametrize(("d", "ratio"), [(0.3, 1.0), (0.05, 2.0), (0.8, 0.5)])
def test_ttest_power_and_size_equal_statsmodels(d: float, ratio: float) -> None:
    sm = pytest.importorskip("statsmodels.stats.power")
    ref = sm.TTestIndPower()
    assert ttest_power(d, 40, 0.05, ratio) == pytest.approx(
        ref.power(d, 40, 0.05, ratio=ratio), rel=1e-8
    )
    assert n_ttest(d, 0.05, 0.8, ratio) == pytest.approx(
        ref.solve_power(d, alpha=0.05, power=0.8, ratio=ratio), rel=1e-6
    )


def test_several_primaries_are_sized_at_bonferroni_alpha_and_guardrails_count() -> None:
    cfg = ExperimentConfig(
        name="x",
        metrics=[
            MetricSpec(name="a", kind="binary", baseline=0.3, mde=0.02),
            MetricSpec(name="b", kind="continuous", sd=1.0, mde=0.05),
            MetricSpec(
                name="g",
                kind="binary",
                role="guardrail",
                direction="decrease",
                baseline=0.01,
                margin=0.002,
            ),
        ],
    )
    plan = plan_experiment(cfg)
    a, b, g = plan.metrics
    assert a.alpha == b.alpha == 0.025
    assert a.n_control == math.ceil(n_binary(0.3, 0.32, 0.025, 0.8))
    z = stats.norm.isf(0.025) + stats.norm.ppf(0.8)
    assert g.n_control == math.ceil(z * z * 0.01 * 0.99 * 2 / 0.002**2)
    assert plan.n_control == max(a.n_control, b.n_control, g.n_control) == g.n_control
