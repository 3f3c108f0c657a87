"""A persistent score cache: SQLite in WAL mode, keyed by model fingerprint and input hash.

Scores are committed batch by batch, so a run that is interrupted (Ctrl-C, kill -9) loses at
most the batch in flight and a rerun scores only what is missing. The same file also caches
embeddings (float32 vectors), under a separate table.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rewardkit.data.input_hash import input_hash as input_hash
from rewardkit.errors import ConfigError, DataError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (
    fingerprint TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    score REAL NOT NULL,
    truncated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (fingerprint, input_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS embeddings (
    fingerprint TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    truncated INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (fingerprint, input_hash)
) WITHOUT ROWID;
"""

_LOOKUP_CHUNK = 500
_SQLITE_HEADER = b"SQLite format 3\x00"


def cache_path(path: str | None) -> Path:
    """``path``, or :func:`default_cache_path` when it is None or empty."""
    return Path(path) if path else default_cache_path()


def open_score_cache(path: str | None, disabled: bool = False) -> ScoreCache | None:
    """The score cache at :func:`cache_path` of ``path``; None when disabled."""
    return None if disabled else ScoreCache(cache_path(path))


def default_cache_path() -> Path:
    """``$REWARDKIT_CACHE`` if set, else ``$XDG_CACHE_HOME/rewardkit/scores.sqlite``
    (``~/.cache/rewardkit/scores.sqlite``)."""
    explicit = os.environ.get("REWARDKIT_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rewardkit" / "scores.sqlite"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    path: str
    size_bytes: int
    n_scores: int
    n_embeddings: int
    models: dict[str, int]


class ScoreCache:
    """Scores (and embeddings) keyed by ``(fingerprint, input_hash)``.

    Example:
        >>> import tempfile
        >>> cache = ScoreCache(Path(tempfile.mkdtemp()) / "c.sqlite")
        >>> cache.put_scores("m", ["h1"], [0.5])
        >>> cache.get_scores("m", ["h1", "h2"])
        {'h1': 0.5}
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(path), timeout=60.0)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"{path}: cannot open the score cache ({exc}); choose another "
                "file with --cache or skip it with --no-cache"
            ) from exc

    def _migrate(self) -> None:
        """Bring a cache written by an earlier version up to the current schema."""
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(scores)")}
        if "truncated" not in columns:
            with self._conn:
                self._conn.execute(
                    "ALTER TABLE scores ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0"
                )
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(embeddings)")}
        if "truncated" not in columns:  # embeddings stored before: truncation unknown (-1)
            with self._conn:
                self._conn.execute(
                    "ALTER TABLE embeddings ADD COLUMN truncated INTEGER NOT NULL DEFAULT -1"
                )

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ScoreCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _lookup(
        self, table: str, column: str, fingerprint: str, hashes: Sequence[str]
    ) -> Iterable[tuple[str, object]]:
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            query = (
                f"SELECT input_hash, {column} FROM {table} "
                f"WHERE fingerprint = ? AND input_hash IN ({marks})"
            )
            for row in self._conn.execute(query, [fingerprint, *chunk]):
                yield row[0], (row[1] if len(row) == 2 else tuple(row[1:]))

    def get_scores(self, fingerprint: str, hashes: Sequence[str]) -> dict[str, float]:
        return {h: score for h, (score, _) in self.get_entries(fingerprint, hashes).items()}

    def get_entries(self, fingerprint: str, hashes: Sequence[str]) -> dict[str, tuple[float, bool]]:
        """Cached (score, was the input truncated) per input hash.

        Raises:
            DataError: The cache holds a score that is not a finite number (rewardkit never
                stores one, so the cache is damaged); the message says how to clear it.
        """
        out: dict[str, tuple[float, bool]] = {}
        bad = 0
        for h, value in self._lookup("scores", "score, truncated", fingerprint, hashes):
            assert isinstance(value, tuple)
            score = value[0]
            if isinstance(score, bool) or not isinstance(score, (int, float)):
                bad += 1
                continue
            if not math.isfinite(score):
                bad += 1
            out[h] = (float(score), bool(value[1]))
        if bad:
            raise self._damaged(fingerprint, f"{bad} cached score(s) that are not finite numbers")
        return out

    def _damaged(self, fingerprint: str, what: str) -> DataError:
        return DataError(
            f"the score cache holds {what} for model {fingerprint} (a damaged cache); clear "
            f"them with: rewardkit cache clear --cache {self.path} --fingerprint "
            f"'{fingerprint}' (or run with --no-cache)",
            path=self.path,
        )

    def put_scores(
        self,
        fingerprint: str,
        hashes: Sequence[str],
        scores: Iterable[float],
        truncated: Iterable[bool] | None = None,
    ) -> None:
        flags = [False] * len(hashes) if truncated is None else list(truncated)
        rows = [
            (fingerprint, h, float(s), int(t))
            for h, s, t in zip(hashes, scores, flags, strict=True)
        ]
        with self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?)", rows)

    def get_embeddings(self, fingerprint: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        sizes: set[int] = set()
        for h, blob in self._lookup("embeddings", "vector", fingerprint, hashes):
            if not isinstance(blob, bytes) or len(blob) % 4:
                raise self._damaged(fingerprint, "an embedding that is not a float32 vector")
            vector = np.frombuffer(blob, dtype=np.float32)
            if not np.isfinite(vector).all():
                raise self._damaged(fingerprint, "an embedding with NaN or inf entries")
            sizes.add(vector.shape[0])
            out[h] = vector
        if len(sizes) > 1:
            raise self._damaged(fingerprint, f"embeddings of several sizes {sorted(sizes)}")
        return out

    def get_embedding_truncation(
        self, fingerprint: str, hashes: Sequence[str]
    ) -> dict[str, bool | None]:
        """Per cached embedding, whether its input was truncated (``None``: not recorded, an
        embedding stored by an earlier version).

        Example:
            >>> import tempfile
            >>> cache = ScoreCache(Path(tempfile.mkdtemp()) / "c.sqlite")
            >>> cache.put_embeddings("e", ["a", "b"], np.zeros((2, 3)), [True, False])
            >>> cache.put_embeddings("e", ["c"], np.zeros((1, 3)))
            >>> cache.get_embedding_truncation("e", ["a", "b", "c", "d"])
            {'a': True, 'b': False, 'c': None}
        """
        out: dict[str, bool | None] = {}
        for h, flag in self._lookup("embeddings", "truncated", fingerprint, hashes):
            assert isinstance(flag, int)
            out[h] = None if flag < 0 else bool(flag)
        return out

    def put_embeddings(
        self,
        fingerprint: str,
        hashes: Sequence[str],
        vectors: np.ndarray,
        truncated: Iterable[bool] | None = None,
    ) -> None:
        flags = [-1] * len(hashes) if truncated is None else [int(t) for t in truncated]
        rows = [
            (fingerprint, h, np.asarray(v, dtype=np.float32).tobytes(), t)
            for h, v, t in zip(hashes, vectors, flags, strict=True)
        ]
        with self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)

    def info(self) -> CacheInfo:
        n_scores = self._conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0]
        n_emb = self._conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        models = dict(
            self._conn.execute(
                "SELECT fingerprint, COUNT(*) FROM scores GROUP BY fingerprint ORDER BY fingerprint"
            ).fetchall()
        )
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return CacheInfo(
            path=str(self.path),
            size_bytes=size,
            n_scores=int(n_scores),
            n_embeddings=int(n_emb),
            models={str(k): int(v) for k, v in models.items()},
        )

    @staticmethod
    def delete_damaged(path: Path) -> list[Path]:
        """Delete a damaged cache that cannot be opened: the file (which must start like an
        SQLite database, so a wrong ``--cache`` path is never deleted) and its ``-wal`` and
        ``-shm`` companions. Returns the files deleted.

        Raises:
            ConfigError: ``path`` is not an SQLite file.

        Example:
            >>> import tempfile
            >>> p = Path(tempfile.mkdtemp()) / "c.sqlite"
            >>> _ = p.write_bytes(_SQLITE_HEADER + b"garbage" * 100)
            >>> [f.name for f in ScoreCache.delete_damaged(p)]
            ['c.sqlite']
        """
        if not path.is_file():
            raise ConfigError(f"{path}: not a regular file; not deleting it")
        with path.open("rb") as fh:
            header = fh.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER:
            raise ConfigError(
                f"{path}: not an SQLite file (no SQLite header); not deleting it: check --cache"
            )
        deleted = []
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if candidate.is_file():
                candidate.unlink()
                deleted.append(candidate)
        return deleted

    def clear(self, fingerprint: str | None = None) -> int:
        """Delete every entry (or one model's); returns the number of rows removed."""
        with self._conn:
            if fingerprint is None:
                n = self._conn.execute("DELETE FROM scores").rowcount
                n += self._conn.execute("DELETE FROM embeddings").rowcount
            else:
                n = self._conn.execute(
                    "DELETE FROM scores WHERE fingerprint = ?", [fingerprint]
                ).rowcount
                n += self._conn.execute(
                    "DELETE FROM embeddings WHERE fingerprint = ?", [fingerprint]
                ).rowcount
        self._conn.execute("VACUUM")
        return int(n)
