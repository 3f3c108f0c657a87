"""Shingling of normalised texts: exact shingle sets, and vectorized 32-bit shingle hashes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from datasketch.hashfunc import sha1_hash64
from numpy.typing import NDArray

from rewardkit.curation.dedup.normalize import normalize_text

__all__ = ["ShingleKind", "fmix64", "jaccard", "shingle_hashes", "shingle_set", "shingles_of"]

ShingleKind = Literal["word", "char"]

_SEED64 = np.uint64(0x9E3779B97F4A7C15)
_MUL64 = np.uint64(0x100000001B3)


def shingles_of(normalized: str, kind: ShingleKind, size: int) -> list[str]:
    """The shingles (with repeats, in order) of an already normalised text.

    Word shingles are n-grams of the space-separated words joined by one space; character
    shingles are n-grams of the characters, spaces included. A text shorter than ``size``
    has one shingle, itself; the empty text has none.

    Args:
        normalized: Output of :func:`~rewardkit.curation.dedup.normalize.normalize_text`.
        kind: ``word`` or ``char``.
        size: n of the n-grams (at least 1).

    Returns:
        The list of shingles.

    Example:
        >>> shingles_of("a b c d", "word", 3)
        ['a b c', 'b c d']
        >>> shingles_of("a b", "word", 3), shingles_of("abc", "char", 2), shingles_of("", "char", 2)
        (['a b'], ['ab', 'bc'], [])
    """
    if not normalized:
        return []
    if kind == "word":
        words = normalized.split(" ")
        if len(words) <= size:
            return [normalized]
        return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    if len(normalized) <= size:
        return [normalized]
    return [normalized[i : i + size] for i in range(len(normalized) - size + 1)]


def shingle_set(text: str, kind: ShingleKind = "word", size: int = 3) -> frozenset[str]:
    """The set of shingles of a raw text (normalised first).

    Args:
        text: A raw text.
        kind: ``word`` or ``char``.
        size: n of the n-grams.

    Returns:
        The distinct shingles.

    Example:
        >>> sorted(shingle_set("The cat, the CAT sat.", "word", 2))
        ['cat sat', 'cat the', 'the cat']
    """
    return frozenset(shingles_of(normalize_text(text), kind, size))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Exact Jaccard similarity of two sets (0.0 when both are empty).

    Args:
        a: A set.
        b: Another set.

    Returns:
        ``|a & b| / |a | b|``.

    Example:
        >>> jaccard(frozenset("abc"), frozenset("bcd"))
        0.5
    """
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def fmix64(h: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """MurmurHash3's 64-bit finalizer, a bijective avalanche mix (wrapping uint64 arithmetic).

    Example:
        >>> int(fmix64(np.array([0, 1], dtype=np.uint64))[1])
        12994781566227106604
    """
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _elements(
    normalized: Sequence[str], kind: ShingleKind
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Per-element 64-bit values of all texts, concatenated, and each text's element count.

    Words are hashed with datasketch's ``sha1_hash64`` of their UTF-8 bytes (once per distinct
    word; lone surrogates pass through); characters are their code points.
    """
    n = len(normalized)
    lengths = np.zeros(n, dtype=np.int64)
    if kind == "char":
        for i, text in enumerate(normalized):
            lengths[i] = len(text)
        raw = "".join(normalized).encode("utf-32-le", "surrogatepass")
        points = np.frombuffer(raw, dtype=np.uint32)
        return points.astype(np.uint64), lengths
    vocab: dict[str, int] = {}
    setdefault = vocab.setdefault
    ids: list[int] = []
    for i, text in enumerate(normalized):
        if text:
            words = text.split(" ")
            ids.extend([setdefault(w, len(vocab)) for w in words])
            lengths[i] = len(words)
    word_hash = np.fromiter(
        (sha1_hash64(w.encode("utf-8", "surrogatepass")) for w in vocab),
        dtype=np.uint64,
        count=len(vocab),
    )
    return word_hash[np.asarray(ids, dtype=np.int64)], lengths


def shingle_hashes(
    normalized: Sequence[str], kind: ShingleKind, size: int
) -> tuple[NDArray[np.uint32], NDArray[np.int64]]:
    """32-bit hashes of the shingles of many normalised texts, computed with vectorized numpy.

    The shingles are those of :func:`shingles_of` (repeats kept). A shingle's hash depends only
    on its content: its elements' values (see ``_elements``) are folded left to right with
    ``h = fmix64(h * 0x100000001B3 + e)`` from a fixed seed, mixed with the shingle's element
    count, and the high 32 bits are kept. Nothing depends on Python's ``hash()`` or the order
    of the texts, so equal shingles hash equally across runs, machines and corpora.

    Args:
        normalized: Normalised texts.
        kind: ``word`` or ``char``.
        size: n of the n-grams.

    Returns:
        ``(hashes, offsets)``: text ``i`` has shingle hashes ``hashes[offsets[i]:offsets[i+1]]``.

    Example:
        >>> hashes, offsets = shingle_hashes(["a b c d", "x b c d", ""], "word", 3)
        >>> offsets.tolist(), bool(hashes[1] == hashes[3]), bool(hashes[0] == hashes[2])
        ([0, 2, 4, 4], True, False)
    """
    elements, lengths = _elements(normalized, kind)
    counts = np.where(lengths >= size, lengths - size + 1, np.minimum(lengths, 1))
    offsets = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    first_element = np.zeros(lengths.size, dtype=np.int64)
    np.cumsum(lengths[:-1], out=first_element[1:])
    text = np.repeat(np.arange(lengths.size), counts)
    start = first_element[text] + (np.arange(offsets[-1]) - offsets[:-1][text])
    width = np.minimum(lengths[text], size)
    short = width < size
    last = max(elements.size - 1, 0)
    h = np.full(start.size, _SEED64, dtype=np.uint64)
    for j in range(size):
        e = elements[np.minimum(start + j, last)] if elements.size else np.zeros_like(h)
        step = fmix64(h * _MUL64 + e)
        h = np.where(short & (j >= width), h, step) if short.any() else step
    h = fmix64(h ^ width.astype(np.uint64))
    return (h >> np.uint64(32)).astype(np.uint32), offsets
