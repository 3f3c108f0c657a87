"""The model registry and the framework-free adapters."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rewardkit.data import PreferenceItem, Prompt
from rewardkit.errors import ConfigError, DataError
from rewardkit.models import (
    ItemScoringModel,
    LengthBaseline,
    ModelOptions,
    RandomBaseline,
    RewardModel,
    load_model,
)
from rewardkit.scoring import score_items


def _items() -> list[PreferenceItem]:
    return [
        PreferenceItem(id="a", prompt="q1", chosen=("long answer",), rejected=("short",)),
        PreferenceItem(id="b", prompt="q2", chosen=("x",), rejected=("yy", "zzz")),
    ]


def test_length_baseline_counts_characters() -> None:
    model = load_model("baseline:length")
    assert isinstance(model, RewardModel)
    assert score_items(model, _items()).scores.tolist() == [11.0, 5.0, 1.0, 2.0, 3.0]


def test_random_baseline_is_seeded_and_batch_invariant() -> None:
    items = _items() * 1
    one = score_items(RandomBaseline(seed=3), items, batch_size=1).scores
    all_ = score_items(RandomBaseline(seed=3), items, batch_size=64).scores
    reordered = score_items(RandomBaseline(seed=3), items[::-1], batch_size=2).scores
    np.testing.assert_array_equal(one, all_)
    np.testing.assert_array_equal(reordered[:3], one[2:])
    assert not np.array_equal(one, score_items(RandomBaseline(seed=4), items).scores)
    assert ((one >= 0) & (one < 1)).all()
    assert load_model("baseline:random", ModelOptions(seed=3)).fingerprint() == (
        "baseline:random/v1/seed=3"
    )


def test_random_baseline_is_uniform() -> None:
    prompts: list[Prompt] = ["p"] * 20000
    scores = RandomBaseline(seed=0).score(prompts, [str(i) for i in range(20000)])
    counts = np.histogram(scores, bins=10, range=(0, 1))[0]
    assert counts.min() > 1800
    assert counts.max() < 2200


def length_of_words(prompts: Sequence[Prompt], responses: Sequence[str]) -> list[float]:
    return [float(len(r.split())) for r in responses]


def test_python_callable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rk_test_module", sys.modules[__name__])
    model = load_model("python:rk_test_module:length_of_words")
    assert score_items(model, _items()).scores.tolist() == [2.0, 1.0, 1.0, 1.0, 1.0]
    assert model.fingerprint().startswith("python:rk_test_module:length_of_words/")
    with pytest.raises(ConfigError, match="no attribute"):
        load_model("python:rk_test_module:nope")
    with pytest.raises(ConfigError, match="cannot import module"):
        load_model("python:no_such_module_xyz:fn")


def test_scores_file_joins_on_item_and_index(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "item_id": ["b", "b", "b", "a", "a"],
            "response_index": [2, 0, 1, 1, 0],
            "score": [0.3, 0.1, 0.2, -1.0, 1.0],
        }
    )
    frame.to_parquet(tmp_path / "s.parquet")
    model = load_model(f"scores:{tmp_path / 's.parquet'}")
    assert isinstance(model, ItemScoringModel)
    assert score_items(model, _items()).scores.tolist() == [1.0, -1.0, 0.1, 0.2, 0.3]
    frame.iloc[:4].to_csv(tmp_path / "partial.csv", index=False)
    with pytest.raises(DataError, match=r"1 response\(s\) have no score \(e.g. a#0\)"):
        score_items(load_model(f"scores:{tmp_path / 'partial.csv'}"), _items())


def test_scores_file_validation(tmp_path: Path) -> None:
    (tmp_path / "dup.jsonl").write_text(
        '{"item_id": "a", "response_index": 0, "score": 1}\n'
        '{"item_id": "a", "response_index": 0, "score": 2}\n'
    )
    with pytest.raises(DataError, match="row 2: field 'item_id': duplicate score"):
        load_model(f"scores:{tmp_path / 'dup.jsonl'}")
    (tmp_path / "bad.jsonl").write_text('{"item_id": "a", "response_index": 0.5, "score": 1}\n')
    with pytest.raises(DataError, match="response_index"):
        load_model(f"scores:{tmp_path / 'bad.jsonl'}")


def test_unknown_scheme_lists_available() -> None:
    with pytest.raises(
        ConfigError,
        match="unknown model scheme 'nope'; available: baseline, builtin, dpo, embed, hf, http, "
        "judge, python, scores",
    ):
        load_model("nope:x")
    with pytest.raises(ConfigError, match="unknown baseline 'len'; available: length, random"):
        load_model("baseline:len")
    with pytest.raises(ConfigError, match="SCHEME:ARGUMENT"):
        load_model("baseline")


def test_engine_rejects_wrong_output_length() -> None:
    class Broken:
        def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
            return np.zeros(len(responses) + 1)

        def fingerprint(self) -> str:
            return "broken"

    with pytest.raises(Exception, match="returned 3 scores for 2 responses"):
        score_items(Broken(), _items()[:1])


def test_engine_rejects_non_finite_scores() -> None:
    class NaNModel(LengthBaseline):
        def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
            return np.full(len(responses), np.nan)

    with pytest.raises(Exception, match="non-finite"):
        score_items(NaNModel(), _items())
