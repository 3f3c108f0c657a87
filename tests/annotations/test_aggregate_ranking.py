"""Ranking within prompts: each tie-break rule, seeded determinism, and training pairs."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from rewardkit.annotations.aggregate import (
    AggregationConfig,
    aggregate,
    build_pairs,
    rank_within_prompts,
    seeded_hash,
)

RATING = ["item_id", "prompt_id", "annotator_id", "criterion", "value"]
COMPARISON = ["prompt_id", "item_a", "item_b", "annotator_id", "preference"]


def _items(rows: list[tuple[str, float, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["item_id", "final", "pairwise_wins", "score_usefulness", "rating_variance"]
    ).assign(prompt_id="p")


def _rank(items: pd.DataFrame, seed: int = 0, tol: float = 1e-6) -> list[tuple[str, str | None]]:
    out = rank_within_prompts(items, top_criterion="usefulness", tie_tolerance=tol, seed=seed)
    assert out["rank_in_prompt"].tolist() == list(range(1, len(items) + 1))
    return list(zip(out["item_id"], out["tie_break_rule"], strict=True))


def test_no_tie_records_none() -> None:
    assert _rank(_items([("x", 0.4, 0, 0, 0), ("y", 0.6, 0, 0, 0)])) == [("y", None), ("x", None)]


def test_rule_pairwise_wins() -> None:
    items = _items([("x", 0.5, 1.0, 0.9, 0.0), ("y", 0.5 + 4e-7, 2.5, 0.1, 0.5)])
    assert _rank(items) == [("y", "pairwise_wins"), ("x", "pairwise_wins")]


def test_rule_top_criterion() -> None:
    items = _items([("x", 0.5, 1.0, 0.25, 0.0), ("y", 0.5, 1.0, 0.75, 0.9)])
    assert _rank(items) == [("y", "top_criterion"), ("x", "top_criterion")]


def test_rule_rating_variance() -> None:
    items = _items([("x", 0.5, 1.0, 0.5, 0.02), ("y", 0.5, 1.0, 0.5, 0.01)])
    assert _rank(items) == [("y", "rating_variance"), ("x", "rating_variance")]


def test_rule_seeded_hash() -> None:
    items = _items([("x", 0.5, 1.0, 0.5, 0.01), ("y", 0.5, 1.0, 0.5, 0.01)])
    for seed in range(6):
        first = min(("x", "y"), key=lambda i: seeded_hash(seed, i))
        second = "y" if first == "x" else "x"
        assert _rank(items, seed=seed) == [(first, "seeded_hash"), (second, "seeded_hash")]
    assert seeded_hash(0, "x") != seeded_hash(1, "x")


def test_tolerance_decides_what_is_a_tie() -> None:
    items = _items([("x", 0.5, 3.0, 0.5, 0.0), ("y", 0.5 + 2e-6, 0.0, 0.5, 0.0)])
    assert _rank(items, tol=1e-6) == [("y", None), ("x", None)]
    assert _rank(items, tol=1e-5) == [("x", "pairwise_wins"), ("y", "pairwise_wins")]


def test_an_item_records_the_latest_rule_around_it() -> None:
    # one chained tie group; a > b by wins, b and c settled only by the hash
    items = _items(
        [
            ("a", 0.5, 3.0, 0.5, 0.0),
            ("b", 0.5 + 8e-7, 1.0, 0.5, 0.0),
            ("c", 0.5 + 1.6e-6, 1.0, 0.5, 0.0),
            ("d", 0.1, 9.0, 0.9, 0.0),
        ]
    )
    ranked = _rank(items)
    assert ranked[0] == ("a", "pairwise_wins")
    assert {item for item, _ in ranked[1:3]} == {"b", "c"}
    assert [rule for _, rule in ranked[1:3]] == ["seeded_hash", "seeded_hash"]
    assert ranked[3] == ("d", None)


def _likert(item: str, prompt: str, values: dict[str, list[int]]) -> list[tuple[object, ...]]:
    return [
        (item, prompt, f"ann{k}", criterion, v)
        for criterion, vs in values.items()
        for k, v in enumerate(vs)
    ]


def test_rules_end_to_end() -> None:
    cfg = AggregationConfig(weights={"usefulness": 0.5, "safety": 0.5}, pair_min_margin=0.0)
    rows = [
        # prompt p1: same criterion score 0.625; x is better on usefulness (top criterion)
        *_likert("x", "p1", {"usefulness": [5, 5, 5], "safety": [2, 2, 2]}),
        *_likert("y", "p1", {"usefulness": [2, 2, 2], "safety": [5, 5, 5]}),
        # prompt p2: same means, u agrees more (lower variance)
        *_likert("u", "p2", {"usefulness": [3, 3, 3], "safety": [3, 3, 3]}),
        *_likert("v", "p2", {"usefulness": [1, 3, 5], "safety": [3, 3, 3]}),
        # prompt p3: identical in every way: the seeded hash
        *_likert("s", "p3", {"usefulness": [4, 4, 4], "safety": [4, 4, 4]}),
        *_likert("t", "p3", {"usefulness": [4, 4, 4], "safety": [4, 4, 4]}),
    ]
    comps = [("p3", "s", "t", "ann0", "tie")]
    result = aggregate(
        pd.DataFrame(rows, columns=RATING), pd.DataFrame(comps, columns=COMPARISON), cfg
    )
    items = result.items.set_index("item_id")
    assert items.loc[["x", "y"], "rank_in_prompt"].tolist() == [1, 2]
    assert set(items.loc[["x", "y"], "tie_break_rule"]) == {"top_criterion"}
    assert items.loc[["u", "v"], "rank_in_prompt"].tolist() == [1, 2]
    assert set(items.loc[["u", "v"], "tie_break_rule"]) == {"rating_variance"}
    assert set(items.loc[["s", "t"], "tie_break_rule"]) == {"seeded_hash"}
    first = min(("s", "t"), key=lambda i: seeded_hash(0, i))
    assert items.loc[first, "rank_in_prompt"] == 1
    assert result.pairs.empty  # tied finals never make a pair, even with margin 0
    assert result.to_json()["tie_breaks"] == {
        "pairwise_wins": 0,
        "top_criterion": 2,
        "rating_variance": 2,
        "seeded_hash": 2,
    }


def _random_case(
    seed: int, n_prompts: int = 6, n_items: int = 5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coarse ratings (many exact ties) and a few comparisons."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[object, ...]] = []
    comps: list[tuple[object, ...]] = []
    for p in range(n_prompts):
        items = [f"p{p}i{i}" for i in range(n_items)]
        for item in items:
            level = int(rng.integers(3, 5))
            for c in ("usefulness", "factuality", "safety", "alignment"):
                rows += [(item, f"p{p}", f"a{k}", c, level) for k in range(3)]
        for a, b in itertools.combinations(items[:3], 2):
            comps.append((f"p{p}", a, b, "a0", str(rng.choice(["a", "b", "tie"]))))
    return pd.DataFrame(rows, columns=RATING), pd.DataFrame(comps, columns=COMPARISON)


def test_same_seed_same_output() -> None:
    ratings, comps = _random_case(1)
    one = aggregate(ratings, comps, AggregationConfig(seed=7))
    two = aggregate(ratings, comps, AggregationConfig(seed=7))
    pd.testing.assert_frame_equal(one.items, two.items)
    pd.testing.assert_frame_equal(one.pairs, two.pairs)
    assert one.to_json() == two.to_json()
    shuffled = aggregate(
        ratings.sample(frac=1.0, random_state=3), comps[::-1], AggregationConfig(seed=7)
    )
    pd.testing.assert_frame_equal(one.items, shuffled.items)


def test_a_different_seed_changes_only_seeded_hash_decisions() -> None:
    ratings, comps = _random_case(2)
    base = aggregate(ratings, comps, AggregationConfig(seed=0)).items.set_index("item_id")
    assert (base["tie_break_rule"] == "seeded_hash").any()
    moved_any = False
    for seed in range(1, 8):
        other = aggregate(ratings, comps, AggregationConfig(seed=seed)).items.set_index("item_id")
        other = other.loc[base.index]
        for column in ("final", "criterion_score", "preference_score", "pairwise_wins"):
            pd.testing.assert_series_equal(base[column], other[column])
        moved = base["rank_in_prompt"] != other["rank_in_prompt"]
        assert (base.loc[moved, "tie_break_rule"] == "seeded_hash").all()
        assert (other.loc[moved, "tie_break_rule"] == "seeded_hash").all()
        moved_any = moved_any or bool(moved.any())
    assert moved_any


@pytest.mark.parametrize(("seed", "margin"), [(3, 0.05), (4, 0.0), (5, 0.2)])
def test_pairs_respect_the_margin_and_the_finals(seed: int, margin: float) -> None:
    ratings, comps = _random_case(seed)
    cfg = AggregationConfig(pair_min_margin=margin, preference_method="bradley_terry")
    result = aggregate(ratings, comps, cfg)
    final = result.items.set_index("item_id")["final"]
    pairs = result.pairs
    assert (pairs["margin"] >= margin).all()
    assert (final.loc[pairs["chosen"]].to_numpy() > final.loc[pairs["rejected"]].to_numpy()).all()
    np.testing.assert_allclose(
        pairs["margin"],
        final.loc[pairs["chosen"]].to_numpy() - final.loc[pairs["rejected"]].to_numpy(),
    )
    expected = 0
    for _, group in result.items.groupby("prompt_id"):
        f = group["final"].to_numpy()
        for i, j in itertools.combinations(range(len(f)), 2):
            gap = abs(f[i] - f[j])
            expected += gap >= margin and gap > cfg.tie_tolerance
    assert len(pairs) == expected


def test_build_pairs_orders_by_final_not_by_row() -> None:
    items = pd.DataFrame({"prompt_id": ["p", "p"], "item_id": ["lo", "hi"], "final": [0.2, 0.7]})
    out = build_pairs(items, min_margin=0.1, tie_tolerance=1e-6)
    assert out[["chosen", "rejected"]].values.tolist() == [["hi", "lo"]]
    assert out["margin"].tolist() == [pytest.approx(0.5)]
