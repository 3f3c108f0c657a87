"""Borda (normalised win rate) and Bradley-Terry (MM) preference scores, and the fallbacks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from rewardkit.annotations.aggregate import (
    AggregationConfig,
    aggregate,
    borda_scores,
    bradley_terry_log_likelihood,
    bradley_terry_mm,
    bradley_terry_scores,
    minmax_within,
    points_matrix,
    tally,
)
from rewardkit.errors import DataError

COMPARISON = ["prompt_id", "item_a", "item_b", "annotator_id", "preference"]
RATING = ["item_id", "prompt_id", "annotator_id", "criterion", "value"]

# Four items of prompt p, three annotators, ties. Points (win 1, tie 0.5) / comparisons:
# A 3.5/4 = 0.875, B 1.5/5 = 0.3, C 2.5/5 = 0.5, D 0.5/2 = 0.25 -> min 0.25, range 0.625:
# A 1.0, B 0.08, C 0.4, D 0.0. Prompt q: every comparison a tie -> 0.5 each.
HAND = pd.DataFrame(
    [
        ("p", "A", "B", "ann1", "a"),
        ("p", "A", "B", "ann2", "tie"),
        ("p", "C", "A", "ann1", "b"),
        ("p", "A", "C", "ann3", "a"),
        ("p", "B", "C", "ann2", "b"),
        ("p", "B", "C", "ann3", "tie"),
        ("p", "C", "D", "ann1", "a"),
        ("p", "D", "B", "ann2", "tie"),
        ("q", "E", "F", "ann1", "tie"),
        ("q", "F", "G", "ann2", "tie"),
    ],
    columns=COMPARISON,
)


def test_tally_counts_points_and_comparisons() -> None:
    t = tally(HAND)
    assert t.loc[["A", "B", "C", "D"], "points"].tolist() == [3.5, 1.5, 2.5, 0.5]
    assert t.loc[["A", "B", "C", "D"], "n_comparisons"].tolist() == [4, 5, 5, 2]


def test_borda_hand_worked_example() -> None:
    scores = borda_scores(HAND)
    expected = {"A": 1.0, "B": 0.08, "C": 0.4, "D": 0.0, "E": 0.5, "F": 0.5, "G": 0.5}
    assert scores.to_dict() == pytest.approx(expected, abs=1e-12)


def test_minmax_flat_and_empty() -> None:
    assert minmax_within([0.3, 0.3, 0.3]).tolist() == [0.5, 0.5, 0.5]
    assert minmax_within([]).size == 0


def _brute_force(points: np.ndarray) -> np.ndarray:
    n = points.shape[0]
    fit = minimize(
        lambda t: -bradley_terry_log_likelihood(t, points),
        np.zeros(n),
        method="BFGS",
        options={"gtol": 1e-10, "maxiter": 10_000},
    )
    return np.asarray(fit.x)


def test_bradley_terry_known_order() -> None:
    rows = [("p", "A", "B", "a")] * 3 + [("p", "B", "C", "a")] * 3 + [("p", "A", "C", "a")] * 2
    rows += [("p", "C", "A", "a")]  # an upset
    comps = pd.DataFrame(rows, columns=["prompt_id", "item_a", "item_b", "preference"])
    scores = bradley_terry_scores(comps)
    assert scores["A"] == 1.0
    assert scores["C"] == 0.0
    assert 0.0 < scores["B"] < 1.0
    _, w = points_matrix(comps)
    np.testing.assert_allclose(minmax_within(bradley_terry_mm(w)), scores.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(minmax_within(_brute_force(w)), scores.to_numpy(), atol=1e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bradley_terry_matches_brute_force_mle(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 6
    w = np.zeros((n, n))
    for _ in range(40):  # random comparisons, ties as half wins, some all-win items possible
        i, j = rng.choice(n, 2, replace=False)
        outcome = rng.choice(3)
        credit = (1.0, 0.0, 0.5)[outcome]
        w[i, j] += credit
        w[j, i] += 1.0 - credit
    mm = bradley_terry_mm(w)
    brute = _brute_force(w)
    assert np.all(np.isfinite(mm))
    np.testing.assert_allclose(minmax_within(mm), minmax_within(brute), atol=1e-4)
    assert bradley_terry_log_likelihood(mm, w) >= bradley_terry_log_likelihood(brute, w) - 1e-9


def test_bradley_terry_strengths_stay_finite_for_a_perfect_record() -> None:
    w = np.array([[0.0, 5.0], [0.0, 0.0]])
    theta = bradley_terry_mm(w)
    assert np.all(np.isfinite(theta))
    assert theta[0] > 0 > theta[1]
    np.testing.assert_allclose(theta, _brute_force(w), atol=1e-6)


def test_bradley_terry_cycle_and_ties_are_flat() -> None:
    cycle = pd.DataFrame(
        [("p", "A", "B", "a"), ("p", "B", "C", "a"), ("p", "C", "A", "a")],
        columns=["prompt_id", "item_a", "item_b", "preference"],
    )
    assert bradley_terry_scores(cycle).tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert bradley_terry_scores(HAND).loc[["E", "F", "G"]].tolist() == pytest.approx([0.5] * 3)


def _ratings(items: dict[str, tuple[str, int]]) -> pd.DataFrame:
    rows = [
        (item, prompt, f"ann{k}", "safety", value)
        for item, (prompt, value) in items.items()
        for k in range(3)
    ]
    return pd.DataFrame(rows, columns=RATING)


CFG = AggregationConfig(weights={"safety": 1.0})


def test_without_comparisons_final_is_the_criterion_score() -> None:
    ratings = _ratings({"x": ("p", 5), "y": ("p", 2)})
    for comparisons in (None, pd.DataFrame(columns=COMPARISON)):
        result = aggregate(ratings, comparisons, CFG)
        items = result.items
        assert items["final"].tolist() == items["criterion_score"].tolist()
        assert items["preference_score"].isna().all()
        assert set(items["fallback_reason"]) == {"no comparisons supplied"}
        assert not result.preference_used
        assert result.to_json()["preference"]["effective_alpha"] == 1.0
        assert "alpha effectively 1" in result.notes[0]


@pytest.mark.parametrize("method", ["borda", "bradley_terry"])
def test_item_without_comparisons_falls_back_with_a_reason(method: str) -> None:
    ratings = _ratings({"x": ("p", 5), "y": ("p", 2), "z": ("p", 4)})
    comps = pd.DataFrame([("p", "x", "y", "ann0", "b")], columns=COMPARISON)
    cfg = AggregationConfig(weights={"safety": 1.0}, preference_method=method)
    items = aggregate(ratings, comps, cfg).items.set_index("item_id")
    assert items.loc["y", "preference_score"] == 1.0
    assert items.loc["x", "preference_score"] == 0.0
    assert items.loc["y", "final"] == pytest.approx(0.6 * 0.25 + 0.4 * 1.0)
    assert np.isnan(items.loc["z", "preference_score"])
    assert items.loc["z", "final"] == items.loc["z", "criterion_score"] == 0.75
    assert items.loc["z", "fallback_reason"] == "item has no comparisons"
    assert items.loc["x", "fallback_reason"] is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("p", "x", "nope", "a1", "a"), r"nope \(no ratings\)"),
        (("q", "x", "y", "a1", "a"), "rated under prompt p, not q"),
        (("p", "x", "y", "a1", "maybe"), "a, b or tie, got maybe"),
        (("p", "x", "x", "a1", "a"), "with itself: x"),
    ],
)
def test_bad_comparisons_raise_data_error(row: tuple[str, ...], message: str) -> None:
    ratings = _ratings({"x": ("p", 5), "y": ("p", 2)})
    with pytest.raises(DataError, match=message):
        aggregate(ratings, pd.DataFrame([row], columns=COMPARISON), CFG)


def test_prompts_are_scored_independently() -> None:
    rng = np.random.default_rng(11)
    rows = []
    for p, size in enumerate((3, 4, 3, 5, 4)):
        items = [f"p{p}i{i}" for i in range(size)]
        for _ in range(12):
            a, b = rng.choice(items, 2, replace=False)
            rows.append((f"p{p}", a, b, "ann", str(rng.choice(["a", "b", "tie"]))))
    comps = pd.DataFrame(rows, columns=COMPARISON)
    for scorer in (borda_scores, bradley_terry_scores):
        together = scorer(comps)
        alone = pd.concat([scorer(g) for _, g in comps.groupby("prompt_id")])
        assert together.index.tolist() == alone.index.tolist()
        np.testing.assert_allclose(together.to_numpy(), alone.to_numpy(), atol=1e-12)


def test_an_item_under_two_prompts_is_refused() -> None:
    comps = pd.DataFrame([("p", "x", "y", "a", "a"), ("q", "x", "z", "a", "a")], columns=COMPARISON)
    with pytest.raises(DataError, match="several prompts: x"):
        borda_scores(comps)
