"""The root Typer application and shared console helpers."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="rewardkit",
    help="Build, audit, calibrate and evaluate reward models, with a 95% CI on every number.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console()
err_console = Console(stderr=True)


def warn(message: str) -> None:
    err_console.print(f"[yellow]warning:[/yellow] {message}", highlight=False)
