"""The JSONL training log: one event per line, flushed as written, so a killed run keeps it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any


class TrainingLog:
    """Append-only JSONL log (``start``, ``resume``, ``step``, ``epoch``, ``early_stop``,
    ``interrupted``, ``end``); every line carries the event name and a UTC timestamp."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")

    def write(self, event: str, **fields: Any) -> None:
        record = {
            "event": event,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **fields,
        }
        self._file.write(json.dumps(record, sort_keys=True, default=str) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> TrainingLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NullLog(TrainingLog):
    """The log of a rank other than 0 in a distributed run: writes nothing."""

    def __init__(self) -> None:
        pass

    def write(self, event: str, **fields: Any) -> None:
        return None

    def close(self) -> None:
        return None


def read_log(path: Path) -> list[dict[str, Any]]:
    """The log's events (a torn last line from a killed run is ignored)."""
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events
