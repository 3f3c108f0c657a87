"""``rewardkit demo``: the main job end to end on generated data."""

from __future__ import annotations

from pathlib import Path

import typer

from rewardkit.cli.app import app, console
from rewardkit.config import EvalConfig
from rewardkit.evaluate import run_eval
from rewardkit.report import metrics_table

BASELINES = ("baseline:length", "baseline:random")


@app.command("demo")
def demo_command(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for data and runs."),
    seed: int = typer.Option(0, "--seed", help="Seed for data generation and the bootstrap."),
    prompts: int = typer.Option(240, "--prompts", min=1, help="Number of demo prompts."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=10, help="Bootstrap resamples."),
) -> None:
    """Generate the demo dataset, then evaluate the baselines on its preference pairs."""
    from rewardkit.data.demo import DemoConfig, generate_demo, write_demo

    data_dir = out / "data"
    written = write_demo(generate_demo(DemoConfig(seed=seed, n_prompts=prompts)), data_dir)
    console.print(f"demo data: {data_dir} ({', '.join(sorted(written))})")
    config = EvalConfig(seed=seed, bootstrap=bootstrap)
    runs = []
    for spec in BASELINES:
        run_path = out / "runs" / f"eval-{spec.split(':')[1]}"
        run = run_eval(written["preferences"], spec, config, run_path)
        console.print(metrics_table(run.result, f"{spec} on the demo preferences"))
        runs.append(run.run_dir)
    for path in runs:
        console.print(f"run directory: {path}")
