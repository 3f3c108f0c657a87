"""Provenance of a curation run: every source, every step with its counts, the software.

Two runs on the same inputs give the same record apart from the ``*_at`` timestamps, which
:meth:`ProvenanceLog.without_times` strips for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.runs.manifest import git_commit, now_iso, package_versions, sha256_path


@dataclass(frozen=True)
class Source:
    """One input: where it came from, its version and hash, how many rows it had."""

    name: str
    path: str
    sha256: str
    rows: int
    version: str | None
    read_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "version": self.version,
            "sha256": self.sha256,
            "rows": self.rows,
            "read_at": self.read_at,
        }


@dataclass(frozen=True)
class Step:
    """One curation step: its parameters and the counts going in and out."""

    name: str
    params: dict[str, Any]
    counts_in: dict[str, int]
    counts_out: dict[str, int]
    detail: dict[str, Any] = field(default_factory=dict)
    started_at: str = ""
    ended_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "params": self.params,
            "counts_in": self.counts_in,
            "counts_out": self.counts_out,
            "detail": self.detail,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
        }


class ProvenanceLog:
    """Collects sources and steps; ``to_json()`` is the ``curation_manifest.json`` document.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "a.jsonl"
        >>> _ = p.write_text('{"x": 1}\\n')
        >>> log = ProvenanceLog()
        >>> log.add_source("prompts", p, rows=1)
        >>> log.add_step("dedup", {"threshold": 0.8}, {"prompts": 1}, {"prompts": 1})
        >>> sorted(log.without_times()["steps"][0])
        ['counts_in', 'counts_out', 'detail', 'name', 'params']
    """

    def __init__(self) -> None:
        self.started_at = now_iso()
        self.sources: list[Source] = []
        self.steps: list[Step] = []
        self._step_start = self.started_at

    def add_source(self, name: str, path: Path, *, rows: int, version: str | None = None) -> None:
        self.sources.append(
            Source(
                name=name,
                path=path.name,
                sha256=sha256_path(path),
                rows=rows,
                version=version,
                read_at=now_iso(),
            )
        )

    def begin_step(self) -> None:
        self._step_start = now_iso()

    def add_step(
        self,
        name: str,
        params: dict[str, Any],
        counts_in: dict[str, int],
        counts_out: dict[str, int],
        detail: dict[str, Any] | None = None,
    ) -> None:
        self.steps.append(
            Step(
                name=name,
                params=params,
                counts_in=counts_in,
                counts_out=counts_out,
                detail=detail or {},
                started_at=self._step_start,
                ended_at=now_iso(),
            )
        )
        self._step_start = now_iso()

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "sources": [s.to_json() for s in self.sources],
            "steps": [s.to_json() for s in self.steps],
            "versions": package_versions(),
            "git_commit": git_commit(),
            "started_at": self.started_at,
            "ended_at": now_iso(),
        }

    def without_times(self) -> dict[str, Any]:
        """The record with every timestamp removed (what must match across reruns)."""
        stripped: dict[str, Any] = _strip_times(self.to_json())
        return stripped


def _strip_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_times(v) for k, v in value.items() if not k.endswith("_at")}
    if isinstance(value, list):
        return [_strip_times(v) for v in value]
    return value
