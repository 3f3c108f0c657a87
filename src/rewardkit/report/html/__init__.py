"""Self-contained HTML reports: one page per evaluation run, a leaderboard of runs, and the
page of a benchmark suite. The renderers draw computed documents; the jobs that read a run
directory and compute them are in :mod:`rewardkit.jobs.run_page` and
:mod:`rewardkit.jobs.report`."""

from rewardkit.report.html.leaderboard import (
    SUITE_FILE,
    render_leaderboard,
    render_suite_report,
    write_leaderboard,
)
from rewardkit.report.html.run_doc import ItemRow, Reliability, RunDocument
from rewardkit.report.html.run_page import render_run_page, write_run_page

__all__ = [
    "SUITE_FILE",
    "ItemRow",
    "Reliability",
    "RunDocument",
    "render_leaderboard",
    "render_run_page",
    "render_suite_report",
    "write_leaderboard",
    "write_run_page",
]
