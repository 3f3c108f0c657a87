"""Exact and near-duplicate removal within one corpus, and leak finding across two splits.

Pipeline: every text is normalised (:func:`~.normalize.normalize_text`); inputs with equal
normalised text are exact duplicates and share one *distinct text*. The distinct texts are
shingled, sketched with MinHash (:mod:`.minhash`) and matched with banding LSH (:mod:`.lsh`);
each LSH candidate pair is verified (exact Jaccard of the shingle sets, or the MinHash estimate
with ``verify=False``) against the threshold. Exact groups and verified near pairs are merged
with union-find; each cluster keeps one representative (``keep``) and drops the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rewardkit.curation.dedup.cluster import components, representative
from rewardkit.curation.dedup.config import DedupConfig
from rewardkit.curation.dedup.lsh import band_keys, cross_candidates, lsh_params, self_candidates
from rewardkit.curation.dedup.minhash import estimate_jaccard, text_signatures
from rewardkit.curation.dedup.normalize import normalize_text
from rewardkit.curation.dedup.result import (
    DedupResult,
    DuplicateKind,
    DuplicatePair,
    Leak,
    Removed,
)
from rewardkit.curation.dedup.shingles import jaccard, shingles_of
from rewardkit.errors import DataError

__all__ = ["dedup", "find_leaks"]


def _check_inputs(ids: Sequence[str], texts: Sequence[str], what: str) -> None:
    if len(ids) != len(texts):
        raise DataError(f"{what}: {len(ids)} ids but {len(texts)} texts")
    seen: dict[str, int] = {}
    for pos, (item_id, text) in enumerate(zip(ids, texts, strict=True)):
        if not isinstance(item_id, str):
            raise DataError(f"{what}: id at position {pos} is not a string", field="id")
        if not isinstance(text, str):
            raise DataError(f"{what}: text of {item_id!r} is not a string", field="text")
        first = seen.setdefault(item_id, pos)
        if first != pos:
            raise DataError(
                f"{what}: duplicate id {item_id!r} (positions {first} and {pos})", field="id"
            )


@dataclass(frozen=True)
class _Corpus:
    """Distinct normalised texts of some inputs, with their MinHash signatures."""

    distinct: list[str]  # normalised texts, in order of first appearance
    group_of: list[int]  # distinct-text index of each input
    first_of: list[int]  # first input position of each distinct text
    sigs: NDArray[np.uint32]

    def nonempty(self, stop: int) -> NDArray[np.int64]:
        """Distinct texts ``< stop`` with at least one shingle (non-empty normalised text)."""
        return np.array([d for d in range(stop) if self.distinct[d]], dtype=np.int64)


def _prepare(texts: Sequence[str], config: DedupConfig) -> _Corpus:
    index: dict[str, int] = {}
    group_of: list[int] = []
    first_of: list[int] = []
    for pos, text in enumerate(texts):
        d = index.setdefault(normalize_text(text), len(index))
        if d == len(first_of):
            first_of.append(pos)
        group_of.append(d)
    distinct = list(index)
    sigs = text_signatures(
        distinct, config.shingle, config.shingle_size, config.num_perm, config.seed
    )
    return _Corpus(distinct, group_of, first_of, sigs)


class _Similarity:
    """Similarity of two distinct texts: exact Jaccard of shingle sets, or the MinHash estimate."""

    def __init__(self, corpus: _Corpus, config: DedupConfig) -> None:
        self._corpus = corpus
        self._config = config
        self._sets: dict[int, frozenset[str]] = {}

    def _set(self, d: int) -> frozenset[str]:
        found = self._sets.get(d)
        if found is None:
            cfg = self._config
            shingles = shingles_of(self._corpus.distinct[d], cfg.shingle, cfg.shingle_size)
            found = self._sets[d] = frozenset(shingles)
        return found

    def __call__(self, d1: int, d2: int) -> float:
        if self._config.verify:
            return jaccard(self._set(d1), self._set(d2))
        return estimate_jaccard(self._corpus.sigs[d1], self._corpus.sigs[d2])


def dedup(
    ids: Sequence[str], texts: Sequence[str], config: DedupConfig | None = None
) -> DedupResult:
    """Find exact and near-duplicate texts and keep one representative per cluster.

    Exact duplicates have equal normalised text (similarity 1.0, kind ``exact``). Near
    duplicates are distinct normalised texts whose shingle sets have Jaccard similarity at or
    above ``config.threshold``, found by MinHash LSH and verified (kind ``near``). Clusters are
    the transitive closure of both relations, so a removed input can be less similar to its
    representative than the threshold when it joined through a chain; its reported similarity
    is always to the representative. Empty texts are exact duplicates of each other and never
    near duplicates of anything.

    Args:
        ids: Unique id of each input.
        texts: The texts, aligned with ``ids``.
        config: Options (defaults: word 3-grams, threshold 0.8, keep the first).

    Returns:
        Kept ids, removed inputs with their representative, and every pair found.

    Raises:
        DataError: ``ids`` and ``texts`` differ in length, an id repeats, or a value is not a
            string.

    Example:
        >>> res = dedup(["a", "b", "c"], ["Hello, World!", "hello world", "Something else."])
        >>> res.kept_ids, [(r.id, r.duplicate_of, r.similarity, r.kind) for r in res.removed]
        (('a', 'c'), [('b', 'a', 1.0, 'exact')])
    """
    cfg = config if config is not None else DedupConfig()
    _check_inputs(ids, texts, "dedup")
    corpus = _prepare(texts, cfg)
    n_distinct = len(corpus.first_of)
    bands, rows = lsh_params(cfg.threshold, cfg.num_perm)
    keys = band_keys(corpus.sigs, bands, rows)
    similarity = _Similarity(corpus, cfg)
    near: list[tuple[int, int, float]] = []
    for d1, d2 in self_candidates(keys, corpus.nonempty(n_distinct)).tolist():
        sim = similarity(d1, d2)
        if sim >= cfg.threshold:
            near.append((d1, d2, sim))

    members: list[list[int]] = [[] for _ in range(n_distinct)]
    for pos, d in enumerate(corpus.group_of):
        members[d].append(pos)
    clusters = components(n_distinct, ((d1, d2) for d1, d2, _ in near))
    in_cluster = {d for comp in clusters for d in comp}
    clusters += [[d] for d in range(n_distinct) if len(members[d]) > 1 and d not in in_cluster]

    lengths = [len(t) for t in texts] if cfg.keep == "longest" else []
    removed: list[tuple[int, Removed]] = []
    for comp in clusters:
        items = sorted(pos for d in comp for pos in members[d])
        rep = representative(items, lengths, cfg.keep)
        d_rep = corpus.group_of[rep]
        for pos in items:
            if pos == rep:
                continue
            d = corpus.group_of[pos]
            if d == d_rep:
                removed.append((pos, Removed(ids[pos], ids[rep], 1.0, "exact")))
            else:
                removed.append((pos, Removed(ids[pos], ids[rep], similarity(d, d_rep), "near")))
    removed.sort(key=lambda x: x[0])
    dropped = {pos for pos, _ in removed}

    found: list[tuple[int, int, DuplicatePair]] = []
    for first, *later in members:  # exact pairs: each later input with the first one
        found.extend(
            (first, pos, DuplicatePair(ids[first], ids[pos], 1.0, "exact")) for pos in later
        )
    for d1, d2, sim in near:
        a, b = corpus.first_of[d1], corpus.first_of[d2]
        found.append((a, b, DuplicatePair(ids[a], ids[b], sim, "near")))
    found.sort(key=lambda x: (x[0], x[1]))

    n_exact = sum(1 for _, r in removed if r.kind == "exact")
    return DedupResult(
        config=cfg,
        n_input=len(ids),
        kept_ids=tuple(ids[pos] for pos in range(len(ids)) if pos not in dropped),
        removed=tuple(r for _, r in removed),
        pairs=tuple(p for _, _, p in found),
        n_exact=n_exact,
        n_near=len(removed) - n_exact,
        lsh_bands=bands,
        lsh_rows=rows,
    )


def find_leaks(
    train_ids: Sequence[str],
    train_texts: Sequence[str],
    test_ids: Sequence[str],
    test_texts: Sequence[str],
    config: DedupConfig | None = None,
) -> tuple[Leak, ...]:
    """Test inputs that are exact or near duplicates of a training input.

    The distinct training texts are indexed in LSH and every distinct test text is queried;
    candidates are verified as in :func:`dedup`. Each leaking test input is reported once, with
    its most similar training input (an exact match first; ties go to the earliest training
    input). Duplicates inside one split are not reported (use :func:`dedup` for that).

    Args:
        train_ids: Unique ids of the training inputs.
        train_texts: Training texts.
        test_ids: Unique ids of the test inputs (they may repeat training ids).
        test_texts: Test texts.
        config: Options, as for :func:`dedup` (``keep`` is unused).

    Returns:
        The leaks, in test input order.

    Raises:
        DataError: As for :func:`dedup`, for either split.

    Example:
        >>> train = ["What is the capital of France?", "How do I bake bread at home?"]
        >>> test = ["what is the capital of france", "Name three prime numbers."]
        >>> find_leaks(["t1", "t2"], train, ["q1", "q2"], test)
        (Leak(test_id='q1', train_id='t1', similarity=1.0, kind='exact'),)
    """
    cfg = config if config is not None else DedupConfig()
    _check_inputs(train_ids, train_texts, "train")
    _check_inputs(test_ids, test_texts, "test")
    n_train = len(train_texts)
    corpus = _prepare([*train_texts, *test_texts], cfg)
    # Distinct texts first seen in train come first, so they are exactly d < n_train_distinct.
    n_train_distinct = len(set(corpus.group_of[:n_train]))
    bands, rows = lsh_params(cfg.threshold, cfg.num_perm)
    keys = band_keys(corpus.sigs, bands, rows)
    nonempty = corpus.nonempty(len(corpus.distinct))
    similarity = _Similarity(corpus, cfg)
    best: dict[int, tuple[int, float, DuplicateKind]] = {}  # test text -> train text, sim, kind
    for d in set(corpus.group_of[n_train:]):
        if d < n_train_distinct:
            best[d] = (d, 1.0, "exact")
    candidates = cross_candidates(
        keys, nonempty[nonempty >= n_train_distinct], nonempty[nonempty < n_train_distinct]
    )
    for d, t in candidates.tolist():  # sorted by (test text, train text)
        sim = similarity(d, t)
        if sim >= cfg.threshold and (d not in best or sim > best[d][1]):
            best[d] = (t, sim, "near")
    leaks: list[Leak] = []
    for offset, test_id in enumerate(test_ids):
        found = best.get(corpus.group_of[n_train + offset])
        if found is not None:
            t, sim, kind = found
            leaks.append(Leak(test_id, train_ids[corpus.first_of[t]], sim, kind))
    return tuple(leaks)
