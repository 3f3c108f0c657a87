"""Flat per-response arrays of preference items (the order scores come in)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from rewardkit.data.records import PreferenceItem


def response_layout(items: Sequence[PreferenceItem]) -> tuple[np.ndarray, np.ndarray]:
    """Item position and chosen flag of every response: chosen then rejected, item by item.

    Example:
        >>> items = [PreferenceItem("a", "p", ("c",), ("r1", "r2"))]
        >>> [x.tolist() for x in response_layout(items)]
        [[0, 0, 0], [True, False, False]]
    """
    sizes = np.fromiter((len(it.responses) for it in items), dtype=np.int64, count=len(items))
    item_index = np.repeat(np.arange(len(items), dtype=np.int64), sizes)
    n_chosen = np.fromiter((len(it.chosen) for it in items), dtype=np.int64, count=len(items))
    position = np.arange(item_index.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return item_index, position < n_chosen[item_index]


def without_labelled_ties(
    items: Sequence[PreferenceItem], scores: npt.ArrayLike
) -> tuple[list[PreferenceItem], np.ndarray]:
    """The items not labelled ``tie`` and their slice of the flat scores.

    Example:
        >>> items = [PreferenceItem("a", "p", ("c",), ("r",), tie=True),
        ...          PreferenceItem("b", "p", ("c",), ("r",))]
        >>> kept, s = without_labelled_ties(items, [1.0, 2.0, 3.0, 4.0])
        >>> [it.id for it in kept], s.tolist()
        (['b'], [3.0, 4.0])
    """
    flat = np.asarray(scores, dtype=np.float64)
    item_index, _ = response_layout(items)
    keep = np.array([not it.tie for it in items], dtype=bool)
    return [it for it in items if not it.tie], flat[keep[item_index]] if items else flat
