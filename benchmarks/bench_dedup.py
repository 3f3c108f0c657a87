"""Benchmark: exact + near-duplicate removal (``rewardkit.curation.dedup.dedup``) end to end.

Usage::

    python benchmarks/bench_dedup.py [--sizes 10000 30000 100000] [--dup-rate 0.1] [--seed 0]

For each size, a synthetic corpus of prompts of 20-60 words is generated (not timed): about
``1 - dup-rate`` of them are distinct (template openers plus random words from a 20,000-word
pseudo-vocabulary), the rest are planted duplicates of earlier prompts (one word substituted,
inserted or deleted, a case or punctuation change). The timed call is ``dedup(ids, texts,
DedupConfig())``: normalisation, shingling, MinHash signatures, LSH, exact verification,
clustering. Prints the best wall time of ``--repeats`` runs, throughput, the per-stage split
(a separate run), the growth of the time between successive sizes next to the growth of the
size (equal growth is linear scaling) and a linear extrapolation to 1M prompts.
"""

from __future__ import annotations

import argparse
import random
import time

from rewardkit.curation.dedup import DedupConfig, dedup
from rewardkit.curation.dedup.core import _prepare
from rewardkit.curation.dedup.lsh import band_keys, lsh_params, self_candidates

OPENERS = [
    "Can you explain",
    "Please write a short note about",
    "What is the best way to handle",
    "I need help with",
    "Tell me why",
    "How would you describe",
    "Give me three ideas for",
    "Is it true that",
]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "do", "fi", "gu", "ha"]


def make_vocab(rng: random.Random, size: int = 20_000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def distinct_prompt(rng: random.Random, vocab: list[str]) -> str:
    words = [rng.choice(vocab) for _ in range(rng.randint(17, 55))]
    cut = rng.randint(5, len(words) - 5)
    return f"{rng.choice(OPENERS)} {' '.join(words[:cut])}, {' '.join(words[cut:])}?"


def variant(rng: random.Random, text: str, vocab: list[str]) -> str:
    words = text.split()
    op = rng.randrange(4)
    i = rng.randrange(len(words) // 3, len(words))  # edit the later part: Jaccard stays high
    if op == 0:
        words[i] = rng.choice(vocab)
    elif op == 1:
        words.insert(i, rng.choice(vocab))
    elif op == 2:
        del words[i]
    else:
        return text.upper().replace(",", " ;")
    return " ".join(words)


def make_corpus(n: int, dup_rate: float, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    vocab = make_vocab(rng)
    texts: list[str] = []
    for _ in range(n):
        if texts and rng.random() < dup_rate:
            texts.append(variant(rng, rng.choice(texts), vocab))
        else:
            texts.append(distinct_prompt(rng, vocab))
    return [f"p{i}" for i in range(n)], texts


def stages(texts: list[str], cfg: DedupConfig) -> dict[str, float]:
    """Time the stages separately (a second run; the end-to-end time is the headline)."""
    t0 = time.perf_counter()
    corpus = _prepare(texts, cfg)
    t1 = time.perf_counter()
    bands, rows = lsh_params(cfg.threshold, cfg.num_perm)
    candidates = self_candidates(
        band_keys(corpus.sigs, bands, rows), corpus.nonempty(len(corpus.distinct))
    )
    t2 = time.perf_counter()
    return {
        "normalise+shingle+minhash": t1 - t0,
        "lsh": t2 - t1,
        "candidates": float(len(candidates)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--dup-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per size (best kept)")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage run")
    args = parser.parse_args()
    cfg = DedupConfig()
    dedup(["w"], ["warm up the caches (punctuation table, LSH layout)"], cfg)
    previous: tuple[int, float] | None = None
    last = (0, 0.0)
    for n in args.sizes:
        ids, texts = make_corpus(n, args.dup_rate, args.seed)
        words = sum(len(t.split()) for t in texts) / n
        elapsed = float("inf")
        for _ in range(max(args.repeats, 1)):
            t0 = time.perf_counter()
            res = dedup(ids, texts, cfg)
            elapsed = min(elapsed, time.perf_counter() - t0)
        line = (
            f"n={n:>8,}  {elapsed:7.2f} s  {n / elapsed:9,.0f} prompts/s  "
            f"(mean {words:.0f} words)  removed {len(res.removed):,} "
            f"(exact {res.n_exact:,}, near {res.n_near:,})  pairs {len(res.pairs):,}"
        )
        if previous is not None:
            line += f"  growth x{elapsed / previous[1]:.2f} for x{n / previous[0]:.1f} size"
        print(line, flush=True)
        if not args.no_stages:
            split = stages(texts, cfg)
            print(
                "           stages: "
                + ", ".join(f"{k} {v:.2f} s" for k, v in split.items() if k != "candidates")
                + f", LSH candidate pairs {int(split['candidates']):,}",
                flush=True,
            )
        previous = last = (n, elapsed)
    n, elapsed = last
    if n:
        print(f"linear extrapolation to 1,000,000 prompts: {elapsed * 1_000_000 / n:.0f} s")


if __name__ == "__main__":
    main()
