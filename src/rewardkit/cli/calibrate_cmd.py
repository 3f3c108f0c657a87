"""``rewardkit calibrate``: fit a calibrator on held-out pairs."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from rewardkit.cli.app import app, console
from rewardkit.config import EvalConfig
from rewardkit.report import default_run_dir


@app.command("calibrate")
def calibrate_command(
    model: str = typer.Option(..., "--model", help="Model spec, as for eval."),
    data: Path = typer.Option(..., "--data", help="Held-out preference pairs."),
    method: str = typer.Option(
        "temperature",
        "--method",
        help="temperature (one parameter, p(a>b) = 1 - p(b>a)), isotonic or platt.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/calibrate-<time>]."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Bootstrap seed of the eval run."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Skip invalid rows."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=10, help="Bootstrap resamples."),
    cache: str | None = typer.Option(
        None, "--cache", help="Score cache file [default: as for eval]."
    ),
) -> None:
    """Fit a calibrator on chosen-minus-rejected score differences of held-out pairs; report
    ECE (15 bins), Brier and log-loss before and after; save calibrator.json in the run
    directory and in the model's folder when the spec names one."""
    from rewardkit.calibration.run import run_calibrate

    config = EvalConfig(seed=seed, skip_invalid=skip_invalid, bootstrap=bootstrap, cache=cache)
    run = run_calibrate(model, data, method, out or default_run_dir("calibrate"), config)
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
