"""Readers and validation for annotation tables: ratings (long or wide) and comparisons.

Ratings (DESIGN "Ratings", long form): ``item_id, prompt_id, annotator_id, criterion, value``
and optional ``domain``. A wide CSV has one column per annotator instead of
``annotator_id``/``value`` (every column that is not ``item_id, prompt_id, criterion, domain``);
other shapes, including the files of published human studies as shipped, are read through a
layout (:mod:`rewardkit.annotations.layouts`).
Comparisons: ``prompt_id, item_a, item_b, annotator_id, preference`` with preference in
``a | b | tie``. Every problem is reported with the rows it concerns, all at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.annotations.layouts import WideColumns, read_frame, read_layout
from rewardkit.errors import DataError

CRITERIA = ("usefulness", "factuality", "safety", "alignment")
RATING_KEYS = ("item_id", "prompt_id", "annotator_id", "criterion", "value")
COMPARISON_KEYS = ("prompt_id", "item_a", "item_b", "annotator_id", "preference")
PREFERENCES = ("a", "b", "tie")
_SHOWN = 8


@dataclass(frozen=True)
class Scale:
    """A declared rating scale; Likert scales have integer points ``low..high``.

    Example:
        >>> Scale.parse("1-5").points
        (1.0, 2.0, 3.0, 4.0, 5.0)
    """

    low: float
    high: float

    @staticmethod
    def parse(text: str) -> Scale:
        match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*[-:]\s*(-?\d+(?:\.\d+)?)\s*", text)
        if not match:
            raise DataError(f"scale {text!r}: expected LOW-HIGH, e.g. 1-5 or 0-100")
        low, high = float(match.group(1)), float(match.group(2))
        if not low < high:
            raise DataError(f"scale {text!r}: LOW must be below HIGH")
        return Scale(low, high)

    @property
    def points(self) -> tuple[float, ...]:
        return tuple(float(v) for v in np.arange(self.low, self.high + 0.5))

    def normalise(self, values: np.ndarray) -> np.ndarray:
        """Map the scale onto [0, 1]: ``(v - low) / (high - low)``."""
        return (np.asarray(values, dtype=np.float64) - self.low) / (self.high - self.low)

    def __str__(self) -> str:
        return f"{self.low:g}-{self.high:g}"


def _where(frame: pd.DataFrame) -> list[int | str]:
    """Source rows of ``frame``'s ratings: ``__row__``, as ``file:row`` when read from several
    files."""
    if "__file__" not in frame.columns:
        return [int(r) for r in frame["__row__"]]
    return [f"{f}:{r}" for f, r in zip(frame["__file__"], frame["__row__"], strict=True)]


def _rows_text(rows: Sequence[int | str]) -> str:
    shown = ", ".join(str(r) for r in rows[:_SHOWN])
    return shown + (f" and {len(rows) - _SHOWN} more" if len(rows) > _SHOWN else "")


def _require(frame: pd.DataFrame, keys: Sequence[str], path: Path, what: str) -> None:
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        raise DataError(
            f"{what}: missing column(s) {', '.join(missing)}; found "
            f"{', '.join(c for c in frame.columns if not c.startswith('__'))}",
            path=path,
        )
    for key in keys:
        empty = _where(frame[frame[key].isna() | (frame[key].astype(str).str.strip() == "")])
        if empty:
            raise DataError(f"field {key!r} is empty in row(s) {_rows_text(empty)}", path=path)


def _scalars(frame: pd.DataFrame, keys: Sequence[str], path: Path) -> None:
    """Ids and labels must be text or numbers: a list or an object (unhashable, and a new id
    once turned into text) is refused with its rows."""
    for key in keys:
        if key not in frame.columns:
            continue
        bad = frame[key].map(lambda v: isinstance(v, (list, dict, tuple, bool, np.bool_)))
        rows = _where(frame.loc[bad])
        if rows:
            raise DataError(
                f"field {key!r} holds a list, an object or true/false instead of a text or "
                f"number in row(s) {_rows_text(rows)}",
                path=path,
            )


def read_ratings(
    path: str | Path | Sequence[str | Path],
    *,
    scale: Scale,
    criteria: Sequence[str] | None = CRITERIA,
    default_criterion: str | None = None,
    points_only: bool = False,
    layout: str | None = None,
    columns: WideColumns | None = None,
) -> pd.DataFrame:
    """Read and validate ratings (long form, a wide table with one column per annotator, or
    any layout of :mod:`rewardkit.annotations.layouts`; several files for the ``eks`` layout).

    Returns the long-form table with ``value`` as float and ids as strings. ``criteria=None``
    accepts any criterion name; ``points_only`` also requires every value to be one of the
    scale's points (agreement coefficients count categories). ``layout`` and ``columns`` (a wide
    table's columns) pick the layout; ``default_criterion`` names the criterion of a wide table
    without a criterion column (or replaces a named layout's).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("item_id,prompt_id,criterion,ann1,ann2\\ni1,p1,safety,4,5\\n")
        >>> read_ratings(p, scale=Scale(1, 5))[["annotator_id", "value"]].values.tolist()
        [['ann1', 4.0], ['ann2', 5.0]]
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(x) for x in path]
    if not paths:
        raise DataError("no ratings file given")
    p = paths[0] if len(paths) == 1 else Path(os.path.commonpath(paths))
    frame = read_layout(paths, layout, columns=columns, criterion=default_criterion)
    frame = frame.reset_index(drop=True)
    frame["__row__"] = frame["__row__"].astype(int)
    _require(frame, RATING_KEYS, p, "ratings")
    _scalars(frame, ("item_id", "prompt_id", "annotator_id", "criterion", "domain"), p)
    for key in ("item_id", "prompt_id", "annotator_id", "criterion"):
        frame[key] = frame[key].astype(str)
    flags = _where(frame.loc[frame["value"].map(lambda v: isinstance(v, (bool, np.bool_)))])
    if flags:
        raise DataError(
            f"field 'value' is true/false, not a rating, in row(s) {_rows_text(flags)}", path=p
        )
    values = pd.to_numeric(frame["value"], errors="coerce")
    bad = _where(frame.loc[values.isna()])
    if bad:
        raise DataError(f"field 'value' is not a number in row(s) {_rows_text(bad)}", path=p)
    frame["value"] = values.astype(np.float64)
    outside = frame[(frame["value"] < scale.low) | (frame["value"] > scale.high)]
    if len(outside):
        pairs = [f"{r} ({v:g})" for r, v in zip(_where(outside), outside["value"], strict=True)]
        raise DataError(
            f"{len(outside)} value(s) outside the declared scale {scale}: row(s) "
            f"{_rows_text(pairs)}",
            path=p,
        )
    if points_only:
        off = frame[~frame["value"].isin(scale.points)]
        if len(off):
            pairs = [f"{r} ({v:g})" for r, v in zip(_where(off), off["value"], strict=True)]
            raise DataError(
                f"{len(off)} value(s) are not points of the declared scale {scale} "
                f"({', '.join(f'{p:g}' for p in scale.points)}): row(s) {_rows_text(pairs)}",
                path=p,
            )
    if criteria is not None:
        unknown = frame[~frame["criterion"].isin(criteria)]
        if len(unknown):
            names = sorted(set(unknown["criterion"]))
            raise DataError(
                f"unknown criteria {names} (known: {', '.join(criteria)}) in "
                f"row(s) {_rows_text(_where(unknown))}",
                path=p,
            )
    dup = frame.duplicated(["item_id", "annotator_id", "criterion"], keep=False)
    if dup.any():
        labelled = frame[dup].assign(__where__=_where(frame[dup]))
        groups = labelled.groupby(["item_id", "annotator_id", "criterion"])["__where__"]
        described = [
            f"{'/'.join(map(str, key))} (rows {', '.join(map(str, rows))})"
            for key, rows in list(groups.apply(list).items())[:_SHOWN]
            if isinstance(key, tuple)
        ]
        raise DataError(
            f"{int(groups.ngroups)} duplicate (item, annotator, criterion) "
            f"rating(s): {'; '.join(described)}",
            path=p,
        )
    mixed = frame.groupby("item_id")["prompt_id"].nunique()
    if (mixed > 1).any():
        raise DataError(
            f"item(s) with several prompt ids: {', '.join(mixed[mixed > 1].index[:_SHOWN])}", path=p
        )
    keep = [*RATING_KEYS, *(["domain"] if "domain" in frame.columns else []), "__row__"]
    out = frame[keep].reset_index(drop=True)
    if "domain" in out.columns:
        out["domain"] = out["domain"].astype(str)
    return out


def read_comparisons(path: str | Path) -> pd.DataFrame:
    """Read and validate pairwise comparisons (``preference`` in a, b, tie).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "c.csv"
        >>> _ = p.write_text("prompt_id,item_a,item_b,annotator_id,preference\\np,x,y,a1,B\\n")
        >>> read_comparisons(p)["preference"].tolist()
        ['b']
    """
    p = Path(path)
    frame = read_frame(p)
    _require(frame, COMPARISON_KEYS, p, "comparisons")
    _scalars(frame, COMPARISON_KEYS, p)
    for key in COMPARISON_KEYS:
        frame[key] = frame[key].astype(str).str.strip()
    frame["preference"] = frame["preference"].str.lower()
    bad = frame.loc[~frame["preference"].isin(PREFERENCES), "__row__"].tolist()
    if bad:
        raise DataError(f"field 'preference' must be a, b or tie; row(s) {_rows_text(bad)}", path=p)
    pair = frame[["item_a", "item_b"]].apply(lambda r: "\x00".join(sorted(r)), axis=1)
    repeated = frame.loc[
        pd.Series(
            list(zip(frame["annotator_id"], pair, strict=True)), index=frame.index
        ).duplicated(keep=False),
        "__row__",
    ]
    if len(repeated):
        raise DataError(
            f"the same annotator compares the same pair more than once in row(s) "
            f"{_rows_text(repeated.tolist())}",
            path=p,
        )
    same = frame.loc[frame["item_a"] == frame["item_b"], "__row__"].tolist()
    if same:
        raise DataError(f"an item is compared with itself in row(s) {_rows_text(same)}", path=p)
    return frame[[*COMPARISON_KEYS, "__row__"]].reset_index(drop=True)


def ratings_from_records(records: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """A ratings table from in-memory records (no file), with the reader's column types."""
    frame = pd.DataFrame(list(records))
    for key in ("item_id", "prompt_id", "annotator_id", "criterion"):
        frame[key] = frame[key].astype(str)
    frame["value"] = frame["value"].astype(np.float64)
    return frame
