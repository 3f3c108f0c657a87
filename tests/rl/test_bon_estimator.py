"""The unbiased best-of-n estimator against brute-force enumeration (golden file)."""

from __future__ import annotations

import json
import math
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from rewardkit.rl.bon import bon_weights, contribution_matrix, d_bon, expected_best_of_n, kl_bon

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "bon_enumeration.json"
CASES = json.loads(GOLDEN.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"N{len(c['gold'])}")
def test_estimator_matches_enumeration(case: dict[str, list[float]]) -> None:
    selector = np.asarray(case["selector"], dtype=float)
    gold = np.asarray(case["gold"], dtype=float)
    np.testing.assert_allclose(
        expected_best_of_n(selector, gold), case["proxy_curve"], rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        expected_best_of_n(gold, gold), case["oracle_curve"], rtol=0, atol=1e-12
    )


def test_contribution_matrix_matches_enumeration_and_normalises() -> None:
    """The vectorised matrix (prompts of different N stacked) equals the per-prompt golden
    curves minus their n = 1 value, with n = 1 exactly 0 and a mask for n > N."""
    selector = [np.asarray(c["selector"], dtype=float) for c in CASES]
    gold = [np.asarray(c["gold"], dtype=float) for c in CASES]
    m = contribution_matrix(selector, gold)
    assert m.values.shape == (len(CASES), max(len(g) for g in gold))
    assert np.all(m.values[:, 0] == 0.0)
    for row, c in enumerate(CASES):
        size = len(c["gold"])
        expected = np.asarray(c["proxy_curve"]) - c["proxy_curve"][0]
        np.testing.assert_allclose(m.values[row, :size], expected, atol=1e-12)
        assert m.mask[row].tolist() == [1.0] * size + [0.0] * (m.n_max - size)
        assert np.all(m.values[row, size:] == 0.0)


def test_weights_are_probabilities_and_large_n_path_agrees() -> None:
    for size in (1, 2, 7, 40):
        w = bon_weights(size)
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
        assert np.all(w >= 0)
        # n = N always picks the top-ranked candidate; n = 1 is uniform
        assert w[-1, -1] == 1.0
        np.testing.assert_allclose(w[0], 1.0 / size)
    big = bon_weights(600)  # log-gamma path
    np.testing.assert_allclose(big.sum(axis=1), 1.0, atol=1e-9)
    i, n, size = 400, 37, 600
    exact = math.comb(i - 1, n - 1) / math.comb(size, n)
    assert big[n - 1, i - 1] == pytest.approx(exact, rel=1e-9)


def test_brute_force_on_random_floats() -> None:
    """Random real-valued scores, independent of the golden file: mean over every subset."""
    rng = np.random.default_rng(7)
    s, g = rng.normal(size=8), rng.normal(size=8)
    for n in range(1, 9):
        picks = [g[list(sub)][np.argmax(s[list(sub)])] for sub in combinations(range(8), n)]
        assert expected_best_of_n(s, g)[n - 1] == pytest.approx(np.mean(picks), abs=1e-12)


def test_kl_bon_and_d() -> None:
    for n in (1, 2, 3, 10, 1000):
        assert float(kl_bon(n)) == pytest.approx(math.log(n) - (n - 1) / n, abs=1e-15)
        assert float(d_bon(n)) == pytest.approx(math.sqrt(math.log(n) - (n - 1) / n), abs=1e-15)
    assert float(kl_bon(1)) == 0.0
    with pytest.raises(ValueError, match="n must be"):
        kl_bon(0)
