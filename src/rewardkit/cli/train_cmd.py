"""``rewardkit train``: train a reward model (embed head or Hugging Face classifier)."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.table import Table

from rewardkit.cli import options
from rewardkit.cli.app import app, console, data_notes, warn
from rewardkit.train.config import TrainConfig

_DEFAULTS = TrainConfig.model_fields


def _default(name: str) -> str:
    return f"[default: {_DEFAULTS[name].default}]"


def _cell(row: dict[str, float | None], key: str, digits: int = 4) -> str:
    value = row.get(key)
    return "-" if value is None else f"{value:.{digits}f}"


def history_table(history: list[dict[str, float | None]], best_epoch: int | None) -> Table:
    table = Table(title="training", title_justify="left")
    for name in ("epoch", "train loss", "grad norm", "val loss", "val accuracy", "lr", "seconds"):
        table.add_column(name, justify="right")
    for row in history:
        mark = " *" if row["epoch"] == best_epoch else ""
        table.add_row(
            f"{row['epoch']}{mark}",
            _cell(row, "train_loss"),
            _cell(row, "grad_norm", 3),
            _cell(row, "val_loss"),
            _cell(row, "val_accuracy"),
            f"{row['learning_rate']:.2e}",
            _cell(row, "seconds", 2),
        )
    return table


@app.command("train")
def train_command(
    data: Path = typer.Option(..., "--data", help="Training preference data (any layout)."),
    out: Path = typer.Option(..., "--out", help="Model folder to write."),
    validation: Path | None = typer.Option(
        None,
        "--validation",
        help="Validation data [default: hold out validation_share "
        f"({_DEFAULTS['validation_share'].default}) of the prompts].",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="YAML of training options (see configs/train.yaml)."
    ),
    trainer: str | None = typer.Option(
        None, "--trainer", help=f"embed or hf {_default('trainer')}."
    ),
    objective: str | None = typer.Option(
        None,
        "--objective",
        help=f"pairwise (Bradley-Terry) or regression {_default('objective')}.",
    ),
    base: str | None = typer.Option(
        None, "--base", help="Encoder (embed) or model folder (hf) [default: packaged MiniLM]."
    ),
    epochs: int | None = typer.Option(
        None, "--epochs", min=1, help=f"Epochs at most {_default('epochs')}."
    ),
    batch_size: int | None = typer.Option(
        None, "--batch-size", min=1, help=f"Pairs per batch {_default('batch_size')}."
    ),
    learning_rate: float | None = typer.Option(
        None,
        "--lr",
        help="Peak learning rate [default: "
        f"{TrainConfig(trainer='embed').lr:g} embed, "
        f"{TrainConfig(trainer='hf', base='x').lr:g} hf].",
    ),
    seed: int | None = typer.Option(
        None,
        "--seed",
        min=0,
        help=f"Seed of initialisation, shuffling and the validation split {_default('seed')}.",
    ),
    device: str | None = typer.Option(
        None, "--device", help=f"auto, cpu, cuda, cuda:N {_default('device')}."
    ),
    sets: list[str] | None = typer.Option(
        None, "--set", help="Any option as KEY=VALUE, e.g. --set lora.r=8 --set head.kind=mlp."
    ),
    cache: str | None = typer.Option(
        None, "--cache", help="Embedding cache file (embed) [default: the score cache of eval]."
    ),
    overwrite: bool = typer.Option(
        False,
        "--overwrite",
        help="Start afresh instead of resuming an interrupted run (OUT is replaced only when "
        "the new model is complete, and only if OUT is a rewardkit model folder).",
    ),
    layout: str | None = options.LAYOUT,
    split: str | None = options.SPLIT,
    skip_invalid: bool | None = options.SKIP_INVALID,
    tie_value: float | None = typer.Option(
        None,
        "--tie-value",
        min=0.0,
        max=1.0,
        help=f"Credit for a score tie in validation accuracy {_default('tie_value')}.",
    ),
) -> None:
    """Train a reward model with a Bradley-Terry (pairwise) or regression loss; validation
    accuracy each epoch, early stopping, resumable checkpoints and a JSONL log in OUT. OUT
    loads in eval as embed:OUT or hf:OUT. The run works in .OUT.partial/ beside OUT and
    replaces OUT only when the model is complete; rerun the same command to resume."""
    from rewardkit.jobs.train import load_train_config, run_train
    from rewardkit.scoring import ScoreCache, cache_path
    from rewardkit.train.config import parse_sets

    cfg = load_train_config(
        config,
        {
            "trainer": trainer,
            "objective": objective,
            "base": base,
            "epochs": epochs,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "seed": seed,
            "device": device,
            "cache": cache,
            "skip_invalid": skip_invalid,
            "layout": layout,
            "split": split,
            "tie_value": tie_value,
        },
        parse_sets(sets or []),
    )
    if cfg.trainer == "embed":
        with ScoreCache(cache_path(cfg.cache)) as score_cache:
            run = run_train(
                data, cfg, out, validation=validation, overwrite=overwrite, cache=score_cache
            )
    else:
        run = run_train(data, cfg, out, validation=validation, overwrite=overwrite)
    if int(os.environ.get("RANK", "0")) != 0:
        return  # under torchrun, rank 0 reports
    notes = run.notes
    data_notes(
        notes.warnings,
        ties_excluded=notes.n_ties_excluded,
        truncated=run.n_truncated,
        what="training pairs",
        limit="max_length (--set max_length=N)",
    )
    if notes.n_unscored:
        warn(f"{notes.n_unscored} response(s) without a score were left out of the regression")
    console.print(history_table(run.history, run.best_epoch))
    stop = " (stopped early)" if run.stopped_early else ""
    console.print(
        f"{run.n_train} training and {run.n_validation} validation examples; "
        f"{run.epochs_run} epochs{stop}, best epoch {run.best_epoch}; {run.seconds:.1f} s",
        highlight=False,
    )
    console.print(f"model: {run.spec}  (log: {out / 'train_log.jsonl'})", soft_wrap=True)
