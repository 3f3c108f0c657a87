"""``rewardkit data ...``: data utilities (the demo dataset for now)."""

from __future__ import annotations

from pathlib import Path

import typer

from rewardkit.cli.app import app, console

data_app = typer.Typer(help="Data utilities: generate the demo dataset.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("demo")
def data_demo(
    out: Path = typer.Option(..., "--out", help="Folder to write the dataset into."),
    seed: int = typer.Option(0, "--seed", help="Seed; the same seed gives identical files."),
    prompts: int = typer.Option(
        240, "--prompts", min=1, help="Number of prompts (15000 = the blueprint's full size)."
    ),
) -> None:
    """Write the deterministic multi-domain demo dataset with a simulated annotation campaign."""
    from rewardkit.data.demo import DemoConfig, generate_demo, write_demo

    dataset = generate_demo(DemoConfig(seed=seed, n_prompts=prompts))
    written = write_demo(dataset, out)
    for name, path in written.items():
        console.print(f"{name:>12}: {path}")
