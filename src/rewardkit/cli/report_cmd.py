"""``rewardkit report RUN [RUN ...]``: the HTML page of one run, or a leaderboard of eval runs.

Parses the options and calls :func:`rewardkit.jobs.report.write_report`, which reads the run
directories (never writing into them), renders the page of the run's kind or the leaderboard,
and writes it.
"""

from __future__ import annotations

from pathlib import Path

import typer

from rewardkit.cli.app import app, console


@app.command("report")
def report_command(
    runs: list[Path] = typer.Argument(
        ...,
        help="Run directories: one eval, calibrate, bon or suite (eval --benchmark) run for its "
        "page, or several eval runs for a leaderboard.",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="HTML file to write, outside every run directory [default: <run name>.html for "
        "one run, leaderboard.html for several, in the current directory].",
    ),
) -> None:
    """Render the page of one run (each kind its own: eval, calibrate, bon, benchmark suite) or
    a leaderboard comparing several eval runs (accuracy with CI bars, other metrics, shared
    subsets). Reads the run directories and never writes into them; pages work offline."""
    from rewardkit.jobs.report import write_report

    target = write_report(runs, out)
    console.print(f"report: {target}", soft_wrap=True)
