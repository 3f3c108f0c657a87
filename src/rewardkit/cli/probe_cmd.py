"""``rewardkit probe``: what does an RM reward besides quality? Counterfactual bias probes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli import options
from rewardkit.cli.app import ALLOW_PYTHON, app, console
from rewardkit.config import load_config
from rewardkit.probes.config import ProbeConfig
from rewardkit.runs import default_run_dir


def _fmt(e: dict[str, Any] | None) -> str:
    if not e or e.get("value") is None:
        return "n/a"
    lo, hi = ("n/a" if x is None else f"{x:.3g}" for x in e["ci"])
    return f"{e['value']:.3g} [{lo}, {hi}]"


@app.command("probe")
def probe_command(
    data: Path = typer.Option(..., "--data", help="Preference file (any preference layout)."),
    model: list[str] = typer.Option(
        ..., "--model", help=options.model_help("RM spec (repeat to compare several)")
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/probe-<time>]."
    ),
    probe: list[str] | None = typer.Option(
        None, "--probe", help="Probe to run (repeat) [default: all]."
    ),
    xstest: Path | None = typer.Option(
        None, "--xstest", help="XSTest folder: adds real answered/refused pairs (safe, unsafe)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Transformation and bootstrap seed."),
    bootstrap: int | None = typer.Option(None, "--bootstrap", help="Bootstrap resamples."),
    confidence: float | None = typer.Option(None, "--confidence", help="CI level [0.95]."),
    batch_size: int | None = options.BATCH_SIZE,
    max_tokens: int | None = options.MAX_TOKENS,
    cache: str | None = options.CACHE,
    no_cache: bool | None = options.NO_CACHE,
    executor: str | None = options.EXECUTOR,
    layout: str | None = options.LAYOUT,
    split: str | None = options.SPLIT,
    skip_invalid: bool | None = options.SKIP_INVALID,
    max_length: int | None = options.MAX_LENGTH,
    device: str | None = options.DEVICE,
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = typer.Option(None, "--config", help="YAML file of the probe options."),
) -> None:
    """Length, formatting, tone, sycophancy, refusal, position and typo probes: preference
    rate and (length-controlled) score shift per probe with bootstrap CIs, per domain, and a
    fingerprint table comparing the RMs; writes results.json, probe_pairs.parquet, report.html."""
    from rewardkit.jobs.probe import run_probe

    cfg = load_config(
        ProbeConfig,
        config,
        {
            "seed": seed,
            "bootstrap": bootstrap,
            "confidence": confidence,
            "probes": tuple(probe) if probe else None,
            "xstest": None if xstest is None else str(xstest),
            "batch_size": batch_size,
            "max_tokens": max_tokens,
            "cache": cache,
            "no_cache": no_cache,
            "executor": executor,
            "layout": layout,
            "split": split,
            "skip_invalid": skip_invalid,
        },
    )
    model_options = {"max_length": max_length, "device": device, "allow_python": allow_python}
    run = run_probe(data, model, cfg, out or default_run_dir("probe"), model_options=model_options)
    doc = run.results_json
    table = Table(
        title=f"bias fingerprint on {data.name} (vs margin; * = flagged)", title_justify="left"
    )
    table.add_column("probe")
    table.add_column("pairs", justify="right")
    for m in doc["models"]:
        table.add_column(escape(m["spec"]), justify="right")
    for row in doc["fingerprint"]:
        cells = []
        for m in doc["models"]:
            entry = row[m["spec"]]
            shown = entry["relative_effect"] or entry["controlled_preference"]
            cells.append(escape(_fmt(shown)) + (" *" if entry["flagged"] else ""))
        table.add_row(escape(row["probe"]), str(doc["probes"][row["probe"]]["n_pairs"]), *cells)
    console.print(table)
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)
