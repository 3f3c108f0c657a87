"""``rewardkit calibrate``: fit a calibrator on held-out pairs."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from rewardkit.cli import options
from rewardkit.cli.app import ALLOW_PYTHON, app, console, data_notes
from rewardkit.config import EvalConfig, load_config
from rewardkit.runs import default_run_dir


@app.command("calibrate")
def calibrate_command(
    model: str = typer.Option(..., "--model", help=options.model_help()),
    data: Path = typer.Option(..., "--data", help="Held-out preference pairs (any layout)."),
    method: str = typer.Option(
        "temperature",
        "--method",
        help="temperature (one parameter, p(a>b) = 1 - p(b>a)), isotonic or platt.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/calibrate-<time>]."
    ),
    seed: int | None = typer.Option(
        None, "--seed", min=0, help="Bootstrap seed of the eval run [default: 0]."
    ),
    bootstrap: int | None = typer.Option(
        None, "--bootstrap", min=10, help="Bootstrap resamples [default: 1000]."
    ),
    n_bins: int | None = typer.Option(None, "--n-bins", help="ECE bins [default: 15]."),
    layout: str | None = options.LAYOUT,
    split: str | None = options.SPLIT,
    skip_invalid: bool | None = options.SKIP_INVALID,
    tie_value: float | None = options.TIE_VALUE,
    batch_size: int | None = options.BATCH_SIZE,
    max_tokens: int | None = options.MAX_TOKENS,
    cache: str | None = options.CACHE,
    no_cache: bool | None = options.NO_CACHE,
    executor: str | None = options.EXECUTOR,
    max_length: int | None = options.MAX_LENGTH,
    dtype: str | None = options.DTYPE,
    device: str | None = options.DEVICE,
    trust_remote_code: bool | None = options.TRUST_REMOTE_CODE,
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = typer.Option(
        None, "--config", help="YAML file of these options (as for eval)."
    ),
) -> None:
    """Fit a calibrator on chosen-minus-rejected score differences of held-out pairs (pairs
    labelled a tie are left out); report ECE, Brier and log-loss before and after;
    save calibrator.json in the run directory and in the model's folder when the spec names
    one."""
    from rewardkit.jobs.calibrate import run_calibrate

    cfg = load_config(
        EvalConfig,
        config,
        {
            "seed": seed,
            "bootstrap": bootstrap,
            "n_bins": n_bins,
            "tie_value": tie_value,
            "batch_size": batch_size,
            "max_tokens": max_tokens,
            "cache": cache,
            "no_cache": no_cache,
            "executor": executor,
            "layout": layout,
            "split": split,
            "skip_invalid": skip_invalid,
        },
    )
    model_options = {
        "max_length": max_length,
        "dtype": dtype,
        "device": device,
        "trust_remote_code": trust_remote_code,
        "allow_python": allow_python,
    }
    run = run_calibrate(
        model,
        data,
        method,
        out or default_run_dir("calibrate"),
        cfg,
        model_options=model_options,
    )
    data_notes(
        run.eval_run.loaded.report.warnings,
        ties_excluded=run.n_ties_excluded,
        truncated=run.eval_run.scoring.n_truncated,
        what="calibration",
    )
    r = run.report
    table = Table(
        title=f"{method} calibration on {r['n_pairs']} held-out pairs", title_justify="left"
    )
    for name in ("metric", "before", "after"):
        table.add_column(name, justify="left" if name == "metric" else "right")
    table.add_row("ece", f"{r['ece_before']:.4f}", f"{r['ece_after']:.4f}")
    table.add_row("brier", f"{r['brier_before']:.4f}", f"{r['brier_after']:.4f}")
    table.add_row("log_loss", f"{r['log_loss_before']:.4f}", f"{r['log_loss_after']:.4f}")
    console.print(table)
    console.print(f"calibrator: {run.saved_to}", soft_wrap=True)
    console.print(f"run directory: {run.eval_run.run_dir}", soft_wrap=True)
