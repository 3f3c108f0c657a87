"""Candidate pairs from MinHash signatures by banding LSH, vectorized with numpy.

Banding is the scheme of ``datasketch.MinHashLSH``: the signature is cut into ``bands`` slices
of ``rows`` values, and two texts are candidates when some slice is equal in both. Here each
slice is hashed to 64 bits (a collision between different slices only adds a candidate, which
the verification step then rejects), every band is sorted once and equal keys give the pairs;
this replaces a per-text ``insert``/``query`` loop in Python and finds the same candidates as
``MinHashLSH(params=(bands, rows))`` (a test checks it).

The band layout is chosen for recall, not balance: ``datasketch``'s own optimiser weighs false
positives and false negatives equally, which for ``threshold=0.8, num_perm=128`` gives 9 bands
of 13 rows, under which a pair at exactly the threshold becomes a candidate with probability
0.40 only. Here every candidate is checked afterwards (exactly, or by the MinHash estimate), so
false positives cost only time: :func:`lsh_params` picks the layout that makes a pair at the
threshold a candidate with probability at least :data:`TARGET_RECALL` and, among those, the one
with the fewest expected false positives below the threshold.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from numpy.typing import NDArray

from rewardkit.curation.dedup.shingles import fmix64

__all__ = [
    "TARGET_RECALL",
    "band_keys",
    "candidate_probability",
    "cross_candidates",
    "lsh_params",
    "self_candidates",
]

TARGET_RECALL = 0.995
"""Least probability that a pair at exactly the threshold becomes an LSH candidate."""


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two sets of this Jaccard similarity share at least one band.

    Args:
        similarity: Jaccard similarity in [0, 1].
        bands: Number of bands.
        rows: Signature values per band.

    Returns:
        ``1 - (1 - s**rows) ** bands``.

    Example:
        >>> round(candidate_probability(0.8, 9, 13), 2), round(candidate_probability(0.8, 18, 6), 4)
        (0.4, 0.9958)
    """
    return 1.0 - (1.0 - similarity**rows) ** bands


@cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows per band for a Jaccard ``threshold`` (see the module docstring).

    For each band size ``r`` the fewest bands ``b`` reaching :data:`TARGET_RECALL` at the
    threshold are taken (``b * r <= num_perm``, ``b >= 2``); among these layouts the one with the
    smallest false-positive area (the candidate probability integrated over similarities below
    the threshold) wins. When none reaches the target, the layout with the highest recall at the
    threshold is used.

    Args:
        threshold: Jaccard threshold in (0, 1].
        num_perm: Signature length (at least 4).

    Returns:
        ``(bands, rows)``.

    Example:
        >>> lsh_params(0.8, 128)
        (18, 6)
    """
    grid = np.linspace(0.0, threshold, 257)
    best: tuple[float, int, int] | None = None
    fallback: tuple[float, int, int] = (-1.0, 2, 1)
    for rows in range(1, num_perm // 2 + 1):
        p_row = threshold**rows
        max_bands = num_perm // rows
        if p_row >= 1.0:
            bands = 2
        elif p_row <= 0.0:
            bands = max_bands
        else:
            bands = max(2, math.ceil(math.log1p(-TARGET_RECALL) / math.log1p(-p_row)))
        bands = min(bands, max_bands)
        recall = candidate_probability(threshold, bands, rows)
        fallback = max(fallback, (recall, bands, rows))
        if recall < TARGET_RECALL:
            continue
        curve = 1.0 - (1.0 - grid**rows) ** bands
        area = float(np.sum((curve[1:] + curve[:-1]) * np.diff(grid)) / 2.0)
        if best is None or area < best[0]:
            best = (area, bands, rows)
    if best is None:
        return fallback[1], fallback[2]
    return best[1], best[2]


def band_keys(signatures: NDArray[np.uint32], bands: int, rows: int) -> NDArray[np.uint64]:
    """A 64-bit key per band of each signature (equal slices give equal keys).

    Args:
        signatures: ``(n, num_perm)`` signatures, ``bands * rows <= num_perm``.
        bands: Number of bands.
        rows: Values per band.

    Returns:
        An ``(n, bands)`` ``uint64`` array.

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
        >>> keys = band_keys(sig, 2, 2)
        >>> bool(keys[0, 0] == keys[1, 0]), bool(keys[0, 1] == keys[1, 1])
        (True, False)
    """
    n = signatures.shape[0]
    keys = np.empty((n, bands), dtype=np.uint64)
    for band in range(bands):
        h = np.full(n, np.uint64(band) + np.uint64(0x9E3779B97F4A7C15), dtype=np.uint64)
        for col in range(band * rows, (band + 1) * rows):
            h = fmix64(h * np.uint64(0x100000001B3) + signatures[:, col].astype(np.uint64))
        keys[:, band] = h
    return keys


def _group_pairs(order: NDArray[np.int64], sorted_keys: NDArray[np.uint64]) -> NDArray[np.int64]:
    """All pairs ``(order[p], order[q])``, ``p < q``, of positions with equal sorted keys."""
    n = sorted_keys.size
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    ends = np.append(starts[1:], n)
    group_end = np.repeat(ends, ends - starts)
    partners = group_end - np.arange(n) - 1  # later members of the same group
    total = int(partners.sum())
    if total == 0:
        return np.empty((0, 2), dtype=np.int64)
    left = np.repeat(np.arange(n), partners)
    first_slot = np.cumsum(partners) - partners
    right = left + 1 + (np.arange(total) - np.repeat(first_slot, partners))
    return np.stack((order[left], order[right]), axis=1)


def self_candidates(keys: NDArray[np.uint64], rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """Candidate pairs among ``rows``: two rows sharing a band key.

    Args:
        keys: Band keys (:func:`band_keys`) of all signatures.
        rows: The rows taking part (e.g. the non-empty texts).

    Returns:
        A ``(k, 2)`` array of row pairs ``(i, j)`` with ``i < j``, sorted, each pair once.

    Example:
        >>> keys = np.array([[1, 5], [2, 5], [1, 7], [3, 8]], dtype=np.uint64)
        >>> self_candidates(keys, np.arange(4)).tolist()
        [[0, 1], [0, 2]]
    """
    n_all = keys.shape[0]
    found = [np.empty((0, 2), dtype=np.int64)]
    for band in range(keys.shape[1]):
        band_key = keys[rows, band]
        order = np.argsort(band_key, kind="stable")
        found.append(rows[_group_pairs(order, band_key[order])])
    pairs = np.concatenate(found)
    lo, hi = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    codes = np.unique(lo * n_all + hi)
    return np.stack((codes // max(n_all, 1), codes % max(n_all, 1)), axis=1)


def cross_candidates(
    keys: NDArray[np.uint64], queries: NDArray[np.int64], indexed: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Candidate pairs ``(query row, indexed row)``: a query sharing a band key with an indexed row.

    Args:
        keys: Band keys of all signatures.
        queries: Rows to look up.
        indexed: Rows of the index.

    Returns:
        A ``(k, 2)`` array, sorted, each pair once.

    Example:
        >>> keys = np.array([[1, 5], [2, 5], [1, 7], [3, 8]], dtype=np.uint64)
        >>> cross_candidates(keys, np.array([2, 3]), np.array([0, 1])).tolist()
        [[2, 0]]
    """
    n_all = keys.shape[0]
    found = [np.empty(0, dtype=np.int64)]
    for band in range(keys.shape[1]):
        index_key = keys[indexed, band]
        order = np.argsort(index_key, kind="stable")
        sorted_key = index_key[order]
        query_key = keys[queries, band]
        lo = np.searchsorted(sorted_key, query_key, side="left")
        hi = np.searchsorted(sorted_key, query_key, side="right")
        counts = hi - lo
        total = int(counts.sum())
        if total == 0:
            continue
        query = np.repeat(queries, counts)
        slot = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(total)
        found.append(query * n_all + indexed[order[slot]])
    codes = np.unique(np.concatenate(found))
    return np.stack((codes // max(n_all, 1), codes % max(n_all, 1)), axis=1)
