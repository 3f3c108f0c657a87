"""What every importer returns: long-form ratings and comparisons plus skipped tasks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rewardkit.errors import DataError

__all__ = ["EXTRA_KEYS", "Imported", "as_float", "load_json", "where"]

#: Columns kept beside the DESIGN long forms.
EXTRA_KEYS = ("created_at", "updated_at", "lead_time")
RATING_COLUMNS = ("item_id", "prompt_id", "annotator_id", "criterion", "value", *EXTRA_KEYS)
COMPARISON_COLUMNS = ("prompt_id", "item_a", "item_b", "annotator_id", "preference", *EXTRA_KEYS)
SKIPPED_COLUMNS = ("task", "annotator_id", "reason", "created_at")


@dataclass
class Imported:
    """Rows collected by an importer (dicts with the columns above), and label codes used."""

    ratings: list[dict[str, Any]] = field(default_factory=list)
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    codes: dict[str, dict[str, float]] = field(default_factory=dict)

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """(ratings, comparisons, skipped) tables with fixed columns."""
        rating_columns = list(RATING_COLUMNS)
        if any("domain" in r for r in self.ratings):
            rating_columns.insert(5, "domain")
        return (
            pd.DataFrame(self.ratings, columns=rating_columns),
            pd.DataFrame(self.comparisons, columns=list(COMPARISON_COLUMNS)),
            pd.DataFrame(self.skipped, columns=list(SKIPPED_COLUMNS)),
        )

    def code(self, criterion: str, label: Any) -> float:
        """A number for a label: the number itself, else the label's code for the criterion
        (codes are assigned 0, 1, ... in order of first appearance and reported)."""
        number = as_float(label)
        if number is not None:
            return number
        codes = self.codes.setdefault(criterion, {})
        return codes.setdefault(str(label), float(len(codes)))


def as_float(value: Any) -> float | None:
    """``value`` as a float when it is a number or numeric text, else ``None``.

    Example:
        >>> as_float("4"), as_float(True), as_float("good")
        (4.0, None, None)
    """
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def where(task: Any, field_name: str) -> str:
    """The field text of an error: ``task 7: annotations[0].result[1].value``."""
    return f"task {task}: {field_name}"


def load_json(path: Path) -> Any:
    """The JSON document (or JSON lines as a list) of ``path``, one-line error otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read ({exc})", path=path) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    rows = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            try:
                rows.append(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise DataError(f"not JSON ({exc.msg})", path=path, row=line) from None
    return rows
