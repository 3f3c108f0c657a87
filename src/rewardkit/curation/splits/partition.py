"""Divide tables by a split assignment so every row travels with its group."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from rewardkit.curation.splits.assign import SplitAssignment
from rewardkit.errors import DataError

__all__ = ["partition_tables"]

_SHOWN = 5


def partition_tables(
    assignment: SplitAssignment,
    tables: Mapping[str, pd.DataFrame],
    key: str = "prompt_id",
) -> dict[str, dict[str, pd.DataFrame]]:
    """Split every table by the split of the group named in its ``key`` column.

    Every response, rating, comparison or preference of a prompt goes where the prompt goes.
    Rows keep their input order within each part; the index is reset.

    Args:
        assignment: The split of every group.
        tables: Table name to table; each must have the ``key`` column.
        key: The column holding the group id (compared as text).

    Returns:
        ``{split: {table name: rows}}`` for every split in ``assignment.split_names`` and
        every table (empty parts keep the table's columns).

    Raises:
        DataError: A table lacks ``key``, or has rows whose group is missing or unknown
            (the message names the table and some of the ids).

    Example:
        >>> from rewardkit.curation.splits.assign import assign_splits
        >>> prompts = pd.DataFrame({"prompt_id": ["p1", "p2"], "domain": ["a", "a"]})
        >>> a = assign_splits(prompts, group_col="prompt_id")
        >>> a.split_of
        {'p1': 'train', 'p2': 'train'}
        >>> ratings = pd.DataFrame({"prompt_id": ["p2", "p1", "p2"], "value": [1, 2, 3]})
        >>> parts = partition_tables(a, {"ratings": ratings})
        >>> parts["train"]["ratings"]["value"].tolist(), len(parts["test"]["ratings"])
        ([1, 2, 3], 0)
    """
    out: dict[str, dict[str, pd.DataFrame]] = {s: {} for s in assignment.split_names}
    for name, table in tables.items():
        if key not in table.columns:
            raise DataError(
                f"table {name!r} lacks the key column {key!r} "
                f"(columns: {', '.join(map(str, table.columns))})"
            )
        missing = table[key].isna()
        ids = table[key].astype(str)
        split = ids.map(assignment.split_of)
        bad = missing | split.isna()
        if bool(bad.any()):
            unknown = sorted(set(ids[bad & ~missing]))
            shown = ", ".join(repr(u) for u in unknown[:_SHOWN])
            more = f" and {len(unknown) - _SHOWN} more" if len(unknown) > _SHOWN else ""
            parts = []
            if unknown:
                parts.append(f"{len(unknown)} unknown {key} value(s): {shown}{more}")
            if bool(missing.any()):
                parts.append(f"{int(missing.sum())} row(s) without a {key}")
            raise DataError(f"table {name!r}: {'; '.join(parts)}", field=key)
        for split_name in assignment.split_names:
            out[split_name][name] = table.loc[(split == split_name).to_numpy()].reset_index(
                drop=True
            )
    return out
