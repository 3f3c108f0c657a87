"""Seeded, stable building blocks of the stratified split: hashing, apportioning, drawing."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np

__all__ = ["apportion", "draw_domains", "seeded_permutation", "stable_seed"]


def stable_seed(seed: int, *parts: str) -> int:
    """A 64-bit seed from ``seed`` and strings, the same on every machine and run.

    It hashes with SHA-256 (Python's ``hash()`` of a string changes between processes).

    Args:
        seed: The user's seed.
        *parts: Strings that tell apart the streams drawn from one seed (a domain name, ...).

    Returns:
        An integer in ``[0, 2**64)`` for :func:`numpy.random.default_rng`.

    Example:
        >>> stable_seed(0, "legal") == stable_seed(0, "legal")
        True
        >>> stable_seed(0, "legal") == stable_seed(1, "legal")
        False
    """
    payload = "\x00".join([str(seed), *parts]).encode("utf-8")
    return int.from_bytes(hashlib.sha256(payload).digest()[:8], "big")


def seeded_permutation(items: Sequence[str], seed: int, *parts: str) -> list[str]:
    """``items`` sorted, then shuffled by a generator seeded from ``seed`` and ``parts``.

    Sorting first makes the result independent of the input order.

    Example:
        >>> a = seeded_permutation(["c", "a", "b", "d"], 0, "math")
        >>> a == seeded_permutation(["d", "b", "a", "c"], 0, "math"), sorted(a)
        (True, ['a', 'b', 'c', 'd'])
    """
    ordered = sorted(items)
    rng = np.random.default_rng(stable_seed(seed, *parts))
    return [ordered[i] for i in rng.permutation(len(ordered))]


def apportion(n: int, shares: Sequence[float]) -> list[int]:
    """Split ``n`` into integer counts proportional to ``shares`` (largest remainders).

    Each count is the floor of its exact quota ``n * share``; the groups still unassigned go,
    one each, to the largest fractional remainders, ties to the share listed first. The counts
    sum to ``n`` and each is the floor or the ceiling of its quota, so every count is within
    one group of exact proportional stratification.

    Args:
        n: How many groups to divide.
        shares: Non-negative shares summing to 1 (within 1e-9).

    Returns:
        One count per share.

    Example:
        >>> apportion(3, [0.2, 0.0, 0.8])
        [1, 0, 2]
        >>> apportion(10, [0.25, 0.25, 0.5])
        [3, 2, 5]
    """
    if abs(math.fsum(shares) - 1.0) > 1e-9 or any(s < 0.0 for s in shares):
        raise ValueError(f"shares must be non-negative and sum to 1, got {list(shares)}")
    quotas = [n * s for s in shares]
    counts = [math.floor(q + 1e-9) for q in quotas]
    remainders = [q - c for q, c in zip(quotas, counts, strict=True)]
    left = n - sum(counts)
    order = sorted(range(len(shares)), key=lambda i: (-round(remainders[i], 9), i))
    for i in order[:left]:
        counts[i] += 1
    return counts


def draw_domains(domains: Sequence[str], k: int, seed: int) -> list[str]:
    """Draw ``k`` distinct domains by the seed (sorted result).

    Example:
        >>> draw_domains(["a", "b", "c", "d"], 2, 0) == draw_domains(["d", "c", "b", "a"], 2, 0)
        True
    """
    if k > len(domains):
        raise ValueError(f"cannot draw {k} domains from {len(domains)}")
    return sorted(seeded_permutation(domains, seed, "holdout-domains")[:k])
