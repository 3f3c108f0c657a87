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
import inspect
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, cast

from rewardkit.errors import ConfigError
from rewardkit.runs.marker import (
    LEGACY_SIGNS,
    LOCK,
    MARKER,
    file_hashes,
    read_marker,
)
from rewardkit.runs.verify import (
    refuse_incomplete,
    verify_member,
    verify_output,
)

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


def staging_root(final: Path) -> Path:
    """The hidden sibling of ``final`` that holds its staging folder and lock."""
    return final.with_name(f".{final.name}.partial")


def staging_path(final: Path) -> Path:
    """The staging folder a run of ``final`` writes into (same name as ``final``)."""
    return staging_root(final) / final.name


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
                else [c for c in root.iterdir() if c.name not in {LOCK, self.final.name}]
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
            "files": file_hashes(self.path),
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
    handle = (folder / LOCK).open("a+")
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
