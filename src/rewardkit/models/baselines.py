"""Baselines that need no ML framework: response length and a seeded random score."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from rewardkit.data.records import Prompt, prompt_text


class LengthBaseline:
    """Score = response length in characters (a known bias of many RMs and datasets).

    Example:
        >>> LengthBaseline().score(["q", "q"], ["ab", "abcd"]).tolist()
        [2.0, 4.0]
    """

    cacheable = False

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        return np.array([float(len(r)) for r in responses], dtype=np.float64)

    def fingerprint(self) -> str:
        return "baseline:length/v1"


class RandomBaseline:
    """A uniform [0, 1) score derived from a hash of (seed, prompt, response).

    The score of a response depends only on its own text and the seed, never on the batch or
    the order, so runs are reproducible and batch-size invariant.

    Example:
        >>> m = RandomBaseline(seed=1)
        >>> bool(m.score(["q"], ["a"])[0] == m.score(["x", "q"], ["b", "a"])[1])
        True
    """

    cacheable = False

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        out = np.empty(len(responses), dtype=np.float64)
        for i, (prompt, response) in enumerate(zip(prompts, responses, strict=True)):
            h = hashlib.blake2b(digest_size=8)
            h.update(str(self.seed).encode())
            h.update(b"\x00")
            h.update(prompt_text(prompt).encode())
            h.update(b"\x00")
            h.update(response.encode())
            out[i] = int.from_bytes(h.digest(), "big") / 2.0**64
        return out

    def fingerprint(self) -> str:
        return f"baseline:random/v1/seed={self.seed}"
