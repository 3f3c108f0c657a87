"""Split a demo-style data folder (prompts, responses, ratings, comparisons, preferences)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from rewardkit.curation.splits.assign import assign_splits
from rewardkit.curation.splits.config import SplitConfig
from rewardkit.curation.splits.leaks import LeakFinder
from rewardkit.curation.splits.partition import partition_tables
from rewardkit.curation.splits.write import write_split
from rewardkit.data.ids import check_ids, id_fields
from rewardkit.data.readers import read_rows
from rewardkit.errors import DataError

__all__ = ["DEMO_TABLES", "preference_prompt_ids", "read_table", "split_demo_folder"]

DEMO_TABLES: tuple[str, ...] = ("prompts", "responses", "ratings", "comparisons", "preferences")
"""Tables of a demo folder (``<name>.jsonl``); only ``prompts`` is required."""

_SHOWN = 5

KEY_COLUMNS: dict[str, tuple[str, ...]] = {"prompts": ("prompt_id",)}
"""The key column of each demo table that has one (every row has it, no two rows share it)."""


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a JSONL/JSON/CSV/Parquet file into a DataFrame, values exactly as parsed.

    Id columns (``*_id``, ``*_item``, ``item_a``, ``item_b``) must hold text or integers; a
    table of :data:`KEY_COLUMNS` (named by its file, e.g. ``prompts.jsonl``) must give every
    row its key, once.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.jsonl"
        >>> _ = p.write_text('{"a": 0.1, "b": "x"}\\n')
        >>> read_table(p).to_dict(orient="records")
        [{'a': 0.1, 'b': 'x'}]
    """
    rows = read_rows(path)
    p = Path(path)
    keys = KEY_COLUMNS.get(p.name.split(".")[0], ())
    check_ids(rows, id_fields(rows), p, required=keys)
    if keys:
        _check_unique(rows, keys[0], p)
    return pd.DataFrame([{k: v for k, v in r.items() if k != "__row__"} for r in rows])


def _check_unique(rows: list[dict[str, Any]], key: str, path: Path) -> None:
    """A table's key names each row once (two prompts under one id would be merged)."""
    first: dict[str, int] = {}
    for row in rows:
        value, number = str(row[key]), int(row.get("__row__", 0))
        if value in first:
            raise DataError(
                f"duplicate {key} {value!r} (first on row {first[value]})",
                path=path,
                row=number,
                field=key,
            )
        first[value] = number


def _by_item(preferences: pd.DataFrame, column: str, prompt_of: dict[str, str]) -> pd.Series:
    if column not in preferences.columns:
        return pd.Series([None] * len(preferences), index=preferences.index, dtype=object)
    return preferences[column].map(lambda v: prompt_of.get(str(v)) if pd.notna(v) else None)


def preference_prompt_ids(
    preferences: pd.DataFrame,
    responses: pd.DataFrame | None = None,
    prompts: pd.DataFrame | None = None,
) -> pd.Series:
    """The ``prompt_id`` of every preference row.

    In order: the row's own ``prompt_id``; else its ``chosen_item`` (or ``rejected_item``)
    looked up in ``responses`` (``item_id`` to ``prompt_id``), which must agree with each
    other; else its ``prompt`` text, when exactly one row of ``prompts`` has that text.

    Args:
        preferences: Preference rows.
        responses: Responses with ``item_id`` and ``prompt_id``.
        prompts: Prompts with ``prompt_id`` and ``prompt`` text.

    Returns:
        A text Series aligned with ``preferences``.

    Raises:
        DataError: Rows whose prompt cannot be found, or whose chosen and rejected items
            belong to different prompts (the message names some rows, 1-based).

    Example:
        >>> prefs = pd.DataFrame({"chosen_item": ["q7-r1"], "rejected_item": ["q7-r0"]})
        >>> resp = pd.DataFrame({"item_id": ["q7-r0", "q7-r1"], "prompt_id": ["q7", "q7"]})
        >>> preference_prompt_ids(prefs, resp).tolist()
        ['q7']
    """
    if "prompt_id" in preferences.columns and not bool(preferences["prompt_id"].isna().any()):
        return preferences["prompt_id"].astype(str)
    found = pd.Series([None] * len(preferences), index=preferences.index, dtype=object)
    if "prompt_id" in preferences.columns:
        found = preferences["prompt_id"].map(lambda v: str(v) if pd.notna(v) else None)
    if responses is not None and {"item_id", "prompt_id"} <= set(responses.columns):
        prompt_of = dict(
            zip(responses["item_id"].astype(str), responses["prompt_id"].astype(str), strict=True)
        )
        chosen = _by_item(preferences, "chosen_item", prompt_of)
        rejected = _by_item(preferences, "rejected_item", prompt_of)
        clash = chosen.notna() & rejected.notna() & (chosen != rejected)
        if bool(clash.any()):
            rows = [int(i) + 1 for i in clash.to_numpy().nonzero()[0][:_SHOWN]]
            raise DataError(
                f"chosen and rejected items belong to different prompts in rows {rows}",
                field="chosen_item/rejected_item",
            )
        found = found.where(found.notna(), chosen.where(chosen.notna(), rejected))
    if prompts is not None and "prompt" in preferences.columns:
        texts = prompts.drop_duplicates(["prompt", "prompt_id"])
        unique = texts[~texts["prompt"].duplicated(keep=False)]
        by_text = dict(zip(unique["prompt"], unique["prompt_id"].astype(str), strict=True))
        from_text = preferences["prompt"].map(
            lambda t: by_text.get(t) if isinstance(t, str) else None
        )
        found = found.where(found.notna(), from_text)
    lost = found.isna()
    if bool(lost.any()):
        rows = [int(i) + 1 for i in lost.to_numpy().nonzero()[0][:_SHOWN]]
        raise DataError(
            f"cannot find the prompt of {int(lost.sum())} preference row(s), e.g. rows {rows}: "
            "give prompt_id, or chosen_item/rejected_item ids found in responses, "
            "or a prompt text found once in prompts",
            field="prompt_id",
        )
    return found.astype(str)


def split_demo_folder(
    data_dir: str | Path,
    out_dir: str | Path,
    config: SplitConfig | None = None,
    leaks: LeakFinder | None = None,
) -> Path:
    """Split a demo folder by prompt and write the parts and ``split_manifest.json``.

    Reads ``<name>.jsonl`` for each of :data:`DEMO_TABLES` that exists (``prompts`` is
    required), assigns prompts to splits (:func:`assign_splits`), adds a ``prompt_id`` column
    to preferences (:func:`preference_prompt_ids`), partitions every table by prompt and
    writes it (:func:`write_split`), recording the sha256 of the input files.

    Args:
        data_dir: Folder written by ``rewardkit data demo``.
        out_dir: Output folder.
        config: The split options (defaults: 20% test, seed 0).
        leaks: Optional leak finder over prompt ids.

    Returns:
        The path of the manifest.

    Raises:
        DataError: A missing ``prompts.jsonl``, or rows that cannot be placed.

    Example:
        >>> import json, tempfile
        >>> src = Path(tempfile.mkdtemp())
        >>> _ = (src / "prompts.jsonl").write_text(
        ...     '{"prompt_id": "p1", "domain": "a"}\\n{"prompt_id": "p2", "domain": "a"}\\n')
        >>> m = split_demo_folder(src, src / "split", SplitConfig(test_share=0.5))
        >>> {k: v["n_groups"] for k, v in json.loads(m.read_text())["splits"].items()}
        {'train': 1, 'test': 1}
    """
    cfg = config if config is not None else SplitConfig()
    root = Path(data_dir)
    inputs = {n: root / f"{n}.jsonl" for n in DEMO_TABLES if (root / f"{n}.jsonl").is_file()}
    if "prompts" not in inputs:
        raise DataError("a demo folder needs prompts.jsonl", path=root / "prompts.jsonl")
    tables = {name: read_table(path) for name, path in inputs.items()}
    assignment = assign_splits(tables["prompts"], cfg, leaks=leaks, group_col="prompt_id")
    if "preferences" in tables:
        prefs = tables["preferences"].copy()
        prefs["prompt_id"] = preference_prompt_ids(
            prefs, tables.get("responses"), tables["prompts"]
        ).to_numpy()
        tables["preferences"] = prefs
    partitions = partition_tables(assignment, tables, key="prompt_id")
    return write_split(out_dir, partitions, assignment, cfg, inputs=inputs)
