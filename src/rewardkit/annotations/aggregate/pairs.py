"""Labels for reward-model training: (chosen, rejected) pairs with margins, regression targets."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["PAIR_COLUMNS", "build_pairs", "build_targets"]

PAIR_COLUMNS = ("prompt_id", "chosen", "rejected", "margin")


def build_pairs(items: pd.DataFrame, *, min_margin: float, tie_tolerance: float) -> pd.DataFrame:
    """Every within-prompt pair whose finals differ by at least ``min_margin``.

    ``chosen`` has the higher final and ``margin = final(chosen) - final(rejected)``. Pairs
    whose finals are tied (difference within ``tie_tolerance``) are never emitted, even with
    ``min_margin = 0``: their order is a tie-break, not a preference. Rows follow the prompt,
    then the ranks of chosen and rejected.

    Args:
        items: ``prompt_id, item_id, final`` and ``rank_in_prompt`` (or rows in rank order).
        min_margin: Smallest margin kept.
        tie_tolerance: Finals at most this far apart are tied.

    Example:
        >>> items = pd.DataFrame({"prompt_id": ["p"] * 3, "item_id": ["x", "y", "z"],
        ...                       "final": [0.9, 0.88, 0.5], "rank_in_prompt": [1, 2, 3]})
        >>> build_pairs(items, min_margin=0.05, tie_tolerance=1e-6).values.tolist()
        [['p', 'x', 'z', 0.4], ['p', 'y', 'z', 0.38]]
    """
    rows: list[tuple[str, str, str, float]] = []
    ordered = items
    if "rank_in_prompt" in items.columns:
        ordered = items.sort_values(["prompt_id", "rank_in_prompt"], kind="stable")
    for prompt, group in ordered.groupby("prompt_id", sort=True):
        ids = [str(i) for i in group["item_id"]]
        finals = group["final"].to_numpy(dtype=np.float64)
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                hi, lo = (i, j) if finals[i] >= finals[j] else (j, i)
                margin = float(finals[hi] - finals[lo])
                if margin >= min_margin and margin > tie_tolerance:
                    rows.append((str(prompt), ids[hi], ids[lo], margin))
    frame = pd.DataFrame(rows, columns=list(PAIR_COLUMNS))
    return frame.astype(
        {"prompt_id": object, "chosen": object, "rejected": object, "margin": float}
    )


def build_targets(items: pd.DataFrame) -> pd.DataFrame:
    """Regression targets: ``item_id, target`` with ``target = final``.

    Example:
        >>> build_targets(pd.DataFrame({"item_id": ["x"], "final": [0.7]})).values.tolist()
        [['x', 0.7]]
    """
    return pd.DataFrame(
        {
            "item_id": pd.Series(items["item_id"].astype(str).tolist(), dtype=object),
            "target": items["final"].to_numpy(dtype=np.float64),
        }
    )
