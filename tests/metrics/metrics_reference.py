"""Plain-Python reference implementations for the metrics tests (no numpy, obvious loops).

Written independently of ``rewardkit.metrics``: each follows the textbook definition directly.
Used both by the tests and by ``tests/golden/make_metrics_golden.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def _by_item(
    scores: Sequence[float], item_index: Sequence[int], is_chosen: Sequence[bool], n_items: int
) -> list[tuple[list[float], list[float]]]:
    groups: list[tuple[list[float], list[float]]] = [([], []) for _ in range(n_items)]
    for s, i, c in zip(scores, item_index, is_chosen, strict=True):
        groups[i][0 if c else 1].append(float(s))
    return groups


def pairwise_outcomes(
    scores: Sequence[float],
    item_index: Sequence[int],
    is_chosen: Sequence[bool],
    n_items: int,
    tie_value: float = 0.5,
) -> list[float]:
    out = []
    for chosen, rejected in _by_item(scores, item_index, is_chosen, n_items):
        if not chosen or not rejected:
            out.append(math.nan)
            continue
        total = 0.0
        for c in chosen:
            for r in rejected:
                total += 1.0 if c > r else (tie_value if c == r else 0.0)
        out.append(total / (len(chosen) * len(rejected)))
    return out


def best_of_n_outcomes(
    scores: Sequence[float], item_index: Sequence[int], is_chosen: Sequence[bool], n_items: int
) -> list[float]:
    out = []
    for chosen, rejected in _by_item(scores, item_index, is_chosen, n_items):
        if not chosen or not rejected:
            out.append(math.nan)
            continue
        credit = 0.0
        for c in chosen:
            top = max(rejected)
            if c > top:
                credit += 1.0
            elif c == top:
                k = 1 + sum(1 for r in rejected if r == top)
                credit += 1.0 / k
        out.append(credit / len(chosen))
    return out


def pair_differences(
    scores: Sequence[float], item_index: Sequence[int], is_chosen: Sequence[bool]
) -> tuple[list[int], list[float]]:
    n_items = max(item_index) + 1 if item_index else 0
    items, diffs = [], []
    for i in range(n_items):
        chosen = [
            s for s, it, c in zip(scores, item_index, is_chosen, strict=True) if it == i and c
        ]
        rejected = [
            s for s, it, c in zip(scores, item_index, is_chosen, strict=True) if it == i and not c
        ]
        for c in chosen:
            for r in rejected:
                items.append(i)
                diffs.append(float(c) - float(r))
    return items, diffs


def sigmoid(d: float) -> float:
    if d >= 0:
        return 1.0 / (1.0 + math.exp(-d))
    e = math.exp(d)
    return e / (1.0 + e)


def both_orientations(diffs: Sequence[float]) -> tuple[list[float], list[float]]:
    probs = [sigmoid(d) for d in diffs] + [sigmoid(-d) for d in diffs]
    labels = [1.0] * len(diffs) + [0.0] * len(diffs)
    return probs, labels


def ece(
    probs: Sequence[float],
    labels: Sequence[float],
    n_bins: int = 15,
    weights: Sequence[float] | None = None,
) -> float:
    """ECE with a loop over bins: bin k holds k/n <= p < (k+1)/n, the last also p == 1."""
    w = [1.0] * len(probs) if weights is None else list(weights)
    total_w = sum(w)
    if not probs or total_w <= 0:
        return math.nan
    result = 0.0
    for k in range(n_bins):
        lo, hi = k / n_bins, (k + 1) / n_bins
        members = [j for j, p in enumerate(probs) if lo <= p < hi or (k == n_bins - 1 and p == 1.0)]
        wb = sum(w[j] for j in members)
        if wb == 0:
            continue
        mean_label = sum(w[j] * labels[j] for j in members) / wb
        mean_prob = sum(w[j] * probs[j] for j in members) / wb
        result += (wb / total_w) * abs(mean_label - mean_prob)
    return result


def brier(
    probs: Sequence[float], labels: Sequence[float], weights: Sequence[float] | None = None
) -> float:
    w = [1.0] * len(probs) if weights is None else list(weights)
    if not probs or sum(w) <= 0:
        return math.nan
    return sum(wi * (p - y) ** 2 for wi, p, y in zip(w, probs, labels, strict=True)) / sum(w)


def log_loss(diffs: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Mean of -log sigmoid(d) written out stably: log1p(exp(-|d|)) + max(-d, 0)."""
    w = [1.0] * len(diffs) if weights is None else list(weights)
    if not diffs or sum(w) <= 0:
        return math.nan
    terms = [math.log1p(math.exp(-abs(d))) + max(-d, 0.0) for d in diffs]
    return sum(wi * t for wi, t in zip(w, terms, strict=True)) / sum(w)
