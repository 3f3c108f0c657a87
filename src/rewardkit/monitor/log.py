"""Read and validate a scored log: one row per scored response from a deployed RM.

Columns (JSONL, CSV or Parquet):

* ``timestamp`` (required): ISO 8601 text or a number of seconds since the epoch;
* ``prompt``, ``response`` (required): the scored texts;
* ``score`` (required): the RM's score, a finite number;
* ``domain`` (optional): a category; rows without one fall under ``"unknown"``;
* ``label`` (optional): outcome of a human spot check of the RM on that row, ``1``/``true``
  when the RM was right, ``0``/``false`` when wrong (empty when not checked);
* ``preference`` + ``score_b`` (optional, pairwise logs): ``a`` or ``b``, which of
  ``response`` (scored ``score``) and a second response (scored ``score_b``) a human preferred;
  the RM is right when it scores the preferred one higher (a score tie counts 0.5, a ``tie``
  preference is not a check).

The result is a DataFrame sorted by time with columns ``timestamp`` (UTC), ``prompt``,
``response``, ``score``, ``domain`` and ``correct`` (float in {0, 0.5, 1}, NaN unchecked).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.errors import DataError

__all__ = ["REQUIRED", "UNKNOWN_DOMAIN", "read_scored_log", "validate_log"]

REQUIRED = ("timestamp", "prompt", "response", "score")
UNKNOWN_DOMAIN = "unknown"
_TRUE = {"1", "true", "yes", "correct"}
_FALSE = {"0", "false", "no", "wrong"}


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError("file not found", path=path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix == ".csv":
            return pd.read_csv(path, dtype=object, keep_default_na=False)
        return _read_jsonl(path)
    except DataError:
        raise
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read scored log: {exc}", path=path) from exc


def _read_jsonl(path: Path) -> pd.DataFrame:
    import json

    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise DataError(f"not valid JSON ({exc.args[0]})", path=path, row=i) from exc
            if not isinstance(obj, dict):
                raise DataError("expected a JSON object", path=path, row=i)
            rows.append(obj)
    return pd.DataFrame(rows)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _timestamps(col: pd.Series, path: Path | None) -> pd.Series:
    out = []
    for i, v in enumerate(col.tolist(), start=1):
        try:
            if isinstance(v, int | float) and not isinstance(v, bool):
                if not math.isfinite(v):
                    raise ValueError(v)
                out.append(pd.Timestamp(v, unit="s", tz="UTC"))
            elif isinstance(v, str):
                try:
                    out.append(pd.Timestamp(float(v), unit="s", tz="UTC"))
                except ValueError:
                    ts = pd.Timestamp(v)
                    out.append(ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC"))
            elif isinstance(v, pd.Timestamp):
                out.append(v.tz_localize("UTC") if v.tzinfo is None else v.tz_convert("UTC"))
            else:
                raise ValueError(v)
        except (ValueError, TypeError, OverflowError):
            raise DataError(
                f"not a timestamp: {v!r} (ISO 8601 text or seconds since the epoch)",
                path=path,
                row=i,
                field="timestamp",
            ) from None
    return pd.Series(pd.DatetimeIndex(out), index=col.index)


def _number(v: Any, path: Path | None, row: int, field: str) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        x = float("nan")
    if isinstance(v, bool) or not math.isfinite(x):
        raise DataError(f"expected a finite number, got {v!r}", path=path, row=row, field=field)
    return x


def _label(v: Any, path: Path | None, row: int) -> float:
    if _blank(v):
        return float("nan")
    text = str(v).strip().lower()
    if text in ("1.0",):
        text = "1"
    if text in ("0.0",):
        text = "0"
    if text in _TRUE:
        return 1.0
    if text in _FALSE:
        return 0.0
    raise DataError(f"expected 1/0 or true/false, got {v!r}", path=path, row=row, field="label")


def _pair_outcome(pref: Any, a: float, b: Any, path: Path | None, row: int) -> float:
    if _blank(pref):
        return float("nan")
    p = str(pref).strip().lower()
    if p not in ("a", "b", "tie"):
        raise DataError(
            f"expected a, b or tie, got {pref!r}", path=path, row=row, field="preference"
        )
    if p == "tie":
        return float("nan")
    sb = _number(b, path, row, "score_b")
    if a == sb:
        return 0.5
    return float((a > sb) == (p == "a"))


def validate_log(frame: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Check and normalise a scored log read into ``frame`` (see the module docstring).

    Raises:
        DataError: A missing column, or a bad value, named by file, row (1-based) and field.

    Example:
        >>> raw = pd.DataFrame({"timestamp": [2, 1], "prompt": ["p", "q"],
        ...     "response": ["r", "s"], "score": [0.5, 1.5], "label": [1, None]})
        >>> log = validate_log(raw)
        >>> log["score"].tolist(), log["correct"].tolist()[1]
        ([1.5, 0.5], 1.0)
    """
    if frame.empty:
        raise DataError("the scored log has no rows", path=path)
    for name in REQUIRED:
        if name not in frame.columns:
            raise DataError("missing column", path=path, row=1, field=name)
    frame = frame.reset_index(drop=True)
    ts = _timestamps(frame["timestamp"], path)
    scores = np.array(
        [_number(v, path, i, "score") for i, v in enumerate(frame["score"].tolist(), start=1)]
    )
    texts: dict[str, list[str]] = {}
    for name in ("prompt", "response"):
        col = []
        for i, v in enumerate(frame[name].tolist(), start=1):
            if not isinstance(v, str):
                raise DataError(f"expected text, got {v!r}", path=path, row=i, field=name)
            col.append(v)
        texts[name] = col
    if "domain" in frame.columns:
        domains = [UNKNOWN_DOMAIN if _blank(v) else str(v) for v in frame["domain"].tolist()]
    else:
        domains = [UNKNOWN_DOMAIN] * len(frame)
    correct = np.full(len(frame), np.nan)
    if "label" in frame.columns:
        correct = np.array(
            [_label(v, path, i) for i, v in enumerate(frame["label"].tolist(), start=1)]
        )
    if "preference" in frame.columns:
        sb = frame["score_b"].tolist() if "score_b" in frame.columns else [None] * len(frame)
        pair = np.array(
            [
                _pair_outcome(p, a, b, path, i)
                for i, (p, a, b) in enumerate(
                    zip(frame["preference"].tolist(), scores.tolist(), sb, strict=True), start=1
                )
            ]
        )
        correct = np.where(np.isnan(correct), pair, correct)
    out = pd.DataFrame(
        {
            "timestamp": ts,
            "prompt": texts["prompt"],
            "response": texts["response"],
            "score": scores,
            "domain": domains,
            "correct": correct,
        }
    )
    return out.sort_values("timestamp", kind="stable").reset_index(drop=True)


def read_scored_log(path: str | Path) -> pd.DataFrame:
    """Read a scored log file (``.jsonl``/``.json``, ``.csv`` or ``.parquet``) and validate it.

    Example:
        >>> import tempfile, json
        >>> p = Path(tempfile.mkdtemp()) / "log.jsonl"
        >>> _ = p.write_text(json.dumps({"timestamp": "2026-01-01T00:00:00Z", "prompt": "p",
        ...     "response": "r", "score": 1.0, "domain": "math"}) + "\\n")
        >>> read_scored_log(p)["domain"].tolist()
        ['math']
    """
    p = Path(path)
    return validate_log(_read(p), p)
