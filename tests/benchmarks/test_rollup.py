"""Roll-up of subset outcomes into sections and overall formulas, with stratified bootstrap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rewardkit.benchmarks import BenchmarkSpec, OverallFormula, SectionSpec, load_spec, rollup
from rewardkit.errors import ConfigError

SPEC = BenchmarkSpec(
    name="toy",
    sections=[
        SectionSpec(name="A", subsets=["a1", "a2"], weighting="examples"),
        SectionSpec(name="B", subsets=["b*"], weighting="equal"),
    ],
    overall=[
        OverallFormula(name="mean"),
        OverallFormula(name="weighted", sections={"A": 2.0, "B": 1.0}),
    ],
)
OUT = np.array([1, 1, 0, 1, 0.5, 1, 0, 0, 1, 1, 1, 0], dtype=float)
SUB = ["a1"] * 4 + ["a2"] * 2 + ["b1"] * 3 + ["b2"] * 3


def test_hand_computation() -> None:
    res = rollup(SPEC, OUT, SUB, n_resamples=200)
    a1, a2, b1, b2 = 0.75, 0.75, 1 / 3, 2 / 3
    sec_a = (4 * a1 + 2 * a2) / 6
    sec_b = (b1 + b2) / 2
    assert res.subsets["a1"].value == pytest.approx(a1)
    assert res.sections["A"].value == pytest.approx(sec_a)
    assert res.sections["B"].value == pytest.approx(sec_b)
    assert res.overall["mean"].value == pytest.approx((sec_a + sec_b) / 2)
    assert res.overall["weighted"].value == pytest.approx((2 * sec_a + sec_b) / 3)
    assert res.overall["mean"].n == 12
    assert res.sections["B"].n == 6
    for est in [*res.subsets.values(), *res.sections.values(), *res.overall.values()]:
        assert est.ci_low <= est.value <= est.ci_high


def test_deterministic_and_seeded() -> None:
    a = rollup(SPEC, OUT, SUB, seed=3).to_json()
    b = rollup(SPEC, OUT, SUB, seed=3).to_json()
    c = rollup(SPEC, OUT, SUB, seed=4).to_json()
    assert a == b
    assert a != c


def test_stratified_bootstrap_matches_brute_force_loop() -> None:
    """Mean and variance of the overall's replicates agree with an explicit per-subset loop."""
    b = 4000
    res_draws = []
    rollup_res = rollup(SPEC, OUT, SUB, n_resamples=b, seed=1)
    rng = np.random.default_rng(0)
    labels = np.array(SUB)
    groups = {s: OUT[labels == s] for s in ["a1", "a2", "b1", "b2"]}
    for _ in range(b):
        m = {s: rng.choice(v, size=v.size, replace=True).mean() for s, v in groups.items()}
        sec_a = (4 * m["a1"] + 2 * m["a2"]) / 6
        res_draws.append((sec_a + (m["b1"] + m["b2"]) / 2) / 2)
    loop = np.array(res_draws)
    # reconstruct rollup's replicate distribution through its CI and the analytic variance
    var = sum(
        w**2 * v.var() / v.size
        for w, v in zip([4 / 12, 2 / 12, 1 / 4, 1 / 4], groups.values(), strict=True)
    )
    assert loop.mean() == pytest.approx(rollup_res.overall["mean"].value, abs=0.01)
    assert loop.var() == pytest.approx(var, rel=0.1)
    lo, hi = np.quantile(loop, [0.025, 0.975])
    assert rollup_res.overall["mean"].ci_low == pytest.approx(lo, abs=0.04)
    assert rollup_res.overall["mean"].ci_high == pytest.approx(hi, abs=0.04)


def test_subset_draws_variance_is_stratified() -> None:
    from rewardkit.benchmarks import subset_draws
    from rewardkit.metrics import rng_for

    x = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    d = subset_draws(x, 20000, rng_for(0, "t"))
    assert d.draws.mean() == pytest.approx(x.mean(), abs=0.01)
    assert d.draws.var() == pytest.approx(x.var() / x.size, rel=0.05)


def test_unassigned_and_missing_sections() -> None:
    spec = BenchmarkSpec(
        name="t",
        sections=[SectionSpec(name="A", subsets=["a"])],
        overall=[OverallFormula(name="m", sections={"A": 1, "Z": 1})],
    )
    res = rollup(spec, [1.0, 0.0], ["a", "x"])
    assert set(res.sections) == {"A", "x"}
    assert np.isnan(res.overall["m"].value)
    assert res.overall["m"].n == 0
    ignore = spec.model_copy(update={"unassigned": "ignore"})
    assert set(rollup(ignore, [1.0, 0.0], ["a", "x"]).sections) == {"A"}


def test_bad_specs_raise_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nmetric: f1\nsections: [{name: A, subsets: [], weighting: custom}]\n")
    with pytest.raises(ConfigError) as err:
        load_spec(bad)
    msg = str(err.value)
    assert "metric" in msg
    assert "sections.0" in msg
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match="cannot parse YAML"):
        load_spec(tmp_path / "broken.yaml")
    with pytest.raises(ConfigError, match="available: demo"):
        load_spec("nope")


def test_all_builtins_load() -> None:
    from rewardkit.benchmarks import BENCHMARKS

    names = BENCHMARKS.names()
    assert {"rewardbench", "rewardbench2", "judgebench", "pandalm", "rmb-bon", "demo"} <= set(names)
    for name in names:
        assert load_spec(name).name == name
