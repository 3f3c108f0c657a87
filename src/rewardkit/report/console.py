"""Console tables and lines of an evaluation run (rich), drawn from computed results."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from rewardkit.metrics import Estimate, EvaluationResult

__all__ = ["CALIBRATION_METRICS", "data_summary", "groups_table", "metrics_table"]


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.4f}"


def _row(table: Table, name: str, est: Estimate) -> None:
    table.add_row(name, _fmt(est.value), f"[{_fmt(est.ci_low)}, {_fmt(est.ci_high)}]", str(est.n))


CALIBRATION_METRICS = ("ece", "brier", "log_loss")


def metrics_table(
    result: EvaluationResult,
    title: str,
    *,
    confidence: float = 0.95,
    probabilities_note: str | None = None,
) -> Table:
    """A table of metric, value, CI and n.

    With ``probabilities_note`` the table's caption carries it, and when ECE, Brier and
    log-loss were not computed (they need probabilities) their rows read ``n/a``.
    """
    table = Table(
        title=escape(title),
        title_justify="left",
        caption=escape(probabilities_note) if probabilities_note else None,
        caption_justify="left",
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column(f"{confidence:.0%} CI", justify="right")
    table.add_column("n", justify="right")
    for name, est in result.metrics.as_dict().items():
        _row(table, name, est)
    if probabilities_note and result.metrics.ece is None and result.metrics.accuracy.n:
        for name in CALIBRATION_METRICS:
            table.add_row(name, "n/a", "", "")
    return table


def data_summary(results: dict[str, Any]) -> str:
    """One console line on what was read, skipped, left out and truncated (from a results
    document of :func:`evaluation_json`).

    Example:
        >>> line = data_summary({"n_items": 9, "n_ties_excluded": 2, "data": {"n_rows": 10,
        ...     "n_skipped": 1, "skipped_by_reason": {"empty text": 1}, "n_truncated": 0}})
        >>> for part in line.split(", "):
        ...     print(part)
        data: 10 rows
        1 skipped (empty text: 1)
        9 items
        2 labelled ties excluded from accuracy
        0 inputs truncated
    """
    data = results.get("data") or {}
    parts = [f"{data.get('n_rows', results.get('n_items', 0))} rows"]
    n_skipped = int(data.get("n_skipped") or 0)
    reasons = data.get("skipped_by_reason") or {}
    if n_skipped:
        why = ", ".join(f"{reason}: {n}" for reason, n in reasons.items())
        parts.append(f"{n_skipped} skipped ({why})" if why else f"{n_skipped} skipped")
    else:
        parts.append("0 skipped")
    parts.append(f"{results.get('n_items', 0)} items")
    ties = int(results.get("n_ties_excluded") or 0)
    parts.append(f"{ties} labelled ties excluded from accuracy")
    if data.get("n_truncated") is not None:
        parts.append(f"{data['n_truncated']} inputs truncated")
    return "data: " + ", ".join(parts)


def groups_table(
    result: EvaluationResult, *, confidence: float = 0.95, max_groups: int = 40
) -> Table | None:
    """Accuracy per subset and per domain (None when the data has neither breakdown)."""
    sections = [
        (label, groups)
        for label, groups in (("subset", result.by_subset), ("domain", result.by_domain))
        if groups
    ]
    if not sections:
        return None
    table = Table(title="accuracy by group", title_justify="left")
    table.add_column("group")
    table.add_column("accuracy", justify="right")
    table.add_column(f"{confidence:.0%} CI", justify="right")
    table.add_column("n", justify="right")
    for label, groups in sections:
        for i, (name, group) in enumerate(groups.items()):
            if i == max_groups:
                table.add_row(f"… {len(groups) - max_groups} more {label}s", "", "", "")
                break
            _row(table, escape(f"{label}={name}"), group.metrics.accuracy)
    return table
