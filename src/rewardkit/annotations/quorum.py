"""Quorum: items need a minimum number of distinct annotators; the rest are listed, not lost."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class QuorumResult:
    kept: pd.DataFrame
    excluded: tuple[tuple[str, int], ...]  # (item_id, number of annotators)

    def to_json(self) -> list[dict[str, object]]:
        return [{"item_id": item, "n_annotators": n} for item, n in self.excluded]


def apply_quorum(ratings: pd.DataFrame, min_annotations: int) -> QuorumResult:
    """Keep the ratings of items rated by at least ``min_annotations`` distinct annotators.

    Example:
        >>> r = pd.DataFrame({"item_id": ["a", "a", "b"], "annotator_id": ["x", "y", "x"]})
        >>> apply_quorum(r, 2).excluded
        (('b', 1),)
    """
    counts = ratings.groupby("item_id")["annotator_id"].nunique()
    short = counts[counts < min_annotations].sort_index()
    kept = ratings[~ratings["item_id"].isin(short.index)].reset_index(drop=True)
    excluded = tuple((str(item), int(n)) for item, n in short.items())
    return QuorumResult(kept=kept, excluded=excluded)
