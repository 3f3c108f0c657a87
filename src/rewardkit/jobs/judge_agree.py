"""``rewardkit judge agree``: agreement of existing judge labels with human labels
(accuracy, Cohen's kappa, confusion matrix; overall, per file and per category, with CIs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rewardkit.data.readers import read_rows
from rewardkit.errors import ConfigError, DataError
from rewardkit.jobs.judge import SCHEMA_VERSION
from rewardkit.judges import (
    JudgeConfig,
    LabelAgreement,
    label_agreement,
)
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json
from rewardkit.runs.output import staged_job

__all__ = ["JudgeAgreeRun", "run_agree", "short_names"]


@dataclass(frozen=True)
class JudgeAgreeRun:
    """What ``judge agree`` produced."""

    run_dir: Path
    agreement: LabelAgreement
    results_json: dict[str, Any]


def _label(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def short_names(stems: Sequence[str]) -> list[str]:
    """Names that tell files apart: the stems without their common prefix and suffix.

    Example:
        >>> short_names(["x_v2_gpt4_eval", "x_v2_llama_eval"])
        ['gpt4', 'llama']
        >>> short_names(["only"])
        ['only']
    """
    if len(stems) < 2 or len(set(stems)) < len(stems):
        return list(stems)
    first, last = min(stems), max(stems)
    prefix = 0
    while prefix < min(len(first), len(last)) and first[prefix] == last[prefix]:
        prefix += 1
    rev = [s[::-1] for s in stems]
    a, b = min(rev), max(rev)
    suffix = 0
    while suffix < min(len(a), len(b)) and a[suffix] == b[suffix]:
        suffix += 1
    out = [s[prefix : len(s) - suffix] if len(s) - suffix > prefix else s for s in stems]
    return out if all(out) and len(set(out)) == len(out) else list(stems)


@staged_job("judge", param="run_dir")
def run_agree(
    labels: Sequence[Path],
    judge_column: str,
    human_column: str,
    config: JudgeConfig,
    run_dir: Path,
    *,
    category_column: str | None = None,
    id_column: str | None = None,
) -> JudgeAgreeRun:
    """``rewardkit judge agree``: agreement of ``judge_column`` with ``human_column`` over the
    rows of ``labels`` (one group per file when several are given; ``id_column`` names the
    unit the bootstrap resamples, e.g. the prompt id shared across files).

    A human label that is missing stops the run (file, row and field named); a missing or
    unknown judge label counts as invalid (a disagreement).
    """
    if not labels:
        raise ConfigError("give at least one --labels file")
    started = now_iso()
    run = RunDir(run_dir)
    inputs: dict[str, str | Path] = {
        ("labels" if i == 0 else f"labels_{i + 1}"): p for i, p in enumerate(labels)
    }
    manifest = build_manifest(
        command="judge agree",
        config={
            "judge_column": judge_column,
            "human_column": human_column,
            "category_column": category_column,
            "id_column": id_column,
            **config.model_dump(include={"seed", "bootstrap", "confidence"}),
        },
        seed=config.seed,
        inputs=inputs,
        started_at=started,
    )
    run.write_manifest(manifest)
    names = short_names([p.name.split(".")[0] for p in labels])
    judge: list[str] = []
    human: list[str] = []
    groups: list[str] = []
    categories: list[str] = []
    units: list[str] = []
    for path, name in zip(labels, names, strict=True):
        rows = read_rows(path)
        if not rows:
            raise DataError("no rows (empty file)", path=path)
        wanted = [judge_column, human_column, category_column, id_column]
        for column in (c for c in wanted if c is not None):
            if column not in rows[0]:
                found = ", ".join(k for k in rows[0] if not k.startswith("__"))
                raise DataError(f"no column {column!r}; found {found}", path=path, field=column)
        for row in rows:
            truth = _label(row.get(human_column))
            if truth is None:
                raise DataError(
                    "missing human label", path=path, row=row["__row__"], field=human_column
                )
            human.append(truth)
            judge.append(_label(row.get(judge_column)) or "")
            groups.append(name)
            if category_column is not None:
                categories.append(_label(row.get(category_column)) or "")
            unit = _label(row.get(id_column)) if id_column is not None else None
            units.append(unit if unit is not None else f"{name}:{row['__row__']}")
    agreement = label_agreement(
        judge,
        human,
        groups=groups if len(labels) > 1 else None,
        categories=categories if category_column is not None else None,
        units=units,
        n_resamples=config.bootstrap,
        confidence=config.confidence,
        seed=config.seed,
    )
    results = {
        "schema_version": SCHEMA_VERSION,
        "command": "judge agree",
        "files": [p.name for p in labels],
        "groups": names if len(labels) > 1 else None,
        "judge_column": judge_column,
        "human_column": human_column,
        "category_column": category_column,
        "id_column": id_column,
        **agreement.to_json(),
    }
    write_json(run.file("results.json"), results)
    run.log("done", n=agreement.overall.n, n_invalid=agreement.overall.n_invalid)
    run.finish_manifest(manifest)
    return JudgeAgreeRun(run_dir, agreement, results)
