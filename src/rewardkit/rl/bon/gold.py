"""Gold scores per candidate: from a scores file, from the data's own scores or labels.

A gold scores file (any format the readers accept: JSONL, JSON, CSV, Parquet) has one of
two shapes, told apart by its columns:

* long, one row per response: ``item_id``, ``response_index`` (0-based, chosen responses
  first, then rejected, as in the scores table) or ``response`` (the response text), and
  ``score``; an earlier run's ``scores.parquet`` is such a file;
* wide, one row per item: ``item_id`` and ``scores`` (a list, one score per response, in the
  same order).

Every response of every item must have a gold score; a missing one is an error naming the file,
the item and the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rewardkit.data.fields import FieldReader
from rewardkit.data.readers import read_rows
from rewardkit.data.records import PreferenceItem
from rewardkit.errors import DataError
from rewardkit.rl.bon.estimator import FloatArray
from rewardkit.runs.output import verify_member

__all__ = ["FROM_DATA", "FROM_LABELS", "gold_from_data", "gold_from_labels", "read_gold_scores"]

#: ``--gold-scores from-data``: the items' own ``chosen_scores``/``rejected_scores``.
FROM_DATA = "from-data"
#: ``--gold-scores from-labels``: 1 for every chosen response, 0 for every rejected one.
FROM_LABELS = "from-labels"


def gold_from_labels(items: Sequence[PreferenceItem]) -> list[FloatArray]:
    """1 for each chosen response, 0 for each rejected one (e.g. RMB's best vs its losers).

    Example:
        >>> it = PreferenceItem(id="a", prompt="q", chosen=("x",), rejected=("y", "z"))
        >>> gold_from_labels([it])[0].tolist()
        [1.0, 0.0, 0.0]
    """
    return [np.concatenate([np.ones(len(it.chosen)), np.zeros(len(it.rejected))]) for it in items]


def gold_from_data(
    items: Sequence[PreferenceItem], path: str | Path | None = None
) -> list[FloatArray]:
    """The items' human or ground-truth scores (``chosen_scores`` + ``rejected_scores``).

    Example:
        >>> it = PreferenceItem(id="a", prompt="q", chosen=("x",), rejected=("y",),
        ...                     chosen_scores=(0.9,), rejected_scores=(0.2,))
        >>> gold_from_data([it])[0].tolist()
        [0.9, 0.2]
    """
    out: list[FloatArray] = []
    for it in items:
        scores = it.human_scores
        if scores is None:
            raise DataError(
                f"item {it.id!r} has no chosen_scores/rejected_scores, which "
                f"--gold-scores {FROM_DATA} needs",
                path=path,
                field="chosen_scores",
            )
        values = np.asarray(scores, dtype=np.float64)
        if not np.isfinite(values).all():
            raise DataError(
                f"item {it.id!r} has a non-finite gold score {values.tolist()}",
                path=path,
                field="chosen_scores",
            )
        out.append(values)
    return out


def _index(f: FieldReader, item: PreferenceItem | None) -> int | None:
    if f.has("response_index"):
        value = f.number("response_index")
        if value is None or value != int(value) or value < 0:
            raise f.error("response_index", "expected a non-negative integer")
        return int(value)
    text = f.text("response", allow_empty=True)
    if item is None:
        return None
    matches = [i for i, r in enumerate(item.responses) if r == text]
    if not matches:
        raise f.error("response", f"no response of item {item.id!r} has this text")
    return matches[0]


def read_gold_scores(path: str | Path, items: Sequence[PreferenceItem]) -> list[FloatArray]:
    """Gold score of every response of ``items``, from a long or wide scores file.

    Example:
        >>> import json, tempfile
        >>> p = Path(tempfile.mkdtemp()) / "gold.jsonl"
        >>> _ = p.write_text(json.dumps({"item_id": "a", "scores": [2, 1]}) + "\\n")
        >>> it = PreferenceItem(id="a", prompt="q", chosen=("x",), rejected=("y",))
        >>> read_gold_scores(p, [it])[0].tolist()
        [2.0, 1.0]
    """
    p = Path(path)
    verify_member(p)  # inside a run directory: the file its run wrote, not a mixed one
    rows = read_rows(p)
    if not rows:
        raise DataError("no rows (empty file)", path=p)
    by_id = {it.id: it for it in items}
    wide = "scores" in rows[0]
    table: dict[tuple[str, int], float] = {}
    for row in rows:
        f = FieldReader(row, p)
        item_id = f.optional_text("item_id")
        if item_id is None:
            raise f.error("item_id", "missing field")
        item = by_id.get(item_id)
        if wide:
            if item is None:
                continue
            values = f.numbers("scores", len(item.responses))
            if values is None:
                raise f.error("scores", "missing field")
            keys = [(item_id, i) for i in range(len(values))]
            if (item_id, 0) in table:
                raise f.error("item_id", f"duplicate row for item {item_id!r}")
            table.update(zip(keys, values, strict=True))
            continue
        index = _index(f, item)
        score = f.number("score")
        if score is None:
            raise f.error("score", "missing field")
        if item is None or index is None:
            continue
        if index >= len(item.responses):
            raise f.error(
                "response_index",
                f"item {item_id!r} has {len(item.responses)} responses, got index {index}",
            )
        if (item_id, index) in table:
            raise f.error("item_id", f"duplicate score for item {item_id!r} response {index}")
        table[(item_id, index)] = score
    out: list[FloatArray] = []
    for it in items:
        row_values: list[float] = []
        for i in range(len(it.responses)):
            value = table.get((it.id, i))
            if value is None:
                field = "scores" if wide else "score"
                raise DataError(
                    f"no gold score for response {i} of item {it.id!r} "
                    f"({len(it.responses)} responses)",
                    path=p,
                    field=field,
                )
            row_values.append(value)
        out.append(np.asarray(row_values, dtype=np.float64))
    return out
