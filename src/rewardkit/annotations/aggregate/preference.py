"""Pairwise comparisons to a preference score per item, normalised to [0, 1] within its prompt.

Every comparison gives its winner 1 point, and 0.5 to each item on a tie. The Borda score used
here is the item's **win rate**, ``points / comparisons involving the item``, so items compared
more often are not favoured; it is then min-max normalised across the prompt's compared items
(``(x - min) / (max - min)``), and a prompt whose compared items all have the same win rate gives
each 0.5. Items never compared get no score (NaN). Bradley-Terry is the alternative
(:mod:`rewardkit.annotations.aggregate.bradley_terry`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from rewardkit.annotations.aggregate.criteria import listing
from rewardkit.errors import DataError

__all__ = [
    "COMPARISON_COLUMNS",
    "borda_scores",
    "check_comparisons",
    "minmax_within",
    "points_matrix",
    "preference_scores",
    "tally",
]

COMPARISON_COLUMNS = ("prompt_id", "item_a", "item_b", "annotator_id", "preference")
PREFERENCES = ("a", "b", "tie")
_FLAT = 1e-12


def check_comparisons(comparisons: pd.DataFrame, prompt_of: Mapping[str, str]) -> pd.DataFrame:
    """Validate comparisons against the rated items and return a clean copy (ids as strings).

    Args:
        comparisons: ``prompt_id, item_a, item_b, annotator_id, preference`` (a, b or tie).
        prompt_of: The prompt of every rated item.

    Raises:
        DataError: Missing columns or fields, an unknown preference, an item compared with
            itself, an item that has no ratings or that belongs to another prompt.

    Example:
        >>> c = pd.DataFrame({"prompt_id": ["p"], "item_a": ["x"], "item_b": ["y"],
        ...                   "annotator_id": ["a1"], "preference": ["A"]})
        >>> check_comparisons(c, {"x": "p", "y": "p"})["preference"].tolist()
        ['a']
    """
    missing = [c for c in COMPARISON_COLUMNS if c not in comparisons.columns]
    if missing:
        raise DataError(f"comparisons lack column(s) {', '.join(missing)}")
    frame = comparisons.loc[:, list(COMPARISON_COLUMNS)].reset_index(drop=True)
    for column in COMPARISON_COLUMNS:
        if frame[column].isna().any():
            raise DataError(f"comparisons: field {column!r} is empty in some rows", field=column)
        frame[column] = frame[column].astype(str)
    frame["preference"] = frame["preference"].str.strip().str.lower()
    bad = sorted(set(frame.loc[~frame["preference"].isin(PREFERENCES), "preference"]))
    if bad:
        raise DataError(f"comparisons: preference must be a, b or tie, got {listing(bad)}")
    same = frame.loc[frame["item_a"] == frame["item_b"], "item_a"].tolist()
    if same:
        raise DataError(f"comparisons of an item with itself: {listing(sorted(set(same)))}")
    problems: list[str] = []
    for side in ("item_a", "item_b"):
        for item, prompt in zip(frame[side], frame["prompt_id"], strict=True):
            if item not in prompt_of:
                problems.append(f"{item} (no ratings)")
            elif prompt_of[item] != prompt:
                problems.append(f"{item} (rated under prompt {prompt_of[item]}, not {prompt})")
    if problems:
        raise DataError(f"comparisons name unknown items: {listing(sorted(set(problems)))}")
    return frame


def tally(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Points (win 1, tie 0.5) and comparison counts per item, indexed by ``item_id``.

    Example:
        >>> c = pd.DataFrame({"prompt_id": ["p"] * 2, "item_a": ["x", "y"],
        ...                   "item_b": ["y", "x"], "preference": ["a", "tie"]})
        >>> tally(c).to_dict("index")
        {'x': {'points': 1.5, 'n_comparisons': 2}, 'y': {'points': 0.5, 'n_comparisons': 2}}
    """
    pref = comparisons["preference"].to_numpy()
    a_points = np.where(pref == "a", 1.0, np.where(pref == "tie", 0.5, 0.0))
    long = pd.DataFrame(
        {
            "item_id": np.concatenate([comparisons["item_a"], comparisons["item_b"]]),
            "points": np.concatenate([a_points, 1.0 - a_points]),
        }
    )
    grouped = long.groupby("item_id")["points"]
    out = pd.DataFrame({"points": grouped.sum(), "n_comparisons": grouped.size()})
    out.index = out.index.astype(str)
    return out.sort_index()


def minmax_within(values: ArrayLike) -> NDArray[np.float64]:
    """Min-max normalise to [0, 1] along the last axis; all-equal values (within 1e-12) give
    0.5 each.

    Example:
        >>> minmax_within([2.0, 4.0, 3.0]).tolist(), minmax_within([[1.0, 1.0]]).tolist()
        ([0.0, 1.0, 0.5], [[0.5, 0.5]])
    """
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return x
    low = x.min(axis=-1, keepdims=True)
    span = x.max(axis=-1, keepdims=True) - low
    flat = span <= _FLAT
    scaled: NDArray[np.float64] = np.where(flat, 0.5, (x - low) / np.where(flat, 1.0, span))
    return scaled


def points_matrix(comparisons: pd.DataFrame) -> tuple[list[str], NDArray[np.float64]]:
    """The items of one prompt (sorted) and ``W[i, j]``: points item ``i`` took from ``j``.

    Example:
        >>> c = pd.DataFrame({"item_a": ["x", "x"], "item_b": ["y", "y"],
        ...                   "preference": ["a", "tie"]})
        >>> points_matrix(c)[1].tolist()
        [[0.0, 1.5], [0.5, 0.0]]
    """
    items = sorted(set(comparisons["item_a"]) | set(comparisons["item_b"]))
    index = {item: k for k, item in enumerate(items)}
    w = np.zeros((len(items), len(items)), dtype=np.float64)
    for a, b, pref in zip(
        comparisons["item_a"], comparisons["item_b"], comparisons["preference"], strict=True
    ):
        i, j = index[a], index[b]
        credit = 1.0 if pref == "a" else 0.5 if pref == "tie" else 0.0
        w[i, j] += credit
        w[j, i] += 1.0 - credit
    return items, w


def _win_rate(w: NDArray[np.float64]) -> NDArray[np.float64]:
    points: NDArray[np.float64] = w.sum(axis=-1)
    played: NDArray[np.float64] = points + w.sum(axis=-2)
    rate: NDArray[np.float64] = np.divide(points, played)
    return rate


Stack = tuple[list[str], NDArray[np.float64]]


def _stacks(comparisons: pd.DataFrame) -> tuple[list[str], list[Stack]]:
    """All compared items sorted by prompt then item, and the prompts grouped by their number
    ``k`` of compared items: their item ids in that order and their points matrices stacked as
    ``(n_prompts, k, k)``."""
    sides = pd.DataFrame(
        {
            "prompt_id": np.concatenate([comparisons["prompt_id"], comparisons["prompt_id"]]),
            "item_id": np.concatenate([comparisons["item_a"], comparisons["item_b"]]),
        }
    ).astype(str)
    items = sides.drop_duplicates().sort_values(["prompt_id", "item_id"], kind="stable")
    shared = items.loc[items["item_id"].duplicated(), "item_id"].tolist()
    if shared:
        raise DataError(f"comparisons: item(s) under several prompts: {listing(shared)}")
    items["local"] = items.groupby("prompt_id").cumcount()
    items["size"] = items.groupby("prompt_id")["item_id"].transform("size")
    items["row"] = 0
    for _, bucket in items.groupby("size"):
        items.loc[bucket.index, "row"] = pd.factorize(bucket["prompt_id"])[0]
    where = items.set_index("item_id")
    pref = comparisons["preference"].to_numpy()
    credit = np.where(pref == "a", 1.0, np.where(pref == "tie", 0.5, 0.0))
    a = where.loc[pd.Index(comparisons["item_a"].astype(str))]
    b = where.loc[pd.Index(comparisons["item_b"].astype(str))]
    size_of = a["size"].to_numpy()
    out: list[Stack] = []
    for k in sorted(set(items["size"])):
        bucket = items[items["size"] == k]
        w = np.zeros((len(bucket) // k, k, k), dtype=np.float64)
        sel = size_of == k
        row, i, j = a["row"].to_numpy()[sel], a["local"].to_numpy()[sel], b["local"].to_numpy()[sel]
        np.add.at(w, (row, i, j), credit[sel])
        np.add.at(w, (row, j, i), 1.0 - credit[sel])
        out.append((bucket["item_id"].tolist(), w))
    return items["item_id"].tolist(), out


def preference_scores(
    comparisons: pd.DataFrame, strength: Callable[[NDArray[np.float64]], NDArray[np.float64]]
) -> pd.Series:
    """Score each prompt's compared items with ``strength`` and min-max normalise per prompt.

    Args:
        comparisons: ``prompt_id, item_a, item_b, preference``; item ids unique across prompts.
        strength: Maps stacked points matrices ``(n_prompts, k, k)`` to ``(n_prompts, k)``
            (prompts of the same size are scored together, so it must treat each separately).

    Returns:
        A float Series indexed by ``item_id``, sorted by prompt, then item.

    Example:
        >>> c = pd.DataFrame({"prompt_id": ["p"], "item_a": ["x"], "item_b": ["y"],
        ...                   "preference": ["b"]})
        >>> preference_scores(c, lambda w: w.sum(axis=-1)).to_dict()
        {'x': 0.0, 'y': 1.0}
    """
    if len(comparisons) == 0:
        return pd.Series([], index=pd.Index([], name="item_id", dtype=object), dtype=np.float64)
    order, stacks = _stacks(comparisons)
    ids: list[str] = []
    scores: list[NDArray[np.float64]] = []
    for items, w in stacks:
        ids.extend(items)
        scores.append(minmax_within(strength(w)).ravel())
    out = pd.Series(
        np.concatenate(scores), index=pd.Index(ids, name="item_id", dtype=object), dtype=np.float64
    )
    return out.loc[order]


def borda_scores(comparisons: pd.DataFrame) -> pd.Series:
    """Borda preference scores: win rates min-max normalised within each prompt.

    Example:
        >>> c = pd.DataFrame({"prompt_id": ["p"] * 3, "item_a": ["x", "x", "y"],
        ...                   "item_b": ["y", "z", "z"], "preference": ["a", "a", "tie"]})
        >>> borda_scores(c).to_dict()
        {'x': 1.0, 'y': 0.0, 'z': 0.0}
    """
    return preference_scores(comparisons, _win_rate)
