"""Flat per-response arrays of preference items (the order scores come in), from
:class:`rewardkit.data.score_layout.ScoreLayout`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from rewardkit.data.records import PreferenceItem
from rewardkit.data.score_layout import ScoreLayout


def response_layout(items: Sequence[PreferenceItem]) -> tuple[np.ndarray, np.ndarray]:
    """Item position and chosen flag of every response: chosen then rejected, item by item.

    Example:
        >>> items = [PreferenceItem("a", "p", ("c",), ("r1", "r2"))]
        >>> [x.tolist() for x in response_layout(items)]
        [[0, 0, 0], [True, False, False]]
    """
    lay = ScoreLayout.of(items)
    return lay.item_index, lay.is_chosen


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
