"""Protocol for models that tokenize: the engine sorts and buckets inputs by token length."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


class EncodedStore:
    """Token ids encoded while measuring lengths, kept until the batch that scores them.

    The engine asks for every input's length first (to sort and bucket), then scores batches;
    this store spares the second tokenization. Each entry is consumed once.

    Example:
        >>> store = EncodedStore(lambda p, r: ([1] * len(r), len(r) > 3))
        >>> store.lengths(["q", "q"], ["ab", "abcde"]).truncated.tolist()
        [False, True]
        >>> store.take("q", "ab")
        [1, 1]
    """

    def __init__(self, encode: Callable[[Prompt, str], tuple[list[int], bool]]) -> None:
        self._encode = encode
        self._ids: dict[tuple[Prompt, str], tuple[list[int], bool]] = {}

    def lengths(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> LengthInfo:
        lengths = np.empty(len(responses), dtype=np.int64)
        truncated = np.zeros(len(responses), dtype=bool)
        for i, (p, r) in enumerate(zip(prompts, responses, strict=True)):
            ids, cut = self._ids[(p, r)] = self._encode(p, r)
            lengths[i], truncated[i] = len(ids), cut
        return LengthInfo(lengths=lengths, truncated=truncated)

    def take(self, prompt: Prompt, response: str) -> list[int]:
        hit = self._ids.pop((prompt, response), None)
        return (hit if hit is not None else self._encode(prompt, response))[0]

    def clear(self) -> None:
        self._ids.clear()
