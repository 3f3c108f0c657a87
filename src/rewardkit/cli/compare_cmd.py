"""``rewardkit compare RUN_A RUN_B``: is the difference between two RMs real?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli.app import app, console, warn
from rewardkit.errors import ConfigError
from rewardkit.metrics import ADJUST_METHODS, AdjustMethod
from rewardkit.metrics.paired import PairedComparison


def _row(
    table: Table, name: str, c: PairedComparison, p_adjusted: float | None, verdict: str
) -> None:
    d = c.difference
    table.add_row(
        escape(name),
        str(c.n),
        f"{c.accuracy_a:.4f}",
        f"{c.accuracy_b:.4f}",
        f"{d.value:+.4f}",
        f"[{d.ci_low:+.4f}, {d.ci_high:+.4f}]",
        f"{c.mcnemar.p_value:.4g}",
        "" if p_adjusted is None else f"{p_adjusted:.4g}",
        verdict,
    )


def _run_line(label: str, run: dict[str, Any]) -> str:
    """What one run scored: items, labelled ties and skipped rows left out, truncations."""
    parts = [
        f"{run['n_scored']} items scored",
        f"{run['n_ties_excluded']} labelled ties excluded",
        f"{run['n_skipped']} rows skipped",
    ]
    if run.get("n_truncated") is not None:
        parts.append(f"{run['n_truncated']} inputs truncated")
    parts.append(f"tie credit {run['tie_value']:g}")
    return f"{label} ({escape(str(run['model']))}): " + ", ".join(parts)


@app.command("compare")
def compare_command(
    run_a: Path = typer.Argument(..., help="First eval run directory."),
    run_b: Path = typer.Argument(..., help="Second eval run directory."),
    out: Path | None = typer.Option(
        None, "--out", help="Write results.json in this folder [default: print only]."
    ),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=10, help="Bootstrap resamples."),
    seed: int = typer.Option(0, "--seed", min=0, help="Bootstrap seed."),
    confidence: float = typer.Option(
        0.95,
        "--confidence",
        min=0.5,
        max=0.999,
        help="CI level; 1 - it is the level of every verdict.",
    ),
    adjust: str = typer.Option(
        "holm",
        "--adjust",
        help="Multiplicity adjustment of the per-subset/domain McNemar p-values: holm "
        "(family-wise error), bh (Benjamini-Hochberg false discovery rate) or none.",
        show_default=True,
    ),
    tie_value: float | None = typer.Option(
        None,
        "--tie-value",
        min=0.0,
        max=1.0,
        help="Credit for a score tie in both runs [default: each run's own].",
    ),
) -> None:
    """Paired bootstrap CI of the accuracy difference (A - B) and McNemar's test on the items
    both runs scored (labelled ties and skipped rows left out), overall and per subset and
    domain, the per-group verdicts adjusted for multiplicity."""
    from rewardkit.jobs.compare import compare_runs, write_comparison

    if adjust not in ADJUST_METHODS:
        raise ConfigError(f"--adjust {adjust!r}: choose one of {', '.join(ADJUST_METHODS)}")
    method: AdjustMethod = adjust  # type: ignore[assignment]  # checked just above
    result = compare_runs(
        run_a,
        run_b,
        n_resamples=bootstrap,
        seed=seed,
        confidence=confidence,
        adjust=method,
        tie_value=tie_value,
    )
    for label, run in (("A", result.run_a), ("B", result.run_b)):
        console.print(_run_line(label, run), highlight=False, soft_wrap=True)
    console.print(
        f"compared: {result.overall.n} items scored by both runs "
        f"(only in A: {result.n_only_a}, only in B: {result.n_only_b}, left out)",
        highlight=False,
    )
    table = Table(
        title=f"A = {escape(result.model_a)}   B = {escape(result.model_b)}",
        title_justify="left",
        caption=escape(result.multiplicity),
        caption_justify="left",
    )
    p_column = "p adj." if method != "none" else "p (unadj.)"
    for name in (
        "group",
        "n",
        "acc A",
        "acc B",
        "A - B",
        f"{confidence:.0%} CI",
        "McNemar p",
        p_column,
        "verdict",
    ):
        left = name in {"group", "verdict"}
        table.add_column(name, justify="left" if left else "right", no_wrap=name != "group")
    _row(table, "all", result.overall, None, result.overall.verdict)
    for label, groups in (("subset", result.by_subset), ("domain", result.by_domain)):
        for name, group in groups.items():
            _row(table, f"{label}={name}", group.comparison, group.p_adjusted, group.verdict)
    console.print(table)
    for message in result.warnings:
        warn(message)
    if out is not None:
        console.print(f"results: {write_comparison(result, out)}", soft_wrap=True)
