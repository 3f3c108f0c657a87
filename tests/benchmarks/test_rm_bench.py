"""RM-Bench's style matrix against its published compute_accuracy formula."""

from __future__ import annotations

import numpy as np
import pytest

from rewardkit.benchmarks import load_spec, score_benchmark
from rewardkit.data import PreferenceItem
from rewardkit.errors import DataError


def _official(score_chosen: np.ndarray, score_rejected: np.ndarray) -> dict[str, float]:
    """RM-Bench README's compute_accuracy, written out: sum the 3x3 win matrix over items,
    divide by the item count, then average its triangles and diagonal."""
    acc = np.zeros((3, 3))
    for c, r in zip(score_chosen, score_rejected, strict=True):
        for i in range(3):
            for j in range(3):
                if c[i] > r[j]:
                    acc[i][j] += 1
    acc /= len(score_chosen)
    return {
        "hard": float(np.sum(np.triu(acc, 1)) / 3),
        "normal": float(np.mean(np.diag(acc))),
        "easy": float(np.sum(np.tril(acc, -1)) / 3),
    }


def test_style_matrix_matches_the_official_formula() -> None:
    rng = np.random.default_rng(0)
    n = 200
    chosen = rng.normal(size=(n, 3)) + np.array([0.0, 0.3, 0.6]) + 0.4
    rejected = rng.normal(size=(n, 3)) + np.array([0.0, 0.3, 0.6])
    rejected[:5] = chosen[:5]  # exact ties count as losses, as in the official code
    items = [PreferenceItem(str(i), "p", ("c1", "c2", "c3"), ("r1", "r2", "r3")) for i in range(n)]
    flat = np.concatenate([np.concatenate([c, r]) for c, r in zip(chosen, rejected, strict=True)])
    result = score_benchmark(load_spec("rm-bench"), items, flat, n_resamples=200)
    expected = _official(chosen, rejected)
    for level, value in expected.items():
        assert result.sections[level].value == pytest.approx(value, abs=1e-12)
        assert result.sections[level].ci_low <= value <= result.sections[level].ci_high
    assert result.overall["average"].value == pytest.approx(np.mean(list(expected.values())))
    assert expected["easy"] > expected["normal"] > expected["hard"]


def test_style_matrix_needs_three_by_three() -> None:
    item = PreferenceItem("x", "p", ("a",), ("b",))
    with pytest.raises(DataError, match="needs 3 chosen and 3 rejected"):
        score_benchmark(load_spec("rm-bench"), [item], [1.0, 0.0])
