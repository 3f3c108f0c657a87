"""Likert mapping, per-criterion means, weighted criterion scores and the quorum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rewardkit.annotations.aggregate import (
    AggregationConfig,
    aggregate,
    criterion_table,
    normalise_likert,
    split_quorum,
)
from rewardkit.errors import DataError

COLUMNS = ["item_id", "prompt_id", "annotator_id", "criterion", "value"]
TWO = AggregationConfig(weights={"usefulness": 0.75, "safety": 0.25}, min_annotations=1)


def test_likert_maps_onto_unit_interval() -> None:
    np.testing.assert_allclose(normalise_likert([1, 2, 3, 4, 5], 1, 5), [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(normalise_likert([0, 7, 10], 0, 10), [0.0, 0.7, 1.0])
    np.testing.assert_allclose(normalise_likert([-3, 3], -3, 3), [0.0, 1.0])


def test_criterion_scores_are_weighted_means_over_annotators() -> None:
    ratings = pd.DataFrame(
        [
            ("x", "p", "a", "usefulness", 5),
            ("x", "p", "b", "usefulness", 3),
            ("x", "p", "c", "usefulness", 4),
            ("x", "p", "a", "safety", 1),
            ("x", "p", "b", "safety", 2),
            ("y", "p", "a", "usefulness", 2),
            ("y", "p", "a", "safety", 5),
        ],
        columns=COLUMNS,
    )
    table = criterion_table(ratings, TWO).set_index("item_id")
    assert table.loc["x", "score_usefulness"] == pytest.approx(0.75)  # mean of 1, .5, .75
    assert table.loc["x", "score_safety"] == pytest.approx(0.125)  # mean of 0, .25
    assert table.loc["x", "criterion_score"] == pytest.approx(0.75 * 0.75 + 0.25 * 0.125)
    assert table.loc["y", "criterion_score"] == pytest.approx(0.75 * 0.25 + 0.25 * 1.0)
    assert table.loc["x", "n_annotators"] == 3
    var_u = np.var([1.0, 0.5, 0.75])
    var_s = np.var([0.0, 0.25])
    assert table.loc["x", "rating_variance"] == pytest.approx(0.75 * var_u + 0.25 * var_s)
    assert table.loc["y", "rating_variance"] == 0.0


def test_a_repeated_rating_counts_once_per_annotator() -> None:
    ratings = pd.DataFrame(
        [("x", "p", "a", "safety", 5), ("x", "p", "a", "safety", 3), ("x", "p", "b", "safety", 1)],
        columns=COLUMNS,
    )
    table = criterion_table(ratings, AggregationConfig(weights={"safety": 1.0}))
    assert table["score_safety"].tolist() == [pytest.approx((0.75 + 0.0) / 2)]


def test_missing_weighted_criterion_names_the_items() -> None:
    ratings = pd.DataFrame(
        [
            ("x", "p", "a", "usefulness", 5),
            ("x", "p", "a", "safety", 5),
            ("y", "p", "a", "usefulness", 4),
            ("z", "p", "a", "usefulness", 4),
        ],
        columns=COLUMNS,
    )
    with pytest.raises(DataError, match=r"lack a weighted criterion: y \(safety\), z \(safety\)"):
        aggregate(ratings, None, TWO)
    zero = AggregationConfig(weights={"usefulness": 1.0, "safety": 0.0}, min_annotations=1)
    result = aggregate(ratings, None, zero)  # weight 0: a missing criterion is allowed
    assert np.isnan(result.items.set_index("item_id").loc["y", "score_safety"])
    assert result.items.set_index("item_id").loc["y", "criterion_score"] == pytest.approx(0.75)


def test_quorum_excludes_and_lists_items_with_their_counts() -> None:
    rows = [
        (item, "p1", f"a{k}", "safety", 4) for item, n in (("x", 3), ("y", 2)) for k in range(n)
    ]
    rows += [
        (item, "p2", f"a{k}", "safety", 4) for item, n in (("z", 1), ("w", 4)) for k in range(n)
    ]
    rows += [("y", "p1", "a0", "safety", 5)]  # a second rating by the same annotator: still 2
    ratings = pd.DataFrame(rows, columns=COLUMNS)
    kept, excluded = split_quorum(ratings, 3)
    assert sorted(set(kept["item_id"])) == ["w", "x"]
    assert [(e.item_id, e.prompt_id, e.n_annotators) for e in excluded] == [
        ("y", "p1", 2),
        ("z", "p2", 1),
    ]
    result = aggregate(ratings, None, AggregationConfig(weights={"safety": 1.0}))
    assert sorted(result.items["item_id"]) == ["w", "x"]
    assert [e.to_json() for e in result.excluded] == result.to_json()["excluded"]
    assert result.to_json()["excluded"][0]["reason"] == "2 distinct annotator(s), quorum 3"


def test_everything_below_quorum_gives_an_empty_result() -> None:
    ratings = pd.DataFrame([("x", "p", "a", "safety", 4)], columns=COLUMNS)
    result = aggregate(ratings, None, AggregationConfig(weights={"safety": 1.0}))
    assert result.items.empty
    assert result.pairs.empty
    assert [e.item_id for e in result.excluded] == ["x"]
    assert "quorum" in result.notes[0]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("x", "p", "a", "safety", 6), "outside the scale 1-5"),
        (("x", "p", "a", "safety", "good"), "outside the scale"),
        (("x", "q", "b", "safety", 3), "several prompt_id"),
        ((None, "p", "b", "safety", 3), "'item_id' is empty"),
    ],
)
def test_bad_ratings_raise_data_error(row: tuple[object, ...], message: str) -> None:
    ratings = pd.DataFrame([("x", "p", "a", "safety", 4), row], columns=COLUMNS)
    with pytest.raises(DataError, match=message):
        aggregate(ratings, None, AggregationConfig(weights={"safety": 1.0}, min_annotations=1))


def test_missing_column_raises_data_error() -> None:
    ratings = pd.DataFrame({"item_id": ["x"], "value": [3]})
    with pytest.raises(DataError, match="prompt_id, annotator_id, criterion"):
        aggregate(ratings)
