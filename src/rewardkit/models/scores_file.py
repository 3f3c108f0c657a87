"""``scores:PATH``: precomputed scores joined on item id and response index."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rewardkit.data.fields import FieldReader
from rewardkit.data.readers import read_rows
from rewardkit.data.records import PreferenceItem, Prompt
from rewardkit.errors import ConfigError, DataError

REQUIRED = ("item_id", "response_index", "score")


class ScoresFileModel:
    """Scores read from a table with columns ``item_id``, ``response_index``, ``score``.

    Any format the readers accept works (Parquet, JSONL, CSV, ...); a ``scores.parquet`` from an
    earlier ``rewardkit eval`` run is such a table. Every response of every evaluated item must
    have a score; missing ones are an error that names the first few.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._scores: dict[tuple[str, int], float] = {}
        rows = read_rows(self.path)
        if not rows:
            raise DataError("no rows (empty file)", path=self.path)
        for row in rows:
            f = FieldReader(row, self.path)
            item_id = f.optional_text("item_id")
            if item_id is None:
                raise f.error("item_id", "missing field")
            index = f.number("response_index")
            score = f.number("score")
            if index is None or index != int(index) or index < 0:
                raise f.error("response_index", "expected a non-negative integer")
            if score is None:
                raise f.error("score", "missing field")
            key = (item_id, int(index))
            if key in self._scores:
                raise f.error("item_id", f"duplicate score for {key}")
            self._scores[key] = score
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]
        self._fingerprint = f"scores:{self.path.name}/{digest}"

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        raise ConfigError(
            "scores: models score whole items (joined on item id); "
            "use them through `rewardkit eval`"
        )

    def score_items(self, items: Sequence[PreferenceItem]) -> np.ndarray:
        out: list[float] = []
        missing: list[str] = []
        for item in items:
            for index in range(len(item.responses)):
                value = self._scores.get((item.id, index))
                if value is None:
                    missing.append(f"{item.id}#{index}")
                    out.append(float("nan"))
                else:
                    out.append(value)
        if missing:
            shown = ", ".join(missing[:5])
            raise DataError(
                f"{len(missing)} response(s) have no score (e.g. {shown})", path=self.path
            )
        return np.asarray(out, dtype=np.float64)

    def fingerprint(self) -> str:
        return self._fingerprint
