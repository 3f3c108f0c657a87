"""The final reward: a blend of the criterion score and the preference score."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["blend"]


def blend(criterion: ArrayLike, preference: ArrayLike, alpha: float) -> NDArray[np.float64]:
    """``alpha * criterion + (1 - alpha) * preference``; a NaN preference falls back to criterion.

    Args:
        criterion: Weighted criterion scores in [0, 1].
        preference: Preference scores in [0, 1], NaN for items without comparisons.
        alpha: Weight of the criterion score, in [0, 1].

    Example:
        >>> blend([0.83, 0.68, 0.75], [1.0, 0.5, 0.0], 0.6).round(3).tolist()
        [0.898, 0.608, 0.45]
        >>> blend([0.5], [float("nan")], 0.6).tolist()
        [0.5]
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    c = np.asarray(criterion, dtype=np.float64)
    p = np.asarray(preference, dtype=np.float64)
    mixed = alpha * c + (1.0 - alpha) * p
    return np.where(np.isnan(p), c, mixed)
