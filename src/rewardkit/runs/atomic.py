"""Atomic file writes: write a temporary file beside the target, then rename over it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


def current_umask() -> int:
    """The process umask (read by setting it and setting it back).

    Example:
        >>> 0 <= current_umask() <= 0o777
        True
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    The file gets the mode a plain ``open()`` would give it (``0o666`` less the user's umask;
    ``mkstemp`` alone makes it ``0o600``). An OS error (a full disk, no permission) names
    ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from exc
        raise


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` as an OS error about ``path`` (``[Errno 28] No space left on device`` alone does
    not say which file)."""
    if exc.filename is not None and str(exc.filename) == str(path):
        return exc
    return type(exc)(exc.errno, exc.strerror or str(exc), str(path))


def dumps_json(obj: Any) -> str:
    """Canonical JSON: 2-space indent, UTF-8, insertion order kept, trailing newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as canonical JSON atomically (same object, same bytes)."""
    _atomic_write_bytes(path, dumps_json(obj).encode("utf-8"))


def write_text(path: Path, text: str) -> None:
    _atomic_write_bytes(path, text.encode("utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a DataFrame as Parquet atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    _atomic_write_bytes(path, sink.getvalue().to_pybytes())
