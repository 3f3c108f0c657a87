"""The marker a finished rewardkit output carries (``.rewardkit-output.json``: kind, run id,
the SHA-256 of every file) and how it is read; see :mod:`rewardkit.runs.output`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rewardkit.runs.manifest import sha256_path

__all__ = ["INTERNAL", "LEGACY_SIGNS", "LOCK", "MARKER", "file_hashes", "read_marker"]

MARKER = ".rewardkit-output.json"
LOCK = ".rewardkit-output.lock"
INTERNAL = frozenset({MARKER, LOCK})

# Files by which a folder written before markers existed shows it is a rewardkit output of a
# kind (so a rerun may replace it); a folder with none of them is not ours.
LEGACY_SIGNS: dict[str, tuple[str, ...]] = {
    "eval": ("results.json", "scores.parquet"),
    "suite": ("suite.json",),
    "compare": ("results.json",),
    "calibrate": ("calibration.json",),
    "bon": ("bon_scores.parquet",),
    "annotations": ("results.json",),
    "judge": ("results.json",),
    "curate": ("curation_manifest.json",),
    "dedup": ("dedup.json",),
    "split": ("split_manifest.json",),
    "audit": ("audit.json",),
    "model": ("train_manifest.json", "train_log.jsonl"),
}


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of ``folder`` (None when it has none or it is unreadable)."""
    try:
        doc = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder`` (relative POSIX names), the marker and lock
    left out."""
    hashes = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in INTERNAL:
            hashes[rel] = sha256_path(path)
    return hashes
