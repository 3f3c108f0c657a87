"""CLI options shared by the commands: the data options of every command that reads preference
data, and the scoring and model options of the commands that score data with a model.

Help texts that list choices (model schemes, data layouts) are built from the registries, so a
new scheme or layout shows up in every command's help.
"""

from __future__ import annotations

import typer

from rewardkit.data.layouts import LAYOUTS
from rewardkit.models.registry import MODEL_SCHEMES

# What follows ``scheme:`` in a model spec, for the help text (a plugin scheme shows ARG).
_SCHEME_ARGUMENTS = {
    "baseline": "length|random",
    "builtin": "NAME",
    "dpo": "DIR",
    "embed": "DIR",
    "hf": "DIR",
    "http": "URL",
    "judge": "NAME",
    "python": "pkg.mod:fn",
    "scores": "PATH",
}


def model_schemes() -> str:
    """Every model scheme with its argument, e.g. ``baseline:length|random, builtin:NAME, ...``.

    Example:
        >>> "hf:DIR" in model_schemes() and "builtin:NAME" in model_schemes()
        True
    """
    return ", ".join(f"{n}:{_SCHEME_ARGUMENTS.get(n, 'ARG')}" for n in MODEL_SCHEMES.names())


def model_help(what: str = "Model spec") -> str:
    """The help of an option that takes a model spec.

    Example:
        >>> model_help("Proxy RM spec").startswith("Proxy RM spec: baseline:length|random")
        True
    """
    return f"{what}: {model_schemes()}, or a YAML spec file (model: ... plus its options)."


LAYOUT = typer.Option(
    None,
    "--layout",
    help=f"Force a data layout: {', '.join(LAYOUTS)} [default: detect from the fields].",
)

SPLIT = typer.Option(
    None,
    "--split",
    help="Split of a dataset folder [default: its only split, else 'test'; a folder of "
    "files: all files].",
)

SKIP_INVALID = typer.Option(
    None,
    "--skip-invalid/--strict",
    help="Skip invalid rows and report them, or stop at the first one [default: --strict].",
)

TIE_VALUE = typer.Option(
    None,
    "--tie-value",
    min=0.0,
    max=1.0,
    help="Credit for a score tie in pairwise accuracy [default: 0.5].",
)

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

MAX_LENGTH = typer.Option(
    None,
    "--max-length",
    help="Tokens per input for hf: and dpo: (an embed: model keeps its own) [default: 2048].",
)

DTYPE = typer.Option(None, "--dtype", help="float32, bfloat16 or float16 [default: float32].")

DEVICE = typer.Option(None, "--device", help="cpu, cuda, cuda:1 ... [default: cuda when present].")

TRUST_REMOTE_CODE = typer.Option(
    None, "--trust-remote-code", help="Allow a model folder's own Python code."
)
