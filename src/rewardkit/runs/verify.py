"""What readers check of a rewardkit output (:mod:`rewardkit.runs.output`): that it is
complete and that each file is the one its run wrote (the marker's SHA-256), so a folder mixing
two runs' files is rejected in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rewardkit.errors import ConfigError, DataError
from rewardkit.runs.manifest import sha256_path
from rewardkit.runs.marker import MARKER, read_marker

__all__ = ["refuse_incomplete", "verify_header", "verify_member", "verify_output"]


def refuse_incomplete(folder: Path, what: str = "model") -> None:
    """Raise :class:`ConfigError` when ``folder`` is a rewardkit output whose run did not
    finish (a staging folder, e.g. of a training run killed or out of disk space); folders
    without a marker pass.

    Example:
        >>> import tempfile
        >>> from rewardkit.runs.output import StagedOutput
        >>> stage = StagedOutput(Path(tempfile.mkdtemp()) / "rm", "model")
        >>> try:
        ...     refuse_incomplete(stage.open())
        ... except ConfigError as exc:
        ...     print(str(exc).split(": ", 1)[1])
        an incomplete model (its run did not finish); load the finished folder or rerun
    """
    if not (folder / MARKER).exists():
        return
    marker = read_marker(folder)
    if marker is None or marker.get("complete") is not True:
        raise ConfigError(
            f"{folder}: an incomplete {what} (its run did not finish); load the finished "
            "folder or rerun"
        )


def verify_output(
    folder: Path, kind: str | tuple[str, ...] | None = None, *, what: str = "run directory"
) -> dict[str, Any]:
    """Check that ``folder`` is a complete rewardkit output whose files are the ones its marker
    recorded (a folder without a marker, written before markers existed, passes unchecked).

    Returns the marker (``{}`` when there is none). Raises :class:`DataError` in one line for
    an incomplete output, a marker of another kind, or a file changed or missing since the run.
    """
    if not (folder / MARKER).exists():
        return {}
    marker = verify_header(folder, what)
    kinds = (kind,) if isinstance(kind, str) else kind
    if kinds is not None and marker.get("kind") not in kinds:
        wanted = " or ".join(kinds)
        raise DataError(f"{folder}: a rewardkit {marker.get('kind')} output, not a {wanted} {what}")
    files: dict[str, str] = marker.get("files", {})
    for name, digest in sorted(files.items()):
        _check_file(folder, name, digest, what)
    return marker


def verify_member(path: Path, *, what: str = "run directory") -> None:
    """Check one file of a run directory against the marker beside it (no marker: nothing to
    check). Raises :class:`DataError` when the file is not the one the run wrote."""
    folder = path.parent
    if not (folder / MARKER).exists():
        return
    marker = verify_header(folder, what)
    digest = marker.get("files", {}).get(path.name)
    if digest is None:
        raise DataError(
            f"{path}: not written by the run recorded in {folder / MARKER} (the folder mixes "
            "two runs' files)"
        )
    _check_file(folder, path.name, digest, what)


def verify_header(folder: Path, what: str = "run directory") -> dict[str, Any]:
    """The marker of ``folder``, checked to be readable and complete."""
    marker = read_marker(folder)
    if marker is None or not isinstance(marker.get("files", {}), dict):
        raise DataError(f"{folder}: a damaged {MARKER}; rerun the command that wrote it")
    if marker.get("complete") is not True:
        raise DataError(f"{folder}: an incomplete {what} (its run did not finish)")
    return marker


def _check_file(folder: Path, name: str, digest: str, what: str) -> None:
    path = folder / name
    if not path.is_file():
        raise DataError(f"{path}: missing from the {what} (its marker lists it)")
    if sha256_path(path) != digest:
        raise DataError(
            f"{path}: changed since its run wrote it (the {what} mixes two runs' files or "
            "was edited); rerun the command that wrote it"
        )
