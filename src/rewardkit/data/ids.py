"""Id fields of raw rows: text or integer values, checked where a table is read.

An id that is a list or an object (``"prompt_id": ["p", 1]``) cannot be hashed, and one turned
into text with ``str()`` silently becomes a new id (``"['x']"``); both are refused with the file,
row and field. So is a missing id where the table needs one.

Example:
    >>> check_ids([{"prompt_id": ["p"]}], ["prompt_id"], "p.jsonl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rewardkit.errors.DataError: p.jsonl: field 'prompt_id': expected a text or ...
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rewardkit.errors import DataError

__all__ = ["check_ids", "id_fields", "is_id_field"]


def is_id_field(name: str) -> bool:
    """Whether a column holds ids: ``id``, ``*_id``, ``item_a``/``item_b`` or ``*_item``.

    Example:
        >>> [is_id_field(n) for n in ("prompt_id", "chosen_item", "item_a", "prompt")]
        [True, True, True, False]
    """
    return (
        name == "id"
        or name.endswith("_id")
        or name.endswith("_item")
        or name
        in {
            "item_a",
            "item_b",
        }
    )


def id_fields(rows: Iterable[dict[str, Any]]) -> list[str]:
    """The id columns (see :func:`is_id_field`) among the fields of ``rows``, in first-seen
    order."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            if isinstance(key, str) and is_id_field(key):
                seen.setdefault(key, None)
    return list(seen)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bool):
        return "a bool"
    return f"{value!r}"


def _valid(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value == int(value)


def check_ids(
    rows: Sequence[dict[str, Any]],
    fields: Sequence[str],
    path: str | Path,
    *,
    required: Sequence[str] = (),
) -> None:
    """Refuse id values that are not text or integers (and missing ``required`` ones).

    Args:
        rows: Raw rows (``__row__`` names the row in errors).
        fields: The id fields to check where present.
        path: The file, named in errors.
        required: Fields every row must carry.

    Raises:
        DataError: The first bad id, by file, row and field.

    Example:
        >>> check_ids([{"id": 7, "__row__": 1}, {"id": "a", "__row__": 2}], ["id"], "t.jsonl")
        >>> check_ids([{"__row__": 1}], ["prompt_id"], "t.jsonl", required=["prompt_id"])
        Traceback (most recent call last):
        ...
        rewardkit.errors.DataError: t.jsonl: row 1: field 'prompt_id': missing id
    """
    for row in rows:
        for field in dict.fromkeys([*required, *fields]):
            value = row.get(field)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                if field in required:
                    raise DataError("missing id", path=path, row=row.get("__row__"), field=field)
                continue
            if not _valid(value):
                what = "an empty text" if isinstance(value, str) else _kind(value)
                raise DataError(
                    f"expected a text or integer id, got {what}",
                    path=path,
                    row=row.get("__row__"),
                    field=field,
                )
