"""Protocol for models that tokenize: the engine sorts and buckets inputs by token length."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from rewardkit.data.records import Prompt


@dataclass(frozen=True)
class LengthInfo:
    """Token lengths after truncation, and which inputs were truncated."""

    lengths: np.ndarray
    truncated: np.ndarray


@runtime_checkable
class TokenizingModel(Protocol):
    def token_lengths(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> LengthInfo: ...


def truncate_ids(ids: list[int], max_length: int, side: str, keep_first: bool) -> list[int]:
    """Cut ``ids`` to ``max_length`` from ``side``; with ``keep_first`` a leading special
    token (BOS/CLS) survives left truncation.

    Example:
        >>> truncate_ids([0, 1, 2, 3, 4], 3, "left", keep_first=True)
        [0, 3, 4]
    """
    if len(ids) <= max_length:
        return ids
    if side == "right":
        return ids[:max_length]
    if keep_first:
        return [ids[0], *ids[len(ids) - max_length + 1 :]]
    return ids[len(ids) - max_length :]
