"""Aggregated annotations joined with their texts: missing and duplicate ids, missing texts
and missing domains."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from rewardkit.annotations.training_data import pair_items, read_texts, scored_items
from rewardkit.errors import DataError


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _result() -> SimpleNamespace:
    return SimpleNamespace(
        pairs=pd.DataFrame(
            {"prompt_id": ["p"], "chosen": ["a"], "rejected": ["b"], "margin": [0.4]}
        ),
        items=pd.DataFrame(
            {
                "prompt_id": ["p", "p"],
                "item_id": ["b", "a"],
                "rank_in_prompt": [2, 1],
                "final": [0.2, 0.6],
            }
        ),
    )


def test_pairs_and_scored_items(tmp_path: Path) -> None:
    responses = _write(
        tmp_path / "r.jsonl",
        [
            {"item_id": "a", "prompt_id": "p", "text": "good"},
            {"item_id": "b", "prompt_id": "p", "text": "bad"},
        ],
    )
    prompts = _write(
        tmp_path / "p.jsonl",
        [{"prompt_id": "p", "prompt": "q?", "domain": None}, {"prompt_id": "z", "prompt": "r?"}],
    )
    texts = read_texts(responses, prompts)
    assert texts.domain == {}  # a missing domain stays missing, never the string "nan"
    (pair,) = pair_items(_result(), texts)  # type: ignore[arg-type]
    assert (pair.chosen, pair.rejected, pair.margin, pair.domain) == (
        ("good",),
        ("bad",),
        0.4,
        None,
    )
    (scored,) = scored_items(_result(), texts)  # type: ignore[arg-type]
    assert scored.chosen == ("good",)
    assert scored.chosen_scores == (0.6,)
    assert scored.rejected_scores == (0.2,)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"item_id": "a", "prompt_id": "p", "text": None}], "row 1: field 'text': missing value"),
        (
            [
                {"item_id": "a", "prompt_id": "p", "text": "x"},
                {"item_id": "a", "prompt_id": "p", "text": "y"},
            ],
            "row 2: field 'item_id': duplicate item_id 'a'",
        ),
    ],
)
def test_bad_responses_tables(tmp_path: Path, rows: list[dict[str, object]], message: str) -> None:
    responses = _write(tmp_path / "r.jsonl", rows)
    prompts = _write(tmp_path / "p.jsonl", [{"prompt_id": "p", "prompt": "q?"}])
    with pytest.raises(DataError, match=message):
        read_texts(responses, prompts)


def test_an_item_under_another_prompt_is_an_error(tmp_path: Path) -> None:
    responses = _write(
        tmp_path / "r.jsonl",
        [
            {"item_id": "a", "prompt_id": "other", "text": "good"},
            {"item_id": "b", "prompt_id": "p", "text": "bad"},
        ],
    )
    prompts = _write(tmp_path / "p.jsonl", [{"prompt_id": "p", "prompt": "q?"}])
    with pytest.raises(DataError, match="belongs to prompt 'other'"):
        pair_items(_result(), read_texts(responses, prompts))  # type: ignore[arg-type]
