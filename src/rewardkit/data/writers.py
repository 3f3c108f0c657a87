"""Write preference items back to JSONL in the native (RewardBench-style) layout."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rewardkit.data.records import PreferenceItem
from rewardkit.runs.atomic import write_text


def item_to_row(item: PreferenceItem) -> dict[str, Any]:
    """The JSON row of an item; reading it back gives an equal item.

    Example:
        >>> item_to_row(PreferenceItem(id="1", prompt="q", chosen=("a",), rejected=("b",)))
        {'id': '1', 'prompt': 'q', 'chosen': ['a'], 'rejected': ['b']}
    """
    row: dict[str, Any] = {"id": item.id}
    if isinstance(item.prompt, str):
        row["prompt"] = item.prompt
    else:
        row["prompt"] = [{"role": m.role, "content": m.content} for m in item.prompt]
    row["chosen"] = list(item.chosen)
    row["rejected"] = list(item.rejected)
    for name in ("subset", "domain", "margin", "source", "chosen_model", "rejected_model"):
        value = getattr(item, name)
        if value is not None:
            row[name] = value
    if item.tie:
        row["tie"] = True
    if item.chosen_scores is not None and item.rejected_scores is not None:
        row["chosen_scores"] = list(item.chosen_scores)
        row["rejected_scores"] = list(item.rejected_scores)
    return row


def write_preferences(items: Iterable[PreferenceItem], path: Path) -> Path:
    """Write items as JSONL atomically."""
    lines = [json.dumps(item_to_row(it), ensure_ascii=False) for it in items]
    write_text(path, "\n".join(lines) + "\n")
    return path
