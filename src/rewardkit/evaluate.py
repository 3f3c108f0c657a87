"""The main job: evaluate a reward model on preference data and write a run directory.

Composes the stages (load -> score -> metrics -> report); each stage stays independent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rewardkit.calibration.serialize import calibrator_beside
from rewardkit.config import EvalConfig, ScoringOptions
from rewardkit.data.load import LoadResult, load_preferences
from rewardkit.data.records import PreferenceItem, prompt_text
from rewardkit.metrics import EvaluationResult, MetricConfig, evaluate
from rewardkit.models.options import ModelOptions
from rewardkit.models.registry import AnyModel, load_model, resolve_spec
from rewardkit.report import (
    RunDir,
    build_manifest,
    evaluation_json,
    write_json,
    write_parquet,
)
from rewardkit.report.html import write_run_report
from rewardkit.report.manifest import now_iso
from rewardkit.scoring import (
    Scored,
    ScoringReport,
    make_executor,
    open_score_cache,
    score_items,
    scores_frame,
)


@dataclass(frozen=True)
class EvalRun:
    """What an evaluation produced: the run directory, the typed result and its JSON form."""

    run_dir: Path
    loaded: LoadResult
    result: EvaluationResult
    results_json: dict[str, Any]
    scoring: ScoringReport
    scores: np.ndarray


def _preview(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def item_previews(items: Sequence[PreferenceItem]) -> dict[str, tuple[str, str, str]]:
    """Shortened prompt, first chosen and first rejected response of each item, for the
    report's item table (escaped there: responses are untrusted input)."""
    return {
        it.id: (
            _preview(prompt_text(it.prompt), 200),
            _preview(it.chosen[0], 300),
            _preview(it.rejected[0], 300),
        )
        for it in items
    }


def metric_config(config: EvalConfig) -> MetricConfig:
    return MetricConfig(
        n_resamples=config.bootstrap,
        confidence=config.confidence,
        seed=config.seed,
        tie_value=config.tie_value,
        n_bins=config.n_bins,
    )


def score_with_options(
    model: AnyModel,
    spec: str,
    options: ModelOptions,
    items: Sequence[PreferenceItem],
    config: ScoringOptions,
    progress: bool | None = None,
) -> Scored:
    """Score ``items`` with the batching, cache and executor that ``config`` names (eval and
    bon share it)."""
    cache = open_score_cache(config.cache, config.no_cache)
    try:
        return score_items(
            model,
            items,
            batch_size=config.batch_size,
            max_tokens=config.max_tokens,
            cache=cache,
            executor=make_executor(config.executor, spec, options),
            progress=progress,
        )
    finally:
        if cache is not None:
            cache.close()


def run_eval(
    data: Path,
    model_spec: str,
    config: EvalConfig,
    out: Path,
    *,
    model_options: dict[str, Any] | None = None,
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
    run.file("skipped.json").unlink(missing_ok=True)  # from an earlier run in this folder
    spec, options = resolve_spec(model_spec, model_options, defaults={"seed": config.seed})
    manifest = build_manifest(
        command="eval",
        config={"model": spec, "model_options": options.model_dump(), **config.model_dump()},
        seed=config.seed,
        inputs={"data": data},
        started_at=started,
    )
    run.write_manifest(manifest)
    run.log("start", data=str(data), model=spec)
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
    model = load_model(spec, options)
    scored = score_with_options(model, spec, options, loaded.items, config, progress)
    scores = scored.scores
    write_parquet(run.file("scores.parquet"), scores_frame(loaded.items, scores))
    run.log("scored", fingerprint=model.fingerprint(), **asdict(scored.report))
    manifest["scoring"] = asdict(scored.report)
    calibrated = calibrator_beside(spec) if config.calibration else None
    prob = calibrated[0].predict_proba if calibrated else None
    if calibrated:
        run.log("calibrator", file=str(calibrated[1]), kind=type(calibrated[0]).__name__)
    result = evaluate(loaded.items, scores, metric_config(config), prob=prob)
    results = evaluation_json(
        result,
        model=spec,
        fingerprint=model.fingerprint(),
        data=loaded.report,
        config=metric_config(config),
        n_truncated=scored.report.n_truncated,
    )
    if calibrated:
        results["calibrator"] = json.loads(calibrated[0].to_json())
    write_json(run.file("results.json"), results)
    if loaded.report.skipped:
        write_json(
            run.file("skipped.json"),
            [{"row": s.row, "field": s.field, "reason": s.reason} for s in loaded.report.skipped],
        )
    write_run_report(out, texts=item_previews(loaded.items))
    run.log("done", n_items=result.n_items)
    run.finish_manifest(manifest)
    return EvalRun(
        run_dir=out,
        loaded=loaded,
        result=result,
        results_json=results,
        scoring=scored.report,
        scores=scores,
    )
