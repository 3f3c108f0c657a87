"""Pairwise verdicts asked in both orders, and what they add up to.

A pair ``(x, y)`` is shown twice: first with ``x`` as response A, then with ``y`` as A. A
verdict names a *position* (``A``, ``B``, ``tie``); read back in the pair's own terms it names a
response. The two readings that name the same response (or both say tie) are
**position-consistent** and count; any other combination is a tie (JudgeBench's convention), as
is a pair with an unreadable verdict.

The *position pattern* of a pair says why verdicts disagree: ``AA`` (the first position won
both times, whatever it showed), ``BB`` (the second position won both times), ``mixed`` (a tie
in one order only), or ``consistent``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

__all__ = ["Outcome", "Pattern", "combine", "pattern", "round_robin", "round_robin_scores"]

Outcome = Literal["x", "y", "tie"]
Pattern = Literal["consistent", "AA", "BB", "mixed", "invalid"]


def _reading(verdict: str | None, shown_first: Outcome) -> Outcome | None:
    if verdict is None:
        return None
    if verdict == "tie":
        return "tie"
    other: Outcome = "y" if shown_first == "x" else "x"
    return shown_first if verdict == "A" else other


def combine(first: str | None, second: str | None) -> Outcome:
    """The pair's outcome from its two verdicts (``first``: x shown as A; ``second``: y as A).

    Example:
        >>> combine("A", "B"), combine("B", "A"), combine("A", "A"), combine("tie", "tie")
        ('x', 'y', 'tie', 'tie')
    """
    a, b = _reading(first, "x"), _reading(second, "y")
    if a is None or b is None or a != b:
        return "tie"
    return a


def pattern(first: str | None, second: str | None) -> Pattern:
    """Whether the two verdicts agree, and which position won when they do not.

    Example:
        >>> pattern("A", "B"), pattern("A", "A"), pattern("B", "B"), pattern("A", "tie")
        ('consistent', 'AA', 'BB', 'mixed')
        >>> pattern(None, "A")
        'invalid'
    """
    if first is None or second is None:
        return "invalid"
    if _reading(first, "x") == _reading(second, "y"):
        return "consistent"
    if first == second:
        return "AA" if first == "A" else "BB"
    return "mixed"


def round_robin(n: int) -> list[tuple[int, int]]:
    """Every pair ``(i, j)``, ``i < j``, of ``n`` responses.

    Example:
        >>> round_robin(3)
        [(0, 1), (0, 2), (1, 2)]
    """
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


def round_robin_scores(n: int, outcomes: Sequence[Outcome]) -> np.ndarray:
    """Copeland scores of ``n`` responses from the outcomes of :func:`round_robin` ``(n)``: a
    win counts 1, a tie 0.5. With two responses the higher score is the pair's winner.

    Example:
        >>> round_robin_scores(3, ["x", "tie", "y"]).tolist()  # (0,1) x, (0,2) tie, (1,2) y
        [1.5, 0.0, 1.5]
    """
    pairs = round_robin(n)
    if len(outcomes) != len(pairs):
        raise ValueError(f"{len(outcomes)} outcomes for {len(pairs)} pairs")
    scores = np.zeros(n, dtype=np.float64)
    for (i, j), outcome in zip(pairs, outcomes, strict=True):
        if outcome == "x":
            scores[i] += 1.0
        elif outcome == "y":
            scores[j] += 1.0
        else:
            scores[i] += 0.5
            scores[j] += 0.5
    return scores
