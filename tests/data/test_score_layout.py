"""The flat scores layout agrees with a plain loop over items and responses, everywhere it is
used (engine inputs, scores table, best-of-n splits, metrics)."""

from __future__ import annotations

import numpy as np
import pytest

from rewardkit.data.records import PreferenceItem
from rewardkit.data.score_layout import ScoreLayout
from rewardkit.metrics.layout import response_layout
from rewardkit.scoring.engine import flatten, scores_frame


def _items(seed: int, n: int) -> list[PreferenceItem]:
    rng = np.random.default_rng(seed)
    items = []
    for i in range(n):
        n_c, n_r = int(rng.integers(1, 4)), int(rng.integers(0, 5))
        items.append(
            PreferenceItem(
                id=f"it{i}",
                prompt=f"p{i}",
                chosen=tuple(f"c{i}.{j}" for j in range(n_c)),
                rejected=tuple(f"r{i}.{j}" for j in range(n_r)),
                subset=None if i % 3 else f"s{i % 2}",
                domain=f"d{i % 4}" if i % 2 else None,
            )
        )
    return items


def _loop(items: list[PreferenceItem]) -> list[tuple[int, int, bool, str, str, str]]:
    rows = []
    for k, it in enumerate(items):
        for j in range(len(it.responses)):
            rows.append((k, j, j < len(it.chosen), it.id, it.subset or "", it.domain or ""))
    return rows


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_layout_matches_a_plain_loop(seed: int) -> None:
    items = _items(seed, 40)
    rows = _loop(items)
    lay = ScoreLayout.of(items)
    assert lay.n_responses == len(rows)
    assert lay.item_index.tolist() == [r[0] for r in rows]
    assert lay.position.tolist() == [r[1] for r in rows]
    assert lay.is_chosen.tolist() == [r[2] for r in rows]
    key = lay.key_columns(items)
    assert key["item_id"].tolist() == [r[3] for r in rows]
    assert key["subset"].tolist() == [r[4] for r in rows]
    assert key["domain"].tolist() == [r[5] for r in rows]
    assert key["response_index"].dtype == np.int32
    flat = np.arange(len(rows), dtype=np.float64)
    parts = lay.split(flat)
    assert [p.tolist() for p in parts] == [
        [float(i) for i, r in enumerate(rows) if r[0] == k] for k in range(len(items))
    ]


def test_engine_metrics_and_table_read_the_same_layout() -> None:
    items = _items(3, 25)
    rows = _loop(items)
    prompts, responses, owner = flatten(items)
    assert owner.tolist() == [r[0] for r in rows]
    assert responses == [items[r[0]].responses[r[1]] for r in rows]
    assert prompts == [items[r[0]].prompt for r in rows]
    item_index, chosen = response_layout(items)
    assert item_index.tolist() == [r[0] for r in rows]
    assert chosen.tolist() == [r[2] for r in rows]
    frame = scores_frame(items, np.linspace(0, 1, len(rows)))
    assert list(frame.columns) == [
        "item_id",
        "response_index",
        "is_chosen",
        "score",
        "subset",
        "domain",
    ]
    assert frame["item_id"].tolist() == [r[3] for r in rows]
    assert frame["response_index"].tolist() == [r[1] for r in rows]


def test_empty_item_list() -> None:
    lay = ScoreLayout.of([])
    assert lay.n_responses == 0
    assert lay.split(np.zeros(0)) == []
    assert len(scores_frame([], np.zeros(0))) == 0


def test_split_refuses_scores_of_another_length() -> None:
    with pytest.raises(ValueError, match="expected a flat array of 5 scores"):
        ScoreLayout.of([PreferenceItem("a", "p", ("c",), ("r1", "r2", "r3", "r4"))]).split(
            np.zeros(4)
        )
