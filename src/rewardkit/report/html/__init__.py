"""Self-contained HTML reports: one page per evaluation run, a leaderboard of runs, and the
page of a benchmark suite."""

from rewardkit.report.html.leaderboard import (
    SUITE_FILE,
    render_leaderboard,
    render_suite_report,
    write_leaderboard,
)
from rewardkit.report.html.run_page import render_run_report, write_run_report

__all__ = [
    "SUITE_FILE",
    "render_leaderboard",
    "render_run_report",
    "render_suite_report",
    "write_leaderboard",
    "write_run_report",
]
