"""The ``rewardkit judge`` jobs: read files, run the judges stage, write the run directory.

- :func:`run_rate`: an LLM judge rates responses (absolute) or compares them in both orders
  (pairwise); the ratings or comparisons go to ``out`` in the long forms of ``rewardkit
  annotations`` (the judge is one more annotator), the raw judge text of every verdict to
  ``judgments.parquet``, the summary (position bias, accuracy, tokens, cost) to
  ``results.json``.
- :func:`run_agree`: agreement of existing judge labels with human labels (accuracy, Cohen's
  kappa, confusion matrix, per file and per category, with CIs).

``results.json`` depends only on the inputs and the seed; what this run spent (requests sent,
answers read from the cache) goes to the manifest and the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from rewardkit.config import validation_problems
from rewardkit.data.load import load_preferences
from rewardkit.data.readers import read_rows
from rewardkit.errors import ConfigError, DataError
from rewardkit.judges import (
    JudgeConfig,
    PairwiseResult,
    RatingResult,
    compare_pairs,
    pair_tasks_from_items,
    pair_tasks_from_responses,
    rate_responses,
    read_response_tasks,
    response_tasks_from_items,
)
from rewardkit.judges.tasks import PairTask, ResponseTask
from rewardkit.models.judge import PairwiseJudge, RubricJudge
from rewardkit.models.judge_options import JudgeOptions
from rewardkit.models.registry import load_spec
from rewardkit.models.spec import parse_model_spec
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_parquet, write_text
from rewardkit.runs.output import staged_job
from rewardkit.scoring import open_score_cache

__all__ = ["SCHEMA_VERSION", "JudgeRateRun", "judge_options_for", "run_rate"]

SCHEMA_VERSION = 1
JUDGMENTS_FILE = "judgments.parquet"


@dataclass(frozen=True)
class JudgeRateRun:
    """What ``judge rate`` produced."""

    run_dir: Path
    out: Path
    mode: str
    results_json: dict[str, Any]
    usage: dict[str, Any]
    ratings: RatingResult | None
    pairwise: PairwiseResult | None


def judge_options_for(
    spec_options: JudgeOptions | None, config: JudgeConfig, overrides: dict[str, Any] | None
) -> JudgeOptions:
    """The judge options in force: the config's ``judge:`` keys, then the model spec file's
    ``judge:`` keys, then the CLI options given (None values ignored).

    Example:
        >>> cfg = JudgeConfig(judge={"url": "http://a:1/v1", "retries": 1})
        >>> o = judge_options_for(JudgeOptions(url="http://b:2/v1"), cfg, {"retries": None})
        >>> o.url, o.retries
        ('http://b:2/v1', 1)
    """
    values = config.judge.model_dump(exclude_unset=True)
    if spec_options is not None:
        values.update(spec_options.model_dump(exclude_unset=True))
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return JudgeOptions(**values)
    except ValidationError as exc:
        raise ConfigError(f"invalid judge options: {validation_problems(exc)}") from exc


def _load_judge(
    model: str, config: JudgeConfig, overrides: dict[str, Any] | None
) -> tuple[str, JudgeOptions, PairwiseJudge | RubricJudge]:
    spec = parse_model_spec(model)
    if spec.scheme != "judge":
        raise ConfigError(
            f"rewardkit judge needs a judge: model (judge:NAME, or a YAML spec naming one); "
            f"got {spec.text!r}"
        )
    judge_opts = judge_options_for(spec.settings.judge, config, overrides)
    if config.no_cache:  # --no-cache: no answer is read or kept, whatever the spec names
        judge_opts = judge_opts.model_copy(update={"cache": None})
    built = load_spec(spec.with_judge(judge_opts))
    assert isinstance(built, PairwiseJudge | RubricJudge)
    return spec.text, judge_opts, built


def _is_responses_table(path: Path, layout: str | None, split: str | None) -> bool:
    if layout is not None:
        return False
    rows = read_rows(path, split)
    if not rows:
        raise DataError("no rows (empty file)", path=path)
    first = rows[0]
    return "item_id" in first and ("response" in first or "text" in first)


def _human_ratings(
    path: Path, judge_rows: pd.DataFrame, annotator: str, scale_points: int = 5
) -> pd.DataFrame:
    from rewardkit.annotations.tables import Scale, read_ratings

    humans = read_ratings(path, scale=Scale(1, scale_points), criteria=None, points_only=True)
    humans = humans.drop(columns=["__row__"])
    if annotator in set(humans["annotator_id"]):
        raise ConfigError(
            f"{path}: annotator {annotator!r} is already one of the human annotators; name the "
            "judge with --annotator"
        )
    judge_rows = judge_rows.copy()
    if "domain" in humans.columns:  # the judge's rows take the humans' domain of each item
        known = dict(zip(humans["item_id"], humans["domain"], strict=True))
        own = (
            judge_rows["domain"].tolist()
            if "domain" in judge_rows.columns
            else [""] * len(judge_rows)
        )
        judge_rows["domain"] = [
            known.get(i, d) for i, d in zip(judge_rows["item_id"], own, strict=True)
        ]
    merged = pd.concat([humans, judge_rows], ignore_index=True)
    if "domain" in merged.columns:
        merged["domain"] = merged["domain"].fillna("")
    return merged


@staged_job("judge", param="run_dir")
def run_rate(
    data: Path,
    model: str,
    config: JudgeConfig,
    out: Path,
    run_dir: Path,
    *,
    prompts: Path | None = None,
    human_ratings: Path | None = None,
    judge_overrides: dict[str, Any] | None = None,
    progress: bool | None = None,
) -> JudgeRateRun:
    """``rewardkit judge rate``: the judge's ratings (absolute) or comparisons (pairwise) of
    ``data`` to ``out`` (CSV), the run directory to ``run_dir``.

    ``data`` is a responses table (``item_id``, ``response`` or ``text``, ``prompt`` or
    ``prompt_id`` with ``prompts``) or preference data (chosen/rejected; pairwise: each
    (chosen, rejected) pair, labelled, so the judge's accuracy is measured too). With
    ``human_ratings`` (long form), ``out`` holds the human rows and the judge's, ready for
    ``rewardkit annotations agree``.
    """
    started = now_iso()
    spec, judge_opts, judge = _load_judge(model, config, judge_overrides)
    annotator = config.annotator or spec
    run = RunDir(run_dir)
    inputs: dict[str, str | Path] = {"data": data}
    if prompts is not None:
        inputs["prompts"] = prompts
    if human_ratings is not None:
        inputs["human_ratings"] = human_ratings
    manifest = build_manifest(
        command="judge rate",
        config={
            "model": spec,
            **config.model_dump(exclude={"judge"}),
            "judge": judge_opts.model_dump(),
        },
        seed=config.seed,
        inputs=inputs,
        started_at=started,
    )
    run.write_manifest(manifest)
    run.log("start", data=str(data), model=spec, mode=judge_opts.mode)
    responses = _is_responses_table(data, config.layout, config.split)
    items = None
    if not responses:
        items = load_preferences(
            data, layout=config.layout, split=config.split, skip_invalid=config.skip_invalid
        ).items
    elif human_ratings is not None and judge_opts.mode == "pairwise":
        raise ConfigError("--human-ratings goes with an absolute judge (--mode absolute)")
    cache = open_score_cache(config.cache, config.no_cache)
    try:
        if cache is not None:
            judge.attach_cache(cache)
        ratings = pairwise = None
        if isinstance(judge, RubricJudge):
            tasks: list[ResponseTask] = (
                read_response_tasks(data, prompts)
                if items is None
                else response_tasks_from_items(items)
            )
            ratings = rate_responses(
                judge, tasks, config.criteria, annotator=annotator, progress=progress
            )
            table = ratings.ratings
            if human_ratings is not None:
                table = _human_ratings(human_ratings, table, annotator)
            judgments = ratings.judgments
            n_inputs = len(tasks)
        else:
            pairs: list[PairTask] = (
                pair_tasks_from_responses(read_response_tasks(data, prompts))
                if items is None
                else pair_tasks_from_items(items)
            )
            pairwise = compare_pairs(
                judge,
                pairs,
                annotator=annotator,
                tie_value=config.tie_value,
                n_resamples=config.bootstrap,
                confidence=config.confidence,
                seed=config.seed,
                progress=progress,
            )
            table = pairwise.comparisons
            judgments = pairwise.judgments
            n_inputs = len(pairs)
    finally:
        judge.close()
        if cache is not None:
            cache.close()
    write_text(out, table.to_csv(index=False, lineterminator="\n"))
    write_parquet(run.file(JUDGMENTS_FILE), judgments)
    usage = judge.usage.to_json()
    results = _rate_results(
        spec, judge, judge_opts, data, out, responses, n_inputs, judgments, ratings, pairwise
    )
    write_json(run.file("results.json"), results)
    manifest["judge_usage"] = usage
    run.log("judged", fingerprint=judge.fingerprint(), **usage)
    run.finish_manifest(manifest)
    return JudgeRateRun(run_dir, out, judge_opts.mode, results, usage, ratings, pairwise)


def _rate_results(
    spec: str,
    judge: PairwiseJudge | RubricJudge,
    opts: JudgeOptions,
    data: Path,
    out: Path,
    responses: bool,
    n_inputs: int,
    judgments: pd.DataFrame,
    ratings: RatingResult | None,
    pairwise: PairwiseResult | None,
) -> dict[str, Any]:
    prompt_tokens = int(judgments["prompt_tokens"].sum()) if len(judgments) else 0
    completion_tokens = int(judgments["completion_tokens"].sum()) if len(judgments) else 0
    price = opts.prices.get(judge.engine.model)
    template = judge.engine.template
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "command": "judge rate",
        "mode": opts.mode,
        "model": spec,
        "fingerprint": judge.fingerprint(),
        "template": {"name": template.name, "sha256": template.digest},
        "data": {"file": data.name, "kind": "responses" if responses else "preferences"},
        "out": out.name,
        "n_judgments": len(judgments),
        "tokens": {"prompt": prompt_tokens, "completion": completion_tokens},
        "cost_usd": None if price is None else price.cost(prompt_tokens, completion_tokens),
    }
    if ratings is not None:
        results["n_responses"] = n_inputs
        results["n_ratings"] = len(ratings.ratings)
        results["criteria"] = ratings.by_criterion
    if pairwise is not None:
        results["n_pairs"] = n_inputs
        results["outcomes"] = pairwise.outcomes
        results["position_bias"] = pairwise.position.to_json()
        results["accuracy"] = None if pairwise.accuracy is None else pairwise.accuracy.to_json()
        results["tie_value"] = pairwise.tie_value
    return results
