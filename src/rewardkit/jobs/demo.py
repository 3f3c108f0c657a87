"""The demo job: the main pipeline end to end on generated data.

generate -> curate (dedup, leak-free stratified train/validation/test split with two held-out
domains, audit) -> agreement and aggregation of the training split's annotations (checked
against the simulated ground truth) -> an embedding RM trained on the aggregated training
labels, calibrated on the validation split and installed as ``builtin:demo`` -> evaluation with
CIs on the test prompts, the held-out domains and the annotated test pairs, against two
baselines -> best-of-N overoptimization (gamma) against the simulated true reward -> bias
probes of the RM, a guard policy over the responses, a pre-registered A/B replay (best-of-4
by the RM against a random candidate) and drift monitoring of simulated traffic with planted
drift (:mod:`rewardkit.jobs.demo_checks`).

It writes ``OUT/demo.json`` (settings, each stage's run folder, the truth check) and renders
``OUT/report.html``, the whole pipeline on one page, from the documents the stages wrote. It
prints nothing: each stage's outcome goes to a :class:`DemoObserver` (``rewardkit demo`` prints
them as tables).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from rewardkit.annotations.aggregate.result import AggregationResult
from rewardkit.config import EvalConfig
from rewardkit.errors import MissingExtraError
from rewardkit.jobs.demo_data import (
    NO_VALIDATION,
    annotated_pairs,
    benchmarks,
    candidates_file,
    gap_references,
    has_rows,
    probe_source,
    write_pairs,
)
from rewardkit.jobs.suite import SuiteRun, run_suite
from rewardkit.report.html import write_leaderboard
from rewardkit.report.html.pipeline_data import DEMO_DOCUMENT, ModelRuns
from rewardkit.report.html.pipeline_page import write_pipeline_page
from rewardkit.runs import write_json
from rewardkit.scoring import ScoreCache

if TYPE_CHECKING:
    from rewardkit.jobs.annotations import AggregateRun, AgreeRun
    from rewardkit.jobs.curate import CurateRun
    from rewardkit.jobs.train import TrainRun
    from rewardkit.metrics import EvaluationResult

__all__ = [
    "BASELINES",
    "NO_VALIDATION",
    "REPORT_FILE",
    "DemoObserver",
    "DemoOptions",
    "DemoRun",
    "run_demo",
]

BASELINES = ("baseline:length", "baseline:random")
REPORT_FILE = "report.html"


@dataclass(frozen=True)
class DemoOptions:
    """The demo's settings (``rewardkit demo``'s options)."""

    out: Path
    seed: int = 0
    prompts: int = 240
    bootstrap: int = 1000
    embed: bool = True


@dataclass(frozen=True)
class DemoRun:
    """What the demo produced: the one-page report and each model's benchmark suite."""

    report: Path
    suites: Mapping[str, SuiteRun]


class DemoObserver:
    """Receives each stage's outcome as the demo runs; every method does nothing here.

    ``rewardkit demo`` overrides them to print the stage's tables; the order of the calls is
    the order of the stages.
    """

    def data(self, data_dir: Path, written: Mapping[str, Path]) -> None:
        """The generated data files."""

    def curated(self, run: CurateRun, dedup: Mapping[str, Any], split: Mapping[str, Any]) -> None:
        """Curation done: its run, ``dedup.json`` and the split manifest."""

    def agreement(self, run: AgreeRun) -> None:
        """Agreement of the training split's annotations."""

    def truth(self, check: Mapping[str, Mapping[str, Any]]) -> None:
        """Spearman rho of each aggregated score with the simulated truth (JSON estimates)."""

    def aggregated(self, run: AggregateRun) -> None:
        """Aggregation of the training split's annotations (the RM's training labels)."""

    def trained(self, run: TrainRun, manifest: Mapping[str, Any]) -> None:
        """The embedding RM trained, with its ``train_manifest.json``."""

    def calibrated(self, results: Mapping[str, Any]) -> None:
        """The calibration's ``calibration.json``."""

    def installed(self, path: Path) -> None:
        """The RM installed as ``builtin:demo`` at ``path``."""

    def evaluated(
        self,
        headline: EvaluationResult,
        title: str,
        models: Sequence[ModelRuns],
        gap_reference: Mapping[str, str],
    ) -> None:
        """Every model's suite: the headline run's result, all models' documents."""

    def bon(self, results: Mapping[str, Any]) -> None:
        """The best-of-N run's ``results.json``."""

    def probed(self, results: Mapping[str, Any]) -> None:
        """The bias probes' ``results.json``."""

    def guarded(self, results: Mapping[str, Any]) -> None:
        """The guard run's ``results.json``."""

    def abtested(self, results: Mapping[str, Any]) -> None:
        """The A/B replay's ``results.json``."""

    def drifted(
        self, results: Mapping[str, Any], planted: Mapping[str, Any], found: Mapping[str, Any]
    ) -> None:
        """The drift monitor's ``results.json``, the planted drift and what the alerts found."""

    def warn(self, message: str) -> None:
        """A stage was skipped or had too little data."""


def _curate(data_dir: Path, out: Path, seed: int, observer: DemoObserver) -> Path:
    """Dedup, split (20% test and 15% validation per domain, two domains held out) and audit;
    the splits folder."""
    import json

    from rewardkit.curation.splits import SplitConfig
    from rewardkit.jobs.curate import CurateConfig, run_curate

    config = CurateConfig(
        split=SplitConfig(test_share=0.2, validation_share=0.15, n_holdout_domains=2, seed=seed)
    )
    run = run_curate(data_dir, out, config)
    dedup = json.loads((out / "dedup.json").read_text(encoding="utf-8"))
    split = json.loads(run.split_manifest.read_text(encoding="utf-8"))
    observer.curated(run, dedup, split)
    return out / "splits"


def _annotations(
    split_dir: Path, truth_file: Path, out: Path, opts: DemoOptions, observer: DemoObserver
) -> tuple[AggregationResult, dict[str, Any]]:
    """Agreement and aggregation of the training split's campaign, checked against the truth;
    returns the aggregation (the RM's training labels) and the truth check (Spearman rho of
    each aggregated score, as JSON estimates)."""
    from rewardkit.annotations.aggregate import AggregationConfig
    from rewardkit.annotations.truth import rank_agreement_with_truth
    from rewardkit.config import AgreeConfig
    from rewardkit.jobs.annotations import run_aggregate, run_agree

    seed, bootstrap = opts.seed, opts.bootstrap
    ratings = split_dir / "train" / "ratings.jsonl"
    agree = run_agree(
        ratings, AgreeConfig(seed=seed, bootstrap=bootstrap), out / "runs" / "annotations-agree"
    )
    observer.agreement(agree)
    aggregated = run_aggregate(
        ratings,
        split_dir / "train" / "comparisons.jsonl",
        AggregationConfig(seed=seed),
        out / "runs" / "annotations-aggregate",
    )
    truth = pd.read_json(truth_file, lines=True, dtype={"item_id": str})
    check = {
        column: est.to_json()
        for column, est in rank_agreement_with_truth(
            aggregated.result.items, truth, n_resamples=bootstrap, seed=seed
        ).items()
    }
    observer.truth(check)
    observer.aggregated(aggregated)
    return aggregated.result, dict(check)


def _train_and_calibrate(
    split_dir: Path,
    data_dir: Path,
    labels: AggregationResult,
    cache_path: Path,
    opts: DemoOptions,
    observer: DemoObserver,
) -> tuple[str | None, bool]:
    """Train the embed: RM on the training split's aggregated annotation pairs, calibrate it
    (temperature) on the validation split's, install it as builtin:demo; returns the model
    spec (None when the embed extra is missing) and whether it was calibrated."""
    import json

    from rewardkit.jobs.calibrate import run_calibrate
    from rewardkit.jobs.train import MANIFEST_NAME, run_train
    from rewardkit.models.builtin import install_builtin
    from rewardkit.train.config import TrainConfig

    out, seed = opts.out, opts.seed
    train_pairs = write_pairs(
        labels, split_dir / "train", data_dir / "preferences.annotated-train.jsonl"
    )
    folder = out / "models" / "demo-embed"
    try:
        with ScoreCache(cache_path) as cache:
            run = run_train(
                train_pairs, TrainConfig(seed=seed), folder, overwrite=True, cache=cache
            )
    except MissingExtraError as exc:
        observer.warn(f"skipping the embedding RM: {exc}")
        return None, False
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    observer.trained(run, manifest)
    if not has_rows(split_dir / "validation" / "ratings.jsonl"):
        observer.warn(f"{NO_VALIDATION}: calibration skipped")
        return f"embed:{folder}", False
    val_pairs = annotated_pairs(
        split_dir / "validation", data_dir / "preferences.annotated-validation.jsonl", seed
    )
    calibrated = run_calibrate(
        f"embed:{folder}",
        val_pairs,
        "temperature",
        out / "runs" / "calibrate",
        EvalConfig(seed=seed, bootstrap=opts.bootstrap, cache=str(cache_path)),
    )
    observer.calibrated(calibrated.results_json)
    observer.installed(install_builtin("demo", folder))
    return "builtin:demo", True


def _bon(
    candidates: Path, specs: list[str], out: Path, config: EvalConfig, observer: DemoObserver
) -> None:
    """Best-of-N on the test prompts' four candidates each, gold = the simulated true reward."""
    from rewardkit.jobs.bon import run_bon
    from rewardkit.rl.bon import BonConfig

    run = run_bon(
        candidates,
        specs,
        out,
        gold_scores="from-data",
        config=BonConfig(
            seed=config.seed, bootstrap=config.bootstrap, cache=config.cache, group_by=("domain",)
        ),
    )
    observer.bon(run.results_json)


def _checks(
    opts: DemoOptions,
    split_dir: Path,
    candidates: Path | None,
    specs: list[str],
    config: EvalConfig,
    stages: dict[str, Any],
    skipped: dict[str, str],
    observer: DemoObserver,
) -> dict[str, Any]:
    """Bias probes of the best RM (and baseline:length) on the held-out pairs, the guard policy
    over every generated response, the A/B replay of best-of-4 by the best RM against a
    random candidate, and drift monitoring of simulated traffic; records each stage's run
    folder (or why it was skipped) and returns the drift check for ``demo.json``."""
    from rewardkit.jobs.demo_checks import (
        ABTEST_INPUTS,
        probe_models,
        run_demo_drift,
        run_demo_guard,
        run_demo_probes,
        run_demo_replay,
    )

    out = opts.out
    source = probe_source(
        split_dir / "test" / "preferences.jsonl", out / "data" / "preferences.probe.jsonl"
    )
    stages["probe"] = stages["guard"] = stages["abtest"] = stages["drift"] = None
    if source is None:
        skipped["probe"] = "no held-out test pairs at this size (use more --prompts)"
        observer.warn(f"bias probes: {skipped['probe']}")
    else:
        observer.probed(
            run_demo_probes(source, probe_models(specs), out / "runs" / "probe", config)
        )
        stages["probe"] = "runs/probe"
    observer.guarded(
        run_demo_guard(
            out / "data" / "responses.jsonl",
            out / "guard-policy.yaml",
            out / "runs" / "guard",
            opts.seed,
            opts.bootstrap,
        )
    )
    stages["guard"] = "runs/guard"
    if candidates is None:
        skipped["abtest"] = "no test prompts at this size (use more --prompts)"
        observer.warn(f"A/B replay: {skipped['abtest']}")
    else:
        observer.abtested(
            run_demo_replay(
                candidates, specs[0], out / ABTEST_INPUTS, out / "runs" / "abtest", config
            )
        )
        stages["abtest"] = "runs/abtest"
    results, planted, found = run_demo_drift(out / "runs" / "drift", opts.seed, opts.bootstrap)
    observer.drifted(results, planted, found)
    stages["drift"] = "runs/drift/monitor"
    return {"planted": planted, "found": found, "traffic": "runs/drift/traffic"}


def _write_demo_json(out: Path, document: Mapping[str, Any]) -> None:
    """``OUT/demo.json``: the demo's settings, the folder of each stage's run (relative to
    OUT), the truth check and what was skipped; the one-page report reads it."""
    write_json(out / DEMO_DOCUMENT, {"schema_version": 1, "command": "demo", **document})


def _models(
    opts: DemoOptions,
    split_dir: Path,
    data_dir: Path,
    labels: AggregationResult,
    stages: dict[str, Any],
    skipped: dict[str, str],
    observer: DemoObserver,
) -> list[str]:
    """The model specs to evaluate, best first: the trained (and calibrated) embedding RM
    when it could be trained, then the baselines; records the stages run or skipped."""
    specs = list(BASELINES)
    if opts.embed:
        trained, calibrated = _train_and_calibrate(
            split_dir, data_dir, labels, opts.out / "cache.sqlite", opts, observer
        )
        if trained is not None:
            specs.insert(0, trained)
            stages["train"] = "models/demo-embed"
        else:
            skipped["train"] = "the embedding extra is not installed"
        if calibrated:
            stages["calibration"] = "runs/calibrate"
        elif trained is not None:
            skipped["calibration"] = NO_VALIDATION
    else:
        skipped["train"] = skipped["calibration"] = "--no-embed"
    if "train" in skipped:
        skipped.setdefault("calibration", skipped["train"])
    return specs


def run_demo(opts: DemoOptions, observer: DemoObserver | None = None) -> DemoRun:
    """Generate the demo dataset and run the whole pipeline on it (see the module docstring).

    Args:
        opts: Output folder, seed, number of prompts, bootstrap resamples, whether to train
            the embedding RM.
        observer: Receives each stage's outcome (default: one that ignores them).

    Returns:
        The one-page report's path and each model's suite.

    Example:
        >>> opts = DemoOptions(Path("demo-out"), prompts=60, bootstrap=100, embed=False)
        >>> opts.seed, (opts.out / REPORT_FILE).as_posix()
        (0, 'demo-out/report.html')
    """
    from rewardkit.data.demo import DemoConfig, generate_demo, write_demo

    observer = observer or DemoObserver()
    out, seed, bootstrap = opts.out, opts.seed, opts.bootstrap
    data_dir = out / "data"
    written = write_demo(generate_demo(DemoConfig(seed=seed, n_prompts=opts.prompts)), data_dir)
    observer.data(data_dir, written)
    split_dir = _curate(data_dir, out / "curated", seed, observer)
    labels, truth = _annotations(split_dir, written["responses"], out, opts, observer)
    stages: dict[str, Any] = {
        "curation": "curated",
        "agreement": "runs/annotations-agree",
        "aggregation": "runs/annotations-aggregate",
        "train": None,
        "calibration": None,
    }
    skipped: dict[str, str] = {}
    specs = _models(opts, split_dir, data_dir, labels, stages, skipped, observer)
    config = EvalConfig(seed=seed, bootstrap=bootstrap, cache=str(out / "cache.sqlite"))
    entries = benchmarks(split_dir, data_dir, seed, observer.warn)
    suites: dict[str, SuiteRun] = {}
    folders: dict[str, str] = {}
    for spec in specs:
        name = spec.split(":")[1] if spec.startswith("baseline:") else "embed"
        folders[spec] = f"runs/eval-{name}"
        suites[spec] = run_suite(entries, spec, config, out / folders[spec])
    best, first = specs[0], entries[0].spec.name
    models = [
        ModelRuns(
            spec,
            folders[spec],
            suites[spec].results_json,
            {k: r.results_json for k, r in suites[spec].runs.items()},
        )
        for spec in specs
    ]
    gap_reference = gap_references(entries)
    observer.evaluated(
        suites[best].runs[first].result, f"{best} on the held-out prompts", models, gap_reference
    )
    for message in suites[best].warnings:
        observer.warn(message)
    candidates = candidates_file(split_dir, data_dir / "candidates.jsonl")
    if candidates is None:
        observer.warn("no test prompts for best-of-N; use more --prompts")
        skipped["bon"] = "no test prompts at this size (use more --prompts)"
    else:
        _bon(candidates, specs, out / "runs" / "bon", config, observer)
    drift = _checks(opts, split_dir, candidates, specs, config, stages, skipped, observer)
    write_leaderboard(
        [suites[spec].runs[first].run_dir for spec in specs],
        out / "leaderboard.html",
        title="rewardkit demo: held-out prompts",
    )
    stages["eval"] = folders
    stages["bon"] = None if candidates is None else "runs/bon"
    _write_demo_json(
        out,
        {
            "config": {
                "seed": seed,
                "prompts": opts.prompts,
                "bootstrap": bootstrap,
                "embed": opts.embed,
            },
            "stages": stages,
            "skipped": skipped,
            "truth": truth,
            "headline": {"model": best, "benchmark": first},
            "gap_reference": gap_reference,
            "candidates": None if candidates is None else "data/candidates.jsonl",
            "guard_policy": "guard-policy.yaml",
            "abtest_inputs": None if candidates is None else "abtest",
            "drift": drift,
        },
    )
    report = write_pipeline_page(out, out / REPORT_FILE)
    return DemoRun(report=report, suites=suites)
