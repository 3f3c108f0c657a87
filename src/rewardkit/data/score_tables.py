"""Score tables: precomputed scores keyed by (item id, response index), in several layouts.

``response_index`` follows :class:`~rewardkit.data.records.PreferenceItem`: index ``i`` is
``chosen[i]`` for ``i < len(chosen)``, then the rejected responses in order. Every layout below
is turned into that table and joined on the dataset's own ids:

- ``native``: rows ``item_id, response_index, score`` (the ``scores.parquet`` of a
  ``rewardkit eval`` run, or any table with those columns).
- ``judgebench``: JudgeBench judge outputs (``outputs/dataset=judgebench,...jsonl``): ``pair_id``
  (the item id), ``label``, ``judgments`` = list of trials, each ``{"judgment": {"scores":
  [first shown, second shown]}, "decision": ...}``. Trial 1 shows ``response_A`` first, trial 2
  swaps the order (shows ``response_B`` first), as upstream ``utils/metrics.py`` flips its
  decision. Index 0 is the response the label prefers (``A`` for ``A>B``, ``A>>B`` and the tie
  ``A=B``; ``B`` for ``B>A``, ``B>>A``), index 1 the other: the order the ``judgebench`` data
  layout gives chosen and rejected. A response's score is the mean of its scores over the
  trials that carry scores (for a reward model both trials hold the same two numbers).
- ``rewardbench``: RewardBench v1 per-item results (``eval-set-scores/<org>/<model>.json``, a
  column-oriented object, or its rows): ``id``, ``scores_chosen``, ``scores_rejected`` (a
  number each, or lists): index 0.. = ``scores_chosen``, then ``scores_rejected``.
- ``rewardbench-2``: RewardBench 2 per-item results: ``id`` and ``scores``, a list holding the
  chosen responses' scores first (``num_correct`` of them), then the rejected ones: index =
  position in the list.

``judgebench`` rows also carry the response texts; the join checks them against the dataset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rewardkit.data.fields import FieldReader
from rewardkit.data.readers import Row, read_rows
from rewardkit.errors import DataError

SCORE_LAYOUTS = ("native", "judgebench", "rewardbench", "rewardbench-2")


@dataclass
class ScoreTable:
    """Scores by (item id, response index), with what the file says about each response.

    Attributes:
        path: The file read.
        layout: One of :data:`SCORE_LAYOUTS`.
        scores: ``(item_id, response_index) -> score``.
        texts: ``(item_id, response_index) -> response text`` where the file carries it.
        n_responses: Per item id, how many responses the file scores (indices ``0..n-1``).
    """

    path: Path
    layout: str
    scores: dict[tuple[str, int], float] = field(default_factory=dict)
    texts: dict[tuple[str, int], str] = field(default_factory=dict)
    n_responses: dict[str, int] = field(default_factory=dict)

    def add(self, f: FieldReader, item_id: str, values: list[float], where: str) -> None:
        """Record the scores ``values`` (index 0..) of one item, refusing a repeated item."""
        if item_id in self.n_responses:
            raise f.error(where, f"duplicate scores for item {item_id!r}")
        for index, value in enumerate(values):
            self.scores[(item_id, index)] = value
        self.n_responses[item_id] = len(values)


def detect_score_layout(rows: list[Row], path: Path) -> str:
    """Name the layout of a score table from the fields of its first row.

    Example:
        >>> detect_score_layout([{"id": 3, "scores_chosen": 1.5, "scores_rejected": 0.2}],
        ...                     Path("model.json"))
        'rewardbench'
    """
    keys = {k for k in rows[0] if not k.startswith("__")}
    if {"item_id", "response_index", "score"} <= keys:
        return "native"
    if {"pair_id", "label", "judgments"} <= keys:
        return "judgebench"
    if {"scores_chosen", "scores_rejected"} <= keys:
        return "rewardbench"
    if {"id", "scores"} <= keys:
        return "rewardbench-2"
    raise DataError(
        f"unrecognised score table: fields {sorted(keys)}; expected item_id/response_index/"
        "score (native), pair_id/label/judgments (JudgeBench judge outputs), "
        "id/scores_chosen/scores_rejected (RewardBench v1 per-item results) or id/scores "
        "(RewardBench 2 per-item results)",
        path=path,
        row=int(rows[0].get("__row__", 1)),
    )


def _native(f: FieldReader, table: ScoreTable) -> None:
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
    if key in table.scores:
        raise f.error("item_id", f"duplicate score for {key}")
    table.scores[key] = score
    table.n_responses[item_id] = max(table.n_responses.get(item_id, 0), int(index) + 1)


def _score_list(f: FieldReader, name: str) -> list[float]:
    value = f.list_value(name)
    if value is None:
        raise f.error(name, "missing field")
    values = value if isinstance(value, list) else [value]
    if not values:
        raise f.error(name, "empty list of scores")
    listed = isinstance(value, list)
    return [f.to_number(f"{name}[{i}]" if listed else name, v) for i, v in enumerate(values)]


def _rewardbench(f: FieldReader, table: ScoreTable) -> None:
    item_id = f.optional_text("id")
    if item_id is None:
        raise f.error("id", "missing field")
    values = _score_list(f, "scores_chosen") + _score_list(f, "scores_rejected")
    table.add(f, item_id, values, "id")


def _rewardbench_2(f: FieldReader, table: ScoreTable) -> None:
    item_id = f.optional_text("id")
    if item_id is None:
        raise f.error("id", "missing field")
    table.add(f, item_id, _score_list(f, "scores"), "id")


_A_FIRST = {"A>B": True, "A>>B": True, "A=B": True, "tie": True, "B>A": False, "B>>A": False}


def _judgebench(f: FieldReader, table: ScoreTable) -> None:
    item_id = f.optional_text("pair_id")
    if item_id is None:
        raise f.error("pair_id", "missing field")
    label = f.text("label").strip()
    if label not in _A_FIRST:
        raise f.error("label", f"expected 'A>B', 'B>A' or 'A=B', got {label!r}")
    trials = f.row.get("judgments")
    if not isinstance(trials, list) or not trials:
        raise f.error("judgments", "expected a non-empty list of trials")
    if len(trials) > 2:
        raise f.error("judgments", f"expected 1 or 2 trials (the 2nd swapped), got {len(trials)}")
    sums, n = [0.0, 0.0], 0
    for t, trial in enumerate(trials):
        if trial is None:  # upstream writes null for a failed trial
            continue
        where = f"judgments[{t}].judgment.scores"
        judgment = trial.get("judgment") if isinstance(trial, dict) else None
        scores = judgment.get("scores") if isinstance(judgment, dict) else None
        if scores is None:
            continue
        if not isinstance(scores, list) or len(scores) != 2:
            raise f.error(where, "expected [score of the first shown, score of the second shown]")
        first, second = (f.to_number(f"{where}[{i}]", v) for i, v in enumerate(scores))
        a, b = (first, second) if t == 0 else (second, first)  # trial 2 shows B first
        sums[0] += a
        sums[1] += b
        n += 1
    if n == 0:
        raise f.error("judgments", "no trial carries judgment.scores (a decision-only judge)")
    a_score, b_score = sums[0] / n, sums[1] / n
    a_first = _A_FIRST[label]
    table.add(f, item_id, [a_score, b_score] if a_first else [b_score, a_score], "pair_id")
    for index, name in enumerate(
        ("response_A", "response_B") if a_first else ("response_B", "response_A")
    ):
        text = f.row.get(name)
        if isinstance(text, str):
            table.texts[(item_id, index)] = text


_READERS: dict[str, Callable[[FieldReader, ScoreTable], None]] = {
    "native": _native,
    "judgebench": _judgebench,
    "rewardbench": _rewardbench,
    "rewardbench-2": _rewardbench_2,
}


def read_score_table(path: str | Path) -> ScoreTable:
    """Read a score table in any layout of :data:`SCORE_LAYOUTS` (detected from its fields).

    Example:
        >>> import tempfile, json
        >>> p = Path(tempfile.mkdtemp()) / "rb.json"
        >>> _ = p.write_text(json.dumps({"id": [7, 8], "scores_chosen": [2.0, 0.5],
        ...                              "scores_rejected": [1.0, 0.9], "model": "m"}))
        >>> read_score_table(p).scores
        {('7', 0): 2.0, ('7', 1): 1.0, ('8', 0): 0.5, ('8', 1): 0.9}
    """
    p = Path(path)
    rows = read_rows(p)
    if not rows:
        raise DataError("no rows (empty file)", path=p)
    layout = detect_score_layout(rows, p)
    table = ScoreTable(path=p, layout=layout)
    read = _READERS[layout]
    for row in rows:
        read(FieldReader(row, p), table)
    return table
