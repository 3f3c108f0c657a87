"""Move evaluation groups that near-duplicate a training group into train, until none is left.

The rule: a leak finder (the caller's, e.g. the dedup module's ``find_leaks``) is asked which
``test`` groups near-duplicate a ``train`` group, and which ``validation`` groups do; every
group it names moves to ``train``. Because a moved group can itself be a near-duplicate of a
group still under evaluation, the finder is asked again with the grown train set, until it
names none. ``holdout`` groups stay held out (their domain is held out as a whole); the
finder is not asked about them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["LeakFinder", "LeakLike", "MovedGroup", "resolve_leaks", "text_leak_finder"]

LeakFinder = Callable[[Sequence[str], Sequence[str]], Sequence[tuple[str, str]]]
"""``finder(train_ids, eval_ids) -> [(eval_id, train_id), ...]``: the evaluation groups that
near-duplicate a training group, each with one training group it matches. Ids are sorted."""

EVAL_SPLITS: tuple[str, ...] = ("test", "validation")


class LeakLike(Protocol):
    """A leak record with ids, like ``rewardkit.curation.dedup``'s ``Leak``."""

    @property
    def test_id(self) -> str: ...

    @property
    def train_id(self) -> str: ...


TextLeakSearch = Callable[
    [Sequence[str], Sequence[str], Sequence[str], Sequence[str]],
    Iterable[LeakLike | tuple[str, str]],
]
"""``search(train_ids, train_texts, test_ids, test_texts) -> leaks``, e.g. the dedup module's
``find_leaks``; each leak is a ``(test_id, train_id)`` pair or has those attributes."""


def text_leak_finder(text_of: Mapping[str, str], search: TextLeakSearch) -> LeakFinder:
    """A :data:`LeakFinder` over group ids from a text-based search and each group's text.

    Args:
        text_of: Group id to the text compared (e.g. prompt id to prompt text).
        search: The text search, e.g. ``rewardkit.curation.dedup.find_leaks``.

    Returns:
        A finder for :func:`~rewardkit.curation.splits.assign.assign_splits`.

    Example:
        >>> def exact(train_ids, train_texts, test_ids, test_texts):
        ...     first = dict(zip(train_texts, train_ids))
        ...     return [(i, first[t]) for i, t in zip(test_ids, test_texts) if t in first]
        >>> finder = text_leak_finder({"a": "hi", "b": "hi", "c": "yo"}, exact)
        >>> finder(["a"], ["b", "c"])
        [('b', 'a')]
    """

    def finder(train_ids: Sequence[str], eval_ids: Sequence[str]) -> list[tuple[str, str]]:
        found = search(
            list(train_ids),
            [text_of[g] for g in train_ids],
            list(eval_ids),
            [text_of[g] for g in eval_ids],
        )
        return [
            (str(x[0]), str(x[1])) if isinstance(x, tuple) else (x.test_id, x.train_id)
            for x in found
        ]

    return finder


@dataclass(frozen=True)
class MovedGroup:
    """One evaluation group moved to train because it near-duplicates a training group.

    Attributes:
        group_id: The moved group.
        from_split: ``test`` or ``validation``.
        matched_id: The training group it near-duplicates (as the finder reported it).
        round: 1 for the first call of the finder, 2 when found after the first moves, ...
    """

    group_id: str
    from_split: str
    matched_id: str
    round: int


def resolve_leaks(split_of: dict[str, str], finder: LeakFinder) -> list[MovedGroup]:
    """Move leaking evaluation groups to train in ``split_of`` (changed in place).

    Args:
        split_of: Group id to split name; only ``test`` and ``validation`` groups can move.
        finder: The leak finder, see :data:`LeakFinder`.

    Returns:
        The moves, in the order made (by round, split, then group id).

    Raises:
        ValueError: When the finder names an id that it was not asked about.

    Example:
        >>> split_of = {"a": "train", "a2": "test", "a3": "test", "b": "test"}
        >>> near = {frozenset({"a", "a2"}), frozenset({"a2", "a3"})}
        >>> def finder(train, test):
        ...     return [(t, r) for t in test for r in train if frozenset({t, r}) in near]
        >>> [(m.group_id, m.matched_id, m.round) for m in resolve_leaks(split_of, finder)]
        [('a2', 'a', 1), ('a3', 'a2', 2)]
        >>> split_of
        {'a': 'train', 'a2': 'train', 'a3': 'train', 'b': 'test'}
    """
    moves: list[MovedGroup] = []
    round_no = 0
    while True:
        round_no += 1
        found: list[MovedGroup] = []
        train = sorted(g for g, s in split_of.items() if s == "train")
        train_set = set(train)
        for split in EVAL_SPLITS:
            evaluated = sorted(g for g, s in split_of.items() if s == split)
            if not evaluated or not train:
                continue
            eval_set = set(evaluated)
            matches: dict[str, str] = {}
            for eval_id, train_id in finder(train, evaluated):
                if eval_id not in eval_set or train_id not in train_set:
                    raise ValueError(
                        f"leak finder returned ({eval_id!r}, {train_id!r}): expected "
                        f"(a {split} id, a train id) among the ids it was given"
                    )
                matches.setdefault(eval_id, train_id)
            found.extend(
                MovedGroup(str(g), split, str(matches[g]), round_no) for g in sorted(matches)
            )
        if not found:
            return moves
        for move in found:
            split_of[move.group_id] = "train"
        moves.extend(found)
