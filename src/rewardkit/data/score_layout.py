"""The flat scores layout: which score belongs to which item and response.

Every model scores the responses of a list of items as one flat array, item by item, each
item's chosen responses first and then its rejected ones (:attr:`PreferenceItem.responses`).
:class:`ScoreLayout` is that correspondence, computed once; the engine, the metrics, the
benchmarks and best-of-n read positions, splits and the scores table's key columns from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from rewardkit.data.records import PreferenceItem

__all__ = ["ScoreLayout"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ScoreLayout:
    """Flat per-response arrays of a list of items.

    Attributes:
        item_index: Position (in the item list) of the item each response belongs to.
        position: Index of each response within its item (``response_index``).
        is_chosen: True for the item's chosen responses.
        n_chosen: Chosen responses per item.
        n_rejected: Rejected responses per item.

    Example:
        >>> items = [PreferenceItem("a", "p", ("c",), ("r1", "r2")),
        ...          PreferenceItem("b", "p", ("c",), ("r",))]
        >>> lay = ScoreLayout.of(items)
        >>> lay.item_index.tolist(), lay.position.tolist(), lay.is_chosen.tolist()
        ([0, 0, 0, 1, 1], [0, 1, 2, 0, 1], [True, False, False, True, False])
        >>> [s.tolist() for s in lay.split([1.0, 2.0, 3.0, 4.0, 5.0])]
        [[1.0, 2.0, 3.0], [4.0, 5.0]]
    """

    item_index: IntArray
    position: IntArray
    is_chosen: npt.NDArray[np.bool_]
    n_chosen: IntArray
    n_rejected: IntArray

    @staticmethod
    def of(items: Sequence[PreferenceItem]) -> ScoreLayout:
        """The layout of ``items`` (chosen then rejected responses, item by item)."""
        n = len(items)
        n_c = np.fromiter((len(it.chosen) for it in items), dtype=np.int64, count=n)
        n_r = np.fromiter((len(it.rejected) for it in items), dtype=np.int64, count=n)
        sizes = n_c + n_r
        item_index = np.repeat(np.arange(n, dtype=np.int64), sizes)
        position = np.arange(item_index.size, dtype=np.int64) - np.repeat(
            np.cumsum(sizes) - sizes, sizes
        )
        return ScoreLayout(item_index, position, position < n_c[item_index], n_c, n_r)

    @property
    def n_responses(self) -> int:
        """Length of the flat scores array."""
        return int(self.item_index.size)

    @property
    def sizes(self) -> IntArray:
        """Responses per item."""
        return self.n_chosen + self.n_rejected

    def split(self, flat: npt.ArrayLike) -> list[npt.NDArray[np.float64]]:
        """The flat scores cut into one array per item."""
        values = np.asarray(flat, dtype=np.float64)
        if values.shape != (self.n_responses,):
            raise ValueError(
                f"expected a flat array of {self.n_responses} scores, got shape {values.shape}"
            )
        if not self.n_chosen.size:
            return []
        bounds = np.cumsum(self.sizes)[:-1]
        return [np.asarray(x, dtype=np.float64) for x in np.split(values, bounds)]

    def key_columns(self, items: Sequence[PreferenceItem]) -> dict[str, pd.Series | np.ndarray]:
        """The scores table's key columns, one row per response: ``item_id``,
        ``response_index`` (int32), ``is_chosen``, ``subset`` and ``domain`` (empty when
        absent). Tables pick the columns they keep, in their own order.

        Example:
            >>> items = [PreferenceItem("a", "p", ("c",), ("r",), subset="s")]
            >>> cols = ScoreLayout.of(items).key_columns(items)
            >>> cols["item_id"].tolist(), cols["response_index"].tolist(), cols["subset"].tolist()
            (['a', 'a'], [0, 1], ['s', 's'])
        """
        owner = self.item_index
        ids = np.asarray([it.id for it in items], dtype=object)
        subsets = np.asarray([it.subset or "" for it in items], dtype=object)
        domains = np.asarray([it.domain or "" for it in items], dtype=object)
        return {
            "item_id": pd.Series(ids[owner], dtype="string"),
            "response_index": self.position.astype(np.int32),
            "is_chosen": self.is_chosen.copy(),
            "subset": pd.Series(subsets[owner], dtype="string"),
            "domain": pd.Series(domains[owner], dtype="string"),
        }
