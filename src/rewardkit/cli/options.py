"""CLI options shared by the commands that score data with a model (eval, bon)."""

from __future__ import annotations

import typer

BATCH_SIZE = typer.Option(None, "--batch-size", help="Responses per scoring batch [default: 32].")

MAX_TOKENS = typer.Option(
    None, "--max-tokens", help="Token budget (padded tokens) per batch [default: none]."
)

CACHE = typer.Option(
    None,
    "--cache",
    help="Score cache file [default: $REWARDKIT_CACHE or ~/.cache/rewardkit/scores.sqlite].",
)

NO_CACHE = typer.Option(None, "--no-cache", help="Neither read nor write the score cache.")

EXECUTOR = typer.Option(None, "--executor", help="local or ray [default: local].")

SPLIT = typer.Option(None, "--split", help="Split of a DatasetDict folder.")

SKIP_INVALID = typer.Option(
    None, "--skip-invalid/--strict", help="Skip and report invalid rows instead of failing."
)

DTYPE = typer.Option(None, "--dtype", help="float32, bfloat16 or float16 [default: float32].")

DEVICE = typer.Option(None, "--device", help="cpu, cuda, cuda:1 ... [default: cuda when present].")

TRUST_REMOTE_CODE = typer.Option(
    None, "--trust-remote-code", help="Allow a model folder's own Python code."
)
