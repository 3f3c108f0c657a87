"""``rewardkit eval``: evaluate a reward model on preference data."""

from __future__ import annotations

from pathlib import Path

import typer

from rewardkit.cli.app import app, console, warn
from rewardkit.config import EvalConfig, load_config
from rewardkit.evaluate import run_eval
from rewardkit.report import default_run_dir, metrics_table


@app.command("eval")
def eval_command(
    data: Path = typer.Option(
        ...,
        "--data",
        help="Preference data: JSONL(.gz), JSON, CSV, Parquet or a Hugging Face dataset folder.",
    ),
    model: str = typer.Option(
        ...,
        "--model",
        help="Model spec, e.g. baseline:length, baseline:random, python:pkg.mod:fn, scores:PATH.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory (default: runs/eval-<time>)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed for the bootstrap and random baselines [default: 0]."
    ),
    bootstrap: int | None = typer.Option(
        None, "--bootstrap", help="Bootstrap resamples [default: 1000]."
    ),
    confidence: float | None = typer.Option(None, "--confidence", help="CI level [default: 0.95]."),
    tie_value: float | None = typer.Option(
        None, "--tie-value", help="Credit for a score tie in pairwise accuracy [default: 0.5]."
    ),
    batch_size: int | None = typer.Option(
        None, "--batch-size", help="Items per scoring batch [default: 64]."
    ),
    layout: str | None = typer.Option(
        None,
        "--layout",
        help="Force a layout: rewardbench, trl, hh-rlhf, judgebench [default: detect].",
    ),
    split: str | None = typer.Option(None, "--split", help="Split of a DatasetDict folder."),
    skip_invalid: bool | None = typer.Option(
        None, "--skip-invalid/--strict", help="Skip and report invalid rows instead of failing."
    ),
    config: Path | None = typer.Option(None, "--config", help="YAML file of these options."),
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
            "batch_size": batch_size,
            "layout": layout,
            "split": split,
            "skip_invalid": skip_invalid,
        },
    )
    run_path = out or default_run_dir("eval")
    run = run_eval(data, model, cfg, run_path)
    for message in run.loaded.report.warnings:
        warn(message)
    r = run.result
    console.print(metrics_table(r, f"{model} on {data.name}: {r.n_items} items, {r.n_pairs} pairs"))
    console.print(f"run directory: {run.run_dir}")
