"""Ranking within each prompt, with deterministic tie-breaking.

Items are sorted by ``final``, best first. Finals within ``tie_tolerance`` of each other are
tied; ties chain (single linkage: 0.50, 0.50 + 0.9 tol and 0.50 + 1.8 tol form one tie group).
Inside a tie group the order is decided by, in turn:

1. ``pairwise_wins``: more comparison points (win 1, tie 0.5), higher;
2. ``top_criterion``: higher mean score on the most-weighted criterion;
3. ``rating_variance``: lower weighted annotator variance (more agreement), higher;
4. ``seeded_hash``: smaller ``sha256(f"{seed}:{item_id}")``, higher.

Floats in rules 2 and 3 count as equal when they agree to 12 decimals. Each item of a tie
group records in ``tie_break_rule`` the rule that settled its position: the latest rule needed
to separate it from its neighbours in the group's order. Items outside any tie get ``None``.
So a different seed can only move items whose recorded rule is ``seeded_hash``.
"""

from __future__ import annotations

import hashlib
import itertools

import pandas as pd

__all__ = ["TIE_BREAK_RULES", "rank_within_prompts", "seeded_hash"]

TIE_BREAK_RULES = ("pairwise_wins", "top_criterion", "rating_variance", "seeded_hash")
_DECIMALS = 12


def seeded_hash(seed: int, item_id: str) -> str:
    """The last tie-break key: SHA-256 hex digest of ``"{seed}:{item_id}"`` (never ``hash()``).

    Example:
        >>> seeded_hash(0, "i1")[:12]
        '59ad10fb9803'
    """
    return hashlib.sha256(f"{seed}:{item_id}".encode()).hexdigest()


KeyT = tuple[float, float, float, str]


def _first_difference(a: KeyT, b: KeyT) -> int:
    return next(k for k in range(len(TIE_BREAK_RULES)) if a[k] != b[k])


def _settle(group: list[int], key: dict[int, KeyT]) -> tuple[list[int], list[str | None]]:
    """Order one tie group by the tie-break keys and name the rule of each member."""
    members = sorted(group, key=lambda m: key[m])
    cuts = [_first_difference(key[a], key[b]) for a, b in itertools.pairwise(members)]
    rules: list[str | None] = [
        TIE_BREAK_RULES[max(cuts[max(k - 1, 0) : k + 1])] for k in range(len(members))
    ]
    return members, rules


def rank_within_prompts(
    items: pd.DataFrame, *, top_criterion: str, tie_tolerance: float, seed: int
) -> pd.DataFrame:
    """Add ``rank_in_prompt`` (1 = best) and ``tie_break_rule``; sort by prompt and rank.

    Args:
        items: One row per item with ``item_id, prompt_id, final, pairwise_wins,
            rating_variance`` and ``score_<top_criterion>``.
        top_criterion: The most-weighted criterion (rule 2).
        tie_tolerance: Finals at most this far apart are tied.
        seed: Seeds rule 4.

    Example:
        >>> items = pd.DataFrame({"item_id": ["x", "y", "z"], "prompt_id": ["p"] * 3,
        ...                       "final": [0.5, 0.5, 0.9], "pairwise_wins": [1.0, 2.0, 0.0],
        ...                       "score_safety": [0.5] * 3, "rating_variance": [0.0] * 3})
        >>> out = rank_within_prompts(items, top_criterion="safety", tie_tolerance=1e-6, seed=0)
        >>> out[["item_id", "rank_in_prompt", "tie_break_rule"]].values.tolist()
        [['z', 1, None], ['y', 2, 'pairwise_wins'], ['x', 3, 'pairwise_wins']]
    """
    frame = items.reset_index(drop=True)
    ordered = frame.sort_values(
        ["prompt_id", "final", "item_id"], ascending=[True, False, True], kind="stable"
    )
    labels = [int(v) for v in ordered.index]
    prompts = [str(v) for v in ordered["prompt_id"]]
    finals = [float(v) for v in ordered["final"]]
    columns = ("pairwise_wins", f"score_{top_criterion}", "rating_variance", "item_id")
    wins, top, variance, ids = (ordered[c].tolist() for c in columns)

    def key(k: int) -> KeyT:
        return (
            -float(wins[k]),
            -round(float(top[k]), _DECIMALS),
            round(float(variance[k]), _DECIMALS),
            seeded_hash(seed, str(ids[k])),
        )

    order: list[int] = []
    rules: list[str | None] = []
    group: list[int] = []
    for k in range(len(labels) + 1):
        same_prompt = 0 < k < len(labels) and prompts[k] == prompts[k - 1]
        if same_prompt and finals[k - 1] - finals[k] <= tie_tolerance:
            group.append(k)
            continue
        if len(group) == 1:
            order.append(group[0])
            rules.append(None)
        elif group:
            members, settled = _settle(group, {m: key(m) for m in group})
            order.extend(members)
            rules.extend(settled)
        group = [k]
    out = frame.loc[[labels[k] for k in order]].reset_index(drop=True)
    out["rank_in_prompt"] = out.groupby("prompt_id", sort=False).cumcount().to_numpy() + 1
    out["tie_break_rule"] = pd.Series(rules, dtype=object)
    return out
