"""Typed field extraction for raw rows: every failure names file, row and field."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from rewardkit.data.readers import Row
from rewardkit.errors import DataError


class FieldReader:
    """Pull typed values out of one raw row, raising :class:`DataError` with its location.

    ``text_cells`` says the row comes from a format whose cells are all text (CSV; by default
    inferred from the name of ``path``): only there may a list-typed field (responses, human
    scores) carry a JSON-encoded list such as ``'["a", "b"]'``. In JSON, JSONL, Parquet and
    Arrow a string is always one value, even one that looks like a JSON list.

    Example:
        >>> FieldReader({"chosen": '["a", "b"]'}, Path("x.jsonl")).responses("chosen")
        ('["a", "b"]',)
        >>> FieldReader({"chosen": '["a", "b"]'}, Path("x.csv")).responses("chosen")
        ('a', 'b')
    """

    def __init__(self, row: Row, path: Path, *, text_cells: bool | None = None) -> None:
        self.row = row
        self.path = path
        self.text_cells = is_csv_name(path) if text_cells is None else text_cells
        self.lineno = int(row.get("__row__", 0)) or None

    def _list_cell(self, value: Any) -> Any:
        """A list-typed field's value, decoding a JSON-encoded list only in text cells."""
        return _maybe_json_list(value) if self.text_cells else value

    def list_value(self, field: str) -> Any:
        """The raw value of a list-typed field (a JSON-encoded list decoded in CSV cells)."""
        return self._list_cell(self.row.get(field))

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
        """A response field: one string, or a non-empty list of strings.

        An empty string is a valid response (a model may answer nothing); the loader counts
        them (:attr:`rewardkit.data.LoadReport.empty_responses`).
        """
        if field not in self.row or self.row[field] is None:
            raise self.error(field, "missing field")
        value = self._list_cell(self.row[field])
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
        return tuple(values)

    def number(self, field: str) -> float | None:
        value = self.row.get(field)
        if value is None or value == "":
            return None
        return self.to_number(field, value)

    def to_number(self, where: str, value: Any) -> float:
        """A finite float from a number or numeric string; errors name ``where``."""
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.error(where, f"expected a number, got {_type_name(value)}")
        try:
            number = float(value)
        except ValueError:
            raise self.error(where, f"expected a number, got {value!r}") from None
        if not math.isfinite(number):
            raise self.error(where, f"expected a finite number, got {value!r}")
        return number

    def numbers(self, field: str, expected: int) -> tuple[float, ...] | None:
        value = self._list_cell(self.row.get(field))
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


def is_csv_name(path: Path) -> bool:
    """Whether a file name says CSV (``.csv`` or ``.csv.gz``); no file-system access.

    Example:
        >>> is_csv_name(Path("pairs.csv.gz")), is_csv_name(Path("pairs.jsonl"))
        (True, False)
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] == ".csv"


def _maybe_json_list(value: Any) -> Any:
    """CSV cells cannot hold lists; a JSON-encoded list there is decoded (text cells only)."""
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
