"""Batch planning: sort inputs by token length, then bucket under a size and token budget."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BatchPlan:
    """Batches of input positions, and the padding they will cost."""

    batches: tuple[np.ndarray, ...]
    real_tokens: int
    padded_tokens: int

    @property
    def padding_efficiency(self) -> float:
        """Real tokens / padded tokens (1.0 = no padding at all)."""
        return self.real_tokens / self.padded_tokens if self.padded_tokens else 1.0


def plan_batches(
    lengths: np.ndarray,
    *,
    batch_size: int,
    max_tokens: int | None = None,
    sort: bool = True,
) -> BatchPlan:
    """Group input positions into batches of similar length.

    Inputs are sorted by length (longest first, so memory problems show at once; ties keep input
    order, so plans are deterministic), then cut into consecutive batches of at most
    ``batch_size`` inputs whose padded size ``n * longest`` stays within ``max_tokens``.
    With ``sort=False`` batches follow input order (the naive baseline).

    Example:
        >>> plan = plan_batches(np.array([3, 10, 4, 9]), batch_size=2)
        >>> [b.tolist() for b in plan.batches], plan.padding_efficiency
        ([[1, 3], [2, 0]], 0.9285714285714286)
    """
    n = len(lengths)
    order = np.argsort(-lengths, kind="stable") if sort else np.arange(n)
    batches: list[np.ndarray] = []
    real = padded = 0
    start = 0
    while start < n:
        end = start + 1
        longest = int(lengths[order[start]])
        while end < n and end - start < batch_size:
            candidate = max(longest, int(lengths[order[end]]))
            if max_tokens is not None and candidate * (end - start + 1) > max_tokens:
                break
            longest = candidate
            end += 1
        batch = order[start:end]
        batches.append(batch)
        real += int(lengths[batch].sum())
        padded += longest * len(batch)
        start = end
    return BatchPlan(batches=tuple(batches), real_tokens=real, padded_tokens=padded)
