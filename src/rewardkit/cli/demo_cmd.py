"""``rewardkit demo``: the main job end to end on generated data.

generate -> curate (dedup, leak-free stratified train/validation/test split with two held-out
domains, audit) -> agreement and aggregation of the training split's annotations (checked
against the simulated ground truth) -> an embedding RM trained on the aggregated training
labels, calibrated on the validation split and installed as ``builtin:demo`` -> evaluation with
CIs on the test prompts, the held-out domains and the annotated test pairs, against two
baselines -> best-of-N overoptimization (gamma) against the simulated true reward.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from rewardkit.annotations.aggregate.result import AggregationResult
from rewardkit.cli.app import app, console, warn
from rewardkit.config import EvalConfig
from rewardkit.errors import DataError as MissingDataError
from rewardkit.errors import MissingExtraError
from rewardkit.evaluate_suite import SuiteEntry, SuiteRun, run_suite
from rewardkit.report import metrics_table
from rewardkit.report.html import write_leaderboard
from rewardkit.scoring import ScoreCache

BASELINES = ("baseline:length", "baseline:random")


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
    counts = _split_sizes(run.split_manifest)
    console.print(
        f"curated: {run.dedup.n_exact} exact and {run.dedup.n_near} near-duplicate "
        f"prompts removed; prompts per split {counts}; held-out domains "
        f"{', '.join(run.manifest['steps'][1]['detail']['holdout_domains'])}",
        highlight=False,
    )
    console.print(audit_table(run.audit))
    return out / "splits"


def _split_sizes(manifest: Path) -> dict[str, int]:
    import json

    splits = json.loads(manifest.read_text())["splits"]
    return {name: int(split["n_groups"]) for name, split in splits.items()}


def _annotations(
    split_dir: Path, truth_file: Path, out: Path, seed: int, bootstrap: int
) -> AggregationResult:
    """Agreement and aggregation of the training split's campaign, checked against the truth;
    returns the aggregation (the RM's training labels)."""
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
    table = Table(
        title="aggregated reward vs the simulated ground truth (Spearman)", title_justify="left"
    )
    for name in ("score", "rho", "95% CI", "items"):
        table.add_column(name, justify="left" if name == "score" else "right")
    for column, est in rank_agreement_with_truth(
        aggregated.result.items, truth, n_resamples=bootstrap, seed=seed
    ).items():
        table.add_row(
            column, f"{est.value:.3f}", f"[{est.ci_low:.3f}, {est.ci_high:.3f}]", str(est.n)
        )
    console.print(table)
    console.print(
        f"aggregated {len(aggregated.result.items)} items into "
        f"{len(aggregated.result.pairs)} training pairs "
        f"({aggregated.run_dir / 'pairs.jsonl'})",
        soft_wrap=True,
    )
    return aggregated.result


def _train_and_calibrate(
    split_dir: Path,
    data_dir: Path,
    labels: AggregationResult,
    out: Path,
    cache_path: Path,
    seed: int,
    bootstrap: int,
) -> str | None:
    """Train the embed: RM on the training split's aggregated annotation pairs, calibrate it
    (temperature) on the validation split's, install it as builtin:demo; None when the embed
    extra is missing."""
    from rewardkit.calibration.run import run_calibrate
    from rewardkit.cli.train_cmd import history_table
    from rewardkit.models.builtin import install_builtin
    from rewardkit.train.config import TrainConfig
    from rewardkit.train.run import run_train

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
        return None
    console.print(history_table(run.history, run.best_epoch))
    console.print(
        f"trained the demo embedding RM (MiniLM + linear Bradley-Terry head) on {run.n_train} "
        f"aggregated annotation pairs of the training prompts; best epoch {run.best_epoch} "
        f"of {run.epochs_run}",
        highlight=False,
    )
    if not _has_rows(split_dir / "validation" / "ratings.jsonl"):
        warn("no validation prompts at this size (use more --prompts): calibration skipped")
        return f"embed:{folder}"
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
    r = calibrated.report
    console.print(
        f"calibrated on {r['n_pairs']} validation pairs: temperature "
        f"{calibrated.calibrator.temperature_:.3f}, ECE {r['ece_before']:.3f} -> "  # type: ignore[attr-defined]
        f"{r['ece_after']:.3f}, log-loss {r['log_loss_before']:.3f} -> {r['log_loss_after']:.3f}",
        highlight=False,
    )
    installed = install_builtin("demo", folder)
    console.print(f"installed as builtin:demo ({installed})", soft_wrap=True)
    return "builtin:demo"


def _bon(split_dir: Path, specs: list[str], out: Path, config: EvalConfig) -> None:
    """Best-of-N on the test prompts' four candidates each, gold = the simulated true reward."""
    from rewardkit.cli.bon_cmd import gamma_table
    from rewardkit.curation.splits import read_table
    from rewardkit.data.records import PreferenceItem
    from rewardkit.rl.bon import BonConfig, run_bon

    responses = read_table(split_dir / "test" / "responses.jsonl")
    prompts = read_table(split_dir / "test" / "prompts.jsonl")
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
    if not items:
        warn("no test prompts for best-of-N; use more --prompts")
        return
    run = run_bon(
        items,
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


def _suite_table(suites: dict[str, SuiteRun], specs: list[str], entries: list[SuiteEntry]) -> Table:
    table = Table(title="overall accuracy by benchmark (95% CI)", title_justify="left")
    table.add_column("model")
    for entry in entries:
        table.add_column(entry.spec.name, justify="right")
    table.add_column("robustness gap", justify="right")
    for spec in specs:
        suite = suites[spec]
        cells = [spec if spec.startswith("baseline:") else f"{spec} (embed RM)"]
        for entry in entries:
            est = next(iter(suite.scores[entry.spec.name].overall.values()))
            cells.append(f"{est.value:.3f} [{est.ci_low:.3f}, {est.ci_high:.3f}]")
        gap = next(iter(suite.gaps.values()), None)
        cells.append(
            "" if gap is None else f"{gap.value:+.3f} [{gap.ci_low:+.3f}, {gap.ci_high:+.3f}]"
        )
        table.add_row(*cells)
    return table


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
    labels = _annotations(split_dir, written["responses"], out, seed, bootstrap)
    cache_path = out / "cache.sqlite"
    specs = list(BASELINES)
    if embed:
        trained = _train_and_calibrate(
            split_dir, data_dir, labels, out, cache_path, seed, bootstrap
        )
        if trained is not None:
            specs.insert(0, trained)
    config = EvalConfig(seed=seed, bootstrap=bootstrap, cache=str(cache_path))
    entries = _benchmarks(split_dir, data_dir, seed)
    suites = {}
    for spec in specs:
        name = spec.split(":")[1] if spec.startswith("baseline:") else "embed"
        suites[spec] = run_suite(entries, spec, config, out / "runs" / f"eval-{name}")
    best = specs[0]
    label = best
    first = entries[0].spec.name
    console.print(
        metrics_table(suites[best].runs[first].result, f"{label} on the held-out prompts")
    )
    console.print(_suite_table(suites, specs, entries))
    for message in suites[best].warnings:
        warn(message)
    _bon(split_dir, specs, out / "runs" / "bon", config)
    write_leaderboard(
        [suites[spec].runs[first].run_dir for spec in specs],
        report_path,
        title="rewardkit demo: held-out prompts",
    )
    for suite in suites.values():
        for run in suite.runs.values():
            console.print(f"run directory: {run.run_dir}", soft_wrap=True)
    console.print(f"report: {report_path}", soft_wrap=True)
