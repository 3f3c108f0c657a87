"""``rewardkit report RUN [RUN ...]``: a self-contained HTML page for one run or a leaderboard."""

from __future__ import annotations

from pathlib import Path

import typer

from rewardkit.cli.app import app, console


@app.command("report")
def report_command(
    runs: list[Path] = typer.Argument(..., help="Eval run directories."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="HTML file for a leaderboard of several runs [default: leaderboard.html].",
    ),
) -> None:
    """Write report.html for one run, or a leaderboard page comparing several runs (per-section
    accuracy with CI bars, other metrics, shared subsets). Pages work offline."""
    from rewardkit.report.html import write_leaderboard, write_run_report

    if len(runs) == 1 and out is None:
        path = write_run_report(runs[0])
    else:
        path = write_leaderboard(runs, out or Path("leaderboard.html"))
    console.print(f"report: {path}", soft_wrap=True)
