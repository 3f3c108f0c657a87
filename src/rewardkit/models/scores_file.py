"""``scores:PATH``: precomputed scores joined on item id and response index."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rewardkit.data.records import PreferenceItem, Prompt
from rewardkit.data.score_tables import read_score_table
from rewardkit.errors import ConfigError, DataError
from rewardkit.runs.output import verify_member

_SHOWN = 5


class ScoresFileModel:
    """Scores read from a score table, joined on the dataset's item ids.

    The layout is detected from the file's fields (see :mod:`rewardkit.data.score_tables` for
    which response index is which in each): ``item_id, response_index, score`` (e.g. the
    ``scores.parquet`` of an earlier ``rewardkit eval`` run, in any format the readers accept),
    JudgeBench judge outputs, and RewardBench v1 / RewardBench 2 per-item result files. Every
    response of every evaluated item must have a score; missing ones, scores for responses an
    item does not have, and response texts that differ from the dataset's are errors that
    name the first few items.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        verify_member(self.path)  # in a run directory: the scores its run wrote, not a mix
        self.table = read_score_table(self.path)
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]
        self._fingerprint = f"scores:{self.path.name}/{digest}"

    @property
    def layout(self) -> str:
        """The detected layout of the score table."""
        return self.table.layout

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        raise ConfigError(
            "scores: models score whole items (joined on item id); "
            "use them through `rewardkit eval`"
        )

    def score_items(self, items: Sequence[PreferenceItem]) -> np.ndarray:
        scores, texts, sizes = self.table.scores, self.table.texts, self.table.n_responses
        out: list[float] = []
        missing: list[str] = []
        extra: list[str] = []
        differ: list[str] = []
        for item in items:
            n = len(item.responses)
            if sizes.get(item.id, 0) > n:
                extra.append(f"{item.id} ({sizes[item.id]} scores, {n} responses)")
            for index, response in enumerate(item.responses):
                value = scores.get((item.id, index))
                out.append(float("nan") if value is None else value)
                if value is None:
                    missing.append(f"{item.id}#{index}")
                text = texts.get((item.id, index))
                if text is not None and text != response:
                    differ.append(f"{item.id}#{index}")
        layout = f"({self.table.layout} layout)"
        if missing:
            raise DataError(
                f"{len(missing)} response(s) have no score (e.g. {_shown(missing)}) {layout}",
                path=self.path,
            )
        if extra:
            raise DataError(
                f"{len(extra)} item(s) have more scores than responses (e.g. "
                f"{_shown(extra)}) {layout}; is the file for another dataset?",
                path=self.path,
            )
        if differ:
            raise DataError(
                f"{len(differ)} response text(s) differ from the dataset's (e.g. "
                f"{_shown(differ)}) {layout}; is the file for another dataset or labelling?",
                path=self.path,
            )
        return np.asarray(out, dtype=np.float64)

    def fingerprint(self) -> str:
        return self._fingerprint


def _shown(names: list[str]) -> str:
    return ", ".join(names[:_SHOWN])
