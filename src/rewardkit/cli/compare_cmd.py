"""``rewardkit compare RUN_A RUN_B``: is the difference between two RMs real?"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli.app import app, console
from rewardkit.metrics.paired import PairedComparison


def _row(table: Table, name: str, c: PairedComparison) -> None:
    d = c.difference
    table.add_row(
        escape(name),
        str(c.n),
        f"{c.accuracy_a:.4f}",
        f"{c.accuracy_b:.4f}",
        f"{d.value:+.4f}",
        f"[{d.ci_low:+.4f}, {d.ci_high:+.4f}]",
        f"{c.mcnemar.p_value:.4g}",
        c.verdict,
    )


@app.command("compare")
def compare_command(
    run_a: Path = typer.Argument(..., help="First eval run directory."),
    run_b: Path = typer.Argument(..., help="Second eval run directory."),
    out: Path | None = typer.Option(None, "--out", help="Write results.json here."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=10, help="Bootstrap resamples."),
    seed: int = typer.Option(0, "--seed", min=0, help="Bootstrap seed."),
) -> None:
    """Paired bootstrap CI of the accuracy difference (A - B) and McNemar's test on the items
    both runs share, overall and per subset and domain."""
    from rewardkit.report import write_json
    from rewardkit.report.compare import compare_runs

    result = compare_runs(run_a, run_b, n_resamples=bootstrap, seed=seed)
    table = Table(title=f"A = {result.model_a}   B = {result.model_b}", title_justify="left")
    for name in ("group", "n", "acc A", "acc B", "A - B", "95% CI", "McNemar p", "verdict"):
        left = name in {"group", "verdict"}
        table.add_column(name, justify="left" if left else "right", no_wrap=name != "group")
    _row(table, "all", result.overall)
    for label, groups in (("subset", result.by_subset), ("domain", result.by_domain)):
        for name, comparison in groups.items():
            _row(table, f"{label}={name}", comparison)
    console.print(table)
    if result.n_only_a or result.n_only_b:
        console.print(
            f"items only in A: {result.n_only_a}, only in B: {result.n_only_b} (left out)"
        )
    if out is not None:
        write_json(out / "results.json", result.to_json())
        console.print(f"results: {out / 'results.json'}", soft_wrap=True)
