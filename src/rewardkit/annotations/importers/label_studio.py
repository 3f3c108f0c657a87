"""Label Studio JSON export (``[{id, data, annotations: [{completed_by, result, ...}]}]``).

Per task and annotation: a ``rating`` result gives a rating of criterion ``from_name``
(``value.rating``); a ``choices`` result a rating coded from its single choice (numbers kept,
labels coded 0, 1, ... per criterion in order of first appearance); a ``pairwise`` result
(``value.selected`` = ``left``/``right``) a comparison of the task's two items. Items are the
task id (``data.item_id`` when present) and for pairwise ``data.item_a``/``data.item_b``
(default ``<task>-left``/``<task>-right``); the prompt is ``data.prompt_id`` or the task.
A cancelled annotation (``was_cancelled``, "skipped" in the UI) is recorded as skipped;
``created_at``, ``updated_at`` and ``lead_time`` are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rewardkit.annotations.importers.common import Imported, load_json, where
from rewardkit.errors import DataError

__all__ = ["import_label_studio"]


def _annotator(annotation: dict[str, Any]) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return str(who) if who is not None else "unknown"


def _obj(value: Any, path: Path, task: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DataError("expected an object", path=path, field=where(task, field))
    return value


def import_label_studio(path: Path) -> Imported:
    """Read a Label Studio JSON export.

    Example:
        >>> import json, tempfile
        >>> p = Path(tempfile.mkdtemp()) / "ls.json"
        >>> _ = p.write_text(json.dumps([{"id": 1, "data": {}, "annotations": [{
        ...     "completed_by": 3, "lead_time": 2.5, "result": [{"from_name": "safety",
        ...     "type": "rating", "value": {"rating": 4}}]}]}]))
        >>> r = import_label_studio(p).ratings[0]
        >>> r["item_id"], r["annotator_id"], r["criterion"], r["value"], r["lead_time"]
        ('1', '3', 'safety', 4.0, 2.5)
    """
    tasks = load_json(path)
    if not isinstance(tasks, list):
        raise DataError("expected a JSON list of tasks (Label Studio JSON export)", path=path)
    out = Imported()
    for position, raw in enumerate(tasks):
        task = _obj(raw, path, f"#{position}", "task")
        tid = task.get("id", f"#{position}")
        data = _obj(task.get("data", {}), path, tid, "data")
        annotations = task.get("annotations")
        if not isinstance(annotations, list):
            raise DataError("expected a list", path=path, field=where(tid, "annotations"))
        prompt = str(data.get("prompt_id", tid))
        for k, ann_raw in enumerate(annotations):
            ann = _obj(ann_raw, path, tid, f"annotations[{k}]")
            who = _annotator(ann)
            times = {key: ann.get(key) for key in ("created_at", "updated_at", "lead_time")}
            if ann.get("was_cancelled"):
                out.skipped.append(
                    {
                        "task": str(tid),
                        "annotator_id": who,
                        "reason": "cancelled",
                        "created_at": times["created_at"],
                    }
                )
                continue
            results = ann.get("result")
            if not isinstance(results, list):
                raise DataError(
                    "expected a list", path=path, field=where(tid, f"annotations[{k}].result")
                )
            for j, res_raw in enumerate(results):
                field = f"annotations[{k}].result[{j}]"
                res = _obj(res_raw, path, tid, field)
                value = _obj(res.get("value"), path, tid, f"{field}.value")
                kind, criterion = res.get("type"), str(res.get("from_name", "rating"))
                item = str(data.get("item_id", tid))
                if kind == "rating":
                    rating = value.get("rating")
                    if isinstance(rating, bool) or not isinstance(rating, int | float):
                        raise DataError(
                            f"expected a number, got {rating!r}",
                            path=path,
                            field=where(tid, f"{field}.value.rating"),
                        )
                    out.ratings.append(
                        {
                            "item_id": item,
                            "prompt_id": prompt,
                            "annotator_id": who,
                            "criterion": criterion,
                            "value": float(rating),
                            **times,
                        }
                    )
                elif kind == "choices":
                    choices = value.get("choices")
                    if not isinstance(choices, list) or len(choices) != 1:
                        raise DataError(
                            f"expected one choice, got {choices!r}",
                            path=path,
                            field=where(tid, f"{field}.value.choices"),
                        )
                    out.ratings.append(
                        {
                            "item_id": item,
                            "prompt_id": prompt,
                            "annotator_id": who,
                            "criterion": criterion,
                            "value": out.code(criterion, choices[0]),
                            **times,
                        }
                    )
                elif kind == "pairwise":
                    selected = value.get("selected")
                    if selected not in ("left", "right"):
                        raise DataError(
                            f"expected 'left' or 'right', got {selected!r}",
                            path=path,
                            field=where(tid, f"{field}.value.selected"),
                        )
                    out.comparisons.append(
                        {
                            "prompt_id": prompt,
                            "item_a": str(data.get("item_a", f"{tid}-left")),
                            "item_b": str(data.get("item_b", f"{tid}-right")),
                            "annotator_id": who,
                            "preference": "a" if selected == "left" else "b",
                            **times,
                        }
                    )
                else:
                    raise DataError(
                        f"unsupported result type {kind!r} (rating, choices or pairwise)",
                        path=path,
                        field=where(tid, f"{field}.type"),
                    )
    return out
