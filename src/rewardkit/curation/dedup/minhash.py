"""MinHash signatures of many shingle sets at once, equal to datasketch's ``affine32`` MinHash.

``datasketch.MinHash`` (scheme ``affine32``, its default since 2.0) pre-mixes each 32-bit
shingle hash with the MurmurHash3 finalizer and applies ``num_perm`` permutations
``h -> a * h + b mod 2**32`` drawn from ``numpy.random.RandomState(seed)``; a signature value
is the minimum over the set. Building one ``MinHash`` per text and updating it in a Python loop
is slow, so this module computes the same values for all texts with vectorized numpy over
chunks of shingle occurrences, using the permutation parameters of ``MinHash(num_perm, seed)``
itself: the signature of a text equals ``MinHash(num_perm, seed, hashfunc=int)`` updated with
its 32-bit shingle hashes (:func:`~.shingles.shingle_hashes`); a test checks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from datasketch import MinHash
from numpy.typing import NDArray

from rewardkit.curation.dedup.shingles import ShingleKind, shingle_hashes

__all__ = [
    "EMPTY_VALUE",
    "estimate_jaccard",
    "permutations",
    "signatures",
    "text_signatures",
]

EMPTY_VALUE = np.uint32(0xFFFFFFFF)
"""Every value of the signature of an empty set (datasketch's initial hash value)."""

_CHUNK = 1 << 11  # shingle occurrences per block: 2048 x 128 x 4 B = 1 MiB (stays in cache)
_TEXTS_PER_BATCH = 1 << 14  # texts shingled at once by text_signatures (bounds memory)


@cache
def permutations(num_perm: int, seed: int) -> NDArray[np.uint32]:
    """The ``(2, num_perm)`` permutation parameters ``(a, b)`` of ``MinHash(num_perm, seed)``.

    Args:
        num_perm: Number of permutations.
        seed: datasketch's MinHash seed.

    Returns:
        A read-only ``uint32`` array, ``a`` in row 0 (all odd) and ``b`` in row 1.

    Example:
        >>> perms = permutations(4, 1)
        >>> perms.shape, perms.dtype.name, bool((perms[0] % 2 == 1).all())
        ((2, 4), 'uint32', True)
    """
    perms = np.asarray(MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations)
    out = perms.astype(np.uint32)
    out.setflags(write=False)
    return out


def _fmix32(h: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """MurmurHash3's 32-bit finalizer (wrapping uint32 arithmetic), as datasketch applies it."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _permuted(
    mixed: NDArray[np.uint32], a: NDArray[np.uint32], b: NDArray[np.uint32]
) -> NDArray[np.uint32]:
    """``a * h + b mod 2**32`` for every element (rows) and permutation (columns)."""
    block = np.multiply(mixed[:, None], a[None, :])
    np.add(block, b[None, :], out=block)
    return block


def signatures(
    hashes: NDArray[np.uint32], offsets: NDArray[np.int64], num_perm: int, seed: int
) -> NDArray[np.uint32]:
    """MinHash signatures of many sets given as concatenated 32-bit element hashes.

    Args:
        hashes: The element hashes of every set, concatenated (repeats allowed).
        offsets: Set ``i`` is ``hashes[offsets[i]:offsets[i + 1]]``.
        num_perm: Signature length.
        seed: Seed of the permutations.

    Returns:
        A ``(len(offsets) - 1, num_perm)`` ``uint32`` array; the row of an empty set is all
        :data:`EMPTY_VALUE`.

    Example:
        >>> from datasketch import MinHash
        >>> hashes, offsets = np.array([5, 7, 9, 7], np.uint32), np.array([0, 3, 3, 4])
        >>> sig = signatures(hashes, offsets, 16, 1)
        >>> ref = MinHash(num_perm=16, seed=1, hashfunc=int)
        >>> ref.update_batch([5, 7, 9])
        >>> bool((sig[0] == ref.hashvalues).all()), bool((sig[1] == EMPTY_VALUE).all())
        (True, True)
    """
    a, b = permutations(num_perm, seed)
    mixed = _fmix32(hashes)
    n = offsets.size - 1
    out = np.full((n, num_perm), EMPTY_VALUE, dtype=np.uint32)
    start = 0
    while start < n:
        # Sets [start, stop) hold at most _CHUNK elements (or one set, however large).
        stop = int(np.searchsorted(offsets, offsets[start] + _CHUNK, side="right")) - 1
        stop = min(max(stop, start + 1), n)
        lo, hi = int(offsets[start]), int(offsets[stop])
        if hi - lo > _CHUNK:  # one large set: reduce it block by block
            for sub in range(lo, hi, _CHUNK):
                block = _permuted(mixed[sub : min(sub + _CHUNK, hi)], a, b)
                np.minimum(out[start], block.min(axis=0), out=out[start])
        elif hi > lo:
            block = _permuted(mixed[lo:hi], a, b)
            lengths = np.diff(offsets[start : stop + 1])
            rows = np.flatnonzero(lengths > 0)
            starts = offsets[start:stop][rows] - lo
            out[start + rows] = np.minimum.reduceat(block, starts, axis=0)
        start = stop
    return out


def text_signatures(
    normalized: Sequence[str], kind: ShingleKind, size: int, num_perm: int, seed: int
) -> NDArray[np.uint32]:
    """MinHash signatures of the shingle sets of normalised texts (in batches of texts).

    Args:
        normalized: Normalised texts.
        kind: ``word`` or ``char`` shingles.
        size: n of the n-grams.
        num_perm: Signature length.
        seed: Seed of the permutations.

    Returns:
        A ``(len(normalized), num_perm)`` ``uint32`` array (empty texts: all
        :data:`EMPTY_VALUE`).

    Example:
        >>> sig = text_signatures(["a b c d e f g", "a b c d e f x", ""], "word", 3, 128, 1)
        >>> sig.shape, bool((sig[2] == EMPTY_VALUE).all())
        ((3, 128), True)
        >>> abs(estimate_jaccard(sig[0], sig[1]) - 4 / 6) < 0.15  # exact Jaccard is 4/6
        True
    """
    out = np.empty((len(normalized), num_perm), dtype=np.uint32)
    for lo in range(0, len(normalized), _TEXTS_PER_BATCH):
        batch = normalized[lo : lo + _TEXTS_PER_BATCH]
        hashes, offsets = shingle_hashes(batch, kind, size)
        out[lo : lo + len(batch)] = signatures(hashes, offsets, num_perm, seed)
    return out


def estimate_jaccard(sig_a: NDArray[np.uint32], sig_b: NDArray[np.uint32]) -> float:
    """MinHash estimate of Jaccard similarity: the share of equal signature values.

    Args:
        sig_a: One signature.
        sig_b: Another of the same length.

    Returns:
        A number in [0, 1] (``datasketch.MinHash.jaccard`` gives the same).

    Example:
        >>> estimate_jaccard(np.array([1, 2, 3, 4], np.uint32), np.array([1, 2, 0, 0], np.uint32))
        0.5
    """
    return float(np.count_nonzero(sig_a == sig_b)) / sig_a.size
