"""Experiment logs: one row per unit with its arm, the time it entered, and its outcomes.

Columns: ``unit_id``, ``arm`` (one of the experiment's arms), ``timestamp`` (ISO-8601; a
naive time is UTC), one column per metric (0/1 for binary metrics, a number for continuous
ones; empty = not observed for this unit, so it is left out of that metric) and the metrics'
pre-period ``covariate`` columns. Replay tables (one per policy) have ``unit_id`` (or ``id``)
and the metric columns. Any reader format works (CSV, JSONL, JSON, Parquet).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rewardkit.abtest.prereg import parse_time
from rewardkit.abtest.spec import ExperimentConfig, MetricSpec
from rewardkit.data.readers import read_rows
from rewardkit.errors import DataError

__all__ = ["ExperimentLog", "OutcomeTable", "outcome_table", "read_log", "rows_to_log"]

FloatArray = npt.NDArray[np.float64]
Row = dict[str, Any]


def _number(value: Any, metric: MetricSpec | None, where: tuple[Path | None, int, str]) -> float:
    path, row, field = where
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return math.nan
    if isinstance(value, bool):
        x = float(value)
    else:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise DataError(f"not a number: {value!r}", path=path, row=row, field=field) from None
    if math.isnan(x):
        return x
    if not math.isfinite(x):
        raise DataError(f"not a finite number: {value!r}", path=path, row=row, field=field)
    if metric is not None and metric.kind == "binary" and x not in (0.0, 1.0):
        raise DataError(
            f"binary metric must be 0 or 1, got {value!r}", path=path, row=row, field=field
        )
    return x


def _columns(cfg: ExperimentConfig) -> list[tuple[str, MetricSpec | None]]:
    cols: list[tuple[str, MetricSpec | None]] = [(m.name, m) for m in cfg.metrics]
    cols += [(m.covariate, None) for m in cfg.metrics if m.covariate]
    return cols


def _require(rows: Sequence[Row], names: Sequence[str], path: Path | None) -> None:
    if not rows:
        raise DataError("no rows", path=path)
    for name in names:
        if name not in rows[0]:
            raise DataError("column missing", path=path, row=1, field=name)


@dataclass(frozen=True)
class ExperimentLog:
    """An online experiment's log, typed (rows in file order)."""

    unit_ids: tuple[str, ...]
    treatment: npt.NDArray[np.bool_]
    times: tuple[datetime, ...]
    values: dict[str, FloatArray]

    @property
    def first_time(self) -> datetime:
        return min(self.times)

    def time_order(self) -> npt.NDArray[np.intp]:
        """Row indices in the order units entered (stable for equal times)."""
        stamps = np.array([t.timestamp() for t in self.times], dtype=np.float64)
        return np.argsort(stamps, kind="stable")


def rows_to_log(
    rows: Sequence[Row], cfg: ExperimentConfig, path: Path | None = None
) -> ExperimentLog:
    """Validate rows (from any reader) into an :class:`ExperimentLog`.

    Example:
        >>> from rewardkit.abtest.spec import MetricSpec
        >>> cfg = ExperimentConfig(
        ...     name="x", metrics=[MetricSpec(name="s", kind="binary", baseline=0.5, mde=0.1)]
        ... )
        >>> rows = [{"unit_id": "u1", "arm": "treatment", "timestamp": "2026-01-01", "s": 1}]
        >>> rows_to_log(rows, cfg).treatment.tolist()
        [True]
    """
    cols = _columns(cfg)
    _require(rows, ["unit_id", "arm", "timestamp", *(c for c, _ in cols)], path)
    control, treat = cfg.arms
    ids: list[str] = []
    arms: list[bool] = []
    times: list[datetime] = []
    values: dict[str, list[float]] = {c: [] for c, _ in cols}
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=1):
        row = int(r.get("__row__", i))
        uid = r.get("unit_id")
        if uid is None or str(uid).strip() == "":
            raise DataError("empty unit id", path=path, row=row, field="unit_id")
        uid = str(uid)
        if uid in seen:
            raise DataError(
                f"unit {uid!r} appears twice (first at row {seen[uid]})",
                path=path,
                row=row,
                field="unit_id",
            )
        seen[uid] = row
        arm = str(r.get("arm"))
        if arm not in (control, treat):
            raise DataError(
                f"unknown arm {arm!r}; the pre-registration's arms are {control!r}, {treat!r}",
                path=path,
                row=row,
                field="arm",
            )
        ids.append(uid)
        arms.append(arm == treat)
        times.append(parse_time(r.get("timestamp"), path=path, field=f"timestamp (row {row})"))
        for col, metric in cols:
            values[col].append(_number(r.get(col), metric, (path, row, col)))
    return ExperimentLog(
        tuple(ids),
        np.array(arms, dtype=bool),
        tuple(times),
        {c: np.array(v, dtype=np.float64) for c, v in values.items()},
    )


def read_log(path: Path, cfg: ExperimentConfig) -> ExperimentLog:
    """Read and validate an experiment log file."""
    return rows_to_log(read_rows(path), cfg, Path(path))


@dataclass(frozen=True)
class OutcomeTable:
    """One policy's outcomes per unit (replay), keyed by unit id."""

    unit_ids: tuple[str, ...]
    values: dict[str, FloatArray]


def outcome_table(
    rows: Sequence[Row], metrics: Sequence[MetricSpec], path: Path | None = None
) -> OutcomeTable:
    """Validate one policy's replay rows (``unit_id`` or ``id`` plus the metric columns).

    Example:
        >>> from rewardkit.abtest.spec import MetricSpec
        >>> m = MetricSpec(name="s", kind="binary", baseline=0.5, mde=0.1)
        >>> outcome_table([{"id": "a", "s": 1}, {"id": "b", "s": ""}], [m]).values["s"].tolist()
        [1.0, nan]
    """
    key = "unit_id" if rows and "unit_id" in rows[0] else "id"
    _require(rows, [key, *(m.name for m in metrics)], path)
    ids: list[str] = []
    seen: set[str] = set()
    values: dict[str, list[float]] = {m.name: [] for m in metrics}
    for i, r in enumerate(rows, start=1):
        row = int(r.get("__row__", i))
        uid = str(r.get(key))
        if uid in seen:
            raise DataError(f"unit {uid!r} appears twice", path=path, row=row, field=key)
        seen.add(uid)
        ids.append(uid)
        for m in metrics:
            values[m.name].append(_number(r.get(m.name), m, (path, row, m.name)))
    return OutcomeTable(tuple(ids), {k: np.array(v, dtype=np.float64) for k, v in values.items()})
