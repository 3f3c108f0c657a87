"""Split assignment: group integrity, stratification bounds, holdout domains, seeds, leaks."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from rewardkit.curation.splits import (
    LeakFinder,
    SplitConfig,
    apportion,
    assign_splits,
    resolve_leaks,
    stable_seed,
    text_leak_finder,
)
from rewardkit.errors import ConfigError, DataError


def make_groups(sizes: dict[str, int]) -> pd.DataFrame:
    rows = [
        {"group_id": f"{domain}-{i:03d}", "domain": domain}
        for domain, n in sizes.items()
        for i in range(n)
    ]
    return pd.DataFrame(rows)


def random_case(rng: np.random.Generator) -> tuple[dict[str, int], SplitConfig]:
    n_domains = int(rng.integers(2, 9))
    # Small domains (1, 2, 3 groups) on purpose: that is where rounding rules go wrong.
    sizes = {f"d{k}": int(rng.choice([1, 2, 3, 4, 5, 7, 11, 19, 40])) for k in range(n_domains)}
    test = float(rng.choice([0.0, 0.1, 0.15, 0.2, 0.25, 1 / 3, 0.5, 0.7]))
    val = float(rng.choice([0.0, 0.05, 0.1, 0.2, 0.25]))
    if test + val >= 1.0:
        val = 0.0
    named = [f"d{k}" for k in range(n_domains) if rng.random() < 0.15][: n_domains - 2]
    drawn = int(rng.integers(0, 2)) if n_domains - len(named) > 2 else 0
    cfg = SplitConfig(
        test_share=test,
        validation_share=val,
        seed=int(rng.integers(0, 10_000)),
        holdout_domains=named,
        n_holdout_domains=drawn,
    )
    return sizes, cfg


@pytest.mark.parametrize("case", range(40))
def test_stratification_within_one_group_and_holdouts_entire(case: int) -> None:
    sizes, cfg = random_case(np.random.default_rng(case))
    result = assign_splits(make_groups(sizes), cfg)
    counts = result.counts()

    # Every group in exactly one split, none lost.
    assert len(result.split_of) == sum(sizes.values())
    assert sum(sum(per.values()) for per in counts.values()) == sum(sizes.values())

    # Holdout domains (named and drawn) are held out entirely; no other domain is.
    assert set(cfg.holdout_domains) <= set(result.holdout_domains)
    assert len(result.holdout_domains) == len(cfg.holdout_domains) + cfg.n_holdout_domains
    for domain, n in sizes.items():
        held = counts.get("holdout", {}).get(domain, 0)
        assert held == (n if domain in result.holdout_domains else 0)

    shares = {"test": cfg.test_share, "validation": cfg.validation_share, "train": cfg.train_share}
    for domain, n in sizes.items():
        if domain in result.holdout_domains:
            continue
        for split, share in shares.items():
            got = counts.get(split, {}).get(domain, 0)
            assert abs(got - n * share) < 1.0 + 1e-9, (domain, split, got, n, share)


def test_apportion_is_floor_or_ceiling_and_sums() -> None:
    rng = np.random.default_rng(0)
    for _ in range(500):
        n = int(rng.integers(0, 60))
        raw = rng.random(3)
        shares = list(raw / raw.sum())
        counts = apportion(n, shares)
        assert sum(counts) == n
        for c, s in zip(counts, shares, strict=True):
            assert np.floor(n * s - 1e-9) <= c <= np.ceil(n * s + 1e-9)


def test_same_seed_same_assignment_any_input_order() -> None:
    groups = make_groups({"a": 30, "b": 17, "c": 9})
    cfg = SplitConfig(test_share=0.3, validation_share=0.1, seed=7, n_holdout_domains=1)
    first = assign_splits(groups, cfg)
    shuffled = groups.sample(frac=1.0, random_state=3).reset_index(drop=True)
    again = assign_splits(pd.concat([shuffled, shuffled.head(5)]), cfg)
    assert first == again


def test_different_seed_different_assignment() -> None:
    groups = make_groups({"a": 50, "b": 50})
    one = assign_splits(groups, SplitConfig(seed=0))
    two = assign_splits(groups, SplitConfig(seed=1))
    assert one.groups("test") != two.groups("test")
    assert one.counts() == two.counts()


def test_stable_seed_does_not_use_python_hash() -> None:
    # Pinned value: SHA-256 based, so equal in every process (PYTHONHASHSEED-independent).
    assert stable_seed(0, "domain", "math") == stable_seed(0, "domain", "math")
    expected = int.from_bytes(hashlib.sha256(b"0\x00a").digest()[:8], "big")
    assert stable_seed(0, "a") == expected == 6852966567523245171


def test_drawn_holdout_depends_on_seed_and_is_reported() -> None:
    groups = make_groups({f"d{k}": 5 for k in range(12)})
    drawn = {
        assign_splits(groups, SplitConfig(seed=s, n_holdout_domains=2)).holdout_domains
        for s in range(6)
    }
    assert len(drawn) > 1
    assert all(len(d) == 2 for d in drawn)


def test_named_holdout_must_exist() -> None:
    groups = make_groups({"math": 3, "legal": 3})
    with pytest.raises(
        ConfigError, match=r"absent from the data: law \(known domains: legal, math"
    ):
        assign_splits(groups, SplitConfig(holdout_domains=["law"]))
    with pytest.raises(ConfigError, match="no domain for training"):
        assign_splits(groups, SplitConfig(holdout_domains=["math"], n_holdout_domains=1))


def test_config_validation() -> None:
    with pytest.raises(ValidationError, match="sum below 1"):
        SplitConfig(test_share=0.5, validation_share=0.5)
    with pytest.raises(ValidationError):
        SplitConfig(test_share=1.0)
    with pytest.raises(ValidationError):
        SplitConfig(test_share=-0.1)
    with pytest.raises(ValidationError, match="repeated"):
        SplitConfig(holdout_domains=["a", "a"])
    with pytest.raises(ValidationError):
        SplitConfig(unknown=1)  # type: ignore[call-arg]


def test_bad_groups_tables() -> None:
    with pytest.raises(DataError, match="lacks column"):
        assign_splits(pd.DataFrame({"prompt_id": ["a"]}))
    with pytest.raises(DataError, match="two domains"):
        assign_splits(pd.DataFrame({"group_id": ["a", "a"], "domain": ["x", "y"]}))
    with pytest.raises(DataError, match="row 2"):
        assign_splits(pd.DataFrame({"group_id": ["a", None], "domain": ["x", "y"]}))
    with pytest.raises(DataError, match="empty"):
        assign_splits(pd.DataFrame({"group_id": [], "domain": []}))


# ---- leakage -----------------------------------------------------------------------------


def family_finder(family: dict[str, str]) -> LeakFinder:
    """A fake dedup: groups of one family are near-duplicates of each other."""

    def finder(train: Sequence[str], evaluated: Sequence[str]) -> list[tuple[str, str]]:
        by_family: dict[str, str] = {}
        for t in train:
            by_family.setdefault(family[t], t)
        return [(e, by_family[family[e]]) for e in evaluated if family[e] in by_family]

    return finder


def planted() -> tuple[pd.DataFrame, dict[str, str]]:
    """200 prompts in 4 domains; 30 families of 2-4 near-duplicate prompts, the rest unique."""
    groups = make_groups({"a": 60, "b": 60, "c": 50, "d": 30})
    rng = np.random.default_rng(5)
    ids = list(groups["group_id"])
    family = {g: g for g in ids}
    order = rng.permutation(len(ids))
    start = 0
    for f in range(30):
        size = int(rng.integers(2, 5))
        for i in order[start : start + size]:
            family[ids[i]] = f"fam{f}"
        start += size
    return groups, family


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_near_duplicate_of_train_in_test_or_validation(seed: int) -> None:
    groups, family = planted()
    cfg = SplitConfig(test_share=0.25, validation_share=0.15, seed=seed, holdout_domains=["d"])
    finder = family_finder(family)
    result = assign_splits(groups, cfg, leaks=finder)
    train_families = {family[g] for g in result.groups("train")}
    for split in ("test", "validation"):
        assert not {family[g] for g in result.groups(split)} & train_families

    # Without the finder, the planted families do leak; every move is reported.
    plain = assign_splits(groups, cfg)
    assert result.moved, "the planted duplicates should have needed moves"
    moved_ids = {m.group_id for m in result.moved}
    for m in result.moved:
        assert plain.split_of[m.group_id] == m.from_split
        assert result.split_of[m.group_id] == "train"
        assert family[m.matched_id] == family[m.group_id]
    changed = {g for g in plain.split_of if plain.split_of[g] != result.split_of[g]}
    assert changed == moved_ids
    # Holdout groups never move (their domain is held out whole).
    assert set(result.groups("holdout")) == set(plain.groups("holdout"))


def test_leak_chains_are_followed_to_a_fixed_point() -> None:
    split_of = {"t": "train", "x1": "test", "x2": "validation", "x3": "test", "y": "test"}
    near = {frozenset({"t", "x1"}), frozenset({"x1", "x2"}), frozenset({"x2", "x3"})}

    def finder(train: Sequence[str], evaluated: Sequence[str]) -> list[tuple[str, str]]:
        return [(e, t) for e in evaluated for t in train if frozenset({e, t}) in near]

    moves = resolve_leaks(split_of, finder)
    assert [(m.group_id, m.round) for m in moves] == [("x1", 1), ("x2", 2), ("x3", 3)]
    assert split_of == {"t": "train", "x1": "train", "x2": "train", "x3": "train", "y": "test"}


def test_leak_finder_naming_unknown_ids_is_an_error() -> None:
    groups = make_groups({"a": 10})

    def bad(train: Sequence[str], evaluated: Sequence[str]) -> list[tuple[str, str]]:
        return [("nope", train[0])]

    with pytest.raises(ValueError, match="leak finder returned"):
        assign_splits(groups, SplitConfig(), leaks=bad)


def test_text_leak_finder_with_the_dedup_module() -> None:
    dedup = pytest.importorskip("rewardkit.curation.dedup")
    find_leaks = getattr(dedup, "find_leaks", None)
    if find_leaks is None:
        pytest.skip("rewardkit.curation.dedup has no find_leaks yet")
    base = [
        "How do I bake sourdough bread at home with a starter?",
        "What is the capital city of France and why is it famous?",
        "Explain how compound interest works with a simple example.",
        "Which stretches help with lower back pain after long desk days?",
    ]
    texts: dict[str, str] = {}
    rows = []
    for k, text in enumerate(base):
        for copy in range(5):  # 5 near-identical prompts per topic, all in one domain
            gid = f"g{k}-{copy}"
            texts[gid] = text if copy == 0 else text.upper() + " " * copy
            rows.append({"group_id": gid, "domain": "d"})
    for k in range(30):
        gid = f"u{k:02d}"
        texts[gid] = f"Unique question number {k}: " + " ".join(
            f"word{k * 7 + j}" for j in range(12)
        )
        rows.append({"group_id": gid, "domain": "d"})
    result = assign_splits(
        pd.DataFrame(rows),
        SplitConfig(test_share=0.3),
        leaks=text_leak_finder(texts, find_leaks),
    )
    train_topics = {g.split("-")[0] for g in result.groups("train") if "-" in g}
    test_topics = {g.split("-")[0] for g in result.groups("test") if "-" in g}
    assert not train_topics & test_topics
    assert result.moved
