"""Read-side checks of the files a finished run left: a damaged run is one line, not a traceback.

Readers of run directories (``report``, ``compare``, a leaderboard) call these before they use a
file, so that a truncated or garbage ``results.json``, a JSON list where an object belongs, an
unknown ``schema_version``, a truncated ``scores.parquet``, NaN scores or missing columns are each
one :class:`~rewardkit.errors.DataError` naming the file (and the row or field where known).
JSON goes through :mod:`rewardkit.data.safe_json` with lone surrogates refused (rewardkit never
writes one, so a run file holding one is damaged).

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "results.json").write_text("[1, 2]")
    >>> read_results(d)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rewardkit.errors.DataError: .../results.json: expected a JSON object, got a list
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.data.safe_json import load_json_file
from rewardkit.errors import DataError
from rewardkit.runs.output import verify_output

__all__ = [
    "RESULTS_FILE",
    "SCHEMA_VERSIONS",
    "SCORES_FILE",
    "EvalRunFiles",
    "check_bon_results",
    "check_eval_results",
    "check_eval_run",
    "read_items",
    "read_json_object",
    "read_results",
    "read_scores",
]

RESULTS_FILE = "results.json"
SCORES_FILE = "scores.parquet"
ITEMS_FILE = "items.parquet"
MANIFEST_FILE = "manifest.json"
SCHEMA_VERSIONS = frozenset({1})
"""The ``schema_version`` values of run documents this version of rewardkit reads."""

SCORE_COLUMNS = ("item_id", "score", "is_chosen")


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def read_json_object(path: Path, *, what: str = "run file") -> dict[str, Any]:
    """A run file's JSON object: bounded nesting, no lone surrogates, an object at the top and
    a known ``schema_version`` (when it has one).

    Raises:
        DataError: Missing, unreadable, not JSON, not an object or of an unknown schema version.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "suite.json"
        >>> _ = p.write_text('{"schema_version": 1, "command": "eval --benchmark"}')
        >>> read_json_object(p)["command"]
        'eval --benchmark'
    """
    doc = load_json_file(path, surrogates="reject", what=what)
    if not isinstance(doc, dict):
        raise DataError(f"expected a JSON object, got {_kind(doc)}", path=path)
    version = doc.get("schema_version", 1)
    if isinstance(version, bool) or version not in SCHEMA_VERSIONS:
        known = ", ".join(map(str, sorted(SCHEMA_VERSIONS)))
        raise DataError(
            f"unknown schema_version {version!r} (this rewardkit reads {known}); written by "
            "another version of rewardkit?",
            path=path,
            field="schema_version",
        )
    return doc


def read_results(run_dir: Path) -> dict[str, Any]:
    """The ``results.json`` object of a run directory (see :func:`read_json_object`)."""
    path = run_dir / RESULTS_FILE
    if not path.is_file():
        raise DataError("missing: not a finished run directory", path=path)
    return read_json_object(path, what=RESULTS_FILE)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_estimate(est: Any, path: Path, field: str) -> None:
    if est is None:
        return
    if not isinstance(est, dict):
        raise DataError(f"expected an estimate object, got {_kind(est)}", path=path, field=field)
    for key in ("value", "ci_low", "ci_high"):
        value = est.get(key)
        if value is not None and not _number(value):
            raise DataError(
                f"expected a number or null, got {_kind(value)}", path=path, field=f"{field}.{key}"
            )
    ci = est.get("ci")
    if ci is not None and (
        not isinstance(ci, list) or not all(v is None or _number(v) for v in ci)
    ):
        raise DataError("expected [low, high] numbers or nulls", path=path, field=f"{field}.ci")
    n = est.get("n")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 0):
        raise DataError("expected a count", path=path, field=f"{field}.n")


def _object(doc: dict[str, Any], key: str, path: Path, *, required: bool) -> dict[str, Any]:
    value = doc.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        got = "missing" if key not in doc else _kind(value)
        raise DataError(f"expected an object, got {got}", path=path, field=key)
    return value


def check_eval_results(doc: dict[str, Any], path: Path, *, strict: bool = False) -> None:
    """Check the parts of an eval ``results.json`` that readers use.

    ``strict`` also requires what ``compare`` needs: ``model.spec`` and ``config.tie_value``.

    Raises:
        DataError: A part of the wrong type, a tie value outside [0, 1], a negative count.

    Example:
        >>> try:
        ...     check_eval_results({"config": {"tie_value": 2}}, Path("r/results.json"))
        ... except DataError as exc:
        ...     print(exc.field, "|", exc.message)
        config.tie_value | expected a number in [0, 1], got 2
    """
    config = _object(doc, "config", path, required=strict)
    tie: Any = config.get("tie_value")
    if (tie is not None or strict) and not (finite(tie) and 0.0 <= float(tie) <= 1.0):
        raise DataError(
            f"expected a number in [0, 1], got {tie!r}", path=path, field="config.tie_value"
        )
    model = _object(doc, "model", path, required=strict)
    if (model or strict) and not isinstance(model.get("spec"), str):
        raise DataError("expected the model spec (a string)", path=path, field="model.spec")
    metrics = _object(doc, "metrics", path, required=False)
    for name, est in metrics.items():
        _check_estimate(est, path, f"metrics.{name}")
    for section in ("by_subset", "by_domain"):
        for name, group in _object(doc, section, path, required=False).items():
            if not isinstance(group, dict):
                raise DataError(
                    f"expected an object, got {_kind(group)}", path=path, field=f"{section}.{name}"
                )
            for key, est in group.items():
                if key != "n":
                    _check_estimate(est, path, f"{section}.{name}.{key}")
    for key in ("n_items", "n_pairs", "n_ties_excluded"):
        value = doc.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise DataError(f"expected a count, got {value!r}", path=path, field=key)
    _object(doc, "data", path, required=False)


def _need(doc: Any, key: str, kind: type | tuple[type, ...], path: Path, where: str) -> Any:
    """``doc[key]`` of type ``kind`` (a list, a dict, a string), or a DataError at ``where``."""
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, kind):
        got = "missing" if not isinstance(doc, dict) or key not in doc else _kind(value)
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise DataError(f"expected {names}, got {got}", path=path, field=where)
    return value


def _full_estimate(est: Any, path: Path, where: str) -> None:
    """An estimate a page prints: ``{"value": number|null, "ci": [low, high]}``."""
    if not isinstance(est, dict):
        raise DataError(f"expected an estimate object, got {_kind(est)}", path=path, field=where)
    value, ci = est.get("value"), est.get("ci")
    if value is not None and not _number(value):
        raise DataError(
            f"expected a number or null, got {_kind(value)}", path=path, field=f"{where}.value"
        )
    if not (isinstance(ci, list) and len(ci) == 2 and all(v is None or _number(v) for v in ci)):
        raise DataError("expected [low, high] numbers or nulls", path=path, field=f"{where}.ci")


def _numbers(values: Any, path: Path, where: str, *, length: int | None = None) -> None:
    if not isinstance(values, list) or not all(v is None or _number(v) for v in values):
        raise DataError("expected a list of numbers", path=path, field=where)
    if length is not None and len(values) != length:
        raise DataError(f"expected {length} values, got {len(values)}", path=path, field=where)


def _bon_entry(entry: Any, path: Path, where: str, *, chart: bool) -> None:
    if not isinstance(entry, dict):
        raise DataError(f"expected an object, got {_kind(entry)}", path=path, field=where)
    _full_estimate(entry.get("gamma"), path, f"{where}.gamma")
    curves = _need(entry, "curves", dict, path, f"{where}.curves")
    fits = _need(entry, "fits", dict, path, f"{where}.fits")
    _numbers(_need(curves, "n", list, path, f"{where}.curves.n"), path, f"{where}.curves.n")
    prompts = _need(curves, "n_prompts", list, path, f"{where}.curves.n_prompts")
    _numbers(prompts, path, f"{where}.curves.n_prompts")
    if not prompts:
        raise DataError("expected at least one count", path=path, field=f"{where}.curves.n_prompts")
    if not chart and ("k" not in entry or not (entry["k"] is None or _number(entry["k"]))):
        raise DataError("expected a number or null", path=path, field=f"{where}.k")
    keys = ("proxy", "oracle") if chart else ("proxy",)
    d = _need(curves, "d", list, path, f"{where}.curves.d") if chart else None
    for key in keys:
        fit = _need(fits, key, dict, path, f"{where}.fits.{key}")
        _full_estimate(fit.get("peak_d"), path, f"{where}.fits.{key}.peak_d")
        if not chart:
            continue
        for name in ("alpha", "beta"):
            _full_estimate(fit.get(name), path, f"{where}.fits.{key}.{name}")
        curve = _need(curves, key, dict, path, f"{where}.curves.{key}")
        _numbers(d, path, f"{where}.curves.d")
        for name in ("value", "ci_low", "ci_high"):
            _numbers(curve.get(name), path, f"{where}.curves.{key}.{name}", length=len(d or []))


def check_bon_results(doc: dict[str, Any], path: Path) -> None:
    """Check the parts of a ``bon`` ``results.json`` that its page reads: the proxies (each
    with its curves, fits and gamma, and its groups), the comparisons, ``config``, ``data``
    and ``gold``.

    Raises:
        DataError: The first part that is missing or of the wrong type, by its field path.

    Example:
        >>> try:
        ...     check_bon_results({"proxies": [{"spec": "m"}]}, Path("results.json"))
        ... except DataError as exc:
        ...     print(exc.field, "|", exc.message)
        proxies[0].gamma | expected an estimate object, got null
    """
    proxies = _need(doc, "proxies", list, path, "proxies")
    if not proxies:
        raise DataError("no proxy in the run", path=path, field="proxies")
    for i, entry in enumerate(proxies):
        where = f"proxies[{i}]"
        _need(entry, "spec", str, path, f"{where}.spec")
        _bon_entry(entry, path, where, chart=True)
        groups = entry.get("groups") or {}
        if not isinstance(groups, dict):
            raise DataError(
                f"expected an object, got {_kind(groups)}", path=path, field=f"{where}.groups"
            )
        for kind, by_name in groups.items():
            if not isinstance(by_name, dict):
                raise DataError(
                    f"expected an object, got {_kind(by_name)}",
                    path=path,
                    field=f"{where}.groups.{kind}",
                )
            for name, group in by_name.items():
                _bon_entry(group, path, f"{where}.groups.{kind}.{name}", chart=False)
    comparisons = doc.get("comparisons") or []
    if not isinstance(comparisons, list):
        raise DataError(
            f"expected a list, got {_kind(comparisons)}", path=path, field="comparisons"
        )
    for i, c in enumerate(comparisons):
        _need(c, "a", str, path, f"comparisons[{i}].a")
        _need(c, "b", str, path, f"comparisons[{i}].b")
        _full_estimate(c.get("gamma_difference"), path, f"comparisons[{i}].gamma_difference")
    for key in ("config", "data", "gold"):
        _object(doc, key, path, required=False)


def _parquet(path: Path, what: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.is_file():
        raise DataError(f"{what} missing or not a regular file", path=path)
    try:
        frame: pd.DataFrame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:160]
        raise DataError(f"cannot read Parquet ({detail}); is it truncated?", path=path) from None
    return frame


def read_scores(path: Path, *, columns: tuple[str, ...] = SCORE_COLUMNS) -> pd.DataFrame:
    """A run's ``scores.parquet``: readable, with ``columns``, finite numeric scores, boolean
    ``is_chosen`` and an ``item_id`` in every row.

    Raises:
        DataError: Naming the file and the first bad row (1-based) and field.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "scores.parquet"
        >>> pd.DataFrame({"item_id": ["a", "a"], "score": [1.0, float("nan")],
        ...               "is_chosen": [True, False]}).to_parquet(p)
        >>> try:
        ...     read_scores(p)
        ... except DataError as exc:
        ...     print(exc.row, exc.field, exc.message)
        2 score not a finite number (nan)
    """
    frame = _parquet(path, SCORES_FILE)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}",
            path=path,
        )
    if frame.empty:
        raise DataError("no scores (an empty table)", path=path)
    if "score" in columns:
        if not pd.api.types.is_numeric_dtype(frame["score"]) or pd.api.types.is_bool_dtype(
            frame["score"]
        ):
            raise DataError(
                f"expected numbers, got {frame['score'].dtype}", path=path, field="score"
            )
        values = frame["score"].to_numpy(dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            first = int(bad[0])
            raise DataError(
                f"not a finite number ({values[first]})", path=path, row=first + 1, field="score"
            )
    if "is_chosen" in columns and not pd.api.types.is_bool_dtype(frame["is_chosen"]):
        raise DataError(
            f"expected true/false, got {frame['is_chosen'].dtype}", path=path, field="is_chosen"
        )
    if "item_id" in columns:
        empty = np.flatnonzero(frame["item_id"].isna().to_numpy())
        if empty.size:
            raise DataError("missing item id", path=path, row=int(empty[0]) + 1, field="item_id")
    return frame


def read_items(path: Path) -> pd.DataFrame:
    """A run's ``items.parquet``: readable, with ``item_id`` and a boolean ``tie`` when present.

    Raises:
        DataError: Naming the file and the field.
    """
    frame = _parquet(path, ITEMS_FILE)
    if "item_id" not in frame.columns:
        raise DataError("missing column item_id", path=path)
    if "tie" in frame.columns and not pd.api.types.is_bool_dtype(frame["tie"]):
        raise DataError(f"expected true/false, got {frame['tie'].dtype}", path=path, field="tie")
    return frame


@dataclass(frozen=True)
class EvalRunFiles:
    """The checked documents of an eval run directory."""

    results: dict[str, Any]
    manifest: dict[str, Any] | None
    scores: pd.DataFrame | None
    items: pd.DataFrame | None


def check_eval_run(
    run_dir: Path, *, need_scores: bool = False, strict: bool = False
) -> EvalRunFiles:
    """Check every file of an eval run that a reader uses; return them.

    Args:
        run_dir: The run directory.
        need_scores: ``scores.parquet`` must exist (``compare``); otherwise it is checked when
            present.
        strict: What ``compare`` needs of ``results.json`` (:func:`check_eval_results`).

    Raises:
        DataError: The first damaged file, in one line naming it; an incomplete run, or one
            whose files are not those its marker recorded (two runs mixed).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "results.json").write_text('{"schema_version": 1, "metrics": {}}')
        >>> check_eval_run(d).scores is None
        True
    """
    verify_output(run_dir, ("eval", "calibrate"))  # complete; each file the one its run wrote
    results_path = run_dir / RESULTS_FILE
    results = read_results(run_dir)
    check_eval_results(results, results_path, strict=strict)
    manifest_path = run_dir / MANIFEST_FILE
    manifest = (
        read_json_object(manifest_path, what=MANIFEST_FILE) if manifest_path.exists() else None
    )
    scores_path = run_dir / SCORES_FILE
    scores = None
    if need_scores or scores_path.exists():
        scores = read_scores(scores_path)
    items_path = run_dir / ITEMS_FILE
    items = read_items(items_path) if items_path.exists() else None
    return EvalRunFiles(results, manifest, scores, items)


def finite(value: Any) -> bool:
    """Whether ``value`` is a finite number (not a bool).

    Example:
        >>> finite(1.5), finite(float("nan")), finite(True)
        (True, False, False)
    """
    return _number(value) and math.isfinite(float(value))
