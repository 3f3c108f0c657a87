"""Union-find clustering of duplicate relations and the choice of each cluster's representative."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

__all__ = ["UnionFind", "components", "representative"]


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving; the root of a set is its smallest member.

    Example:
        >>> uf = UnionFind(4)
        >>> uf.union(3, 1); uf.union(1, 2)
        >>> uf.find(2), uf.find(0)
        (1, 0)
    """

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components with at least two members, each sorted, ordered by smallest member.

    Args:
        n: Number of nodes.
        pairs: Edges.

    Returns:
        The components of size >= 2.

    Example:
        >>> components(6, [(4, 2), (0, 5), (2, 3)])
        [[0, 5], [2, 3, 4]]
    """
    uf = UnionFind(n)
    touched: set[int] = set()
    for a, b in pairs:
        uf.union(a, b)
        touched.update((a, b))
    groups: dict[int, list[int]] = {}
    for x in sorted(touched):
        groups.setdefault(uf.find(x), []).append(x)
    return [members for _, members in sorted(groups.items()) if len(members) > 1]


def representative(
    members: Sequence[int], lengths: Sequence[int], keep: Literal["first", "longest"]
) -> int:
    """The member a cluster keeps.

    Args:
        members: Input positions of the cluster's members.
        lengths: Text length of every input, by position.
        keep: ``first``: the earliest position; ``longest``: the longest text, the earliest
            among equally long ones.

    Returns:
        The kept position.

    Example:
        >>> representative([4, 2, 7], [0, 0, 5, 0, 9, 0, 0, 9], "first")
        2
        >>> representative([4, 2, 7], [0, 0, 5, 0, 9, 0, 0, 9], "longest")
        4
    """
    if keep == "first":
        return min(members)
    return min(members, key=lambda i: (-lengths[i], i))
