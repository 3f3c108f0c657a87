"""Typed results of deduplication and leak finding, with a stable JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rewardkit.curation.dedup.config import DedupConfig
from rewardkit.runs.atomic import write_json

__all__ = ["DedupResult", "DuplicateKind", "DuplicatePair", "Leak", "Removed"]

DuplicateKind = Literal["exact", "near"]


@dataclass(frozen=True)
class Removed:
    """An input dropped as a duplicate.

    Attributes:
        id: The dropped input.
        duplicate_of: The representative kept for its cluster.
        similarity: Jaccard similarity of its shingle set to the representative's (exact when
            ``verify`` is on, the MinHash estimate otherwise); 1.0 for exact duplicates.
        kind: ``exact`` when it normalises to the representative's text, else ``near``.
    """

    id: str
    duplicate_of: str
    similarity: float
    kind: DuplicateKind

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class DuplicatePair:
    """A duplicate relation found directly (clusters are the transitive closure of these).

    ``exact`` pairs join every later input to the first input with the same normalised text;
    ``near`` pairs join the first inputs of two distinct normalised texts whose similarity is
    at or above the threshold. ``a`` comes before ``b`` in input order.
    """

    a: str
    b: str
    similarity: float
    kind: DuplicateKind

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "similarity": self.similarity, "kind": self.kind}


@dataclass(frozen=True)
class Leak:
    """A test input that duplicates a training input (its most similar one)."""

    test_id: str
    train_id: str
    similarity: float
    kind: DuplicateKind

    def to_json(self) -> dict[str, Any]:
        return {
            "test_id": self.test_id,
            "train_id": self.train_id,
            "similarity": self.similarity,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class DedupResult:
    """What :func:`~rewardkit.curation.dedup.core.dedup` kept, removed and found.

    Attributes:
        config: The options used.
        n_input: Number of inputs.
        kept_ids: Inputs kept (one per cluster plus every non-duplicate), in input order.
        removed: Inputs dropped, in input order.
        pairs: Every duplicate pair found, ordered by the input positions of ``a`` then ``b``.
        n_exact: Removed inputs of kind ``exact``.
        n_near: Removed inputs of kind ``near``.
        lsh_bands: LSH bands used.
        lsh_rows: Signature values per band.

    Example:
        >>> res = DedupResult(DedupConfig(), 2, ("a",), (Removed("b", "a", 1.0, "exact"),),
        ...                   (DuplicatePair("a", "b", 1.0, "exact"),), 1, 0, 18, 6)
        >>> res.to_json()["n_removed"], res.clusters()
        (1, {'a': ('a', 'b')})
    """

    config: DedupConfig
    n_input: int
    kept_ids: tuple[str, ...]
    removed: tuple[Removed, ...]
    pairs: tuple[DuplicatePair, ...]
    n_exact: int
    n_near: int
    lsh_bands: int
    lsh_rows: int

    def clusters(self) -> dict[str, tuple[str, ...]]:
        """Clusters with at least two members: representative -> (representative, removed...).

        Representatives are in the order of their first removed member; members in input order.
        """
        out: dict[str, list[str]] = {}
        for r in self.removed:
            out.setdefault(r.duplicate_of, [r.duplicate_of]).append(r.id)
        return {rep: tuple(members) for rep, members in out.items()}

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with a stable key and list order (same input, same JSON)."""
        return {
            "config": self.config.model_dump(mode="json"),
            "lsh": {"bands": self.lsh_bands, "rows": self.lsh_rows},
            "n_input": self.n_input,
            "n_kept": len(self.kept_ids),
            "n_removed": len(self.removed),
            "n_exact": self.n_exact,
            "n_near": self.n_near,
            "removed": [r.to_json() for r in self.removed],
            "pairs": [p.to_json() for p in self.pairs],
        }

    def write_json(self, path: str | Path) -> None:
        """Write :meth:`to_json` atomically as canonical JSON."""
        write_json(Path(path), self.to_json())
