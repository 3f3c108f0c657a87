"""``rewardkit eval``: evaluate a reward model on preference data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.benchmarks import BenchmarkScore, BenchmarkSpec
from rewardkit.cli import options
from rewardkit.cli.app import ALLOW_PYTHON, app, console, warn
from rewardkit.config import EvalConfig, load_config
from rewardkit.errors import ConfigError
from rewardkit.jobs.evaluate import run_eval
from rewardkit.metrics import Estimate
from rewardkit.report import data_summary, groups_table, metrics_table
from rewardkit.runs import default_run_dir
from rewardkit.scoring import ScoringReport


def scoring_summary(report: ScoringReport) -> str:
    parts = [
        f"{report.n_inputs} responses",
        f"{report.n_cached} from cache",
        f"{report.n_scored} scored",
    ]
    if report.n_truncated is not None:
        parts.append(f"{report.n_truncated} truncated")
    if report.padding_efficiency is not None and report.n_batches:
        parts.append(f"padding efficiency {report.padding_efficiency:.2f}")
    parts.append(f"{report.seconds:.1f} s")
    return "scoring: " + ", ".join(parts)


def _num(x: float) -> str:
    return "n/a" if x != x else f"{x:.4f}"


def _estimate_row(table: Table, benchmark: str, label: str, est: Estimate) -> None:
    table.add_row(
        escape(benchmark),
        escape(label),
        _num(est.value),
        "" if est.ci_low != est.ci_low else f"[{_num(est.ci_low)}, {_num(est.ci_high)}]",
        str(est.n),
    )


def _benchmark_notes(name: str, score: BenchmarkScore, rule: str) -> list[str]:
    """Console lines on how a benchmark was scored beyond its table rows."""
    notes = []
    if score.tie_value is not None:
        notes.append(f"{name}: a predicted score tie earns {score.tie_value:g} ({rule})")
    if score.empty_sections:
        notes.append(
            f"{name}: no items in {', '.join(score.empty_sections)}: scored 0 by the "
            "benchmark's rule (n = 0)"
        )
    for formula, masked in score.masked_sections.items():
        notes.append(
            f"{name}: overall ({formula}) leaves out the absent {', '.join(masked)} and "
            "renormalises the other weights"
        )
    return notes


def _run_benchmarks(
    names: list[str],
    data: list[Path],
    model: str,
    cfg: EvalConfig,
    out: Path | None,
    model_options: dict[str, Any],
) -> None:
    from rewardkit.benchmarks import load_spec
    from rewardkit.jobs.suite import SuiteEntry, run_suite, tie_rule

    if len(data) != len(names):
        raise ConfigError(
            f"{len(names)} --benchmark but {len(data)} --data: give each "
            "benchmark its local data, in the same order"
        )
    entries = [SuiteEntry(spec=load_spec(n), data=d) for n, d in zip(names, data, strict=True)]
    paths = {e.spec.name: e.data for e in entries}

    def starting(position: int, total: int, spec: BenchmarkSpec) -> None:
        console.print(
            f"[{position}/{total}] {escape(spec.name)}: {escape(paths[spec.name].name)}",
            highlight=False,
            soft_wrap=True,
        )

    suite = run_suite(
        entries,
        model,
        cfg,
        out or default_run_dir("eval"),
        model_options=model_options,
        on_benchmark=starting,
    )
    table = Table(title=f"{model} across {len(entries)} benchmark(s)", title_justify="left")
    for column in ("benchmark", "score", "value", f"{cfg.confidence:.0%} CI", "n"):
        table.add_column(column, justify="right" if column in {"value", "n"} else "left")
    notes: list[str] = []
    for entry in entries:
        name, score = entry.spec.name, suite.scores[entry.spec.name]
        for label, est in [
            *((f"overall ({k})", v) for k, v in score.overall.items()),
            *score.sections.items(),
        ]:
            _estimate_row(table, name, label, est)
        with_ties = suite.runs[name].result.metrics.accuracy_with_ties
        if with_ties is not None:
            _estimate_row(table, name, "accuracy with labelled ties", with_ties)
        if name in suite.reweighted:
            _estimate_row(
                table, name, "accuracy re-weighted to equal domains", suite.reweighted[name]
            )
        run = suite.runs[name]
        notes.append(f"{name}: {data_summary(run.results_json)}")
        notes += _benchmark_notes(name, score, tie_rule(entry.spec, cfg)[1])
    console.print(table)
    for line in notes:
        console.print(escape(line), highlight=False, soft_wrap=True)
    for name, g in suite.gaps.items():
        console.print(
            f"robustness gap of {name} (in-domain - held-out accuracy): "
            f"{g.value:+.4f} [{g.ci_low:+.4f}, {g.ci_high:+.4f}]",
            highlight=False,
        )
    for message in suite.warnings:
        warn(message)
    for run in suite.runs.values():
        console.print(f"run directory: {run.run_dir}", soft_wrap=True)


@app.command("eval")
def eval_command(
    data: list[Path] | None = typer.Option(
        None,
        "--data",
        help="Preference data: JSONL(.gz), JSON, CSV, Parquet or a dataset folder. With "
        "--benchmark: one --data per benchmark, in the same order.",
    ),
    benchmark: list[str] | None = typer.Option(
        None,
        "--benchmark",
        help="A built-in benchmark (rewardbench, rewardbench2, judgebench, hh-rlhf, pandalm, "
        "rmb-bon, demo, ...) or a benchmark YAML spec; repeat for several. Each reads its "
        "--data in its own layout and scores ties by its own rule.",
    ),
    model: str = typer.Option(..., "--model", help=options.model_help()),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/eval-<time>]."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the bootstrap and random baselines [default: 0]."
    ),
    bootstrap: int | None = typer.Option(
        None, "--bootstrap", help="Bootstrap resamples [default: 1000]."
    ),
    confidence: float | None = typer.Option(None, "--confidence", help="CI level [default: 0.95]."),
    tie_value: float | None = typer.Option(
        None,
        "--tie-value",
        min=0.0,
        max=1.0,
        help="Credit for a predicted score tie on a pair not labelled a tie [default: each "
        "--benchmark's published rule (0 for rewardbench, judgebench, pandalm, rm-bench), "
        "else 0.5].",
    ),
    tie_margin: float | None = typer.Option(
        None,
        "--tie-margin",
        help="Largest |score difference| read as a predicted tie in accuracy_with_ties, the "
        "agreement over all items when the data labels ties [default: 0, exact equality].",
    ),
    n_bins: int | None = typer.Option(None, "--n-bins", help="ECE bins [default: 15]."),
    batch_size: int | None = options.BATCH_SIZE,
    max_tokens: int | None = options.MAX_TOKENS,
    cache: str | None = options.CACHE,
    no_cache: bool | None = options.NO_CACHE,
    executor: str | None = options.EXECUTOR,
    layout: str | None = options.LAYOUT,
    split: str | None = options.SPLIT,
    skip_invalid: bool | None = options.SKIP_INVALID,
    max_length: int | None = options.MAX_LENGTH,
    truncation_side: str | None = typer.Option(
        None, "--truncation-side", help="left or right [default: left]."
    ),
    padding_side: str | None = typer.Option(
        None, "--padding-side", help="left or right [default: the tokenizer's]."
    ),
    dtype: str | None = options.DTYPE,
    device: str | None = options.DEVICE,
    trust_remote_code: bool | None = options.TRUST_REMOTE_CODE,
    allow_python: bool | None = ALLOW_PYTHON,
    allow_pickle: bool | None = typer.Option(
        None, "--allow-pickle", help="Allow pickle weight files (can run code)."
    ),
    reference: str | None = typer.Option(None, "--reference", help="dpo: reference model folder."),
    beta: float | None = typer.Option(None, "--beta", help="dpo: beta [default: 0.1]."),
    length_normalize: bool | None = typer.Option(
        None, "--length-normalize", help="dpo: mean instead of sum of log-ratios."
    ),
    reference_free: bool | None = typer.Option(
        None, "--reference-free", help="dpo: no reference model."
    ),
    calibration: bool | None = typer.Option(
        None,
        "--calibration/--no-calibration",
        help="Use the calibrator.json saved beside the model (rewardkit calibrate) for ECE, "
        "Brier and log-loss [default: on].",
    ),
    config: Path | None = typer.Option(None, "--config", help="YAML file of the eval options."),
) -> None:
    """Score every response, then report accuracy, best-of-N, calibration and rank correlation
    with bootstrap 95% CIs; writes manifest.json, results.json and scores.parquet."""
    cfg = load_config(
        EvalConfig,
        config,
        {
            "seed": seed,
            "bootstrap": bootstrap,
            "confidence": confidence,
            "tie_value": tie_value,
            "tie_margin": tie_margin,
            "n_bins": n_bins,
            "batch_size": batch_size,
            "max_tokens": max_tokens,
            "cache": cache,
            "no_cache": no_cache,
            "executor": executor,
            "layout": layout,
            "split": split,
            "skip_invalid": skip_invalid,
            "calibration": calibration,
        },
    )
    model_options = {
        "max_length": max_length,
        "truncation_side": truncation_side,
        "padding_side": padding_side,
        "dtype": dtype,
        "device": device,
        "trust_remote_code": trust_remote_code,
        "allow_pickle": allow_pickle,
        "allow_python": allow_python,
        "reference": reference,
        "beta": beta,
        "length_normalize": length_normalize,
        "reference_free": reference_free,
    }
    if benchmark:
        _run_benchmarks(benchmark, data or [], model, cfg, out, model_options)
        return
    if not data or len(data) != 1:
        raise ConfigError("pass one --data file (or --benchmark NAME with --data for each)")
    data_path = data[0]
    run_path = out or default_run_dir("eval")
    run = run_eval(data_path, model, cfg, run_path, model_options=model_options)
    for message in run.loaded.report.warnings:
        warn(message)
    if run.scoring.n_truncated:
        warn(f"{run.scoring.n_truncated} input(s) were truncated to --max-length")
    r = run.result
    console.print(escape(data_summary(run.results_json)), highlight=False, soft_wrap=True)
    console.print(scoring_summary(run.scoring), highlight=False)
    title = f"{model} on {data_path.name}: {r.n_items} items, {r.n_pairs} pairs"
    note = str(run.results_json["calibration_metrics"]["note"])
    console.print(metrics_table(r, title, confidence=cfg.confidence, probabilities_note=note))
    groups = groups_table(r, confidence=cfg.confidence)
    if groups is not None:
        console.print(groups)
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)
