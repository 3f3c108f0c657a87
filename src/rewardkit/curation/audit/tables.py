"""Column checks shared by the audit modules."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from rewardkit.errors import DataError

__all__ = ["require_columns"]


def require_columns(table: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    """Fail with a clear message when ``table`` lacks any of ``columns``.

    Example:
        >>> try:
        ...     require_columns(pd.DataFrame({"a": [1]}), "ratings", ["a", "value"])
        ... except DataError as exc:
        ...     print(exc)
        ratings table lacks column(s) value (columns: a)
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(
            f"{name} table lacks column(s) {', '.join(missing)} "
            f"(columns: {', '.join(map(str, table.columns))})"
        )
