"""Per-item outcomes of chosen-versus-rejected comparisons, vectorized over items.

Every function takes the responses as flat arrays: ``scores`` (model score of each response),
``item_index`` (the item, ``0..n_items-1``, each response belongs to; responses of an item need
not be contiguous) and ``is_chosen`` (whether the response is a preferred one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["best_of_n_outcomes", "pair_differences", "pairwise_outcomes"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _ChosenCounts:
    """For every chosen response: how many rejected of its item score below / equal to it."""

    item: IntArray  # item of each chosen response
    n_below: IntArray  # rejected of the same item with a strictly lower score
    n_equal: IntArray  # rejected of the same item with an equal score
    n_rejected: IntArray  # rejected of the same item (total)
    n_chosen_per_item: IntArray  # (n_items,)


def _as_inputs(
    scores: npt.ArrayLike, item_index: npt.ArrayLike, is_chosen: npt.ArrayLike
) -> tuple[FloatArray, IntArray, npt.NDArray[np.bool_]]:
    s = np.asarray(scores, dtype=np.float64).ravel()
    it = np.asarray(item_index, dtype=np.int64).ravel()
    ch = np.asarray(is_chosen, dtype=bool).ravel()
    if not s.size == it.size == ch.size:
        raise ValueError(
            f"scores, item_index and is_chosen differ in length: {s.size}, {it.size}, {ch.size}"
        )
    if np.isnan(s).any():
        raise ValueError(f"scores contain NaN (first at response {int(np.argmax(np.isnan(s)))})")
    if it.size and it.min() < 0:
        raise ValueError("item_index must be non-negative")
    return s, it, ch


def _chosen_counts(
    scores: npt.ArrayLike, item_index: npt.ArrayLike, is_chosen: npt.ArrayLike, n_items: int
) -> _ChosenCounts:
    """Count, per chosen response, the rejected responses of its item below and equal to it.

    Scores are replaced by dense integer ranks so that ``item * n_ranks + rank`` is one sortable
    int64 key; two ``searchsorted`` calls then give the counts in O(n log n) for all items.
    """
    s, it, ch = _as_inputs(scores, item_index, is_chosen)
    if it.size and it.max() >= n_items:
        raise ValueError(f"item_index has values >= n_items ({n_items})")
    _, rank = np.unique(s, return_inverse=True)
    n_ranks = np.int64(rank.max() + 1 if rank.size else 1)
    key = it * n_ranks + rank.astype(np.int64).ravel()
    rej_keys = np.sort(key[~ch])
    c_item = it[ch]
    c_key = key[ch]
    item_start = np.searchsorted(rej_keys, c_item * n_ranks, side="left")
    below = np.searchsorted(rej_keys, c_key, side="left")
    at_or_below = np.searchsorted(rej_keys, c_key, side="right")
    n_rej_item = np.bincount(it[~ch], minlength=n_items).astype(np.int64)
    return _ChosenCounts(
        item=c_item,
        n_below=(below - item_start).astype(np.int64),
        n_equal=(at_or_below - below).astype(np.int64),
        n_rejected=n_rej_item[c_item],
        n_chosen_per_item=np.bincount(c_item, minlength=n_items).astype(np.int64),
    )


def _average_over_chosen(counts: _ChosenCounts, per_chosen: FloatArray, n_items: int) -> FloatArray:
    """Mean of a per-chosen value over each item's chosen responses; NaN for items lacking any
    chosen or any rejected response."""
    total = np.bincount(counts.item, weights=per_chosen, minlength=n_items)
    n_rej = np.bincount(counts.item, weights=counts.n_rejected, minlength=n_items)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total / counts.n_chosen_per_item
    out[(counts.n_chosen_per_item == 0) | (n_rej == 0)] = np.nan
    return np.asarray(out, dtype=np.float64)


def pairwise_outcomes(
    scores: npt.ArrayLike,
    item_index: npt.ArrayLike,
    is_chosen: npt.ArrayLike,
    n_items: int,
    tie_value: float = 0.5,
) -> FloatArray:
    """Per-item pairwise accuracy: the mean over all chosen x rejected pairs of the item of
    1 if ``s_chosen > s_rejected``, ``tie_value`` if equal, 0 otherwise.

    Args:
        scores: Model score of each response, shape ``(n_resp,)``; NaN is an error.
        item_index: Item of each response, integers in ``[0, n_items)``.
        is_chosen: True for preferred responses.
        n_items: Number of items.
        tie_value: Credit for a tied pair.

    Returns:
        Shape ``(n_items,)``; NaN for items with no chosen or no rejected response.

    Example:
        >>> pairwise_outcomes([2.0, 1.0, 1.0, 1.0, 3.0], [0, 0, 1, 1, 1],
        ...                   [True, False, True, False, False], n_items=2)
        array([1.  , 0.25])
    """
    counts = _chosen_counts(scores, item_index, is_chosen, n_items)
    per_chosen = (counts.n_below + tie_value * counts.n_equal) / np.maximum(counts.n_rejected, 1)
    return _average_over_chosen(counts, per_chosen.astype(np.float64), n_items)


def best_of_n_outcomes(
    scores: npt.ArrayLike,
    item_index: npt.ArrayLike,
    is_chosen: npt.ArrayLike,
    n_items: int,
) -> FloatArray:
    """Per-item best-of-N accuracy (the RewardBench 2 rule).

    A chosen response scores 1 when it beats every rejected response of its item; when it ties
    with the highest rejected score it scores ``1/k``, with ``k`` the number of responses tied
    at that maximum (the chosen one included); otherwise 0. Items with several chosen responses
    average this over their chosen responses, each judged against all rejected ones. With one
    rejected response this equals :func:`pairwise_outcomes` with ``tie_value=0.5``.

    Args:
        scores: Model score of each response, shape ``(n_resp,)``; NaN is an error.
        item_index: Item of each response, integers in ``[0, n_items)``.
        is_chosen: True for preferred responses.
        n_items: Number of items.

    Returns:
        Shape ``(n_items,)``; NaN for items with no chosen or no rejected response.

    Example:
        >>> best_of_n_outcomes([2.0, 2.0, 2.0, 1.0, 5.0, 4.0, 4.5], [0, 0, 0, 0, 1, 1, 1],
        ...                    [True, False, False, False, True, False, False], n_items=2)
        array([0.33333333, 1.        ])
    """
    counts = _chosen_counts(scores, item_index, is_chosen, n_items)
    wins = counts.n_below == counts.n_rejected
    at_max = counts.n_below + counts.n_equal == counts.n_rejected
    per_chosen = np.where(wins, 1.0, np.where(at_max, 1.0 / (1.0 + counts.n_equal), 0.0))
    return _average_over_chosen(counts, per_chosen.astype(np.float64), n_items)


def pair_differences(
    scores: npt.ArrayLike, item_index: npt.ArrayLike, is_chosen: npt.ArrayLike
) -> tuple[IntArray, FloatArray]:
    """Score differences ``s_chosen - s_rejected`` for every chosen x rejected pair of each item.

    Pairs are ordered by item, then by the chosen response's position in the input, then by the
    rejected response's position.

    Args:
        scores: Model score of each response, shape ``(n_resp,)``; NaN is an error.
        item_index: Item of each response (non-negative integers).
        is_chosen: True for preferred responses.

    Returns:
        ``(pair_item, diff)``: the item of each pair and its score difference.

    Example:
        >>> pair_differences([3.0, 1.0, 0.5, 2.0, 2.5], [0, 0, 0, 1, 1],
        ...                  [True, False, False, False, True])
        (array([0, 0, 1]), array([2. , 2.5, 0.5]))
    """
    s, it, ch = _as_inputs(scores, item_index, is_chosen)
    n_items = int(it.max()) + 1 if it.size else 0
    c_pos = np.flatnonzero(ch)
    r_pos = np.flatnonzero(~ch)
    c_pos = c_pos[np.argsort(it[c_pos], kind="stable")]
    r_pos = r_pos[np.argsort(it[r_pos], kind="stable")]
    n_rej = np.bincount(it[r_pos], minlength=n_items)
    r_start = np.concatenate(([0], np.cumsum(n_rej)[:-1])) if n_items else n_rej
    c_item = it[c_pos]
    reps = n_rej[c_item]
    total = int(reps.sum())
    pair_chosen = np.repeat(c_pos, reps)
    block_start = np.repeat(np.cumsum(reps) - reps, reps)
    offset = np.arange(total, dtype=np.int64) - block_start
    pair_rejected = r_pos[np.repeat(r_start[c_item], reps) + offset]
    return it[pair_chosen], s[pair_chosen] - s[pair_rejected]
