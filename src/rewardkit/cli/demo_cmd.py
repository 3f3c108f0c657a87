"""``rewardkit demo``: the main job end to end on generated data."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

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


def _annotations(written: dict[str, Path], out: Path, seed: int, bootstrap: int) -> None:
    """Agreement and aggregation of the simulated campaign, checked against its ground truth."""
    import pandas as pd

    from rewardkit.annotations.aggregate import AggregationConfig
    from rewardkit.annotations.runs import run_aggregate, run_agree
    from rewardkit.annotations.truth import rank_agreement_with_truth
    from rewardkit.cli.annotations_cmd import agreement_table
    from rewardkit.config import AgreeConfig

    agree = run_agree(
        written["ratings"],
        AgreeConfig(seed=seed, bootstrap=bootstrap),
        out / "runs" / "annotations-agree",
    )
    console.print(agreement_table(agree.report))
    aggregated = run_aggregate(
        written["ratings"],
        written["comparisons"],
        AggregationConfig(seed=seed),
        out / "runs" / "annotations-aggregate",
    )
    truth = pd.read_json(written["responses"], lines=True, dtype={"item_id": str})
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
    """Generate the demo dataset; check agreement of its simulated annotation campaign and
    aggregate it into one reward per response (compared with the ground truth); train an
    embedding RM on the training prompts and evaluate it against the baselines on the held-out
    prompts."""
    from rewardkit.data.demo import DemoConfig, generate_demo, write_demo

    data_dir = out / "data"
    written = write_demo(generate_demo(DemoConfig(seed=seed, n_prompts=prompts)), data_dir)
    console.print(f"demo data: {data_dir} ({', '.join(sorted(written))})", soft_wrap=True)
    _annotations(written, out, seed, bootstrap)
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
