"""Rendering of computed documents: HTML pages (``report.html``) and console tables
(``report.console``). Nothing here computes a statistic or loads a model."""

from rewardkit.report.console import data_summary, groups_table, metrics_table

__all__ = ["data_summary", "groups_table", "metrics_table"]
