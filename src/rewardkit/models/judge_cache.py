"""The judge's response cache: one table (``judge_responses``) inside the score cache file.

Keys are the judge's fingerprint (endpoint model, mode, template hash, decoding settings) and
the hash of one request (its messages and settings); values are the answer as JSON (text,
token usage, log-probabilities). Every answer is committed as soon as it arrives, so a rerun
asks nothing it has asked before and an interrupted run resumes where it stopped. The table
lives beside the ``scores`` table of :mod:`rewardkit.scoring.cache` (SQLite, WAL mode: both
connections share the file).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from rewardkit.errors import ConfigError, DataError

__all__ = ["TABLE", "ResponseCache", "request_hash"]

TABLE = "judge_responses"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    fingerprint TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (fingerprint, input_hash)
) WITHOUT ROWID;
"""


def request_hash(body: dict[str, Any]) -> str:
    """A stable hash of a request (canonical JSON: sorted keys, no spaces).

    Example:
        >>> request_hash({"b": 1, "a": [2]}) == request_hash({"a": [2], "b": 1})
        True
    """
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResponseCache:
    """Judge answers keyed by ``(fingerprint, request hash)``.

    Example:
        >>> import tempfile
        >>> cache = ResponseCache(Path(tempfile.mkdtemp()) / "scores.sqlite")
        >>> cache.put("judge/v1:m", "h1", {"text": "Verdict: A"})
        >>> cache.get("judge/v1:m", "h1"), cache.get("judge/v1:m", "h2")
        ({'text': 'Verdict: A'}, None)
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One event loop uses it at a time, possibly from a worker thread.
            self._conn = sqlite3.connect(str(self.path), timeout=60.0, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"{self.path}: cannot open the judge response cache ({exc}); choose another "
                "file with --cache or skip it with --no-cache"
            ) from exc

    def get(self, fingerprint: str, key: str) -> dict[str, Any] | None:
        """The stored answer, or None.

        Raises:
            DataError: The stored value is not a JSON object (a damaged cache).
        """
        row = self._conn.execute(
            f"SELECT response FROM {TABLE} WHERE fingerprint = ? AND input_hash = ?",
            (fingerprint, key),
        ).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except (TypeError, ValueError):
            value = None
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            raise DataError(
                f"the judge response cache holds a damaged answer for {fingerprint}; delete the "
                "file or run with --no-cache",
                path=self.path,
            )
        return value

    def put(self, fingerprint: str, key: str, value: dict[str, Any]) -> None:
        """Store (or replace) one answer and commit."""
        with self._conn:
            self._conn.execute(
                f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?, ?)",
                (fingerprint, key, json.dumps(value, ensure_ascii=False)),
            )

    def count(self, fingerprint: str | None = None) -> int:
        """Stored answers (of one fingerprint, or all)."""
        if fingerprint is None:
            row = self._conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()
        else:
            row = self._conn.execute(
                f"SELECT COUNT(*) FROM {TABLE} WHERE fingerprint = ?", (fingerprint,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._conn.close()
