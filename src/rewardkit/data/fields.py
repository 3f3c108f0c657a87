"""Typed field extraction for raw rows: every failure names file, row and field."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from rewardkit.data.readers import Row
from rewardkit.errors import DataError


class FieldReader:
    """Pull typed values out of one raw row, raising :class:`DataError` with its location."""

    def __init__(self, row: Row, path: Path) -> None:
        self.row = row
        self.path = path
        self.lineno = int(row.get("__row__", 0)) or None

    def error(self, field: str | None, message: str) -> DataError:
        return DataError(message, path=self.path, row=self.lineno, field=field)

    def has(self, field: str) -> bool:
        return self.row.get(field) is not None

    def text(self, field: str, *, allow_empty: bool = False) -> str:
        if field not in self.row or self.row[field] is None:
            raise self.error(field, "missing field")
        value = self.row[field]
        if not isinstance(value, str):
            raise self.error(field, f"expected a string, got {_type_name(value)}")
        if not allow_empty and not value.strip():
            raise self.error(field, "empty text")
        return value

    def optional_text(self, field: str) -> str | None:
        value = self.row.get(field)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self.error(field, f"expected a string, got {_type_name(value)}")
        return value or None

    def responses(self, field: str) -> tuple[str, ...]:
        """A response field: one string, or a non-empty list of non-empty strings."""
        if field not in self.row or self.row[field] is None:
            raise self.error(field, "missing field")
        value = _maybe_json_list(self.row[field])
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            raise self.error(
                field, f"expected a string or a list of strings, got {_type_name(value)}"
            )
        if not values:
            raise self.error(field, "empty list of responses")
        for i, v in enumerate(values):
            where = field if isinstance(value, str) else f"{field}[{i}]"
            if not isinstance(v, str):
                raise self.error(where, f"expected a string, got {_type_name(v)}")
            if not v.strip():
                raise self.error(where, "empty response")
        return tuple(values)

    def number(self, field: str) -> float | None:
        value = self.row.get(field)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.error(field, "expected a number, got bool")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.error(field, f"expected a number, got {value!r}") from None
        if not math.isfinite(number):
            raise self.error(field, f"expected a finite number, got {value!r}")
        return number

    def numbers(self, field: str, expected: int) -> tuple[float, ...] | None:
        value = _maybe_json_list(self.row.get(field))
        if value is None:
            return None
        values = value if isinstance(value, list) else [value]
        if len(values) != expected:
            raise self.error(field, f"expected {expected} score(s), got {len(values)}")
        out = []
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise self.error(field, f"expected numbers, got {_type_name(v)}")
            try:
                number = float(v)
            except ValueError:
                raise self.error(field, f"expected numbers, got {v!r}") from None
            if not math.isfinite(number):
                raise self.error(field, f"expected finite numbers, got {v!r}")
            out.append(number)
        return tuple(out)

    def boolean(self, field: str) -> bool:
        value = self.row.get(field)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in {
            "true",
            "1",
            "yes",
            "false",
            "0",
            "no",
        }:
            return value.strip().lower() in {"true", "1", "yes"}
        raise self.error(field, f"expected true or false, got {value!r}")


def _maybe_json_list(value: Any) -> Any:
    """CSV cells cannot hold lists; accept a JSON-encoded list there."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return value
        if isinstance(parsed, list):
            return parsed
    return value


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
