"""The root Typer application and shared console helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import typer
from rich.console import Console

app = typer.Typer(
    name="rewardkit",
    help="Build, audit, calibrate and evaluate reward models, with a 95% CI on every number.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help text: with rich markup, "[default: ...]" in a help string reads as a style tag
    # and vanishes ("Run directory ." instead of "Run directory [default: runs/eval-<time>].").
    rich_markup_mode=None,
)

# Piped output is not squeezed into rich's 80-column fallback: tables keep one line per row.
console = Console() if sys.stdout.isatty() else Console(width=120)
err_console = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=200)


def warn(message: str) -> None:
    err_console.print(f"[yellow]warning:[/yellow] {message}", highlight=False)


def data_notes(
    warnings: Iterable[str] = (),
    *,
    ties_excluded: int | None = None,
    truncated: int | None = None,
    what: str = "metrics",
    limit: str = "--max-length",
) -> None:
    """One warning line per thing the run left out or cut: the data loader's warnings (rows
    skipped, identical or empty responses), items labelled a tie that ``what`` leaves out,
    and inputs truncated to ``limit``. Zero counts print nothing."""
    for message in warnings:
        warn(message)
    if ties_excluded:
        warn(f"{ties_excluded} item(s) labelled a tie were left out of the {what}")
    if truncated:
        warn(f"{truncated} input(s) were truncated to {limit}")
