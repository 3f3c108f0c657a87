"""The preference-method registry: the built-in methods, the unchanged error for an unknown one,
and a new method added by one function plus one registration line, used end to end by the
config, ``aggregate`` and ``rewardkit annotations aggregate``'s job."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rewardkit.annotations.aggregate import (
    PREFERENCE_METHODS,
    AggregationConfig,
    aggregate,
    borda_scores,
    bradley_terry_scores,
)
from rewardkit.config import load_config
from rewardkit.errors import ConfigError
from rewardkit.jobs.annotations import run_aggregate


def wins_only(comparisons: pd.DataFrame) -> pd.Series:
    """A toy method, written as a third party would: outright wins only (a tie scores nothing
    for either side), min-max normalised within each prompt (all equal: 0.5 each)."""
    pref = comparisons["preference"]
    winners = comparisons["item_a"].where(pref == "a", comparisons["item_b"]).where(pref != "tie")
    prompt_of = pd.concat(
        [comparisons.set_index("item_a")["prompt_id"], comparisons.set_index("item_b")["prompt_id"]]
    )
    prompt_of = prompt_of[~prompt_of.index.duplicated()].sort_index()
    wins = winners.value_counts().reindex(prompt_of.index, fill_value=0).astype(np.float64)
    low = wins.groupby(prompt_of).transform("min")
    span = wins.groupby(prompt_of).transform("max") - low
    scores = ((wins - low) / span.where(span > 0)).fillna(0.5)
    return scores.rename_axis("item_id")


@pytest.fixture
def wins_only_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    # the one registration line, as a lazy "module:object" string (undone after the test)
    monkeypatch.setitem(PREFERENCE_METHODS._entries, "wins_only", f"{__name__}:wins_only")


# x beats y outright; y-z and z-x are ties. Outright wins: x 1, y 0, z 0 -> 1, 0, 0.
# Borda (win rates): x 1.5/2, y 0.5/2, z 1/2 -> min-max 1, 0, 0.5, so the methods differ on z.
RATINGS = [
    {"item_id": i, "prompt_id": "p", "annotator_id": "a1", "criterion": "safety", "value": v}
    for i, v in (("x", 5), ("y", 3), ("z", 1))
]
COMPARISONS = [
    {"prompt_id": "p", "item_a": a, "item_b": b, "annotator_id": "a1", "preference": pref}
    for a, b, pref in (("x", "y", "a"), ("y", "z", "tie"), ("z", "x", "tie"))
]
OPTIONS = {"weights": {"safety": 1.0}, "min_annotations": 1, "alpha": 0.5}


def test_builtin_methods_are_the_functions_aggregate_used() -> None:
    assert PREFERENCE_METHODS.names() == ["borda", "bradley_terry"]
    assert PREFERENCE_METHODS.get("borda") is borda_scores
    assert PREFERENCE_METHODS.get("bradley_terry") is bradley_terry_scores


def test_unknown_method_keeps_the_literal_wording(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(AggregationConfig, None, {"preference_method": "elo"})
    assert "preference_method: Input should be 'borda' or 'bradley_terry'" in str(info.value)
    with pytest.raises(ConfigError, match="Input should be 'borda' or 'bradley_terry'"):
        load_config(AggregationConfig, None, {"preference_method": 3})


def test_a_registered_method_runs_end_to_end(wins_only_registered: None, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'borda', 'bradley_terry' or 'wins_only'"):
        load_config(AggregationConfig, None, {"preference_method": "elo"})
    cfg = load_config(AggregationConfig, None, {**OPTIONS, "preference_method": "wins_only"})
    ratings, comparisons = tmp_path / "ratings.jsonl", tmp_path / "comparisons.jsonl"
    ratings.write_text("\n".join(json.dumps(r) for r in RATINGS), encoding="utf-8")
    comparisons.write_text("\n".join(json.dumps(c) for c in COMPARISONS), encoding="utf-8")

    run = run_aggregate(ratings, comparisons, cfg, tmp_path / "run")

    items = run.result.items.set_index("item_id")
    assert items["preference_score"].to_dict() == {"x": 1.0, "y": 0.0, "z": 0.0}
    # final = 0.5 * criterion ((v - 1) / 4) + 0.5 * preference
    assert items["final"].to_dict() == {"x": 1.0, "y": 0.25, "z": 0.0}
    written = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    assert written["preference"]["method"] == "wins_only"
    assert written["config"]["preference_method"] == "wins_only"
    assert written["final"] == {"min": 0.0, "mean": 1.25 / 3, "max": 1.0}
    borda = aggregate(
        pd.DataFrame(RATINGS), pd.DataFrame(COMPARISONS), AggregationConfig(**OPTIONS)
    )
    assert borda.items.set_index("item_id")["preference_score"]["z"] == 0.5
