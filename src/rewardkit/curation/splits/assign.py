"""Group-aware, domain-stratified assignment of groups (prompts) to splits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from rewardkit.curation.splits.config import SPLIT_NAMES, SplitConfig, check_holdout_domains
from rewardkit.curation.splits.leaks import LeakFinder, MovedGroup, resolve_leaks
from rewardkit.curation.splits.stratify import apportion, draw_domains, seeded_permutation
from rewardkit.errors import DataError

__all__ = ["SplitAssignment", "assign_splits"]


@dataclass(frozen=True)
class SplitAssignment:
    """Which split every group is in, and why.

    Attributes:
        split_of: Group id to split name (``train``, ``validation``, ``test``, ``holdout``),
            sorted by group id.
        domain_of: Group id to domain, sorted by group id.
        split_names: The splits in use, in the order of :data:`SPLIT_NAMES`: ``train``
            always, ``validation``/``test`` when their share is positive, ``holdout`` when a
            domain is held out. A split in use may still hold no group (a tiny dataset).
        holdout_domains: The held-out domains, named and drawn, sorted.
        moved: Evaluation groups moved to train as near-duplicates of training groups.
        seed: The seed of the split.
    """

    split_of: Mapping[str, str]
    domain_of: Mapping[str, str]
    split_names: tuple[str, ...]
    holdout_domains: tuple[str, ...]
    moved: tuple[MovedGroup, ...]
    seed: int

    def groups(self, split: str) -> tuple[str, ...]:
        """The sorted ids of the groups in ``split``."""
        return tuple(g for g, s in self.split_of.items() if s == split)

    def counts(self) -> dict[str, dict[str, int]]:
        """Groups per split and domain: ``{split: {domain: n}}``, every domain listed."""
        domains = sorted(set(self.domain_of.values()))
        out = {split: dict.fromkeys(domains, 0) for split in self.split_names}
        for group, split in self.split_of.items():
            out[split][self.domain_of[group]] += 1
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per group: ``group_id``, ``domain``, ``split`` (sorted by group id)."""
        ids = list(self.split_of)
        return pd.DataFrame(
            {
                "group_id": ids,
                "domain": [self.domain_of[g] for g in ids],
                "split": [self.split_of[g] for g in ids],
            }
        )


def _group_domains(groups: pd.DataFrame, group_col: str, domain_col: str) -> dict[str, str]:
    missing = [c for c in (group_col, domain_col) if c not in groups.columns]
    if missing:
        raise DataError(
            f"groups table lacks column(s) {', '.join(missing)} "
            f"(columns: {', '.join(map(str, groups.columns))})"
        )
    if groups.empty:
        raise DataError("groups table is empty: nothing to split")
    null = groups[group_col].isna() | groups[domain_col].isna()
    if bool(null.any()):
        first = int(null.to_numpy().argmax()) + 1
        raise DataError("missing group id or domain", row=first, field=f"{group_col}/{domain_col}")
    domain_of: dict[str, str] = {}
    for group, domain in zip(
        groups[group_col].astype(str), groups[domain_col].astype(str), strict=True
    ):
        seen = domain_of.setdefault(group, domain)
        if seen != domain:
            raise DataError(f"group {group!r} is listed in two domains: {seen!r} and {domain!r}")
    return dict(sorted(domain_of.items()))


def assign_splits(
    groups: pd.DataFrame,
    config: SplitConfig | None = None,
    *,
    leaks: LeakFinder | None = None,
    group_col: str = "group_id",
    domain_col: str = "domain",
) -> SplitAssignment:
    """Assign every group to one split, stratified by domain, reproducible from the seed.

    Rules:

    1. Held-out domains (``config.holdout_domains`` plus ``n_holdout_domains`` drawn by the
       seed among the others) go entirely to ``holdout``.
    2. In every other domain with ``n`` groups, the counts of test, validation and train
       groups are the largest-remainder apportionment of ``n`` by the shares (see
       :func:`~rewardkit.curation.splits.stratify.apportion`): each is the floor or ceiling
       of ``n * share``, i.e. within one group of exact proportional stratification.
    3. Which groups: the domain's sorted group ids are permuted by a numpy generator seeded
       from SHA-256 of (seed, domain); the first ones go to test, the next to validation,
       the rest to train.
    4. With ``leaks``, evaluation groups that near-duplicate a training group move to train,
       repeatedly until none is left (see :mod:`rewardkit.curation.splits.leaks`); the moves
       are reported in ``moved``. Moves lower the test/validation counts below rule 2.

    Args:
        groups: One row per group (repeated rows are fine) with a group id and a domain.
        config: The split options (defaults: 20% test, seed 0).
        leaks: Optional leak finder ``(train_ids, eval_ids) -> [(eval_id, train_id), ...]``.
        group_col: Column of the group id (``prompt_id`` for a prompts table).
        domain_col: Column of the domain.

    Returns:
        The assignment.

    Raises:
        DataError: Missing columns or values, or a group listed in two domains.
        ConfigError: A named holdout domain absent from the data, or no domain left to train.

    Example:
        >>> groups = pd.DataFrame({"group_id": [f"p{i}" for i in range(10)],
        ...                        "domain": ["math"] * 5 + ["law"] * 5})
        >>> result = assign_splits(groups, SplitConfig(test_share=0.4))
        >>> result.counts()
        {'train': {'law': 3, 'math': 3}, 'test': {'law': 2, 'math': 2}}
        >>> assign_splits(groups, SplitConfig(holdout_domains=["law"])).counts()["holdout"]
        {'law': 5, 'math': 0}
    """
    cfg = config if config is not None else SplitConfig()
    domain_of = _group_domains(groups, group_col, domain_col)
    domains = sorted(set(domain_of.values()))
    check_holdout_domains(cfg, domains)
    others = [d for d in domains if d not in set(cfg.holdout_domains)]
    drawn = draw_domains(others, cfg.n_holdout_domains, cfg.seed)
    holdout = tuple(sorted([*cfg.holdout_domains, *drawn]))

    members: dict[str, list[str]] = {d: [] for d in domains}
    for group, domain in domain_of.items():
        members[domain].append(group)
    split_of: dict[str, str] = {}
    shares = [cfg.test_share, cfg.validation_share, cfg.train_share]
    for domain in domains:
        if domain in holdout:
            split_of.update(dict.fromkeys(members[domain], "holdout"))
            continue
        order = seeded_permutation(members[domain], cfg.seed, "domain", domain)
        n_test, n_val, _ = apportion(len(order), shares)
        for i, group in enumerate(order):
            split_of[group] = (
                "test" if i < n_test else "validation" if i < n_test + n_val else "train"
            )
    split_of = dict(sorted(split_of.items()))
    moved = resolve_leaks(split_of, leaks) if leaks is not None else []

    used = {"train"}
    used |= {"test"} if cfg.test_share > 0 else set()
    used |= {"validation"} if cfg.validation_share > 0 else set()
    used |= {"holdout"} if holdout else set()
    return SplitAssignment(
        split_of=split_of,
        domain_of=domain_of,
        split_names=tuple(s for s in SPLIT_NAMES if s in used),
        holdout_domains=holdout,
        moved=tuple(moved),
        seed=cfg.seed,
    )
