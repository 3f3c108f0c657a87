"""Quorum: items need a minimum number of distinct annotators; the rest are listed, not lost."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class ExcludedItem:
    """An item left out because too few distinct annotators rated it.

    Example:
        >>> ExcludedItem("i7", "p2", 2, 3).to_json()["n_annotators"]
        2
    """

    item_id: str
    prompt_id: str
    n_annotators: int
    min_annotations: int

    def to_json(self) -> dict[str, str | int]:
        """JSON form, with the reason spelt out."""
        return {
            "item_id": self.item_id,
            "prompt_id": self.prompt_id,
            "n_annotators": self.n_annotators,
            "min_annotations": self.min_annotations,
            "reason": f"{self.n_annotators} distinct annotator(s), quorum {self.min_annotations}",
        }


def split_quorum(
    ratings: pd.DataFrame, min_annotations: int
) -> tuple[pd.DataFrame, tuple[ExcludedItem, ...]]:
    """Keep the ratings of items with at least ``min_annotations`` distinct annotators.

    Returns:
        The kept ratings and the excluded items (sorted by prompt, then item) with their counts.

    Example:
        >>> r = pd.DataFrame({"item_id": ["a", "a", "b"], "prompt_id": ["p", "p", "p"],
        ...                   "annotator_id": ["x", "y", "x"]})
        >>> kept, excluded = split_quorum(r, 2)
        >>> sorted(set(kept["item_id"])), [(e.item_id, e.n_annotators) for e in excluded]
        (['a'], [('b', 1)])
    """
    counts = ratings.groupby("item_id")["annotator_id"].nunique()
    prompts = {str(k): str(v) for k, v in ratings.groupby("item_id")["prompt_id"].first().items()}
    short = sorted(
        (prompts[str(item)], str(item), int(n))
        for item, n in counts.items()
        if int(n) < min_annotations
    )
    excluded = tuple(ExcludedItem(item, prompt, n, min_annotations) for prompt, item, n in short)
    dropped = {e.item_id for e in excluded}
    kept = ratings[~ratings["item_id"].isin(dropped)].reset_index(drop=True)
    return kept, excluded
