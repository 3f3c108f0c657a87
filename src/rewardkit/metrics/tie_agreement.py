"""Agreement with labels that include ties, as judge benchmarks publish it (PandaLM, Auto-J).

A pair predicted as a tie is one whose score difference is within ``margin``
(``|s_chosen - s_rejected| <= margin``). On an item labelled as a tie the prediction is correct
only when it is a tie; on any other item it is correct only when the chosen response scores more
than ``margin`` above the rejected one, so a predicted tie there is wrong (no partial credit).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rewardkit.metrics.pairwise import pair_differences

__all__ = ["tie_agreement_outcomes"]

FloatArray = npt.NDArray[np.float64]


def tie_agreement_outcomes(
    scores: npt.ArrayLike,
    item_index: npt.ArrayLike,
    is_chosen: npt.ArrayLike,
    is_tie: npt.ArrayLike,
    n_items: int,
    margin: float = 0.0,
) -> FloatArray:
    """Per-item agreement with tie-aware labels, averaged over the item's chosen x rejected pairs.

    Args:
        scores: Model score of each response, shape ``(n_resp,)``; NaN is an error.
        item_index: Item of each response, integers in ``[0, n_items)``.
        is_chosen: True for the responses listed as chosen (either side of a labelled tie).
        is_tie: Per item, whether it is labelled a tie, shape ``(n_items,)``.
        n_items: Number of items.
        margin: Largest absolute score difference read as a predicted tie (``>= 0``).

    Returns:
        Shape ``(n_items,)``: per item the share of its pairs predicted correctly; NaN for items
        with no chosen or no rejected response.

    Example:
        >>> tie_agreement_outcomes([1.0, 1.0, 2.0, 1.0, 1.0, 1.0], [0, 0, 1, 1, 2, 2],
        ...     [True, False] * 3, [True, False, False], n_items=3).tolist()
        [1.0, 1.0, 0.0]
    """
    if margin < 0 or margin != margin:
        raise ValueError(f"margin must be a non-negative number, got {margin}")
    tie = np.asarray(is_tie, dtype=bool).ravel()
    if tie.size != n_items:
        raise ValueError(f"is_tie has {tie.size} entries for {n_items} items")
    pair_item, diff = pair_differences(scores, item_index, is_chosen)
    if pair_item.size and pair_item.max() >= n_items:
        raise ValueError(f"item_index has values >= n_items ({n_items})")
    correct = np.where(tie[pair_item], np.abs(diff) <= margin, diff > margin)
    total = np.bincount(pair_item, weights=correct.astype(np.float64), minlength=n_items)
    count = np.bincount(pair_item, minlength=n_items)
    out = np.full(n_items, np.nan, dtype=np.float64)
    has = count > 0
    out[has] = total[has] / count[has]
    return out
