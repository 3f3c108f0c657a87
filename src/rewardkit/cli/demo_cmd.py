"""``rewardkit demo``: the main job end to end on generated data.

generate -> curate (dedup, leak-free stratified train/validation/test split with two held-out
domains, audit) -> agreement and aggregation of the training split's annotations (checked
against the simulated ground truth) -> an embedding RM trained on the aggregated training
labels, calibrated on the validation split and installed as ``builtin:demo`` -> evaluation with
CIs on the test prompts, the held-out domains and the annotated test pairs, against two
baselines -> best-of-N overoptimization (gamma) against the simulated true reward.

It writes ``OUT/demo.json`` (settings, each stage's run folder, the truth check) and renders
``OUT/report.html``, the whole pipeline on one page, from the documents the stages wrote; the
tables it prints carry the same formatted numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.annotations.aggregate.result import AggregationResult
from rewardkit.cli.app import app, console, warn
from rewardkit.config import EvalConfig
from rewardkit.errors import DataError as MissingDataError
from rewardkit.errors import MissingExtraError
from rewardkit.evaluate_suite import SuiteEntry, SuiteRun, run_suite
from rewardkit.report import metrics_table, write_json
from rewardkit.report.html import write_leaderboard
from rewardkit.report.html.pipeline_data import (
    DEMO_DOCUMENT,
    Grid,
    ModelRuns,
    calibration_summary,
    curation_summary,
    overall_grid,
    pair_accuracy_grid,
    train_summary,
    truth_grid,
)
from rewardkit.report.html.pipeline_page import write_pipeline_page
from rewardkit.scoring import ScoreCache

BASELINES = ("baseline:length", "baseline:random")
NO_VALIDATION = "no validation prompts at this size (use more --prompts)"


def _curate(data_dir: Path, out: Path, seed: int) -> Path:
    """Dedup, split (20% test and 15% validation per domain, two domains held out) and audit;
    the splits folder."""
    from rewardkit.cli.curation_cmd import audit_table
    from rewardkit.curation.curate import CurateConfig, run_curate
    from rewardkit.curation.splits import SplitConfig

    config = CurateConfig(
        split=SplitConfig(test_share=0.2, validation_share=0.15, n_holdout_domains=2, seed=seed)
    )
    run = run_curate(data_dir, out, config)
    dedup = json.loads((out / "dedup.json").read_text(encoding="utf-8"))
    split = json.loads(run.split_manifest.read_text(encoding="utf-8"))
    console.print(curation_summary(dedup, split), highlight=False, soft_wrap=True)
    console.print(audit_table(run.audit))
    return out / "splits"


def _console_table(grid: Grid) -> Table:
    """A rich table of the same cells the one-page report shows."""
    table = Table(title=escape(grid.title), title_justify="left")
    for name, numeric in zip(grid.header, grid.numeric, strict=True):
        table.add_column(escape(name), justify="right" if numeric else "left")
    for row in grid.rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


def _annotations(
    split_dir: Path, truth_file: Path, out: Path, seed: int, bootstrap: int
) -> tuple[AggregationResult, dict[str, Any]]:
    """Agreement and aggregation of the training split's campaign, checked against the truth;
    returns the aggregation (the RM's training labels) and the truth check (Spearman rho of
    each aggregated score, as JSON estimates)."""
    from rewardkit.annotations.aggregate import AggregationConfig
    from rewardkit.annotations.runs import run_aggregate, run_agree
    from rewardkit.annotations.truth import rank_agreement_with_truth
    from rewardkit.cli.annotations_cmd import agreement_table
    from rewardkit.config import AgreeConfig

    ratings = split_dir / "train" / "ratings.jsonl"
    agree = run_agree(
        ratings, AgreeConfig(seed=seed, bootstrap=bootstrap), out / "runs" / "annotations-agree"
    )
    console.print(agreement_table(agree.report))
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
    console.print(_console_table(truth_grid(check)))
    console.print(
        f"aggregated {len(aggregated.result.items)} items into "
        f"{len(aggregated.result.pairs)} training pairs "
        f"({aggregated.run_dir / 'pairs.jsonl'})",
        soft_wrap=True,
    )
    return aggregated.result, dict(check)


def _train_and_calibrate(
    split_dir: Path,
    data_dir: Path,
    labels: AggregationResult,
    out: Path,
    cache_path: Path,
    seed: int,
    bootstrap: int,
) -> tuple[str | None, bool]:
    """Train the embed: RM on the training split's aggregated annotation pairs, calibrate it
    (temperature) on the validation split's, install it as builtin:demo; returns the model
    spec (None when the embed extra is missing) and whether it was calibrated."""
    from rewardkit.calibration.run import run_calibrate
    from rewardkit.cli.train_cmd import history_table
    from rewardkit.models.builtin import install_builtin
    from rewardkit.train.config import TrainConfig
    from rewardkit.train.run import MANIFEST_NAME, run_train

    train_pairs = _write_pairs(
        labels, split_dir / "train", data_dir / "preferences.annotated-train.jsonl"
    )
    folder = out / "models" / "demo-embed"
    try:
        with ScoreCache(cache_path) as cache:
            run = run_train(
                train_pairs, TrainConfig(seed=seed), folder, overwrite=True, cache=cache
            )
    except MissingExtraError as exc:
        warn(f"skipping the embedding RM: {exc}")
        return None, False
    console.print(history_table(run.history, run.best_epoch))
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    console.print(train_summary(manifest), highlight=False)
    if not _has_rows(split_dir / "validation" / "ratings.jsonl"):
        warn(f"{NO_VALIDATION}: calibration skipped")
        return f"embed:{folder}", False
    val_pairs = _annotated_pairs(
        split_dir / "validation", data_dir / "preferences.annotated-validation.jsonl", seed
    )
    calibrated = run_calibrate(
        f"embed:{folder}",
        val_pairs,
        "temperature",
        out / "runs" / "calibrate",
        EvalConfig(seed=seed, bootstrap=bootstrap, cache=str(cache_path)),
    )
    console.print(calibration_summary(calibrated.results_json), highlight=False)
    installed = install_builtin("demo", folder)
    console.print(f"installed as builtin:demo ({installed})", soft_wrap=True)
    return "builtin:demo", True


def _candidates(split_dir: Path, out_file: Path) -> Path | None:
    """The test prompts with their candidates (the highest simulated true reward first), each
    with its true reward as its score: ``rewardkit bon --gold-scores from-data`` reads it.
    None when there are no test prompts."""
    from rewardkit.curation.splits import read_table
    from rewardkit.data.records import PreferenceItem
    from rewardkit.data.writers import write_preferences

    responses = read_table(split_dir / "test" / "responses.jsonl")
    prompts = read_table(split_dir / "test" / "prompts.jsonl")
    if responses.empty:
        return None
    prompt_of = dict(
        zip(prompts["prompt_id"].astype(str), prompts["prompt"].astype(str), strict=True)
    )
    domain_of = dict(
        zip(prompts["prompt_id"].astype(str), prompts["domain"].astype(str), strict=True)
    )
    items = []
    for prompt_id, group in responses.groupby("prompt_id", sort=True):
        group = group.sort_values("true_reward", ascending=False, kind="stable")
        texts = [str(t) for t in group["text"]]
        rewards = [float(x) for x in group["true_reward"]]
        items.append(
            PreferenceItem(
                id=str(prompt_id),
                prompt=prompt_of[str(prompt_id)],
                chosen=(texts[0],),
                rejected=tuple(texts[1:]),
                domain=domain_of[str(prompt_id)],
                chosen_scores=(rewards[0],),
                rejected_scores=tuple(rewards[1:]),
            )
        )
    return write_preferences(items, out_file)


def _bon(candidates: Path, specs: list[str], out: Path, config: EvalConfig) -> None:
    """Best-of-N on the test prompts' four candidates each, gold = the simulated true reward."""
    from rewardkit.cli.bon_cmd import gamma_table
    from rewardkit.rl.bon import BonConfig, run_bon

    run = run_bon(
        candidates,
        specs,
        out,
        gold_scores="from-data",
        config=BonConfig(
            seed=config.seed, bootstrap=config.bootstrap, cache=config.cache, group_by=("domain",)
        ),
    )
    res = run.results_json
    console.print(
        gamma_table(
            f"best-of-N overoptimization on {res['data']['n_prompts']} test prompts "
            "(gold: simulated true reward; gamma 0 = picks like the gold)",
            [(e["spec"], e) for e in res["proxies"]],
            "proxy",
            0.95,
        )
    )


def _has_rows(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _write_pairs(result: AggregationResult, part_dir: Path, out_file: Path) -> Path:
    """The aggregated pairs of one split with their texts and margins."""
    from rewardkit.annotations.training_data import pair_items, read_texts
    from rewardkit.data.writers import write_preferences

    texts = read_texts(part_dir / "responses.jsonl", part_dir / "prompts.jsonl")
    return write_preferences(pair_items(result, texts), out_file)


def _annotated_pairs(part_dir: Path, out_file: Path, seed: int) -> Path:
    """Pairs (with margins and texts) from one split's aggregated human annotations: training
    data for the validation split, a third benchmark for the test split."""
    from rewardkit.annotations.aggregate import AggregationConfig, aggregate
    from rewardkit.annotations.tables import Scale, read_comparisons, read_ratings

    ratings = read_ratings(part_dir / "ratings.jsonl", scale=Scale(1, 5))
    comparisons = read_comparisons(part_dir / "comparisons.jsonl")
    result = aggregate(
        ratings.drop(columns=["__row__"]),
        comparisons.drop(columns=["__row__"]),
        AggregationConfig(seed=seed),
    )
    return _write_pairs(result, part_dir, out_file)


def _benchmarks(split_dir: Path, data_dir: Path, seed: int) -> list[SuiteEntry]:
    """The demo's three benchmarks: held-out prompts (ground-truth pairs), held-out domains
    (domain-shifted) and held-out prompts labelled by the aggregated annotations."""
    from rewardkit.benchmarks import BenchmarkSpec, OverallFormula, load_spec

    annotated = BenchmarkSpec(
        name="demo-annotated",
        description="held-out prompts, pairs from aggregated annotations",
        item_format="pairwise",
        metric="accuracy",
        group_by="domain",
        overall=[OverallFormula(name="mean")],
    )
    candidates = [
        (load_spec("demo"), split_dir / "test" / "preferences.jsonl"),
        (load_spec("demo-holdout"), split_dir / "holdout" / "preferences.jsonl"),
        (
            annotated,
            _annotated_pairs(
                split_dir / "test", data_dir / "preferences.annotated-test.jsonl", seed
            ),
        ),
    ]
    entries = [SuiteEntry(spec=spec, data=path) for spec, path in candidates if _has_rows(path)]
    if len(entries) < len(candidates):
        warn("some demo benchmarks have no pairs at this size; use more --prompts")
    if not entries:
        raise MissingDataError("the demo produced no evaluation pairs; use more --prompts")
    return entries


def _gap_references(entries: Sequence[SuiteEntry]) -> dict[str, str]:
    """For each domain-shifted benchmark, the in-domain benchmark(s) its robustness gap is
    measured against: its ``shifted_from`` when that ran, else every in-domain one (the rule
    of :func:`rewardkit.evaluate_suite.run_suite`)."""
    names = [e.spec.name for e in entries]
    in_domain = [e.spec.name for e in entries if not e.spec.domain_shifted]
    refs = {}
    for e in entries:
        if e.spec.domain_shifted and in_domain:
            ref = e.spec.shifted_from
            refs[e.spec.name] = ref if ref in names else " + ".join(in_domain)
    return refs


def _model_runs(spec: str, folder: str, suite: SuiteRun) -> ModelRuns:
    return ModelRuns(
        spec, folder, suite.results_json, {k: r.results_json for k, r in suite.runs.items()}
    )


def _write_demo_json(out: Path, document: Mapping[str, Any]) -> None:
    """``OUT/demo.json``: the demo's settings, the folder of each stage's run (relative to
    OUT), the truth check and what was skipped; the one-page report reads it."""
    write_json(out / DEMO_DOCUMENT, {"schema_version": 1, "command": "demo", **document})


@app.command("demo")
def demo_command(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for data, model and runs."),
    seed: int = typer.Option(0, "--seed", help="Seed for data generation and the bootstrap."),
    prompts: int = typer.Option(240, "--prompts", min=30, help="Number of demo prompts."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=10, help="Bootstrap resamples."),
    embed: bool = typer.Option(
        True,
        "--embed/--no-embed",
        help="Train and evaluate the embedding RM (needs rewardkit[embed]).",
    ),
) -> None:
    """Generate the demo dataset; curate it (dedup, leak-free stratified split with held-out
    domains, audit); check agreement of its simulated annotation campaign and aggregate it into
    one reward per response (compared with the ground truth); train an embedding RM on the
    training prompts; evaluate it against the baselines on held-out prompts and domains."""
    from rewardkit.data.demo import DemoConfig, generate_demo, write_demo

    report_path = out / "report.html"
    console.print(
        f"report: {report_path} (written at the end; every run also has its own report.html)",
        soft_wrap=True,
    )
    data_dir = out / "data"
    written = write_demo(generate_demo(DemoConfig(seed=seed, n_prompts=prompts)), data_dir)
    console.print(f"demo data: {data_dir} ({', '.join(sorted(written))})", soft_wrap=True)
    split_dir = _curate(data_dir, out / "curated", seed)
    labels, truth = _annotations(split_dir, written["responses"], out, seed, bootstrap)
    stages: dict[str, Any] = {
        "curation": "curated",
        "agreement": "runs/annotations-agree",
        "aggregation": "runs/annotations-aggregate",
        "train": None,
        "calibration": None,
    }
    skipped: dict[str, str] = {}
    cache_path = out / "cache.sqlite"
    specs = list(BASELINES)
    if embed:
        trained, calibrated = _train_and_calibrate(
            split_dir, data_dir, labels, out, cache_path, seed, bootstrap
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
    config = EvalConfig(seed=seed, bootstrap=bootstrap, cache=str(cache_path))
    entries = _benchmarks(split_dir, data_dir, seed)
    suites = {}
    folders = {}
    for spec in specs:
        name = spec.split(":")[1] if spec.startswith("baseline:") else "embed"
        folders[spec] = f"runs/eval-{name}"
        suites[spec] = run_suite(entries, spec, config, out / folders[spec])
    best = specs[0]
    first = entries[0].spec.name
    console.print(metrics_table(suites[best].runs[first].result, f"{best} on the held-out prompts"))
    models = [_model_runs(spec, folders[spec], suites[spec]) for spec in specs]
    gap_reference = _gap_references(entries)
    console.print(_console_table(pair_accuracy_grid(models, gap_reference)))
    console.print(_console_table(overall_grid(models)))
    for message in suites[best].warnings:
        warn(message)
    candidates = _candidates(split_dir, data_dir / "candidates.jsonl")
    if candidates is None:
        warn("no test prompts for best-of-N; use more --prompts")
        skipped["bon"] = "no test prompts at this size (use more --prompts)"
    else:
        _bon(candidates, specs, out / "runs" / "bon", config)
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
            "config": {"seed": seed, "prompts": prompts, "bootstrap": bootstrap, "embed": embed},
            "stages": stages,
            "skipped": skipped,
            "truth": truth,
            "headline": {"model": best, "benchmark": first},
            "gap_reference": gap_reference,
            "candidates": None if candidates is None else "data/candidates.jsonl",
        },
    )
    write_pipeline_page(out, report_path)
    for suite in suites.values():
        for run in suite.runs.values():
            console.print(f"run directory: {run.run_dir}", soft_wrap=True)
    console.print(f"report: {report_path}", soft_wrap=True)
