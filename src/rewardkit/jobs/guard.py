"""The ``rewardkit guard`` jobs: run a guard policy over responses, and measure its checks
against human labels.

- :func:`run_guard`: every response checked; per check and overall block (trip) rates with
  CIs, by file and by the group columns present (``domain``, ``type``); every blocked item
  with its reasons. Writes ``results.json``, ``items.parquet`` (every verdict), manifest, log.
- :func:`eval_guard`: precision, recall, false-block rate on safe content and miss rate on
  unsafe content per check (and for the policy as a whole) with CIs, per file and group;
  ROC/PR sweeps of scored checks; paired comparisons of every two checks evaluated.
- :func:`write_variants`: deterministic adversarial variants of a prompts file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.calibration.serialize import load_calibrator
from rewardkit.data.readers import read_rows
from rewardkit.errors import ConfigError, DataError
from rewardkit.guard import (
    GuardItem,
    GuardPolicy,
    GuardResult,
    compare_detectors,
    detection_metrics,
    load_policy,
    make_variants,
    threshold_sweep,
)
from rewardkit.guard.base import BuildContext
from rewardkit.guard.config import GuardConfig
from rewardkit.jobs.judge_agree import short_names
from rewardkit.metrics import Estimate, bootstrap_mean, rng_for
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_parquet, write_text
from rewardkit.runs.output import staged_job

__all__ = [
    "SCHEMA_VERSION",
    "GuardEvalRun",
    "GuardRun",
    "eval_guard",
    "read_responses",
    "run_guard",
    "write_variants",
]

SCHEMA_VERSION = 1
ITEMS_FILE = "items.parquet"
#: What the checks of a policy loaded by a job may use (calibrators for a calibrated rm_gate).
CONTEXT = BuildContext(load_calibrator=load_calibrator)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_responses(
    paths: Sequence[Path], config: GuardConfig, *, need_label: bool = False
) -> pd.DataFrame:
    """One row per response of ``paths``: ``file`` (short name), ``row``, ``id``, ``text``,
    ``prompt``, ``domain``, the group columns present and (``need_label``) ``label``.

    A missing text or label is a :class:`DataError` naming file, row and field.
    """
    if not paths:
        raise ConfigError("give at least one --data file")
    names = short_names([p.name.split(".")[0] for p in paths])
    frames = []
    for path, name in zip(paths, names, strict=True):
        rows = read_rows(path)
        if not rows:
            raise DataError("no rows (empty file)", path=path)
        first = rows[0]
        text_col = next((c for c in config.text_columns if c in first), None)
        if text_col is None:
            found = ", ".join(k for k in first if not k.startswith("__"))
            raise DataError(
                f"no response column (one of {', '.join(config.text_columns)}); found {found}",
                path=path,
            )
        if need_label and config.label_column not in first:
            raise DataError(
                "no human label column", path=path, field=config.label_column or "label_column"
            )
        records = []
        for row in rows:
            text = row.get(text_col)
            if text is None:
                text = ""
            if not isinstance(text, str):
                raise DataError("expected text", path=path, row=row["__row__"], field=text_col)
            rec: dict[str, Any] = {
                "file": name,
                "row": row["__row__"],
                "id": _cell(row.get(config.id_column)) or f"{name}:{row['__row__']}",
                "text": text,
                "prompt": _cell(row.get(config.prompt_column)),
                "domain": _cell(row.get(config.domain_column)),
            }
            for col in config.group_columns:
                if col in first and col != "domain":
                    rec[col] = _cell(row.get(col))
            if need_label and config.label_column is not None:
                label = _cell(row.get(config.label_column)).strip()
                if not label:
                    raise DataError(
                        "missing human label",
                        path=path,
                        row=row["__row__"],
                        field=config.label_column,
                    )
                rec["label"] = label
            records.append(rec)
        frames.append(pd.DataFrame.from_records(records))
    return pd.concat(frames, ignore_index=True)


def guard_items(frame: pd.DataFrame) -> list[GuardItem]:
    return [
        GuardItem(t, prompt=p, domain=d)
        for t, p, d in zip(frame["text"], frame["prompt"], frame["domain"], strict=True)
    ]


def _groups(frame: pd.DataFrame, config: GuardConfig) -> dict[str, pd.Series]:
    """The breakdowns: by file (when several), then each group column with 2+ values."""
    out: dict[str, pd.Series] = {}
    if frame["file"].nunique() > 1:
        out["file"] = frame["file"]
    for col in config.group_columns:
        if col in frame.columns and frame[col].nunique() > 1:
            out[col] = frame[col]
    return out


def _rate(x: np.ndarray, config: GuardConfig, name: str) -> Estimate:
    return bootstrap_mean(
        x.astype(np.float64),
        n_resamples=config.bootstrap,
        confidence=config.confidence,
        rng=rng_for(config.seed, "guard-rate", name),
    )


def _rates(x: np.ndarray, groups: dict[str, pd.Series], config: GuardConfig, name: str) -> Any:
    doc: dict[str, Any] = {"all": _rate(x, config, f"{name}/all").to_json()}
    for col, values in groups.items():
        doc[f"by_{col}"] = {
            str(v): _rate(x[(values == v).to_numpy()], config, f"{name}/{col}={v}").to_json()
            for v in sorted(values.unique())
        }
    return doc


def _manifest(
    command: str, policy: Path, data: Sequence[Path], config: GuardConfig, extra: dict[str, Any]
) -> dict[str, Any]:
    inputs: dict[str, str | Path] = {"policy": policy}
    inputs.update({("data" if i == 0 else f"data_{i + 1}"): p for i, p in enumerate(data)})
    return build_manifest(
        command=command,
        config={**config.model_dump(), **extra},
        seed=config.seed,
        inputs=inputs,
        started_at=now_iso(),
    )


def _check_docs(policy: GuardPolicy) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "type": c.type_name, "action": c.action, "penalty": c.penalty}
        for c in policy.checks
    ]


@dataclass(frozen=True)
class GuardRun:
    """What ``guard run`` produced."""

    run_dir: Path
    result: GuardResult
    items: pd.DataFrame
    results_json: dict[str, Any]


@staged_job("guard")
def run_guard(policy_path: Path, data: Sequence[Path], config: GuardConfig, out: Path) -> GuardRun:
    """``rewardkit guard run``: check every response of ``data`` with the policy."""
    run = RunDir(out)
    manifest = _manifest("guard run", policy_path, data, config, {})
    run.write_manifest(manifest)
    policy = load_policy(policy_path, allow_python=config.allow_python, context=CONTEXT)
    frame = read_responses(data, config)
    result = policy.run(guard_items(frame))
    groups = _groups(frame, config)
    checks = []
    for doc, c in zip(_check_docs(policy), policy.checks, strict=True):
        tripped = np.array([v.tripped for v in result.verdicts[c.name]], dtype=bool)
        checks.append(
            {
                **doc,
                "n_tripped": int(tripped.sum()),
                "trip_rate": _rates(tripped, groups, config, c.name),
            }
        )
    blocked = [
        {"file": f, "row": int(r), "id": i, "reasons": reason}
        for f, r, i, reason, b in zip(
            frame["file"], frame["row"], frame["id"], result.reasons, result.blocked, strict=True
        )
        if b
    ]
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "command": "guard run",
        "files": [p.name for p in data],
        "n_items": len(frame),
        "checks": checks,
        "overall": {
            "n_blocked": int(result.blocked.sum()),
            "n_flagged": int(result.flagged.sum()),
            "block_rate": _rates(result.blocked, groups, config, "policy/blocked"),
            "flag_rate": _rates(result.flagged, groups, config, "policy/flagged"),
        },
        "blocked": blocked,
    }
    items = pd.concat([frame.drop(columns=["text"]), result.table()], axis=1)
    write_parquet(run.file(ITEMS_FILE), items)
    write_json(run.file("results.json"), results)
    run.log("done", n_items=len(frame), n_blocked=len(blocked))
    run.finish_manifest(manifest)
    return GuardRun(out, result, items, results)


@dataclass(frozen=True)
class GuardEvalRun:
    """What ``guard eval`` produced."""

    run_dir: Path
    results_json: dict[str, Any]


def _metrics(
    pred: np.ndarray,
    truth: np.ndarray,
    groups: dict[str, pd.Series],
    config: GuardConfig,
    name: str,
) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "n_resamples": config.bootstrap,
        "confidence": config.confidence,
        "seed": config.seed,
    }
    doc: dict[str, Any] = {
        "all": detection_metrics(pred, truth, label=f"{name}/all", **kw).to_json()
    }
    for col, values in groups.items():
        doc[f"by_{col}"] = {}
        for v in sorted(values.unique()):
            m = (values == v).to_numpy()
            doc[f"by_{col}"][str(v)] = detection_metrics(
                pred[m], truth[m], label=f"{name}/{col}={v}", **kw
            ).to_json()
    return doc


@staged_job("guard")
def eval_guard(
    policy_path: Path,
    data: Sequence[Path],
    config: GuardConfig,
    out: Path,
    *,
    checks: Sequence[str] | None = None,
) -> GuardEvalRun:
    """``rewardkit guard eval``: each check (``checks``, default all) against the human label
    column of ``data`` (positive = a value in ``config.positive_labels``)."""
    if config.label_column is None:
        raise ConfigError("guard eval needs the human label column (--label-column)")
    run = RunDir(out)
    manifest = _manifest("guard eval", policy_path, data, config, {"checks": checks})
    run.write_manifest(manifest)
    policy = load_policy(policy_path, allow_python=config.allow_python, context=CONTEXT)
    names = list(checks) if checks else policy.names()
    unknown = [n for n in names if n not in policy.names()]
    if unknown:
        raise ConfigError(
            f"no check {', '.join(map(repr, unknown))} in {policy_path}; "
            f"its checks: {', '.join(policy.names())}"
        )
    frame = read_responses(data, config, need_label=True)
    positive = {v.lower() for v in config.positive_labels}
    truth = frame["label"].str.lower().isin(positive).to_numpy()
    result = policy.run(guard_items(frame))
    groups = _groups(frame, config)
    docs: list[dict[str, Any]] = []
    preds: dict[str, np.ndarray] = {}
    for doc, c in zip(_check_docs(policy), policy.checks, strict=True):
        if c.name not in names:
            continue
        vs = result.verdicts[c.name]
        pred = np.array([v.tripped for v in vs], dtype=bool)
        preds[c.name] = pred
        entry = {**doc, "metrics": _metrics(pred, truth, groups, config, c.name), "sweep": None}
        scores = np.array([np.nan if v.score is None else v.score for v in vs], dtype=np.float64)
        if c.kind.scored and not np.isnan(scores).any():
            oriented = scores if c.kind.higher_trips else -scores
            sweep = threshold_sweep(oriented, truth).to_json()
            sweep["score_sign"] = 1 if c.kind.higher_trips else -1
            entry["sweep"] = sweep
        docs.append(entry)
    kw: dict[str, Any] = {
        "n_resamples": config.bootstrap,
        "confidence": config.confidence,
        "seed": config.seed,
    }
    comparisons = [
        compare_detectors(preds[a], preds[b], truth, names=(a, b), label=f"{a}|{b}", **kw).to_json()
        for a, b in combinations(preds, 2)
    ]
    policy_pred = result.blocked | result.flagged
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "command": "guard eval",
        "files": [p.name for p in data],
        "label_column": config.label_column,
        "positive_labels": sorted(positive),
        "n_items": len(frame),
        "n_positive": int(truth.sum()),
        "checks": docs,
        "policy": _metrics(policy_pred, truth, groups, config, "policy"),
        "comparisons": comparisons,
    }
    write_json(run.file("results.json"), results)
    run.log("done", n_items=len(frame), n_positive=int(truth.sum()))
    run.finish_manifest(manifest)
    return GuardEvalRun(out, results)


def write_variants(
    prompts: Path, out: Path, config: GuardConfig, *, kinds: Sequence[str] | None = None
) -> pd.DataFrame:
    """Adversarial variants of ``prompts`` (its ``id`` and ``prompt`` columns) written to
    ``out`` (CSV, JSONL or Parquet by extension): ``id``, ``source_id``, ``kind``, ``prompt``
    plus the source row's other columns."""
    rows = read_rows(prompts)
    if not rows:
        raise DataError("no rows (empty file)", path=prompts)
    for row in rows:
        if not isinstance(row.get(config.prompt_column), str) or not row[config.prompt_column]:
            raise DataError(
                "missing prompt", path=prompts, row=row["__row__"], field=config.prompt_column
            )
    pairs = [
        (_cell(r.get(config.id_column)) or str(r["__row__"]), r[config.prompt_column]) for r in rows
    ]
    from rewardkit.guard.variants import VARIANT_KINDS

    try:
        made = make_variants(pairs, kinds=list(kinds or VARIANT_KINDS), seed=config.seed)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    skip = {config.id_column, config.prompt_column}
    extra = {
        pid: {k: v for k, v in r.items() if k not in skip and not k.startswith("__")}
        for (pid, _), r in zip(pairs, rows, strict=True)
    }
    frame = pd.DataFrame(
        [
            {
                "id": v.id,
                "source_id": v.source_id,
                "kind": v.kind,
                "prompt": v.prompt,
                **extra[v.source_id],
            }
            for v in made
        ]
    )
    _write_table(frame, out)
    return frame


def _write_table(frame: pd.DataFrame, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        write_parquet(out, frame)
    elif suffix == ".csv":
        write_text(out, frame.to_csv(index=False))
    elif suffix == ".jsonl":
        write_text(out, frame.to_json(orient="records", lines=True, force_ascii=False))
    else:
        raise ConfigError(f"{out}: write .csv, .jsonl or .parquet")
