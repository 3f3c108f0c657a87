"""Run manifests: what ran, on what, with which software, and when."""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rewardkit.errors import DataError
from rewardkit.runs.redact import redact_in

TRACKED_PACKAGES = (
    "rewardkit",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "pydantic",
    "typer",
    "rich",
    "pyyaml",
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256_path(path: str | Path) -> str:
    """sha256 of a file, or of a folder's files (relative names and contents, sorted).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_text("abc")
        >>> sha256_path(p)[:12]
        'ba7816bf8f01'
    """
    p = Path(path)
    h = hashlib.sha256()
    if p.is_dir():
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            h.update(str(f.relative_to(p)).encode() + b"\x00")
            h.update(sha256_path(f).encode())
        return h.hexdigest()
    if p.exists() and not p.is_file():
        # A FIFO would block and /dev/zero never ends: only regular files are hashed (and read).
        raise DataError(
            "not a regular file (a FIFO, device or socket); give a data file or folder", path=p
        )
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def git_commit() -> str | None:
    """The commit of the rewardkit source tree, when it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def build_manifest(
    *,
    command: str,
    config: dict[str, Any],
    seed: int,
    inputs: dict[str, str | Path],
    started_at: str,
) -> dict[str, Any]:
    """A manifest dict; ``ended_at`` is filled in when the run finishes."""
    return {
        "schema_version": 1,
        "command": command,
        # URL credentials and token-like query values typed on the command line (an http:
        # model spec) are never written.
        "argv": redact_in([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "config": redact_in(config),
        "seed": seed,
        "inputs": {name: {"path": str(p), "sha256": sha256_path(p)} for name, p in inputs.items()},
        "versions": package_versions(),
        "git_commit": git_commit(),
        "platform": platform.platform(),
        "started_at": started_at,
        "ended_at": None,
    }
