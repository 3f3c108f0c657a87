"""``rewardkit eval --benchmark A --benchmark B ...``: one model across several benchmarks.

Each benchmark is evaluated into its own run directory (``OUT/<name>/``), then scored by its
spec's official roll-up (sections and overall formulas, each with a CI). Across benchmarks the
suite reports the robustness gap (in-domain minus domain-shifted accuracy, with its CI),
accuracy re-weighted to an equal domain mix next to the unweighted figure, and warns when
fewer than three benchmarks or no domain-shifted one were run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from rewardkit.benchmarks import BenchmarkScore, BenchmarkSpec, score_benchmark
from rewardkit.config import EvalConfig
from rewardkit.data.records import PreferenceItem
from rewardkit.jobs.evaluate import EvalRun, run_eval
from rewardkit.metrics import Estimate, best_of_n_outcomes, pairwise_outcomes
from rewardkit.metrics.domain_shift import reweighted_accuracy, robustness_gap
from rewardkit.metrics.layout import response_layout, without_labelled_ties
from rewardkit.models.spec import ModelSpec, as_model_spec
from rewardkit.runs import write_json
from rewardkit.runs.output import StagedOutput

MIN_BENCHMARKS = 3


@dataclass(frozen=True)
class SuiteEntry:
    spec: BenchmarkSpec
    data: Path


@dataclass(frozen=True)
class SuiteRun:
    runs: dict[str, EvalRun]
    scores: dict[str, BenchmarkScore]
    gaps: dict[str, Estimate]
    reweighted: dict[str, Estimate]
    warnings: tuple[str, ...]
    results_json: dict[str, Any]


def item_outcomes(
    items: Sequence[PreferenceItem], scores: np.ndarray, metric: str, tie_value: float
) -> np.ndarray:
    """Per-item outcome under a spec's metric (labelled ties excluded by the caller)."""
    item_index, is_chosen = response_layout(items)
    if metric == "best_of_n_accuracy":
        return best_of_n_outcomes(scores, item_index, is_chosen, len(items))
    return pairwise_outcomes(scores, item_index, is_chosen, len(items), tie_value=tie_value)


def tie_rule(spec: BenchmarkSpec, config: EvalConfig) -> tuple[float, str]:
    """The tie credit a benchmark is scored with, and where it comes from.

    Example:
        >>> from rewardkit.benchmarks import load_spec
        >>> tie_rule(load_spec("judgebench"), EvalConfig())
        (0.0, 'benchmark rule')
        >>> tie_rule(load_spec("judgebench"), EvalConfig(tie_value=0.5))
        (0.5, '--tie-value')
    """
    if config.tie_value is not None:
        return config.tie_value, "--tie-value"
    return spec.tie_value, "benchmark rule"


def run_suite(
    entries: Sequence[SuiteEntry],
    model_spec: str | ModelSpec,
    config: EvalConfig,
    out: Path,
    *,
    model_options: Mapping[str, Any] | None = None,
    on_benchmark: Callable[[int, int, BenchmarkSpec], None] | None = None,
    progress: bool | None = None,
) -> SuiteRun:
    """Evaluate ``model_spec`` on every benchmark; write ``OUT/suite.json`` and one run
    directory per benchmark.

    Each benchmark is scored with its spec's tie rule (``spec.tie_value``) unless
    ``config.tie_value`` overrides it; its run directory's ``results.json`` uses the same
    credit. ``on_benchmark(i, n, spec)`` is called before the ``i``-th of ``n`` benchmarks
    starts (1-based), ``progress`` is handed to the scoring progress bar. A spec string is
    parsed once, when the first benchmark starts. ``out`` is written transactionally: a
    failed suite leaves an earlier one there intact."""
    with StagedOutput(out, "suite") as stage:
        run = _suite_into(
            entries, model_spec, config, stage.path, model_options, on_benchmark, progress
        )
    moved = {name: replace(r, run_dir=out / name) for name, r in run.runs.items()}
    return replace(run, runs=moved)


def _suite_into(
    entries: Sequence[SuiteEntry],
    model_spec: str | ModelSpec,
    config: EvalConfig,
    out: Path,
    model_options: Mapping[str, Any] | None,
    on_benchmark: Callable[[int, int, BenchmarkSpec], None] | None,
    progress: bool | None,
) -> SuiteRun:
    parsed: ModelSpec | None = None
    runs: dict[str, EvalRun] = {}
    scores: dict[str, BenchmarkScore] = {}
    reweighted: dict[str, Estimate] = {}
    outcomes_of: dict[str, np.ndarray] = {}
    rules: dict[str, str] = {}
    for position, entry in enumerate(entries, start=1):
        spec = entry.spec
        if on_benchmark is not None:
            on_benchmark(position, len(entries), spec)
        credit, rules[spec.name] = tie_rule(spec, config)
        cfg = config.model_copy(
            update={"layout": spec.layout or config.layout, "tie_value": credit}
        )
        if parsed is None:
            parsed = as_model_spec(model_spec, model_options, defaults={"seed": config.seed})
        run = run_eval(entry.data, parsed, cfg, out / spec.name, progress=progress)
        runs[spec.name] = run
        scores[spec.name] = score_benchmark(
            spec,
            run.loaded.items,
            run.scores,
            seed=config.seed,
            n_resamples=config.bootstrap,
            tie_value=credit,
        )
        items, flat = without_labelled_ties(run.loaded.items, run.scores)
        outcomes = item_outcomes(items, flat, spec.metric, credit)
        outcomes_of[spec.name] = outcomes
        domains = [it.domain or "" for it in items]
        if len(set(domains)) > 1 and all(domains):
            reweighted[spec.name] = reweighted_accuracy(
                outcomes, domains, n_resamples=config.bootstrap, seed=config.seed
            )
    gaps = _robustness_gaps([e.spec for e in entries], outcomes_of, config)
    warnings = []
    if len(entries) < MIN_BENCHMARKS:
        warnings.append(
            f"only {len(entries)} benchmark(s): one benchmark says little; run at "
            f"least {MIN_BENCHMARKS}, one of them domain-shifted"
        )
    if not any(e.spec.domain_shifted for e in entries):
        warnings.append("no domain-shifted benchmark was run, so there is no robustness gap")
    results = {
        "schema_version": 1,
        "command": "eval --benchmark",
        "model": model_spec,
        "benchmarks": {
            e.spec.name: _benchmark_json(
                scores[e.spec.name], runs[e.spec.name], e.spec, rules[e.spec.name]
            )
            for e in entries
        },
        "robustness_gap": {name: g.to_json() for name, g in gaps.items()},
        "reweighted_accuracy": {name: e.to_json() for name, e in reweighted.items()},
        "warnings": warnings,
    }
    write_json(out / "suite.json", results)
    return SuiteRun(
        runs=runs,
        scores=scores,
        gaps=gaps,
        reweighted=reweighted,
        warnings=tuple(warnings),
        results_json=results,
    )


def _benchmark_json(
    score: BenchmarkScore, run: EvalRun, spec: BenchmarkSpec, rule: str
) -> dict[str, Any]:
    """A benchmark's block of suite.json: its roll-up, where its rules come from, and the
    data counts of its run (rows skipped, ties excluded, inputs truncated)."""
    res = run.results_json
    data = res.get("data") or {}
    with_ties = (res.get("metrics") or {}).get("accuracy_with_ties")
    return {
        **score.to_json(),
        "source": spec.source,
        "tie_rule": rule,
        "n_rows": data.get("n_rows"),
        "n_skipped": data.get("n_skipped"),
        "n_truncated": data.get("n_truncated"),
        "accuracy_with_ties": with_ties,
    }


def _robustness_gaps(
    specs: Sequence[BenchmarkSpec], outcomes_of: dict[str, np.ndarray], config: EvalConfig
) -> dict[str, Estimate]:
    """For each domain-shifted benchmark: accuracy of its in-domain reference (``shifted_from``
    when it ran, else every in-domain benchmark pooled) minus its own, with a CI."""
    in_domain = [s.name for s in specs if not s.domain_shifted]
    gaps: dict[str, Estimate] = {}
    for spec in specs:
        if not spec.domain_shifted or not in_domain:
            continue
        reference = [spec.shifted_from] if spec.shifted_from in outcomes_of else in_domain
        gaps[spec.name] = robustness_gap(
            np.concatenate([outcomes_of[name] for name in reference]),
            outcomes_of[spec.name],
            n_resamples=config.bootstrap,
            seed=config.seed,
        )
    return gaps
