"""The main job: evaluate a reward model on preference data and write a run directory.

Composes the stages (load -> score -> metrics -> report); each stage stays independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rewardkit.config import EvalConfig
from rewardkit.data.load import LoadResult, load_preferences
from rewardkit.metrics import EvaluationResult, MetricConfig, evaluate
from rewardkit.models.registry import ModelOptions, load_model
from rewardkit.report import (
    RunDir,
    build_manifest,
    evaluation_json,
    write_json,
    write_parquet,
)
from rewardkit.report.manifest import now_iso
from rewardkit.scoring import score_items, scores_frame


@dataclass(frozen=True)
class EvalRun:
    """What an evaluation produced: the run directory, the typed result and its JSON form."""

    run_dir: Path
    loaded: LoadResult
    result: EvaluationResult
    results_json: dict[str, Any]


def metric_config(config: EvalConfig) -> MetricConfig:
    return MetricConfig(
        n_resamples=config.bootstrap,
        confidence=config.confidence,
        seed=config.seed,
        tie_value=config.tie_value,
        n_bins=config.n_bins,
    )


def run_eval(
    data: Path,
    model_spec: str,
    config: EvalConfig,
    out: Path,
    *,
    progress: bool | None = None,
) -> EvalRun:
    """Evaluate ``model_spec`` on ``data``; write manifest, results, scores and log to ``out``.

    Example:
        >>> import tempfile, json
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "p.jsonl").write_text(json.dumps(
        ...     {"prompt": "q", "chosen": "a longer answer", "rejected": "short"}))
        >>> run = run_eval(d / "p.jsonl", "baseline:length", EvalConfig(bootstrap=100), d / "run")
        >>> run.results_json["metrics"]["accuracy"]["value"]
        1.0
    """
    started = now_iso()
    run = RunDir(out)
    manifest = build_manifest(
        command="eval",
        config={"model": model_spec, **config.model_dump()},
        seed=config.seed,
        inputs={"data": data},
        started_at=started,
    )
    run.write_manifest(manifest)
    run.log("start", data=str(data), model=model_spec)
    loaded = load_preferences(
        data, layout=config.layout, split=config.split, skip_invalid=config.skip_invalid
    )
    run.log(
        "loaded",
        n_rows=loaded.report.n_rows,
        n_items=loaded.report.n_items,
        skipped=loaded.report.skipped_by_reason,
        warnings=list(loaded.report.warnings),
    )
    model = load_model(model_spec, ModelOptions(seed=config.seed))
    scores = score_items(model, loaded.items, batch_size=config.batch_size, progress=progress)
    write_parquet(run.file("scores.parquet"), scores_frame(loaded.items, scores))
    run.log("scored", n_responses=int(scores.shape[0]), fingerprint=model.fingerprint())
    result = evaluate(loaded.items, scores, metric_config(config))
    results = evaluation_json(
        result,
        model=model_spec,
        fingerprint=model.fingerprint(),
        data=loaded.report,
        config=metric_config(config),
    )
    write_json(run.file("results.json"), results)
    if loaded.report.skipped:
        write_json(
            run.file("skipped.json"),
            [{"row": s.row, "field": s.field, "reason": s.reason} for s in loaded.report.skipped],
        )
    run.log("done", n_items=result.n_items)
    run.finish_manifest(manifest)
    return EvalRun(run_dir=out, loaded=loaded, result=result, results_json=results)
