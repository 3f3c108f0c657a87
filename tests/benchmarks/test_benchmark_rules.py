"""Each benchmark's own rules: RewardBench v1 at upstream HEAD (xstest weights, empty and missing
sections, `>` only), JudgeBench's predicted ties, checked against hand-computed golden cases."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rewardkit.benchmarks import BenchmarkSpec, OverallFormula, SectionSpec, load_spec, rollup
from rewardkit.benchmarks.score import score_benchmark
from rewardkit.data.records import PreferenceItem
from rewardkit.errors import ConfigError

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "benchmark_rules.json"
CASES: list[dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))["cases"]
PAIR = {"correct": (2.0, 1.0), "tied": (1.0, 1.0), "wrong": (1.0, 2.0)}


def _planted(
    subsets: dict[str, list[int]], group_by: str
) -> tuple[list[PreferenceItem], np.ndarray]:
    items: list[PreferenceItem] = []
    scores: list[float] = []
    for subset, counts in subsets.items():
        for kind, count in zip(("correct", "tied", "wrong"), counts, strict=True):
            for _ in range(count):
                label = {"subset": subset} if group_by == "subset" else {"domain": subset}
                items.append(PreferenceItem(f"{subset}-{len(items)}", "p", ("c",), ("r",), **label))
                scores += PAIR[kind]
    return items, np.asarray(scores)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_benchmark_rules(case: dict[str, Any]) -> None:
    spec = load_spec(case["benchmark"])
    items, scores = _planted(case["subsets"], spec.group_by)
    res = score_benchmark(spec, items, scores, tie_value=case["tie_value"], n_resamples=50)
    want = case["expected"]
    for block in ("subsets", "sections", "overall"):
        got = getattr(res, block)
        for name, value in want[block].items():
            assert got[name].value == pytest.approx(float(Fraction(value)), abs=1e-12), name
    for name in want["absent_sections"]:
        assert name not in res.sections
    assert res.empty_sections == want["empty_sections"]
    assert res.masked_sections == want["masked_sections"]
    assert res.tie_value == want["tie_value"]
    for name in res.empty_sections:  # scored 0 by the rule, on no items: no interval
        assert res.sections[name].n == 0
        assert np.isnan(res.sections[name].ci_low)


def test_rewardbench_spec_names_upstream_head_and_its_xstest_weights() -> None:
    spec = load_spec("rewardbench")
    assert "05a9005efb607249822c193590c8ecab87c77052" in spec.source
    safety = next(s for s in spec.sections if s.name == "Safety")
    assert safety.weights is not None
    assert safety.weights["xstest-should-refuse"] == 154
    assert safety.weights["xstest-should-respond"] == 250
    assert spec.tie_value == 0.0


def test_xstest_accuracies_one_and_zero_move_safety_by_the_weight_swap() -> None:
    """With only the two xstest subsets, accuracies 1.0 (refuse) and 0.0 (respond) give
    154/404 at HEAD; the old swapped weights gave 250/404."""
    spec = load_spec("rewardbench")
    items, scores = _planted(
        {"xstest-should-refuse": [3, 0, 0], "xstest-should-respond": [0, 0, 2]}, "subset"
    )
    res = score_benchmark(spec, items, scores, n_resamples=50)
    assert res.sections["Safety"].value == pytest.approx(154 / 404, abs=1e-12)


def test_tie_rule_per_spec() -> None:
    rules = {name: load_spec(name).tie_value for name in ("rewardbench", "judgebench", "pandalm")}
    assert rules == {"rewardbench": 0.0, "judgebench": 0.0, "pandalm": 0.0}
    assert load_spec("hh-rlhf").tie_value == 0.5
    items, scores = _planted({"x": [1, 1, 0]}, "subset")
    custom = BenchmarkSpec(name="c", tie_value=0.25, overall=[OverallFormula(name="m")])
    assert score_benchmark(custom, items, scores, n_resamples=20).subsets["x"].value == 0.625
    bon = score_benchmark(load_spec("rmb-bon"), [], [], n_resamples=20)
    assert bon.tie_value is None  # best-of-N has its own 1/k rule


def test_if_empty_and_missing_mask_on_a_custom_spec() -> None:
    spec = BenchmarkSpec(
        name="t",
        sections=[
            SectionSpec(name="A", subsets=["a"]),
            SectionSpec(name="Z", subsets=["z"], if_empty="zero"),
            SectionSpec(name="Y", subsets=["y"]),
        ],
        overall=[
            OverallFormula(name="strict", sections={"A": 1, "Y": 1}),
            OverallFormula(name="masked", sections={"A": 3, "Y": 1}, missing="mask"),
            OverallFormula(name="with_zero", sections={"A": 1, "Z": 1}),
            OverallFormula(name="nothing", sections={"Y": 1}, missing="mask"),
        ],
        unassigned="ignore",
    )
    res = rollup(spec, [1.0, 0.0, 1.0, 1.0], ["a"] * 4, n_resamples=100)
    assert res.sections["Z"].value == 0.0
    assert res.sections["Z"].n == 0
    assert "Y" not in res.sections
    assert np.isnan(res.overall["strict"].value)
    assert res.overall["masked"].value == pytest.approx(0.75)
    assert res.overall["masked"].n == 4
    assert res.masked_sections == {"masked": ["Y"], "nothing": ["Y"]}
    assert res.overall["with_zero"].value == pytest.approx(0.375)
    # the constant 0 section adds no spread: the CI is the A section's, halved
    assert res.overall["with_zero"].ci_low == pytest.approx(res.sections["A"].ci_low / 2)
    assert np.isnan(res.overall["nothing"].value)
    doc = res.to_json()
    assert doc["empty_sections"] == ["Z"]
    assert doc["masked_sections"] == {"masked": ["Y"], "nothing": ["Y"]}


def test_bad_rule_values_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\ntie_value: 2\nsections: [{name: A, subsets: [a], if_empty: maybe}]\n"
        "overall: [{name: m, missing: skip}]\n"
    )
    with pytest.raises(ConfigError) as err:
        load_spec(bad)
    msg = str(err.value)
    assert "tie_value" in msg
    assert "sections.0.if_empty" in msg
    assert "overall.0.missing" in msg
