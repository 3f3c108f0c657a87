"""Write a split to disk: one JSONL file per split and table, and a manifest to reproduce it."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.curation.splits.assign import SplitAssignment
from rewardkit.curation.splits.config import SplitConfig
from rewardkit.errors import DataError
from rewardkit.runs.atomic import write_json, write_text
from rewardkit.runs.manifest import sha256_path

__all__ = ["MANIFEST_NAME", "SPLIT_SCHEMA", "frame_to_jsonl", "write_split"]

MANIFEST_NAME = "split_manifest.json"
SPLIT_SCHEMA = "rewardkit.split/1"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _plain(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars and arrays unwrapped, NaN and NA to null."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def frame_to_jsonl(frame: pd.DataFrame) -> str:
    """The rows of ``frame`` as JSONL text, in row order (same frame, same text).

    Missing values and non-finite floats become ``null``; text is written as UTF-8.

    Example:
        >>> frame_to_jsonl(pd.DataFrame({"a": [1, 2], "b": ["x", None]}))
        '{"a": 1, "b": "x"}\\n{"a": 2, "b": null}\\n'
    """
    columns = [str(c) for c in frame.columns]
    lines = [
        json.dumps(
            {c: _plain(v) for c, v in zip(columns, row, strict=True)},
            ensure_ascii=False,
            allow_nan=False,
        )
        for row in frame.itertuples(index=False, name=None)
    ]
    return "".join(line + "\n" for line in lines)


def write_split(
    out_dir: str | Path,
    partitions: Mapping[str, Mapping[str, pd.DataFrame]],
    assignment: SplitAssignment,
    config: SplitConfig,
    *,
    inputs: Mapping[str, str | Path] | None = None,
) -> Path:
    """Write ``<split>/<table>.jsonl`` for every part, then ``split_manifest.json``.

    Files are written atomically. The manifest holds the config, the held-out domains, the
    moved near-duplicates, per split the sorted group ids and the group counts per domain,
    and per file its row count and sha256 (plus the sha256 of ``inputs``, when given). It has
    no timestamp: the same data and seed give byte-identical files.

    Args:
        out_dir: Output folder (created when missing; files already there are overwritten,
            others are left alone).
        partitions: ``{split: {table name: rows}}``, as :func:`partition_tables` returns.
        assignment: The assignment the partitions come from.
        config: The split options, recorded in the manifest.
        inputs: Optional source files (name to path) whose sha256 the manifest records.

    Returns:
        The path of the manifest.

    Raises:
        DataError: A split or table name that is not a plain file name.

    Example:
        >>> import tempfile
        >>> from rewardkit.curation.splits import assign_splits, partition_tables
        >>> prompts = pd.DataFrame({"prompt_id": ["p1", "p2", "p3"], "domain": ["a"] * 3})
        >>> cfg = SplitConfig(test_share=0.34)
        >>> a = assign_splits(prompts, cfg, group_col="prompt_id")
        >>> out = Path(tempfile.mkdtemp())
        >>> path = write_split(out, partition_tables(a, {"prompts": prompts}), a, cfg)
        >>> sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json*"))
        ['split_manifest.json', 'test/prompts.jsonl', 'train/prompts.jsonl']
        >>> json.loads(path.read_text())["splits"]["test"]["groups"]
        ['p2']
    """
    root = Path(out_dir)
    counts = assignment.counts()
    splits: dict[str, Any] = {}
    for split, tables in partitions.items():
        files: dict[str, Any] = {}
        for name, frame in tables.items():
            for part in (split, name):
                if not _SAFE_NAME.match(part):
                    raise DataError(f"{part!r} is not a plain file name (split or table name)")
            relative = f"{split}/{name}.jsonl"
            path = root / relative
            write_text(path, frame_to_jsonl(frame))
            files[name] = {"path": relative, "rows": len(frame), "sha256": sha256_path(path)}
        groups = assignment.groups(split)
        splits[split] = {
            "n_groups": len(groups),
            "domains": counts.get(split, {}),
            "groups": list(groups),
            "files": files,
        }
    manifest: dict[str, Any] = {
        "schema": SPLIT_SCHEMA,
        "config": config.model_dump(mode="json"),
        "seed": assignment.seed,
        "holdout_domains": list(assignment.holdout_domains),
        "moved_to_train": [
            {
                "group_id": m.group_id,
                "from_split": m.from_split,
                "matched_id": m.matched_id,
                "round": m.round,
            }
            for m in assignment.moved
        ],
        "splits": splits,
    }
    if inputs is not None:
        manifest["inputs"] = {
            name: {"path": Path(p).name, "sha256": sha256_path(p)}
            for name, p in sorted(inputs.items())
        }
    manifest_path = root / MANIFEST_NAME
    write_json(manifest_path, manifest)
    return manifest_path
