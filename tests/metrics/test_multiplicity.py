"""Holm and Benjamini-Hochberg adjusted p-values against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from rewardkit.metrics import adjust_pvalues, describe_adjustment

STATSMODELS = {"holm": "holm", "bh": "fdr_bh"}


@pytest.mark.parametrize("method", ["holm", "bh"])
@pytest.mark.parametrize("seed", range(6))
def test_matches_statsmodels(method: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 40))
    p = rng.uniform(0, 0.2, m) ** 2
    p[rng.random(m) < 0.2] = p[0]  # ties among the p-values
    p[rng.random(m) < 0.1] = 1.0
    want = multipletests(p, alpha=0.05, method=STATSMODELS[method])[1]
    got = adjust_pvalues(p, method)  # type: ignore[arg-type]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    reject = multipletests(p, alpha=0.05, method=STATSMODELS[method])[0]
    np.testing.assert_array_equal(got <= 0.05, reject)


def test_none_empty_and_errors() -> None:
    p = np.array([0.04, 0.01])
    np.testing.assert_array_equal(adjust_pvalues(p, "none"), p)
    assert adjust_pvalues([], "holm").size == 0
    with pytest.raises(ValueError, match="unknown adjustment"):
        adjust_pvalues(p, "bonferroni")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        adjust_pvalues([0.1, float("nan")], "holm")


def test_description_names_method_family_and_rate() -> None:
    assert "Holm" in describe_adjustment("holm", 3, 0.05)
    assert "false discovery rate 5%" in describe_adjustment("bh", 3, 0.05)
    assert "not adjusted" in describe_adjustment("none", 3, 0.05)
