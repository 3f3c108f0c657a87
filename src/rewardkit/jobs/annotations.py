"""The annotation commands as library calls: read, check, compute, write a run directory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rewardkit.annotations.aggregate import AggregationConfig, AggregationResult, aggregate
from rewardkit.annotations.agreement import AgreementReport, agreement_report
from rewardkit.annotations.layouts import WideColumns
from rewardkit.annotations.quorum import ExcludedItem, split_quorum
from rewardkit.annotations.tables import Scale, read_comparisons, read_ratings
from rewardkit.config import AgreeConfig
from rewardkit.errors import DataError
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json
from rewardkit.runs.output import staged_job

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class AgreeRun:
    run_dir: Path
    report: AgreementReport
    excluded: tuple[ExcludedItem, ...]
    results_json: dict[str, Any]


def agree_on(
    ratings: pd.DataFrame, config: AgreeConfig
) -> tuple[AgreementReport, tuple[ExcludedItem, ...]]:
    """Quorum, then the agreement report, on an already validated ratings table."""
    kept, excluded = split_quorum(ratings, config.min_annotations)
    if kept.empty:
        raise DataError(
            f"no item has the quorum of {config.min_annotations} distinct "
            f"annotators ({len(excluded)} item(s) excluded); lower "
            "--min-annotations"
        )
    report = agreement_report(
        kept.drop(columns=["__row__"], errors="ignore"),
        level=config.level,
        values=Scale.parse(config.scale).points,
        target=config.target,
        n_resamples=config.bootstrap,
        confidence=config.confidence,
        seed=config.seed,
        spread_threshold=config.spread_threshold,
        by_domain=config.by_domain,
    )
    return report, excluded


@staged_job("annotations")
def run_agree(
    ratings_path: Path | Sequence[Path],
    config: AgreeConfig,
    out: Path,
    *,
    layout: str | None = None,
    columns: WideColumns | None = None,
) -> AgreeRun:
    """``rewardkit annotations agree``: writes manifest.json and results.json to ``out``.

    ``ratings_path`` is one file, or several for a layout that reads one file per annotator;
    ``layout`` and ``columns`` say how to read them (:mod:`rewardkit.annotations.layouts`).
    """
    paths = [ratings_path] if isinstance(ratings_path, Path) else list(ratings_path)
    run = RunDir(out)
    inputs: dict[str, str | Path] = {"ratings": paths[0]}
    inputs.update({f"ratings_{i}": p for i, p in enumerate(paths[1:], start=2)})
    reading = {"layout": layout, "wide_columns": None if columns is None else asdict(columns)}
    manifest = build_manifest(
        command="annotations agree",
        config={**config.model_dump(), **reading},
        seed=config.seed,
        inputs=inputs,
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    ratings = read_ratings(
        paths,
        scale=Scale.parse(config.scale),
        criteria=config.criteria,
        default_criterion=config.criterion,
        points_only=True,
        layout=layout,
        columns=columns,
    )
    report, excluded = agree_on(ratings, config)
    results = {
        "schema_version": SCHEMA_VERSION,
        "command": "annotations agree",
        "layout": layout,
        "n_ratings": len(ratings),
        "quorum": {
            "min_annotations": config.min_annotations,
            "excluded": [e.to_json() for e in excluded],
        },
        **report.to_json(),
    }
    write_json(run.file("results.json"), results)
    run.log("done", n_ratings=len(ratings), n_excluded=len(excluded))
    run.finish_manifest(manifest)
    return AgreeRun(run_dir=out, report=report, excluded=excluded, results_json=results)


@dataclass(frozen=True)
class AggregateRun:
    run_dir: Path
    result: AggregationResult
    results_json: dict[str, Any]


@staged_job("annotations")
def run_aggregate(
    ratings_path: Path,
    comparisons_path: Path | None,
    config: AggregationConfig,
    out: Path,
    *,
    criteria: list[str] | None = None,
    default_criterion: str | None = None,
    texts: tuple[Path, Path] | None = None,
) -> AggregateRun:
    """``rewardkit annotations aggregate``: per-item scores, training pairs and targets; with
    ``texts`` = (responses table, prompts table) also ``preferences.jsonl`` and
    ``scored.jsonl`` with the texts joined in, ready for ``rewardkit train``."""
    run = RunDir(out)
    inputs: dict[str, str | Path] = {"ratings": ratings_path}
    if comparisons_path is not None:
        inputs["comparisons"] = comparisons_path
    if texts is not None:
        inputs.update(responses=texts[0], prompts=texts[1])
    manifest = build_manifest(
        command="annotations aggregate",
        config=config.model_dump(),
        seed=config.seed,
        inputs=inputs,
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    scale = Scale(config.scale_min, config.scale_max)
    ratings = read_ratings(
        ratings_path,
        scale=scale,
        criteria=criteria,
        default_criterion=default_criterion,
        points_only=True,
    )
    comparisons = read_comparisons(comparisons_path) if comparisons_path else None
    result = aggregate(
        ratings.drop(columns=["__row__"]),
        None if comparisons is None else comparisons.drop(columns=["__row__"]),
        config,
    )
    result.write(out)
    results = {
        "schema_version": SCHEMA_VERSION,
        "command": "annotations aggregate",
        **result.to_json(),
    }
    if texts is not None:
        from rewardkit.annotations.training_data import write_training_data

        written = write_training_data(result, texts[0], texts[1], out)
        results["training_data"] = {name: path.name for name, path in written.items()}
    write_json(run.file("results.json"), results)
    run.log("done", n_items=len(result.items), n_pairs=len(result.pairs))
    run.finish_manifest(manifest)
    return AggregateRun(run_dir=out, result=result, results_json=results)
