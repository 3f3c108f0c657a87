from __future__ import annotations

import math
from typing import Any

import metrics_reference as ref
import numpy as np
import pytest
from golden_cases import assert_close, load_cases

from rewardkit.metrics import best_of_n_outcomes, pair_differences, pairwise_outcomes

CASES = load_cases("metrics_pairwise.json")


def _args(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.asarray(case["scores"], dtype=float),
        np.asarray(case["item_index"], dtype=np.int64),
        np.asarray(case["is_chosen"], dtype=bool),
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_pairwise(case: dict[str, Any]) -> None:
    exp = case["expected"]
    n = case["n_items"]
    assert_close(pairwise_outcomes(*_args(case), n), exp["pairwise_tie_half"])
    assert_close(pairwise_outcomes(*_args(case), n, tie_value=0.0), exp["pairwise_tie_zero"])
    assert_close(best_of_n_outcomes(*_args(case), n), exp["best_of_n"])
    items, diffs = pair_differences(*_args(case))
    assert items.tolist() == exp["pair_item"]
    assert_close(diffs, exp["pair_diff"])


def test_hand_worked_best_of_n_ties() -> None:
    # item 0: chosen 5 ties two rejected at the max 5 -> k = 3 -> 1/3
    # item 1: chosen 4 ties one rejected at 4, others lower -> 1/2
    # item 2: chosen 3 ties a rejected 3, but a rejected 4 is higher -> 0
    # item 3: two chosen (6 beats all: 1; 2 ties max 2 with one rejected: 1/2) -> 0.75
    scores = [5, 5, 5, 1, 4, 4, 3, 3, 3, 4, 6, 2, 2, 1]
    items = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3]
    chosen = [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0]
    out = best_of_n_outcomes(scores, items, np.asarray(chosen, bool), 4)
    assert_close(out, [1 / 3, 1 / 2, 0.0, 0.75])
    # pairwise, for contrast: item 0 = (0.5 + 0.5 + 1) / 3
    pw = pairwise_outcomes(scores, items, np.asarray(chosen, bool), 4)
    assert_close(pw, [2 / 3, 0.75, 0.25, (1 + 1 + 0.5 + 1) / 4])


def _random_items(
    seed: int, n_items: int, max_c: int, max_r: int, levels: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_c = rng.integers(1, max_c + 1, n_items)
    n_r = rng.integers(1, max_r + 1, n_items)
    item = np.concatenate([np.repeat(np.arange(n_items), n_c), np.repeat(np.arange(n_items), n_r)])
    chosen = np.concatenate([np.ones(n_c.sum(), bool), np.zeros(n_r.sum(), bool)])
    scores = rng.integers(0, levels, item.size).astype(float) * 0.25 - 1.0
    perm = rng.permutation(item.size)  # responses of an item need not be contiguous
    return scores[perm], item[perm], chosen[perm]


@pytest.mark.parametrize("seed", range(5))
def test_random_against_reference_loops(seed: int) -> None:
    s, it, ch = _random_items(seed, 120, 3, 4, 4 + seed)
    plain = (s.tolist(), it.tolist(), ch.tolist())  # the references take plain lists
    assert_close(pairwise_outcomes(s, it, ch, 120), ref.pairwise_outcomes(*plain, 120))
    assert_close(
        pairwise_outcomes(s, it, ch, 120, tie_value=0.25),
        ref.pairwise_outcomes(*plain, 120, 0.25),
    )
    assert_close(best_of_n_outcomes(s, it, ch, 120), ref.best_of_n_outcomes(*plain, 120))
    items, diffs = pair_differences(s, it, ch)
    ref_items, ref_diffs = ref.pair_differences(*plain)
    assert items.tolist() == ref_items
    assert_close(diffs, ref_diffs)


def test_best_of_n_equals_pairwise_with_one_rejected() -> None:
    s, it, ch = _random_items(9, 500, 3, 1, 3)
    np.testing.assert_array_equal(
        best_of_n_outcomes(s, it, ch, 500), pairwise_outcomes(s, it, ch, 500, tie_value=0.5)
    )


def test_items_without_both_sides_are_nan_and_extreme_scores_work() -> None:
    s = [np.inf, 1e308, -np.inf, 0.0, 3.0]
    out = pairwise_outcomes(s, [0, 0, 1, 1, 2], [True, False, True, False, True], 4)
    assert out[0] == 1.0
    assert out[1] == 0.0
    assert math.isnan(out[2])  # no rejected
    assert math.isnan(out[3])  # no response at all


def test_large_input_is_vectorized() -> None:
    n = 200_000
    rng = np.random.default_rng(0)
    s = rng.integers(0, 50, 2 * n).astype(float)
    it = np.repeat(np.arange(n), 2)
    ch = np.tile([True, False], n)
    out = pairwise_outcomes(s, it, ch, n)
    expected = np.where(s[0::2] > s[1::2], 1.0, np.where(s[0::2] == s[1::2], 0.5, 0.0))
    np.testing.assert_array_equal(out, expected)


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="NaN"):
        pairwise_outcomes([1.0, math.nan], [0, 0], [True, False], 1)
    with pytest.raises(ValueError, match="length"):
        pairwise_outcomes([1.0, 2.0], [0], [True, False], 1)
    with pytest.raises(ValueError, match="n_items"):
        pairwise_outcomes([1.0, 2.0], [0, 1], [True, False], 1)
    with pytest.raises(ValueError, match="non-negative"):
        best_of_n_outcomes([1.0, 2.0], [-1, 0], [True, False], 1)
