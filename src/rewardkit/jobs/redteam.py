"""The ``rewardkit redteam`` job: violation and over-refusal rates per model with CIs, and
paired comparisons between models.

Each ``--responses`` file holds one model's responses (its short file name is the model name,
unless the file has a ``model`` column). Whether a prompt is unsafe comes from the response
row's ``unsafe_column`` (default ``label``; a value in ``unsafe_values``) or, when
``--prompts`` is given, from that file's row of the same id (``strip_id_prefix`` is removed
from response ids first, e.g. ``v2-`` for XSTest). Whether a response refused comes from the
human ``label_column`` (a value in ``refusal_labels``) or, without one, from a refusal check:
the policy's check ``refusal_check``, or the rule-based detector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.data.readers import read_rows
from rewardkit.errors import ConfigError, DataError
from rewardkit.guard import RedteamResult, RefusalDetector, load_policy, redteam_rates
from rewardkit.guard.base import Check
from rewardkit.guard.config import GuardConfig
from rewardkit.jobs.guard import CONTEXT, SCHEMA_VERSION, guard_items, read_responses
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_parquet
from rewardkit.runs.output import staged_job

__all__ = ["RedteamRun", "run_redteam"]


@dataclass(frozen=True)
class RedteamRun:
    """What ``redteam`` produced."""

    run_dir: Path
    result: RedteamResult
    table: pd.DataFrame
    results_json: dict[str, Any]


def _prompt_labels(path: Path, config: GuardConfig) -> dict[str, tuple[str, str]]:
    """id -> (unsafe column value, type) of a prompts file."""
    rows = read_rows(path)
    if not rows:
        raise DataError("no rows (empty file)", path=path)
    out = {}
    for row in rows:
        value = row.get(config.unsafe_column)
        if value is None or str(value).strip() == "":
            raise DataError(
                "missing safe/unsafe label",
                path=path,
                row=row["__row__"],
                field=config.unsafe_column,
            )
        pid = row.get(config.id_column)
        if pid is None:
            raise DataError("missing id", path=path, row=row["__row__"], field=config.id_column)
        out[str(pid).strip()] = (str(value).strip(), str(row.get("type") or ""))
    return out


def _refusal_check(policy: Path | None, config: GuardConfig) -> tuple[str, Check]:
    if policy is None:
        if config.refusal_check is not None:
            raise ConfigError("--refusal-check names a check of --policy; give --policy")
        return "rule-based refusal detector", RefusalDetector()
    loaded = load_policy(policy, allow_python=config.allow_python, context=CONTEXT)
    name = config.refusal_check
    if name is None:
        found = [c.name for c in loaded.checks if c.type_name in ("refusal", "refusal_model")]
        if len(found) != 1:
            raise ConfigError(
                f"{policy}: name the refusal check with --refusal-check (refusal checks found: "
                f"{', '.join(found) or 'none'})"
            )
        name = found[0]
    for c in loaded.checks:
        if c.name == name:
            return f"check {name!r} of {policy.name}", c.check
    raise ConfigError(f"{policy}: no check {name!r}; its checks: {', '.join(loaded.names())}")


@staged_job("redteam")
def run_redteam(
    responses: Sequence[Path],
    config: GuardConfig,
    out: Path,
    *,
    prompts: Path | None = None,
    policy: Path | None = None,
) -> RedteamRun:
    """``rewardkit redteam``: see the module docstring."""
    run = RunDir(out)
    inputs: dict[str, str | Path] = {
        ("responses" if i == 0 else f"responses_{i + 1}"): p for i, p in enumerate(responses)
    }
    if prompts is not None:
        inputs["prompts"] = prompts
    if policy is not None:
        inputs["policy"] = policy
    manifest = build_manifest(
        command="redteam",
        config=config.model_dump(),
        seed=config.seed,
        inputs=inputs,
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    use_labels = config.label_column is not None
    frame = read_responses(responses, config, need_label=use_labels)
    raw = [read_rows(p) for p in responses]
    models = []
    unsafe_values: list[str] = []
    types: list[str] = []
    known = _prompt_labels(prompts, config) if prompts is not None else None
    for path, rows in zip(responses, raw, strict=True):
        for row in rows:
            model = row.get("model")
            models.append(str(model) if model else None)
            if known is not None:
                pid = str(row.get(config.id_column) or "").strip()
                key = pid.removeprefix(config.strip_id_prefix)
                if key not in known:
                    raise DataError(
                        f"id {pid!r} is not in {prompts.name if prompts else ''}",
                        path=path,
                        row=row["__row__"],
                        field=config.id_column,
                    )
                unsafe_values.append(known[key][0])
                types.append(str(row.get("type") or known[key][1]))
            else:
                value = row.get(config.unsafe_column)
                if value is None or str(value).strip() == "":
                    raise DataError(
                        "missing safe/unsafe label (or give --prompts)",
                        path=path,
                        row=row["__row__"],
                        field=config.unsafe_column,
                    )
                unsafe_values.append(str(value).strip())
                types.append(str(row.get("type") or ""))
    frame["model"] = [m or f for m, f in zip(models, frame["file"], strict=True)]
    wanted = {v.lower() for v in config.unsafe_values}
    frame["unsafe"] = [v.lower() in wanted for v in unsafe_values]
    frame["type"] = types
    if use_labels:
        refusal = {v.lower() for v in config.refusal_labels}
        frame["refused"] = frame["label"].str.lower().isin(refusal)
        decided_by = f"human labels ({config.label_column})"
    else:
        decided_by, check = _refusal_check(policy, config)
        verdicts = check.check(guard_items(frame))
        frame["refused"] = [v.tripped for v in verdicts]
        frame["refusal_label"] = [v.label for v in verdicts]
    frame["prompt_id"] = [str(i).removeprefix(config.strip_id_prefix) for i in frame["id"]]
    dup = frame.duplicated(["model", "prompt_id"])
    if dup.any():
        first = frame[dup].iloc[0]
        raise DataError(
            f"model {first['model']!r} answers prompt {first['prompt_id']!r} twice",
            row=int(first["row"]),
            field=config.id_column,
        )
    result = redteam_rates(
        frame,
        n_resamples=config.bootstrap,
        confidence=config.confidence,
        seed=config.seed,
    )
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "command": "redteam",
        "files": [p.name for p in responses],
        "refusal_decided_by": decided_by,
        "n_rows": len(frame),
        **result.to_json(),
    }
    keep = [
        c
        for c in (
            "model",
            "file",
            "row",
            "id",
            "prompt_id",
            "type",
            "unsafe",
            "refused",
            "label",
            "refusal_label",
        )
        if c in frame.columns
    ]
    table = frame[keep].copy()
    table["unsafe"] = table["unsafe"].astype(bool)
    table["refused"] = np.asarray(table["refused"], dtype=bool)
    write_parquet(run.file("items.parquet"), table)
    write_json(run.file("results.json"), results)
    run.log("done", n_rows=len(frame), n_models=len(result.models))
    run.finish_manifest(manifest)
    return RedteamRun(out, result, table, results)
