"""Planted near-duplicates in a generated corpus: recall, precision, leaks and determinism.

The generator writes 2,000 distinct prompts (template openers + random pseudo-words, checked to
be far from each other), then plants duplicates of some of them: near ones by word edits
(substitute, insert, delete), clause reordering, and case or punctuation changes on top of an
edit, each checked to have exact word-3-gram Jaccard >= 0.8 to its source with an independent
implementation; exact ones by case, whitespace, punctuation and full-width changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rewardkit.curation.dedup import DedupConfig, DedupResult, dedup, find_leaks

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ze",
    "ba",
    "do",
    "fi",
    "gu",
    "ha",
    "pe",
]
OPENERS = [
    "Can you explain",
    "Please write a short note about",
    "What is the best way to handle",
    "I need help with",
    "Tell me why",
    "How would you describe",
    "Give me three ideas for",
    "Is it true that",
    "Summarize",
    "Compare",
]
N_BASE, N_NEAR, N_EXACT, N_BOTH = 2000, 200, 40, 20
THRESHOLD = 0.8


def ref_normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    kept = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))
    return " ".join(kept.split())


def ref_grams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    w = ref_normalize(text).split()
    if len(w) <= n:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def ref_jaccard(a: str, b: str) -> float:
    sa, sb = ref_grams(a), ref_grams(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _fullwidth(text: str) -> str:
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text
    )


EXACT_EDITS: list[Callable[[str, random.Random], str]] = [
    lambda t, r: t.upper(),
    lambda t, r: "  " + t.replace(" ", "   \n", 3) + "\t",
    lambda t, r: t.replace(",", "").replace("?", "!!!"),
    lambda t, r: _fullwidth(t),
    lambda t, r: "“" + t.replace(" ", " — ", 1) + "”",
]


def _near_edit(text: str, rng: random.Random, vocab: list[str]) -> str:
    words = text.split()
    op = rng.choice(["sub", "ins", "del", "reorder", "case", "punct"])
    i = rng.randrange(3, len(words))
    if op == "reorder":  # "Opener A, B?" -> "B, Opener A?"
        first, second = text.rstrip("?").split(", ", 1)
        return f"{second}, {first}?"
    if op in ("sub", "case"):
        words[i] = rng.choice(vocab)
    elif op in ("ins", "punct"):
        words.insert(i, rng.choice(vocab))
    else:
        del words[i]
    if op == "case":
        words = [w.title() if rng.random() < 0.3 else w for w in words]
    if op == "punct":
        words = [w + rng.choice([";", "!", ":", ""]) for w in words]
    return " ".join(words)


@dataclass(frozen=True)
class Corpus:
    ids: list[str]
    texts: list[str]
    base_ids: list[str]  # ids of the distinct prompts, in generation order
    source: dict[str, str]  # planted id -> source id
    kind: dict[str, str]  # planted id -> "exact" | "near"

    def cluster_of(self, item_id: str) -> str:
        return self.source.get(item_id, item_id)


def make_corpus(seed: int = 0) -> Corpus:
    rng = random.Random(seed)
    vocab_set: set[str] = set()
    while len(vocab_set) < 3000:
        vocab_set.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    vocab = sorted(vocab_set)
    base: dict[str, str] = {}
    for i in range(N_BASE):
        words = [rng.choice(vocab) for _ in range(rng.randint(20, 50))]
        cut = rng.randint(6, len(words) - 6)
        opener = rng.choice(OPENERS)
        base[f"b{i:04d}"] = f"{opener} {' '.join(words[:cut])}, {' '.join(words[cut:])}?"
    sources = rng.sample(sorted(base), N_NEAR + N_EXACT)
    planted: dict[str, str] = {}
    source: dict[str, str] = {}
    kind: dict[str, str] = {}

    def plant(src: str, how: str) -> None:
        while True:
            if how == "near":
                text = _near_edit(base[src], rng, vocab)
                ok = ref_normalize(text) != ref_normalize(base[src])
                ok = ok and ref_jaccard(text, base[src]) >= THRESHOLD
            else:
                text = rng.choice(EXACT_EDITS)(base[src], rng)
                ok = ref_normalize(text) == ref_normalize(base[src]) and text != base[src]
            if ok:
                break
        pid = f"v{len(planted):03d}"
        planted[pid], source[pid], kind[pid] = text, src, how

    for src in sources[:N_NEAR]:
        plant(src, "near")
    for src in sources[N_NEAR:] + sources[:N_BOTH]:  # N_BOTH sources get a near and an exact
        plant(src, "exact")
    items = list(base.items()) + list(planted.items())
    rng.shuffle(items)
    return Corpus([i for i, _ in items], [t for _, t in items], list(base), source, kind)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return make_corpus()


@pytest.fixture(scope="module")
def result(corpus: Corpus) -> DedupResult:
    return dedup(corpus.ids, corpus.texts, DedupConfig())


def test_base_prompts_are_not_near_duplicates_of_each_other(corpus: Corpus) -> None:
    text = dict(zip(corpus.ids, corpus.texts, strict=True))
    grams = {i: ref_grams(text[i]) for i in corpus.base_ids}
    postings: dict[tuple[str, ...], list[str]] = {}
    for i, gs in grams.items():
        for g in gs:
            postings.setdefault(g, []).append(i)
    worst = 0.0
    for members in postings.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = grams[members[x]], grams[members[y]]
                worst = max(worst, len(a & b) / len(a | b))
    assert worst < 0.3


def test_planted_duplicates_recall_and_precision(corpus: Corpus, result: DedupResult) -> None:
    norm = {i: ref_normalize(t) for i, t in zip(corpus.ids, corpus.texts, strict=True)}
    # Pair level: each planted relation is reported as a pair between its two normalised texts.
    reported = {frozenset((norm[p.a], norm[p.b])) for p in result.pairs if p.kind == "near"}
    near = [v for v, k in corpus.kind.items() if k == "near"]
    found = [v for v in near if frozenset((norm[v], norm[corpus.source[v]])) in reported]
    pair_recall = len(found) / len(near)
    # Cluster level: source and planted copy end up in one cluster.
    cluster = {i: i for i in corpus.ids}
    for r in result.removed:
        cluster[r.id] = r.duplicate_of
    together = [v for v in corpus.source if cluster[v] == cluster[corpus.source[v]]]
    recall = len(together) / len(corpus.source)
    correct = [p for p in result.pairs if corpus.cluster_of(p.a) == corpus.cluster_of(p.b)]
    precision = len(correct) / len(result.pairs)
    print(f"pair recall {pair_recall:.4f}, cluster recall {recall:.4f}, precision {precision:.4f}")
    assert pair_recall >= 0.95
    assert recall >= 0.95
    assert precision >= 0.95
    assert precision == 1.0  # verify=True: a reported near pair is >= threshold, exactly
    # Every removed input names a representative from its own planted cluster.
    for r in result.removed:
        assert corpus.cluster_of(r.id) == corpus.cluster_of(r.duplicate_of)
    # Every reported near similarity is the exact Jaccard of the two texts.
    text = dict(zip(corpus.ids, corpus.texts, strict=True))
    for p in result.pairs:
        expected = 1.0 if p.kind == "exact" else ref_jaccard(text[p.a], text[p.b])
        assert p.similarity == expected >= THRESHOLD
    for r in result.removed:
        if r.kind == "exact":
            assert norm[r.id] == norm[r.duplicate_of]
            assert r.similarity == 1.0
        else:
            assert r.similarity == ref_jaccard(text[r.id], text[r.duplicate_of])


def test_planted_exact_duplicates_all_found(corpus: Corpus, result: DedupResult) -> None:
    exact = {v for v, k in corpus.kind.items() if k == "exact"}
    exact_pairs = {frozenset((p.a, p.b)) for p in result.pairs if p.kind == "exact"}
    assert exact_pairs == {frozenset((v, corpus.source[v])) for v in exact}
    assert all(p.similarity == 1.0 for p in result.pairs if p.kind == "exact")
    assert len(result.kept_ids) == N_BASE


def test_deterministic_json(corpus: Corpus, result: DedupResult, tmp_path: Path) -> None:
    again = dedup(list(corpus.ids), list(corpus.texts), DedupConfig())
    assert again.to_json() == result.to_json()
    # Nothing depends on Python's per-process string hashing.
    digest = hashlib.sha256(json.dumps(result.to_json()).encode()).hexdigest()
    data = tmp_path / "corpus.json"
    data.write_text(json.dumps([corpus.ids, corpus.texts]), encoding="utf-8")
    code = (
        "import hashlib, json, sys; from rewardkit.curation.dedup import dedup; "
        "ids, texts = json.load(open(sys.argv[1], encoding='utf-8')); "
        "print(hashlib.sha256(json.dumps(dedup(ids, texts).to_json()).encode()).hexdigest())"
    )
    for hash_seed in ("1", "12345"):
        out = subprocess.run(
            [sys.executable, "-c", code, str(data)],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == digest


def test_input_order_changes_only_the_representatives(corpus: Corpus, result: DedupResult) -> None:
    order = list(range(len(corpus.ids)))
    random.Random(7).shuffle(order)
    shuffled = dedup([corpus.ids[i] for i in order], [corpus.texts[i] for i in order])

    def clusters(res: DedupResult) -> set[frozenset[str]]:
        return {frozenset(members) for members in res.clusters().values()}

    assert clusters(shuffled) == clusters(result)
    assert len(shuffled.kept_ids) == len(result.kept_ids)
    assert (shuffled.n_exact + shuffled.n_near) == (result.n_exact + result.n_near)
    position = {item: k for k, item in enumerate(shuffled.kept_ids)}
    for members in clusters(result):
        kept = [m for m in members if m in position]
        assert len(kept) == 1  # one representative, now the earliest in the new order
        first = min(members, key=lambda m: order.index(corpus.ids.index(m)))
        assert kept == [first]
    assert set(shuffled.kept_ids) != set(result.kept_ids)


def test_find_leaks_planted_across_splits(corpus: Corpus) -> None:
    text = dict(zip(corpus.ids, corpus.texts, strict=True))
    train_ids = corpus.base_ids[:1000]
    train = set(train_ids)
    planted_test = [v for v, s in corpus.source.items() if s in train]
    clean_test = corpus.base_ids[1000:]
    test_ids = sorted(planted_test + clean_test)
    leaks = find_leaks(
        train_ids, [text[i] for i in train_ids], test_ids, [text[i] for i in test_ids]
    )
    assert {lk.test_id for lk in leaks} == set(planted_test)
    for lk in leaks:
        assert lk.train_id == corpus.source[lk.test_id]
        assert lk.kind == corpus.kind[lk.test_id]
        assert lk.similarity == ref_jaccard(text[lk.test_id], text[lk.train_id])
    assert [lk.test_id for lk in leaks] == sorted(lk.test_id for lk in leaks)
    # Disjoint, distinct splits: nothing.
    assert (
        find_leaks(
            train_ids, [text[i] for i in train_ids], clean_test, [text[i] for i in clean_test]
        )
        == ()
    )
