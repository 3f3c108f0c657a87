"""The blueprint's worked example (tests/golden/aggregate_blueprint.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from rewardkit.annotations.aggregate import AggregationConfig, aggregate, blend

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "aggregate_blueprint.json"
TOL = 1e-9


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return doc


def test_blend_of_the_worked_example(golden: dict[str, Any]) -> None:
    case = golden["blend"]
    final = blend(case["criterion_score"], case["preference_score"], case["alpha"])
    np.testing.assert_allclose(final, case["final"], rtol=0, atol=TOL)


def test_end_to_end_reproduces_the_worked_example(golden: dict[str, Any]) -> None:
    case = golden["end_to_end"]
    ratings = pd.DataFrame(case["ratings"], columns=case["ratings_columns"])
    comparisons = pd.DataFrame(case["comparisons"], columns=case["comparisons_columns"])
    result = aggregate(ratings, comparisons, AggregationConfig(**case["config"]))
    expected = case["expected"]
    items = result.items
    assert items["item_id"].tolist() == expected["item_id"]
    for column in ("n_annotators", "n_comparisons", "rank_in_prompt"):
        assert items[column].tolist() == expected[column], column
    for column in (
        "score_usefulness",
        "score_factuality",
        "score_safety",
        "score_alignment",
        "criterion_score",
        "pairwise_wins",
        "preference_score",
        "final",
    ):
        np.testing.assert_allclose(items[column], expected[column], rtol=0, atol=TOL)
    assert items["tie_break_rule"].tolist() == [None, None, None]
    assert [(e.item_id, e.n_annotators) for e in result.excluded] == [
        (e["item_id"], e["n_annotators"]) for e in expected["excluded"]
    ]
    assert result.n_comparisons_dropped == expected["n_comparisons_dropped"]
    pairs = result.pairs
    assert pairs[["prompt_id", "chosen", "rejected"]].values.tolist() == [
        p[:3] for p in expected["pairs"]
    ]
    np.testing.assert_allclose(pairs["margin"], [p[3] for p in expected["pairs"]], atol=TOL)
    np.testing.assert_allclose(result.targets["target"], expected["final"], atol=TOL)
