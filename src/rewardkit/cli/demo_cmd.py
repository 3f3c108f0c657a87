"""``rewardkit demo``: the main job end to end on generated data."""

from __future__ import annotations

from pathlib import Path

import typer

from rewardkit.cli.app import app, console, warn
from rewardkit.config import EvalConfig
from rewardkit.data.grouped_split import split_by_prompt
from rewardkit.data.load import load_preferences
from rewardkit.data.writers import write_preferences
from rewardkit.errors import MissingExtraError
from rewardkit.evaluate import run_eval
from rewardkit.report import metrics_table
from rewardkit.scoring import ScoreCache

BASELINES = ("baseline:length", "baseline:random")


def _train_demo_rm(train_file: Path, out: Path, cache_path: Path) -> str | None:
    """Train the demo's embed: RM on the training pairs; None when the extra is missing."""
    try:
        from rewardkit.train import train_embed_linear

        items = load_preferences(train_file).items
        with (
            console.status("training the demo embedding RM (MiniLM + linear head)"),
            ScoreCache(cache_path) as cache,
        ):
            folder = train_embed_linear(items, out, cache=cache)
    except MissingExtraError as exc:
        warn(f"skipping the embedding RM: {exc}")
        return None
    return f"embed:{folder}"


@app.command("demo")
def demo_command(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for data, model and runs."),
    seed: int = typer.Option(0, "--seed", help="Seed for data generation and the bootstrap."),
    prompts: int = typer.Option(240, "--prompts", min=10, help="Number of demo prompts."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=10, help="Bootstrap resamples."),
    embed: bool = typer.Option(
        True,
        "--embed/--no-embed",
        help="Train and evaluate the embedding RM (needs rewardkit[embed]).",
    ),
) -> None:
    """Generate the demo dataset, train an embedding RM on its training prompts, and evaluate
    it against the baselines on the held-out prompts."""
    from rewardkit.data.demo import DemoConfig, generate_demo, write_demo

    data_dir = out / "data"
    written = write_demo(generate_demo(DemoConfig(seed=seed, n_prompts=prompts)), data_dir)
    console.print(f"demo data: {data_dir} ({', '.join(sorted(written))})", soft_wrap=True)
    train, test = split_by_prompt(
        load_preferences(written["preferences"]).items, test_share=0.2, seed=seed
    )
    train_file = write_preferences(train, data_dir / "preferences.train.jsonl")
    test_file = write_preferences(test, data_dir / "preferences.test.jsonl")
    console.print(f"split by prompt: {len(train)} training pairs, {len(test)} test pairs")
    cache_path = out / "cache.sqlite"
    specs = list(BASELINES)
    if embed:
        trained = _train_demo_rm(train_file, out / "models" / "demo-embed", cache_path)
        if trained is not None:
            specs.insert(0, trained)
    config = EvalConfig(seed=seed, bootstrap=bootstrap, cache=str(cache_path))
    runs = []
    for spec in specs:
        name = spec.split(":")[1] if spec.startswith("baseline:") else "embed"
        run = run_eval(test_file, spec, config, out / "runs" / f"eval-{name}")
        title = f"{spec if name != 'embed' else 'embed: demo RM'} on the held-out prompts"
        console.print(metrics_table(run.result, title))
        runs.append(run.run_dir)
    for path in runs:
        console.print(f"run directory: {path}", soft_wrap=True)
