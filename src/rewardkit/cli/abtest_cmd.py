"""``rewardkit abtest plan|assign|analyze|replay``: pre-registered A/B tests of policies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli.app import app, console, warn
from rewardkit.report.html.svg import fmt
from rewardkit.runs import default_run_dir

abtest_app = typer.Typer(
    help="A/B tests of policies: plan, assign, analyse and decide, pre-registered.",
    no_args_is_help=True,
)
app.add_typer(abtest_app, name="abtest")

PREREG = typer.Option(..., "--prereg", help="Pre-registration file written by abtest plan.")
OUT = typer.Option(None, "--out", help="Run directory [default: runs/abtest-<time>].")


def _ci(ci: list[float | None]) -> str:
    return escape(f"[{fmt(ci[0])}, {fmt(ci[1])}]")


def _print_results(res: dict[str, Any], run_dir: Path) -> None:
    table = Table(title=f"{res['preregistration']['name']} ({res['preregistration']['design']})")
    for col in ("metric", "role", "n", "difference", "CI", "lift", "p", "p adj / NI"):
        table.add_column(col, justify="left" if col in ("metric", "role") else "right")
    for m in res["metrics"]:
        ni = m.get("noninferiority")
        last = (
            fmt(m.get("p_adjusted"))
            if m["role"] == "primary"
            else (
                "non-inferior"
                if ni["noninferior"]
                else "inferior"
                if ni["inferior"]
                else "not shown"
            )
        )
        table.add_row(
            escape(m["name"]),
            m["role"],
            f"{m['n_control']}/{m['n_treatment']}",
            fmt(m["difference"]["value"]),
            _ci(m["difference"]["ci"]),
            fmt(m["relative_lift"]["value"], 3),
            fmt(m["p_value"]),
            last,
        )
    console.print(table)
    if res.get("srm") and res["srm"]["mismatch"]:
        warn(
            f"sample-ratio mismatch: counts {res['srm']['counts']}, p = {res['srm']['p_value']:.2e}"
        )
    d = res["decision"]
    console.print(f"decision: {escape(d['decision'])} ({escape('; '.join(d['reasons']))})")
    console.print(f"run directory: {run_dir}", soft_wrap=True)


@abtest_app.command("plan")
def plan_command(
    config: Path = typer.Option(..., "--config", help="Experiment YAML (see configs/abtest.yaml)."),
    out: Path = typer.Option(..., "--out", help="Pre-registration file to write (.yaml or .json)."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace an existing pre-registration (before any data)."
    ),
) -> None:
    """Sample sizes per arm from the MDEs, alpha, power and allocation, written with the
    metrics, margins and decision rule into a hashed pre-registration file."""
    from rewardkit.jobs.abtest import run_plan

    res = run_plan(config, out, overwrite=overwrite)
    plan = res.document["plan"]
    table = Table(title=f"plan of {res.document['experiment']['name']}")
    for col in ("metric", "role", "test", "alpha", "effect size", "n control", "n treatment"):
        table.add_column(col, justify="left" if col in ("metric", "role", "test") else "right")
    for m in plan["metrics"]:
        table.add_row(
            escape(m["metric"]),
            m["role"],
            escape(m["test"]),
            fmt(m["alpha"]),
            fmt(m["effect_size"]),
            str(m["n_control"]),
            str(m["n_treatment"]),
        )
    console.print(table)
    console.print(
        f"n per arm: {plan['n_control']} control, {plan['n_treatment']} treatment "
        f"({plan['n_total']} units)"
    )
    console.print(f"pre-registration: {res.path} (sha256 {res.document['sha256'][:16]}...)")


@abtest_app.command("assign")
def assign_command(
    prereg: Path = PREREG,
    units: Path = typer.Option(..., "--units", help="Table of units (CSV, JSONL, Parquet)."),
    id_column: str = typer.Option("unit_id", "--id-column", help="Column of the unit ids."),
    out: Path | None = OUT,
) -> None:
    """Salted hash assignment of units to arms; sample-ratio-mismatch check of the counts."""
    from rewardkit.jobs.abtest import run_assign

    run = run_assign(prereg, units, out or default_run_dir("abtest-assign"), id_column=id_column)
    srm = run.results_json["srm"]
    console.print(
        f"assigned {run.results_json['n_units']} units: counts {srm['counts']} "
        f"(expected {[round(e, 1) for e in srm['expected']]}), SRM chi-square p = "
        f"{srm['p_value']:.3g}"
    )
    if srm["mismatch"]:
        warn("sample-ratio mismatch: the counts do not fit the planned split")
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)


@abtest_app.command("analyze")
def analyze_command(
    prereg: Path = PREREG,
    data: Path = typer.Option(
        ..., "--data", help="Experiment log: unit_id, arm, timestamp, metric columns."
    ),
    out: Path | None = OUT,
) -> None:
    """Analyse the log exactly as the pre-registration specifies and decide (ship / don't
    ship / inconclusive); refuses an edited pre-registration or one recorded after the data
    started. Writes results.json and report.html."""
    from rewardkit.jobs.abtest import run_analyze

    run = run_analyze(prereg, data, out or default_run_dir("abtest"))
    _print_results(run.results_json, run.run_dir)


@abtest_app.command("replay")
def replay_command(
    prereg: Path = PREREG,
    control: Path = typer.Option(
        ..., "--control", help="Control policy's outcomes per unit (or XSTest completions)."
    ),
    treatment: Path = typer.Option(
        ..., "--treatment", help="Treatment policy's outcomes on the same units."
    ),
    out: Path | None = OUT,
) -> None:
    """Offline A/B from evaluation data: both policies on the same units (paired tests), the
    same pre-registered decision."""
    from rewardkit.jobs.abtest import run_replay

    run = run_replay(prereg, control, treatment, out or default_run_dir("abtest-replay"))
    _print_results(run.results_json, run.run_dir)
