"""The main job: evaluate a reward model on preference data and write a run directory.

Composes the stages (load -> score -> metrics -> report); each stage stays independent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.calibration.serialize import calibrator_beside
from rewardkit.config import EvalConfig, ScoringOptions
from rewardkit.data.load import LoadResult, load_preferences
from rewardkit.data.records import PreferenceItem, prompt_text
from rewardkit.jobs.eval_results import evaluation_json
from rewardkit.jobs.run_page import write_run_report
from rewardkit.metrics import EvaluationResult, MetricConfig, evaluate
from rewardkit.models.registry import AnyModel, load_spec
from rewardkit.models.spec import ModelSpec, as_model_spec
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_parquet
from rewardkit.runs.output import StagedOutput
from rewardkit.runs.redact import redact_secrets
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


#: Model schemes whose scores are not log-odds of preference (``sigmoid`` of a difference of
#: response lengths or of uniform random numbers is no probability).
NOT_LOG_ODDS_SCHEMES = frozenset({"baseline", "judge"})
#: The per-item table every eval run writes beside ``scores.parquet``.
ITEMS_FILE = "items.parquet"
_PROMPT_PREVIEW, _RESPONSE_PREVIEW = 200, 300


def _preview(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def item_previews(items: Sequence[PreferenceItem]) -> dict[str, tuple[str, str, str]]:
    """Shortened prompt, first chosen and first rejected response of each item, for the
    report's item table (escaped there: responses are untrusted input).

    Example:
        >>> item_previews([PreferenceItem("a", "q", ("yes",), ("no",))])
        {'a': ('q', 'yes', 'no')}
    """
    return {
        it.id: (
            _preview(prompt_text(it.prompt), _PROMPT_PREVIEW),
            _preview(it.chosen[0], _RESPONSE_PREVIEW),
            _preview(it.rejected[0], _RESPONSE_PREVIEW),
        )
        for it in items
    }


def items_frame(items: Sequence[PreferenceItem]) -> pd.DataFrame:
    """The run's ``items.parquet``: one row per loaded item, in load order.

    Columns: ``item_id``, ``subset``, ``domain`` (empty when absent), ``tie`` (labelled a tie,
    so left out of accuracy), ``n_chosen``, ``n_rejected``, and the previews the run page shows:
    ``prompt``, ``chosen`` (first chosen response), ``rejected`` (first rejected response).

    Example:
        >>> f = items_frame([PreferenceItem("a", "q", ("yes",), ("no",), tie=True)])
        >>> f[["item_id", "tie", "prompt", "chosen"]].values.tolist()
        [['a', True, 'q', 'yes']]
    """
    texts = item_previews(items)
    return pd.DataFrame(
        {
            "item_id": pd.Series([it.id for it in items], dtype="string"),
            "subset": pd.Series([it.subset or "" for it in items], dtype="string"),
            "domain": pd.Series([it.domain or "" for it in items], dtype="string"),
            "tie": np.array([it.tie for it in items], dtype=bool),
            "n_chosen": np.array([len(it.chosen) for it in items], dtype=np.int32),
            "n_rejected": np.array([len(it.rejected) for it in items], dtype=np.int32),
            "prompt": pd.Series([texts[it.id][0] for it in items], dtype="string"),
            "chosen": pd.Series([texts[it.id][1] for it in items], dtype="string"),
            "rejected": pd.Series([texts[it.id][2] for it in items], dtype="string"),
        }
    )


def metric_config(config: EvalConfig) -> MetricConfig:
    return MetricConfig(
        n_resamples=config.bootstrap,
        confidence=config.confidence,
        seed=config.seed,
        tie_value=config.resolved_tie_value(),
        n_bins=config.n_bins,
        tie_margin=config.tie_margin,
    )


def probability_basis(spec: ModelSpec | str, calibrator: str | None) -> tuple[str | None, str]:
    """What ECE, Brier and log-loss are computed from, and the sentence that says so.

    Args:
        spec: The resolved model spec.
        calibrator: The kind of the calibrator applied, if any.

    Returns:
        ``(probabilities, note)``: ``probabilities`` is ``None`` when the three metrics do not
        apply (the scores are not log-odds and no calibrator maps them).

    Example:
        >>> probability_basis("baseline:length", None)[0] is None
        True
        >>> probability_basis("hf:rm", "TemperatureScaling")[0]
        'TemperatureScaling calibrator'
    """
    if calibrator is not None:
        return (
            f"{calibrator} calibrator",
            f"ECE, Brier and log-loss use the {calibrator} calibrator saved beside the model "
            "(--no-calibration for the raw sigmoid)",
        )
    scheme = spec.scheme if isinstance(spec, ModelSpec) else spec.split(":", 1)[0]
    if scheme in NOT_LOG_ODDS_SCHEMES:
        return (
            None,
            f"ECE, Brier and log-loss: n/a ({spec} scores are not log-odds of preference, so "
            "sigmoid(score difference) is no probability)",
        )
    return (
        "sigmoid(score difference)",
        "ECE, Brier and log-loss of sigmoid(score difference): the scores read as log-odds "
        "(rewardkit calibrate fits a calibrator)",
    )


def score_with_options(
    model: AnyModel,
    spec: ModelSpec,
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
            executor=make_executor(config.executor, spec),
            progress=progress,
        )
    finally:
        if cache is not None:
            cache.close()


def run_eval(
    data: Path,
    model_spec: str | ModelSpec,
    config: EvalConfig,
    out: Path,
    *,
    model_options: Mapping[str, Any] | None = None,
    progress: bool | None = None,
) -> EvalRun:
    """Evaluate ``model_spec`` on ``data``; write manifest, results, scores, items (with the
    previews ``report.html`` shows, so the page re-renders from the directory alone), the page
    and the log to ``out``.

    A spec string is parsed here (``model_options`` over its YAML file over ``config.seed``);
    a parsed :class:`~rewardkit.models.spec.ModelSpec` is used as given.

    Example:
        >>> import tempfile, json
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "p.jsonl").write_text(json.dumps(
        ...     {"prompt": "q", "chosen": "a longer answer", "rejected": "short"}))
        >>> run = run_eval(d / "p.jsonl", "baseline:length", EvalConfig(bootstrap=100), d / "run")
        >>> run.results_json["metrics"]["accuracy"]["value"]
        1.0
    """
    with StagedOutput(out, "eval") as stage:  # replaces an earlier run only when complete
        run = eval_into(stage.path, data, model_spec, config, model_options, progress)
    return replace(run, run_dir=out)


def eval_into(
    out: Path,
    data: Path,
    model_spec: str | ModelSpec,
    config: EvalConfig,
    model_options: Mapping[str, Any] | None,
    progress: bool | None,
) -> EvalRun:
    """The body of :func:`run_eval`: write the run into the folder ``out`` as it is (the
    caller stages it; :func:`rewardkit.jobs.calibrate.run_calibrate` adds its own files)."""
    started = now_iso()
    run = RunDir(out)
    spec = as_model_spec(model_spec, model_options, defaults={"seed": config.seed})
    manifest = build_manifest(
        command="eval",
        config={
            "model": spec.text,
            "model_options": spec.settings.model_dump(),
            **config.model_dump(),
        },
        seed=config.seed,
        inputs={"data": data},
        started_at=started,
    )
    run.write_manifest(manifest)
    shown = redact_secrets(spec.text)  # what files and logs show of the spec
    run.log("start", data=str(data), model=shown)
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
    model = load_spec(spec)
    scored = score_with_options(model, spec, loaded.items, config, progress)
    scores = scored.scores
    write_parquet(run.file("scores.parquet"), scores_frame(loaded.items, scores))
    run.log("scored", fingerprint=model.fingerprint(), **asdict(scored.report))
    manifest["scoring"] = asdict(scored.report)
    write_parquet(run.file(ITEMS_FILE), items_frame(loaded.items))
    calibrated = calibrator_beside(spec) if config.calibration else None
    prob = calibrated[0].predict_proba if calibrated else None
    if calibrated:
        run.log("calibrator", file=str(calibrated[1]), kind=type(calibrated[0]).__name__)
    probabilities, note = probability_basis(
        spec, type(calibrated[0]).__name__ if calibrated else None
    )
    result = evaluate(
        loaded.items,
        scores,
        metric_config(config),
        prob=prob,
        calibration=probabilities is not None,
    )
    results = evaluation_json(
        result,
        model=shown,
        fingerprint=model.fingerprint(),
        data=loaded.report,
        config=metric_config(config),
        n_truncated=scored.report.n_truncated,
        probabilities=probabilities,
        probabilities_note=note,
    )
    if calibrated:
        results["calibrator"] = json.loads(calibrated[0].to_json())
    write_json(run.file("results.json"), results)
    if loaded.report.skipped:
        write_json(
            run.file("skipped.json"),
            [{"row": s.row, "field": s.field, "reason": s.reason} for s in loaded.report.skipped],
        )
    run.log("done", n_items=result.n_items)
    run.finish_manifest(manifest)
    write_run_report(out)  # last, so the page shows the finished manifest as a re-render would
    return EvalRun(
        run_dir=out,
        loaded=loaded,
        result=result,
        results_json=results,
        scoring=scored.report,
        scores=scores,
    )
