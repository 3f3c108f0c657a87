"""The root Typer application and shared console helpers."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

app = typer.Typer(
    name="rewardkit",
    help="Build, audit, calibrate and evaluate reward models, with a 95% CI on every number.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Piped output is not squeezed into rich's 80-column fallback: tables keep one line per row.
console = Console() if sys.stdout.isatty() else Console(width=120)
err_console = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=200)


def warn(message: str) -> None:
    err_console.print(f"[yellow]warning:[/yellow] {message}", highlight=False)
