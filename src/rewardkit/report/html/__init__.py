"""Self-contained HTML reports: one page per evaluation run, and a leaderboard of runs."""

from rewardkit.report.html.leaderboard import render_leaderboard, write_leaderboard
from rewardkit.report.html.run_page import render_run_report, write_run_report

__all__ = ["render_leaderboard", "render_run_report", "write_leaderboard", "write_run_report"]
