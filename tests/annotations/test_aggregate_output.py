"""AggregationResult: columns, JSON summary, files written atomically; the estimator API."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.annotations.aggregate import (
    AggregationConfig,
    AggregationResult,
    RewardAggregator,
    aggregate,
)

RATING = ["item_id", "prompt_id", "annotator_id", "criterion", "value", "domain"]
COMPARISON = ["prompt_id", "item_a", "item_b", "annotator_id", "preference"]
CFG = AggregationConfig(weights={"usefulness": 0.6, "safety": 0.4}, min_annotations=2)


def _data() -> tuple[pd.DataFrame, pd.DataFrame]:
    levels = {"x": (5, 4), "y": (3, 3), "z": (1, 2), "w": (4, 4), "lone": (5, 5)}
    rows = [
        (item, "p1" if item != "w" else "p2", f"a{k}", c, v, "code" if item != "w" else "chat")
        for item, (u, s) in levels.items()
        for k in range(1 if item == "lone" else 3)
        for c, v in (("usefulness", u), ("safety", s))
    ]
    comps = [
        ("p1", "x", "y", "a0", "a"),
        ("p1", "y", "z", "a1", "tie"),
        ("p1", "x", "z", "a2", "a"),
        ("p1", "lone", "x", "a0", "a"),
    ]
    return pd.DataFrame(rows, columns=RATING), pd.DataFrame(comps, columns=COMPARISON)


def test_items_columns_and_domain() -> None:
    result = aggregate(*_data(), CFG)
    assert list(result.items.columns) == [
        "item_id",
        "prompt_id",
        "domain",
        "n_annotators",
        "score_usefulness",
        "score_safety",
        "criterion_score",
        "rating_variance",
        "n_comparisons",
        "pairwise_wins",
        "preference_score",
        "final",
        "rank_in_prompt",
        "tie_break_rule",
        "fallback_reason",
    ]
    assert result.items["item_id"].tolist() == ["x", "y", "z", "w"]
    assert result.items["domain"].tolist() == ["code", "code", "code", "chat"]
    assert list(result.targets.columns) == ["item_id", "target"]
    assert result.targets["target"].tolist() == result.items["final"].tolist()
    assert [e.item_id for e in result.excluded] == ["lone"]
    assert (result.n_comparisons, result.n_comparisons_dropped) == (3, 1)


def test_to_json_is_plain_json() -> None:
    summary = aggregate(*_data(), CFG).to_json()
    text = json.dumps(summary, allow_nan=False)
    assert json.loads(text) == summary
    assert summary["n_items"] == 4
    assert summary["n_prompts"] == 2
    assert summary["n_fallback"] == 1  # w has no comparisons
    assert summary["preference"]["used"] is True
    assert summary["config"]["weights"] == {"usefulness": 0.6, "safety": 0.4}


def test_write_produces_the_four_files(tmp_path: Path) -> None:
    result = aggregate(*_data(), CFG)
    paths = result.write(tmp_path / "out")
    assert [p.name for p in paths] == [
        "items.parquet",
        "pairs.jsonl",
        "targets.jsonl",
        "excluded.json",
    ]
    items = pd.read_parquet(paths[0])
    pd.testing.assert_frame_equal(
        items.drop(columns=["tie_break_rule", "fallback_reason"]),
        result.items.drop(columns=["tie_break_rule", "fallback_reason"]),
        check_dtype=False,
    )
    pairs = [json.loads(line) for line in paths[1].read_text().splitlines()]
    assert pairs == result.pairs.to_dict("records")
    targets = [json.loads(line) for line in paths[2].read_text().splitlines()]
    assert [t["item_id"] for t in targets] == ["x", "y", "z", "w"]
    assert json.loads(paths[3].read_text())[0]["item_id"] == "lone"
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]
    again = result.write(tmp_path / "again")
    for a, b in zip(paths[1:], again[1:], strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_estimator_conventions() -> None:
    agg = RewardAggregator(CFG)
    assert agg.config is CFG
    assert not hasattr(agg, "scores_")
    ratings, comps = _data()
    assert agg.fit(ratings, comps) is agg
    assert isinstance(agg.result_, AggregationResult)
    pd.testing.assert_frame_equal(agg.scores_, aggregate(ratings, comps, CFG).items)
    assert agg.pairs_ is agg.result_.pairs
    assert agg.targets_ is agg.result_.targets
    assert [e.item_id for e in agg.excluded_] == ["lone"]
    assert agg.criteria_ == ("usefulness", "safety")


def test_result_is_frozen() -> None:
    result = aggregate(*_data(), CFG)
    with pytest.raises(AttributeError):
        result.notes = ()  # type: ignore[misc]
