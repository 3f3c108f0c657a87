"""Transactional output folders: nothing lost, nothing mixed, nothing deleted that is not ours.

A job writes its run directory (or model folder) into a staging folder
``.<name>.partial/<name>`` beside it (the same folder name, so anything that shows a run's
name reads the same) and, once everything is written, records a marker file (kind, run id,
the SHA-256 of every file) and renames the staging folder into place. So:

* a killed, failed or disk-full run leaves the previous complete output untouched (the staging
  folder is cleared by the next run, or resumed from by jobs that checkpoint, like training);
* an existing folder is replaced only when it is a rewardkit output of the same kind (its marker,
  or for folders written before markers existed, the kind's own files) or empty: pointing
  ``--out`` at an unrelated folder is refused, never deleted;
* readers check that a folder is complete and that each file is the one its marker recorded
  (:func:`verify_output`, :func:`verify_member`), so a folder mixing two runs' files is rejected
  in one line instead of being reported under the wrong model name;
* one run writes a given output at a time (a lock on the staging folder).

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> with StagedOutput(root / "run", "eval") as out:
    ...     _ = (out.path / "results.json").write_text("{}")
    >>> sorted(p.name for p in (root / "run").iterdir())
    ['.rewardkit-output.json', 'results.json']
    >>> verify_output(root / "run", "eval")["complete"]
    True
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import inspect
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, cast

from rewardkit.errors import ConfigError, DataError

__all__ = [
    "MARKER",
    "StagedOutput",
    "is_output_of",
    "read_marker",
    "refuse_incomplete",
    "staged_job",
    "staging_path",
    "verify_member",
    "verify_output",
]

MARKER = ".rewardkit-output.json"
_LOCK = ".rewardkit-output.lock"
_INTERNAL = frozenset({MARKER, _LOCK})

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


def staging_root(final: Path) -> Path:
    """The hidden sibling of ``final`` that holds its staging folder and lock."""
    return final.with_name(f".{final.name}.partial")


def staging_path(final: Path) -> Path:
    """The staging folder a run of ``final`` writes into (same name as ``final``)."""
    return staging_root(final) / final.name


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of ``folder`` (None when it has none or it is unreadable)."""
    try:
        doc = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def is_output_of(folder: Path, kind: str) -> bool:
    """True when ``folder`` is a rewardkit output of ``kind``: its marker says so, or (no
    marker) it holds the files such an output always has."""
    marker = read_marker(folder)
    if marker is not None:
        return marker.get("kind") == kind
    if (folder / MARKER).exists():
        return False  # a damaged marker: not provably ours
    return any((folder / name).is_file() for name in LEGACY_SIGNS.get(kind, ()))


def _empty(folder: Path) -> bool:
    return not any(folder.iterdir())


def _check_replaceable(final: Path, kind: str) -> None:
    if not final.exists():
        return
    if not final.is_dir():
        raise ConfigError(f"{final}: exists and is not a folder; choose another output path")
    if _empty(final) or is_output_of(final, kind):
        return
    raise ConfigError(
        f"{final}: exists and is not a rewardkit {kind} output; refusing to replace it "
        "(choose another output path or remove it yourself)"
    )


def _file_hashes(folder: Path) -> dict[str, str]:
    hashes = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in _INTERNAL:
            h = hashlib.sha256()
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            hashes[rel] = h.hexdigest()
    return hashes


def _write_marker(folder: Path, doc: dict[str, Any]) -> None:
    tmp = folder / (MARKER + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(folder / MARKER)


class StagedOutput:
    """An output folder written transactionally (see the module docstring).

    Args:
        final: Where the complete output lands.
        kind: What it is (``eval``, ``model``, ...): a folder of another kind is never replaced.
        resume: Keep what an interrupted run left in the staging folder (for jobs that
            resume from a checkpoint there); otherwise the staging folder starts empty.
        keep_on_error: Leave the staging folder when the job fails (to resume from it).
    """

    def __init__(
        self, final: Path, kind: str, *, resume: bool = False, keep_on_error: bool = False
    ) -> None:
        self.final = Path(final)
        self.kind = kind
        self.run_id = uuid.uuid4().hex
        self.root = staging_root(self.final)
        self.path = staging_path(self.final)
        self.keep_on_error = keep_on_error
        self._resume = resume
        self._lock: Any = None
        self.committed = False

    def __enter__(self) -> StagedOutput:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            if self.committed:
                return
            try:
                self.commit()
            except BaseException as failed:
                self.abort()
                self._raise_for_final(failed)
        else:
            self.abort()
            if isinstance(exc, OSError):
                self._raise_for_final(exc)

    def _raise_for_final(self, exc: BaseException) -> None:
        """Re-raise ``exc``; an OS error on a staged file names the file where it would land
        (``OUT/x``, not ``.OUT.partial/OUT/x``)."""
        name = getattr(exc, "filename", None)
        if isinstance(exc, OSError) and isinstance(name, str):
            try:
                rel = Path(name).relative_to(self.path)
            except ValueError:
                raise exc from None
            raise OSError(exc.errno, exc.strerror, str(self.final / rel)) from exc
        raise exc

    def open(self) -> Path:
        """Check the destination, lock and prepare the staging folder; returns it."""
        _check_replaceable(self.final, self.kind)
        root = self.root
        if root.exists():
            strays = (
                []
                if not root.is_dir()
                else [c for c in root.iterdir() if c.name not in {_LOCK, self.final.name}]
            )
            marker = read_marker(self.path) if self.path.is_dir() else None
            foreign_stage = self.path.exists() and not (
                self.path.is_dir()
                and (_empty(self.path) or (marker is not None and marker.get("kind") == self.kind))
            )
            if not root.is_dir() or strays or foreign_stage:
                raise ConfigError(
                    f"{root}: exists and is not a staging folder of a rewardkit "
                    f"{self.kind} run; remove it or choose another output path"
                )
        root.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(root)
        if not self._resume and self.path.exists():
            _remove(self.path)
        self.path.mkdir(exist_ok=True)
        (self.path / MARKER).write_text(
            json.dumps({"kind": self.kind, "run_id": self.run_id, "complete": False}) + "\n",
            encoding="utf-8",
        )  # not synced: a staging folder is never read as a finished output
        return self.path

    def commit(self) -> Path:
        """Record every file's hash and move the staging folder into place."""
        doc = {
            "kind": self.kind,
            "run_id": self.run_id,
            "complete": True,
            "files": _file_hashes(self.path),
        }
        _write_marker(self.path, doc)
        old = self.final.with_name(f".{self.final.name}.old-{self.run_id[:8]}")
        if self.final.exists():
            _check_replaceable(self.final, self.kind)  # it may have changed during the run
            self.final.rename(old)
        self.path.rename(self.final)
        if old.exists():
            _remove(old)
        _remove(self.root)
        self._release()
        self.committed = True
        return self.final

    def abort(self) -> None:
        """Drop the staging folder (or keep it to resume from); the final folder is untouched."""
        if not self.keep_on_error and self.root.exists():
            _remove(self.root)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.close()
            self._lock = None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _lock(folder: Path) -> Any:
    """An exclusive lock on ``folder`` held while the returned handle is open."""
    handle = (folder / _LOCK).open("a+")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise ConfigError(
            f"{folder}: another rewardkit run is writing this output now; wait for it or "
            "choose another output path"
        ) from None
    return handle


def refuse_incomplete(folder: Path, what: str = "model") -> None:
    """Raise :class:`ConfigError` when ``folder`` is a rewardkit output whose run did not
    finish (a staging folder, e.g. of a training run killed or out of disk space); folders
    without a marker pass.

    Example:
        >>> import tempfile
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
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    if h.hexdigest() != digest:
        raise DataError(
            f"{path}: changed since its run wrote it (the {what} mixes two runs' files or "
            "was edited); rerun the command that wrote it"
        )


P = ParamSpec("P")
R = TypeVar("R")


def staged_job(
    kind: str, *, param: str = "out", field: str = "run_dir"
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Make a job write its output folder (its argument ``param``) transactionally: the job
    runs on the staging folder, which replaces ``param`` when the job returns; the returned
    dataclass's ``field`` then names the final folder.

    Example:
        >>> import tempfile
        >>> @dataclasses.dataclass(frozen=True)
        ... class Done:
        ...     run_dir: Path
        >>> @staged_job("eval")
        ... def job(out: Path) -> Done:
        ...     _ = (out / "results.json").write_text("{}")
        ...     return Done(out)
        >>> final = Path(tempfile.mkdtemp()) / "run"
        >>> job(final).run_dir == final, (final / "results.json").exists()
        (True, True)
    """

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def job(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            final = Path(bound.arguments[param])
            with StagedOutput(final, kind) as stage:
                bound.arguments[param] = stage.path
                result = fn(*bound.args, **bound.kwargs)
            return cast(R, dataclasses.replace(cast(Any, result), **{field: final}))

        return job

    return wrap
