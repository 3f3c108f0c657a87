"""``rewardkit demo``: the main job end to end on generated data.

Parses the options, calls :func:`rewardkit.jobs.demo.run_demo` and prints each stage's outcome
as it arrives (the tables each stage's own command prints, and the grids of the one-page
report, so the console and ``OUT/report.html`` carry the same formatted numbers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli.app import app, console, warn
from rewardkit.jobs.demo import REPORT_FILE, DemoObserver, DemoOptions, run_demo
from rewardkit.report import metrics_table
from rewardkit.report.html import pipeline_bench as bench
from rewardkit.report.html import pipeline_checks as checks
from rewardkit.report.html import pipeline_data as grids
from rewardkit.report.html.pipeline_data import Grid, ModelRuns

if TYPE_CHECKING:
    from rewardkit.jobs.annotations import AggregateRun, AgreeRun
    from rewardkit.jobs.curate import CurateRun
    from rewardkit.jobs.train import TrainRun
    from rewardkit.metrics import EvaluationResult


def _console_table(grid: Grid) -> Table:
    """A rich table of the same cells the one-page report shows."""
    table = Table(title=escape(grid.title), title_justify="left")
    for name, numeric in zip(grid.header, grid.numeric, strict=True):
        table.add_column(escape(name), justify="right" if numeric else "left")
    for row in grid.rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


class ConsoleObserver(DemoObserver):
    """Prints each stage's tables as the demo runs."""

    def data(self, data_dir: Path, written: Mapping[str, Path]) -> None:
        console.print(f"demo data: {data_dir} ({', '.join(sorted(written))})", soft_wrap=True)

    def curated(self, run: CurateRun, dedup: Mapping[str, Any], split: Mapping[str, Any]) -> None:
        from rewardkit.cli.curation_cmd import audit_table

        console.print(grids.curation_summary(dedup, split), highlight=False, soft_wrap=True)
        console.print(audit_table(run.audit))

    def agreement(self, run: AgreeRun) -> None:
        from rewardkit.cli.annotations_cmd import agreement_table

        console.print(agreement_table(run.report))

    def truth(self, check: Mapping[str, Mapping[str, Any]]) -> None:
        console.print(_console_table(grids.truth_grid(check)))

    def aggregated(self, run: AggregateRun) -> None:
        console.print(
            f"aggregated {len(run.result.items)} items into {len(run.result.pairs)} "
            f"training pairs ({run.run_dir / 'pairs.jsonl'})",
            soft_wrap=True,
        )

    def trained(self, run: TrainRun, manifest: Mapping[str, Any]) -> None:
        from rewardkit.cli.train_cmd import history_table

        console.print(history_table(run.history, run.best_epoch))
        console.print(grids.train_summary(manifest), highlight=False)

    def calibrated(self, results: Mapping[str, Any]) -> None:
        console.print(grids.calibration_summary(results), highlight=False)

    def installed(self, path: Path) -> None:
        console.print(f"installed as builtin:demo ({path})", soft_wrap=True)

    def evaluated(
        self,
        headline: EvaluationResult,
        title: str,
        models: Sequence[ModelRuns],
        gap_reference: Mapping[str, str],
    ) -> None:
        console.print(metrics_table(headline, title))
        console.print(_console_table(bench.pair_accuracy_grid(models, gap_reference)))
        console.print(_console_table(bench.overall_grid(models)))

    def bon(self, results: Mapping[str, Any]) -> None:
        from rewardkit.cli.bon_cmd import gamma_table

        console.print(
            gamma_table(
                f"best-of-N overoptimization on {results['data']['n_prompts']} test prompts "
                "(gold: simulated true reward; gamma 0 = picks like the gold)",
                [(e["spec"], e) for e in results["proxies"]],
                "proxy",
                0.95,
            )
        )

    def probed(self, results: Mapping[str, Any]) -> None:
        console.print(_console_table(checks.probe_grid(results)))

    def guarded(self, results: Mapping[str, Any]) -> None:
        console.print(_console_table(checks.guard_grid(results)))

    def abtested(self, results: Mapping[str, Any]) -> None:
        console.print(_console_table(checks.abtest_grid(results)))
        console.print(checks.abtest_summary(results), highlight=False, soft_wrap=True)

    def drifted(
        self, results: Mapping[str, Any], planted: Mapping[str, Any], found: Mapping[str, Any]
    ) -> None:
        drift = {"planted": planted, "found": found}
        console.print(_console_table(checks.drift_grid(drift)))
        console.print(checks.drift_summary(drift, results), highlight=False, soft_wrap=True)
        console.print(_console_table(checks.alerts_grid(results)))

    def warn(self, message: str) -> None:
        warn(message)


@app.command("demo")
def demo_command(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for data, model and runs."),
    seed: int = typer.Option(0, "--seed", help="Seed for data generation and the bootstrap."),
    prompts: int = typer.Option(240, "--prompts", min=30, help="Number of demo prompts."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=10, help="Bootstrap resamples."),
    embed: bool = typer.Option(
        True,
        "--embed/--no-embed",
        help="Train and evaluate the embedding RM (needs rewardkit[embed]).",
    ),
) -> None:
    """Generate the demo dataset; curate it (dedup, leak-free stratified split with held-out
    domains, audit); check agreement of its simulated annotation campaign and aggregate it into
    one reward per response (compared with the ground truth); train an embedding RM on the
    training prompts; evaluate it against the baselines on held-out prompts and domains;
    best-of-N gamma; bias probes of the RM; a guard policy over the responses; a
    pre-registered A/B replay of best-of-4 by the RM against a random candidate; drift
    monitoring of simulated traffic with planted drift."""
    console.print(
        f"report: {out / REPORT_FILE} (written at the end; every run also has its own report.html)",
        soft_wrap=True,
    )
    opts = DemoOptions(out=out, seed=seed, prompts=prompts, bootstrap=bootstrap, embed=embed)
    run = run_demo(opts, ConsoleObserver())
    for suite in run.suites.values():
        for member in suite.runs.values():
            console.print(f"run directory: {member.run_dir}", soft_wrap=True)
    console.print(f"report: {run.report}", soft_wrap=True)
