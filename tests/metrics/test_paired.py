"""McNemar's test against statsmodels (golden JSON) and the paired bootstrap."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rewardkit.metrics.paired import mcnemar, paired_comparison

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "paired_mcnemar.json"


@pytest.mark.parametrize("case", json.loads(GOLDEN.read_text())["cases"])
def test_mcnemar_matches_statsmodels(case: dict[str, object]) -> None:
    result = mcnemar(case["correct_a"], case["correct_b"])  # type: ignore[arg-type]
    assert (result.b, result.c, result.exact) == (case["b"], case["c"], case["exact"])
    assert result.statistic == pytest.approx(case["statistic"], abs=1e-12)
    assert result.p_value == pytest.approx(case["p_value"], abs=1e-12)


def test_paired_bootstrap_sees_a_real_difference_and_none_for_equal_runs() -> None:
    rng = np.random.default_rng(0)
    a = (rng.random(800) < 0.75).astype(float)
    b = np.where(rng.random(800) < 0.8, a, 1 - a)  # B agrees with A on 80 % of items
    b[:120] = 0.0  # and is worse on the first 120
    res = paired_comparison(a, b, n_resamples=500, seed=1)
    assert res.difference.value == pytest.approx(a.mean() - b.mean())
    assert res.verdict == "A better"
    assert res.mcnemar.p_value < 0.01
    same = paired_comparison(a, a, n_resamples=500)
    assert same.verdict == "no significant difference"
    assert (same.difference.ci_low, same.difference.ci_high) == (0.0, 0.0)
    assert same.mcnemar.p_value == 1.0
    flipped = paired_comparison(b, a, n_resamples=500, seed=1)
    assert flipped.verdict == "B better"
