"""Length bias: does the chosen response tend to be the longer one?

A dataset where chosen responses are usually longer teaches a reward model to reward length
(a well-known failure of RMs). The audit measures, over every (chosen, rejected) pair of the
preferences (tie rows excluded), the fraction where the chosen response has more characters
(equal lengths count half) and the ratio of mean chosen to mean rejected length.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rewardkit.curation.audit.config import AuditConfig
from rewardkit.curation.audit.report import Bound, Check
from rewardkit.curation.audit.tables import require_columns
from rewardkit.errors import DataError

__all__ = ["length_checks", "pair_lengths"]


def _texts(value: Any, row: int, field: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [str(value[-1].get("content", ""))]  # one conversation: its final message
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise DataError(
        "expected a response text, a list of texts or a message list", row=row, field=field
    )


def pair_lengths(preferences: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Character lengths of the chosen and rejected response of every pair.

    A row with several chosen or rejected responses gives one pair per combination; a
    message list counts its final message; rows with a true ``tie`` are left out.

    Example:
        >>> p = pd.DataFrame({"chosen": ["abcd", ["ab", "abc"]], "rejected": ["a", "xy"]})
        >>> [a.tolist() for a in pair_lengths(p)]
        [[4, 2, 3], [1, 2, 2]]
    """
    require_columns(preferences, "preferences", ["chosen", "rejected"])
    ties = (
        preferences["tie"].fillna(False).astype(bool)
        if "tie" in preferences.columns
        else pd.Series(False, index=preferences.index)
    )
    chosen_len: list[int] = []
    rejected_len: list[int] = []
    for i, (chosen, rejected, tie) in enumerate(
        zip(preferences["chosen"], preferences["rejected"], ties, strict=True), start=1
    ):
        if tie:
            continue
        for c in _texts(chosen, i, "chosen"):
            for r in _texts(rejected, i, "rejected"):
                chosen_len.append(len(c))
                rejected_len.append(len(r))
    return np.asarray(chosen_len, dtype=np.int64), np.asarray(rejected_len, dtype=np.int64)


def length_checks(preferences: pd.DataFrame, config: AuditConfig) -> list[Check]:
    """``length_chosen_longer`` (fraction of pairs with the longer response chosen, ties
    half) within ``chosen_longer_range``, and ``length_ratio`` (mean chosen over mean
    rejected characters) within ``length_ratio_range``.

    Example:
        >>> p = pd.DataFrame({"chosen": ["long answer"] * 4, "rejected": ["short"] * 4})
        >>> [(c.name, c.passed) for c in length_checks(p, AuditConfig())]
        [('length_chosen_longer', False), ('length_ratio', False)]
    """
    chosen, rejected = pair_lengths(preferences)
    if chosen.size == 0:
        return []
    longer = float(np.mean((chosen > rejected) + 0.5 * (chosen == rejected)))
    mean_c, mean_r = float(chosen.mean()), float(rejected.mean())
    ratio = mean_c / mean_r if mean_r > 0 else float("inf") if mean_c > 0 else 1.0
    low, high = config.chosen_longer_range
    r_low, r_high = config.length_ratio_range
    return [
        Check.against(
            "length_chosen_longer",
            longer,
            Bound(low, high),
            f"chosen is longer in {int((chosen > rejected).sum())}, shorter in "
            f"{int((chosen < rejected).sum())}, equal in {int((chosen == rejected).sum())} "
            f"of {chosen.size} pairs",
        ),
        Check.against(
            "length_ratio",
            ratio,
            Bound(r_low, r_high),
            f"mean chosen {mean_c:.1f} chars, mean rejected {mean_r:.1f} chars",
        ),
    ]
