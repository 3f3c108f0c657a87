"""Run directories: where every command writes its manifest, results, tables and log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rewardkit.runs import now_iso
from rewardkit.runs.atomic import write_json


def default_run_dir(command: str, root: Path = Path("runs")) -> Path:
    """``runs/<command>-<UTC timestamp>`` with a numeric suffix if it already exists."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = root / f"{command}-{stamp}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


class RunDir:
    """A run directory with an append-only JSONL event log.

    Example:
        >>> import tempfile
        >>> run = RunDir(Path(tempfile.mkdtemp()) / "run")
        >>> run.log("start", n=3)
        >>> (run.path / "log.jsonl").exists()
        True
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)

    def file(self, name: str) -> Path:
        return self.path / name

    def log(self, event: str, **fields: Any) -> None:
        record = {"time": now_iso(), "event": event, **fields}
        with (self.path / "log.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json(self.file("manifest.json"), manifest)

    def finish_manifest(self, manifest: dict[str, Any]) -> None:
        manifest["ended_at"] = now_iso()
        self.write_manifest(manifest)
